"""What waits in Slurm, kept fresh on a thread of its own: the pending jobs per sector and reason
now (squeue, every ~30 s) and the p50/p90 waits, submit → start, of the jobs that started in
the last days (sacct, every few minutes). Each read ends in an immutable SchedulerView handed to
the listeners; the GUI never waits for Slurm.

When slurmdbd (sacct) or slurmctld (squeue) does not answer, the view says so in words and
keeps the last good figures, marked stale with the time they were read: an operator sees what
was true and since when, never a made-up zero. A failed read is retried at the pending pace, so
the view recovers soon after the daemon is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from console.capacity.backends.base import BackendError
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.i18n.catalogue import Phrase, reason_of, translate
from console.scheduler.books import AccountMap, Waits, books
from console.scheduler.queue import Waiting, pending_jobs, waiting
from console.scheduler.reader import SacctReader
from console.scheduler.sacct import SacctError

log = logging.getLogger(__name__)

THREAD_NAME = "scheduler-watch"
PERIOD_S = 7 * 86400.0
PENDING_EVERY_S = 30.0
WAITS_EVERY_S = 300.0
# a read that takes longer is a failure said in words: the view must not wait on a hung Slurm
PENDING_TIMEOUT_S = 15.0
SACCT_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class SchedulerView:
    """One moment of the watch. `pending`/`waits` are None until first read; they stay the last
    good figures when a later read fails (then `*_problem` says why and `stale` is true)."""

    made_at: float
    pending: Mapping[str, Mapping[str, Waiting]] | None = None  # sector → reason → jobs/GPUs
    pending_at: float | None = None  # when `pending` was read
    waits: Mapping[str, Waits] | None = None  # sector → waits of jobs started in the period
    waits_t0: float | None = None
    waits_t1: float | None = None
    waits_at: float | None = None
    queue_problem: Phrase | None = None  # squeue failed at the last try
    accounting_problem: Phrase | None = None  # sacct (slurmdbd) failed at the last try
    how: str = ""  # how sacct was read (a Phrase: Slurm's version, json/text, where)

    @property
    def stale(self) -> bool:
        """Figures are shown but the last read of them failed."""
        return (self.queue_problem is not None and self.pending is not None) or (
            self.accounting_problem is not None and self.waits is not None
        )

    def problems(self) -> tuple[Phrase, ...]:
        """The clear states, accounting's first (the one the issue names)."""
        return tuple(p for p in (self.accounting_problem, self.queue_problem) if p is not None)

    def queued(self, sector: str) -> Waiting:
        """Pending jobs and GPUs of a sector, every reason together."""
        table = (self.pending or {}).get(sector, {})
        return Waiting(sum(w.jobs for w in table.values()), sum(w.gpus for w in table.values()))

    def reasons(self, sector: str, most: int = 3) -> list[tuple[str, Waiting]]:
        """The sector's pending reasons, the most GPUs first."""
        table = (self.pending or {}).get(sector, {})
        ranked = sorted(table.items(), key=lambda kv: (-kv[1].gpus, -kv[1].jobs, kv[0]))
        return ranked[:most]

    def wait(self, sector: str) -> Waits | None:
        return None if self.waits is None else self.waits.get(sector)


def accounting_state(error: object) -> Phrase:
    return translate("SchedulerWatch", "Slurm's accounting cannot be read: {error}").fill(
        error=error
    )


def queue_state(error: object) -> Phrase:
    return translate("SchedulerWatch", "Slurm's queue cannot be read: {error}").fill(error=error)


def slurm_why(exc: BaseException) -> str:
    """Slurm's own last word where it said one (not the whole argv: a card is narrow)."""
    if isinstance(exc, CommandFailed) and exc.rc is None:
        return translate("Slurm", "timed out").fill()
    if isinstance(exc, CommandFailed) and exc.stderr:
        return exc.stderr.splitlines()[-1]
    return reason_of(exc)


def _frozen(table: Mapping[str, Mapping[str, Waiting]]) -> Mapping:
    return MappingProxyType({s: MappingProxyType(dict(r)) for s, r in table.items()})


