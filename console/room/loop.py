"""The bridge of a process without a window: one "fleet" thread instead of the Qt event loop.

Same duties and interface as console/bridge.py (submit, submit_allocation,
submit_scheduler_jobs, snapshot_ready,
start, stop, latest), so console/app.py's Services wire it unchanged: batches from the poller
queue under a lock, the fleet thread alone touches the FleetState, and it makes at most
`max_rate_hz` snapshots a second (one a second when nothing arrives, so ages keep moving).
Listeners (history, alerts) run on that thread, as they run on the GUI thread in the window.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

from console.fleet.jobs import SchedulerJobs
from console.fleet.model import FleetSnapshot, PollBatch, Sector
from console.fleet.state import FleetState

log = logging.getLogger(__name__)
IDLE_REFRESH_S = 1.0


class Listeners:
    """A signal's `connect`/`emit`, without Qt: called in order on the emitting thread."""

    def __init__(self) -> None:
        self._slots: list[Callable[[FleetSnapshot], None]] = []

    def connect(self, slot: Callable[[FleetSnapshot], None]) -> None:
        self._slots.append(slot)

    def emit(self, snap: FleetSnapshot) -> None:
        for slot in self._slots:
            try:
                slot(snap)
            except Exception:  # one broken listener must not stop collection for the others
                log.exception("snapshot listener %r failed", slot)


class FleetLoop:
    def __init__(
        self,
        fleet: FleetState,
        max_rate_hz: float = 4.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.fleet = fleet
        self.snapshot_ready = Listeners()
        self._clock = clock
        self._period = 1.0 / max_rate_hz
        self._wake = threading.Condition()
        self._pending: list[PollBatch] = []
        self._allocation: Mapping[str, Sector] | None = None
        self._scheduler_jobs: SchedulerJobs | None = None
        self._dirty = True
        self._stop = False
        self._thread: threading.Thread | None = None
        self.latest: FleetSnapshot | None = None  # read by the HTTP threads: an immutable value
        self.snapshots = 0
        self.first_data_at: float | None = None

    def submit(self, batch: PollBatch) -> None:
        """Thread-safe: queue a batch for the fleet thread."""
        with self._wake:
            self._pending.append(batch)
            self._wake.notify()

    def submit_allocation(self, allocation: Mapping[str, Sector]) -> None:
        """Thread-safe: the capacity backend's allocation, applied on the fleet thread."""
        with self._wake:
            self._allocation = dict(allocation)
            self._wake.notify()

    def submit_scheduler_jobs(self, jobs: SchedulerJobs) -> None:
        """Thread-safe: the scheduler's running jobs, applied on the fleet thread."""
        with self._wake:
            self._scheduler_jobs = jobs
            self._wake.notify()

    def start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="fleet-loop", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Returns once the fleet thread is done, so the history can be closed behind it."""
        with self._wake:
            self._stop = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        last_emit = 0.0
        while True:
            with self._wake:
                idle = self._allocation is None and self._scheduler_jobs is None
                if not self._stop and not self._pending and idle:
                    self._wake.wait(self._period)
                if self._stop:
                    return
                batches, self._pending = self._pending, []
                allocation, self._allocation = self._allocation, None
                jobs, self._scheduler_jobs = self._scheduler_jobs, None
            if allocation is not None and self.fleet.reallocate(allocation):
                self._dirty = True
            if jobs is not None:
                self.fleet.set_scheduler_jobs(jobs)
                self._dirty = True
            for batch in batches:
                self.fleet.apply(batch)
            if batches:
                self._dirty = True
                if self.first_data_at is None:  # the first data is served at once
                    self.first_data_at = self._clock()
                    last_emit = 0.0
            now = self._clock()
            since = now - last_emit
            if (self._dirty and since >= self._period) or since >= IDLE_REFRESH_S:
                last_emit = now
                self.emit_snapshot(now)

    def emit_snapshot(self, now: float | None = None) -> FleetSnapshot:
        now = self._clock() if now is None else now
        self._dirty = False
        self.latest = self.fleet.snapshot(now)
        self.snapshots += 1
        self.snapshot_ready.emit(self.latest)
        return self.latest
