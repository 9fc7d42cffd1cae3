"""The only place where worker threads meet Qt.

Workers call `submit(batch)` from any thread. Batches queue up under a lock and one queued signal
wakes the GUI thread, however many batches arrived meanwhile (coalesced). The GUI thread applies
them to the FleetState and, at most `max_rate_hz` times a second, emits a FleetSnapshot for the
widgets; with no new data it still emits once a second so ages and staleness keep moving.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from console.fleet.jobs import SchedulerJobs
from console.fleet.model import FleetSnapshot, PollBatch, Sector
from console.fleet.state import FleetState

IDLE_REFRESH_S = 1.0


class Bridge(QObject):
    snapshot_ready = Signal(object)  # FleetSnapshot
    _batches_waiting = Signal()

    def __init__(
        self,
        fleet: FleetState,
        max_rate_hz: float = 4.0,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.fleet = fleet
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[PollBatch] = []
        self._allocation: Mapping[str, Sector] | None = None  # newest from the capacity backend
        self._scheduler_jobs: SchedulerJobs | None = None  # newest scheduler read, not applied
        self._wake_queued = False
        self._dirty = True
        self._had_data = False
        self._last_emit = 0.0
        self.latest: FleetSnapshot | None = None
        self._batches_waiting.connect(self._drain, Qt.ConnectionType.QueuedConnection)
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / max_rate_hz))
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def submit(self, batch: PollBatch) -> None:
        """Thread-safe: queue a batch for the GUI thread."""
        with self._lock:
            self._pending.append(batch)
            wake = not self._wake_queued
            self._wake_queued = True
        if wake:
            self._batches_waiting.emit()

    def submit_allocation(self, allocation: Mapping[str, Sector]) -> None:
        """Thread-safe: the capacity backend's allocation, applied on the GUI thread."""
        with self._lock:
            self._allocation = dict(allocation)
            wake = not self._wake_queued
            self._wake_queued = True
        if wake:
            self._batches_waiting.emit()

    def submit_scheduler_jobs(self, jobs: SchedulerJobs) -> None:
        """Thread-safe: the scheduler's running jobs (console/scheduler/running.py), applied on
        the GUI thread (a GPU's use is charged to its job's account from then on)."""
        with self._lock:
            self._scheduler_jobs = jobs
            wake = not self._wake_queued
            self._wake_queued = True
        if wake:
            self._batches_waiting.emit()

    @Slot()
    def _drain(self) -> None:
        with self._lock:
            batches, self._pending = self._pending, []
            allocation, self._allocation = self._allocation, None
            jobs, self._scheduler_jobs = self._scheduler_jobs, None
            self._wake_queued = False
        if allocation is not None and self.fleet.reallocate(allocation):
            self._dirty = True
        if jobs is not None:
            self.fleet.set_scheduler_jobs(jobs)
            self._dirty = True
        for batch in batches:
            self.fleet.apply(batch)
        self._dirty = self._dirty or bool(batches)
        if batches and not self._had_data:
            self._had_data = True
            self.emit_snapshot()  # the first data goes on screen at once, not at the next tick

    @Slot()
    def _tick(self) -> None:
        now = self._clock()
        if self._dirty or now - self._last_emit >= IDLE_REFRESH_S:
            self.emit_snapshot(now)

    def emit_snapshot(self, now: float | None = None) -> FleetSnapshot:
        now = self._clock() if now is None else now
        self._dirty = False
        self._last_emit = now
        self.latest = self.fleet.snapshot(now)
        self.snapshot_ready.emit(self.latest)
        return self.latest
