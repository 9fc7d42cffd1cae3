"""The kiosk's quota reads (quota mode): the sector caps and use, read off the GUI thread.

sacctmgr and squeue may be slow or slurmdbd down, so reads run on a CapacityWorker's reader
thread every QUOTA_READ_MS; each read (or the reason it failed) goes to every page that shows
quotas. The kiosk only reads: the policy it runs under refuses every write.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from widgets.capacity.worker import CapacityWorker
from widgets.common.labels import core_text

QUOTA_READ_MS = 15_000


class QuotaFeed(QObject):
    def __init__(self, read, pages, parent: QObject | None = None) -> None:
        """`read`: QuotaService.read; `pages`: the kiosk's pages (those with show_quota)."""
        super().__init__(parent)
        self.pages = [p for p in pages if hasattr(p, "show_quota")]
        self.worker = CapacityWorker(read, self)
        self.worker.state_read.connect(self._show)
        self.worker.read_failed.connect(self._failed)
        self.timer = QTimer(self, interval=QUOTA_READ_MS)
        self.timer.timeout.connect(self.worker.request_read)

    def start(self) -> None:
        self.timer.start()
        self.worker.request_read()

    def _show(self, state) -> None:
        for page in self.pages:
            page.show_quota(state)

    def _failed(self, message) -> None:
        text = core_text(message)
        for page in self.pages:
            page.show_quota_problem(text)

    def shutdown(self) -> None:
        self.timer.stop()
        self.worker.shutdown()
