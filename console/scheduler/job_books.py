"""The per-job books in a running console: Slurm's GPU holders (running_watch.py, on its own
thread) and the fleet's snapshots (on the fleet's thread) into a JobUsageTracker, its rows into
job-usage.sqlite, its idle jobs to the alert engine.

The snapshot side only takes the newest read and drains the tracker (cheap); the SQLite writes
happen on the watch's thread after each read, so the GUI thread never waits on the disk. A
failed read keeps the last holders until they are too old to trust (the tracker stops counting
then) and `problem` says why, for the accounting tab.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from console.capacity.backends.slurm_runner import Runner
from console.fleet.job_usage import JobUsage, JobUsageTracker
from console.fleet.jobs import SchedulerJobs
from console.fleet.model import FleetSnapshot
from console.history.job_usage_db import JobHour, JobMeta, JobUsageStore, job_usage_path
from console.inventory.model import Inventory
from console.scheduler.books import AccountMap
from console.scheduler.efficiency import idle_jobs, idle_records, job_rows
from console.scheduler.running_watch import RunningRead, RunningWatch

log = logging.getLogger(__name__)

DRAIN_EVERY_S = 60.0


class RunningJobsUnavailable(Exception):
    """Slurm's running jobs could not be read; the message (a Phrase) says why."""


class JobBooks:
    def __init__(
        self,
        runner: Runner,
        store_path: Path,
        interval_s: float = 30.0,
        accounts: AccountMap | None = None,
        inventory: Inventory | None = None,
        own_thread: bool = True,
    ) -> None:
        """`own_thread=False`: no thread of its own; someone else's calls `read()` (a feed that
        also hands the jobs on, so Slurm is asked once)."""
        self.own_thread = own_thread
        self.alerts = None  # an AlertEngine to hand the idle jobs to with every snapshot
        self.accounts = accounts or AccountMap.from_inventory(inventory, {})
        self.organisations = {o.id: o for o in (inventory.organisations if inventory else ())}
        self.tracker = JobUsageTracker()
        self.store_path = Path(store_path)
        self.watch = RunningWatch(runner, self._on_read, interval_s=interval_s)
        self._lock = threading.Lock()
        self._latest: SchedulerJobs | None = None  # not yet given to the tracker
        self._pending: tuple[list[JobMeta], list[JobHour]] = ([], [])
        self._drained_at: float | None = None
        self._store: JobUsageStore | None = None
        self.problem: str | None = None  # the last read's failure, None when it worked
        self.read_at: float | None = None  # the last read that worked

    def start(self) -> None:
        self._store = JobUsageStore(self.store_path)
        if self.own_thread:
            self.watch.start()

    def stop(self) -> None:
        """After whoever calls read() has stopped: the last rows are written."""
        self.watch.stop()
        self.watch.runner.close()
        self._drain()
        self._write()
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- the watch's thread -----------------------------------------------------------------

    def read(self) -> SchedulerJobs:
        """One read of Slurm's holders, booked as the thread's would be; raises on a failed
        read with the reason (for a feed that keeps the last jobs and says why)."""
        read = self.watch.read_once()
        self._on_read(read)
        if read.jobs is None:
            raise RunningJobsUnavailable(read.error)
        return read.jobs

    def _on_read(self, read: RunningRead) -> None:
        with self._lock:
            if read.ok:
                self._latest, self.problem, self.read_at = read.jobs, None, read.at
            else:
                self.problem = read.error
        if read.error:
            log.warning("%s", read.error)
        self._write()

    def _write(self) -> None:
        with self._lock:
            metas, hours = self._pending
            self._pending = ([], [])
        if self._store is not None and (metas or hours):
            try:
                self._store.write(metas, hours)
            except Exception:  # a full disk must not end the watch; the rows are lost
                log.exception("job usage could not be written to %s", self.store_path)

    # -- the fleet's thread -----------------------------------------------------------------

    def observe(self, snap: FleetSnapshot) -> None:
        with self._lock:
            latest, self._latest = self._latest, None
        if latest is not None:
            self.tracker.set_jobs(latest)
        self.tracker.update(snap)
        if self.alerts is not None:  # the idle_job rule's input, fresh for this snapshot
            self.alerts.set_idle_jobs(self.idle_jobs())
        if self._drained_at is None or snap.t - self._drained_at >= DRAIN_EVERY_S:
            self._drained_at = snap.t
            self._drain()

    def _drain(self) -> None:
        metas, hours = self.tracker.drain()
        with self._lock:
            self._pending[0].extend(metas)
            self._pending[1].extend(hours)

    def idle_jobs(self) -> list[tuple[str, int, float]]:
        """(node, GPU, seconds) of each job's first GPU while all its GPUs are at ~0 %."""
        return [(u.places[0][0], u.places[0][1], s) for u, s in self.tracker.idle_now() if u.places]

    def usage(self) -> list[JobUsage]:
        return self.tracker.usage()

    def idle_table(self, t0: float, t1: float, lang: str, min_minutes: float = 60.0) -> list[dict]:
        """The "GPU-hours at 0 %" list for [t0, t1) from the store (any thread: its own
        read-only connection), rows as efficiency.IDLE_COLUMNS."""
        if not self.store_path.exists():
            return []
        store = JobUsageStore(self.store_path, readonly=True)
        try:
            totals = store.totals(t0, t1)
        finally:
            store.close()
        rows = idle_jobs(job_rows(totals, self.accounts), min_minutes)
        return idle_records(rows, lang, self.organisations)


def job_books_for(inventory: Inventory, data_dir: Path, own_thread: bool = True
                  ) -> JobBooks | None:
    """The books for a fleet file that names a Slurm cluster ([slurm]); None without one."""
    if inventory.slurm is None:
        return None
    from console.capacity.backends.slurm_setup import slurm_options_for, slurm_runner

    options = slurm_options_for(inventory)
    return JobBooks(
        slurm_runner(options),
        job_usage_path(data_dir),
        accounts=AccountMap.from_inventory(inventory, options.partitions),
        inventory=inventory,
        own_thread=own_thread,
    )


def slurm_readers(inventory: Inventory, data_dir: Path, deliver, alerts=None) -> tuple:
    """What a console with [slurm] starts together, in this order (the books write their last
    rows once the feed has stopped): the jobs feed, which reads the GPU holders through the
    books (one Slurm read for charging and for the books), the queue watch, the books."""
    from console.scheduler.running import feed_for
    from console.scheduler.watch import watch_for

    books = job_books_for(inventory, data_dir, own_thread=False)
    books.alerts = alerts
    return feed_for(inventory, deliver, read=books.read), watch_for(inventory), books
