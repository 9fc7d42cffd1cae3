"""The quota reads shown outside the board (quota mode): sector cards and kiosk sector pages.

sacctmgr and squeue may be slow or slurmdbd down, so nothing here reads the scheduler: the core's
one background reader of the caps (Services.quota_follower, console/capacity/quota/demand.py)
keeps its latest read, which also feeds the "starved sector" rule. This feed looks at that read
every FEED_MS on the GUI thread (an attribute, no I/O) and hands each new read, or the reason the
last one failed, to every page that shows quotas. The kiosk only reads: its policy refuses writes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from widgets.common.labels import core_text

FEED_MS = 2_000


class QuotaFeed(QObject):
    def __init__(
        self, follower: Callable[[], object], pages, parent: QObject | None = None
    ) -> None:
        """`follower`: gives the follower (an AllocationFollower of the caps) or None before the
        services start; `pages`: widgets, those with show_quota get the reads."""
        super().__init__(parent)
        self.follower = follower
        self.pages = [p for p in pages if hasattr(p, "show_quota")]
        self.shown: object | None = None  # the read or the problem last handed out
        self.timer = QTimer(self, interval=FEED_MS)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.timer.start()
        self.poll()

    def poll(self) -> None:
        follower = self.follower()
        if follower is None:
            return
        problem, latest = follower.problem, follower.latest
        if problem is not None:
            if problem is not self.shown:
                self.shown = problem
                self._failed(problem)
        elif latest is not None and latest is not self.shown:
            self.shown = latest
            self.show(latest)

    def show(self, state) -> None:
        """A read (also the board's own, fresher after an apply) to every page."""
        for page in self.pages:
            page.show_quota(state)

    def _failed(self, message) -> None:
        text = core_text(message)
        for page in self.pages:
            page.show_quota_problem(text)

    def shutdown(self) -> None:
        self.timer.stop()
