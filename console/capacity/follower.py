"""Reads the capacity backend every few seconds on its own thread, so the snapshot's sectors
follow the allocation (moves made here, by another console, or straight in the scheduler)
without a slow scheduler call on the GUI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from console.capacity.backends.base import Backend
from console.capacity.model import ClusterState
from console.i18n.catalogue import reason_of

log = logging.getLogger(__name__)


class AllocationFollower:
    def __init__(
        self,
        backend: Backend,
        on_state: Callable[[ClusterState], None],
        interval_s: float = 5.0,
        name: str = "capacity-follower",
    ) -> None:
        self.backend = backend
        self.on_state = on_state
        self.interval_s = interval_s
        self.name = name  # quota mode follows the caps on a thread of its own name
        self.latest: ClusterState | None = None
        self.problem: str | None = None  # why the last read failed, for the status bar
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def refresh(self) -> None:
        """Read again now (after an apply), not at the next interval."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                state = self.backend.read()
            except Exception as exc:  # a scheduler that does not answer must not end the loop
                self.problem = reason_of(exc)  # a Phrase stays one: the window says it in Korean
                log.warning("capacity backend %s: %s", self.backend.name, self.problem)
            else:
                self.problem = None
                self.latest = state
                self.on_state(state)
            self._wake.wait(self.interval_s)
            self._wake.clear()