class SchedulerWatch:
    def __init__(
        self,
        runner: Runner,
        accounts: AccountMap,
        on_view: Callable[[SchedulerView], None] | None = None,
        period_s: float = PERIOD_S,
        pending_every_s: float = PENDING_EVERY_S,
        waits_every_s: float = WAITS_EVERY_S,
        clock: Callable[[], float] = time.time,
        close_runner: bool = True,
    ) -> None:
        self.runner = runner
        self.accounts = accounts
        self.period_s = period_s
        self.pending_every_s = pending_every_s
        self.waits_every_s = waits_every_s
        self.clock = clock
        self.close_runner = close_runner
        self.reader = SacctReader(runner, SACCT_TIMEOUT_S)
        self.latest = SchedulerView(clock())
        self._listeners: list[Callable[[SchedulerView], None]] = [on_view] if on_view else []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the caller's side ----------------------------------------------------------------

    def subscribe(self, listener: Callable[[SchedulerView], None]) -> None:
        """`listener(view)` on the watch's thread after every read (a front-end re-emits it as
        a queued Qt signal); it gets the latest view at once."""
        with self._lock:
            self._listeners.append(listener)
            view = self.latest
        listener(view)

    def start(self) -> SchedulerWatch:
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Ends the loop and joins it; a read under way finishes (its own timeout bounds it)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        if self.close_runner:
            self.runner.close()

    def waits_between(self, t0: float, t1: float) -> Mapping[str, Waits]:
        """Waits of the jobs started in [t0, t1), read now (for the accounting tab's period; call
        it off the GUI thread). Raises BackendError or SacctError."""
        jobs = SacctReader(self.runner).jobs(t0, t1)
        return books(jobs, self.accounts, t0, t1, self.clock()).waits

    # -- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        next_pending = next_waits = 0.0
        while not self._stop.is_set():
            now = self.clock()
            if now >= next_pending:
                self._read_pending()
                next_pending = now + self.pending_every_s
            if now >= next_waits:
                ok = self._read_waits()
                # a failure is tried again at the queue's pace: recover soon after slurmdbd does
                next_waits = now + (self.waits_every_s if ok else self.pending_every_s)
            self._stop.wait(max(0.05, min(next_pending, next_waits) - self.clock()))

    def _read_pending(self) -> None:
        try:
            jobs = pending_jobs(self.runner, self.reader.json is not False, PENDING_TIMEOUT_S)
            table = waiting(jobs, self.accounts)
        except (BackendError, OSError, ValueError) as exc:
            log.warning("squeue: %s", exc)
            self._publish(queue_problem=queue_state(slurm_why(exc)))
            return
        self._publish(pending=_frozen(table), pending_at=self.clock(), queue_problem=None)

    def _read_waits(self) -> bool:
        t1 = self.clock()
        t0 = t1 - self.period_s
        decided = self.reader.json  # None: json or text not known yet
        try:
            jobs = self.reader.jobs(t0, t1)
        except (BackendError, SacctError, OSError) as exc:
            if decided is None:  # both forms failed because slurmdbd did: decide once it answers
                self.reader.json = None
            log.warning("sacct: %s", exc)
            self._publish(accounting_problem=accounting_state(slurm_why(exc)))
            return False
        found = books(jobs, self.accounts, t0, t1, t1)
        self._publish(
            waits=MappingProxyType(dict(found.waits)),
            waits_t0=t0,
            waits_t1=t1,
            waits_at=self.clock(),
            accounting_problem=None,
            how=self.reader.how(),
        )
        return True

    def _publish(self, **changes) -> None:
        with self._lock:
            self.latest = replace(self.latest, made_at=self.clock(), **changes)
            view, listeners = self.latest, list(self._listeners)
        for listener in listeners:
            try:
                listener(view)
            except Exception:  # a listener's bug must not end the watch
                log.exception("scheduler view listener")


def watch_for(inventory, **options) -> SchedulerWatch | None:
    """The watch for a fleet file with a [slurm] table (its controller, its accounts); None
    without one (the demo fleet has no queue history with starts: its waits stay absent).
    `options` go to SchedulerWatch (period_s, pending_every_s, …)."""
    if inventory is None or inventory.slurm is None:
        return None
    from console.capacity.backends.slurm_setup import slurm_options_for, slurm_runner

    slurm = slurm_options_for(inventory)
    return SchedulerWatch(
        slurm_runner(slurm), AccountMap.from_inventory(inventory, slurm.partitions), **options
    )
