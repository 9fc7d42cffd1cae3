"""A real fleet's job history for the what-if: the last N days of Slurm's books (sacct).

Each job allocation sacct lists is charged to a sector as the books charge it (its account is an
organisation's or a sector's, console/scheduler/books.py); a job no rule maps, one that asked
for no GPU, or one cancelled before it ever started (nobody waited for it to run) is left out.
What the replay needs of a job, from sacct's fields:

- GPUs: what it asked for (ReqTRES); what it was given (AllocTRES) where the ask names none;
- run time: start → end; still running: start → now; never started: its time limit (the
  replay runs it as long as it may run: nothing better is known of it);
- time limit: TimelimitRaw; unlimited: UNLIMITED_LIMIT_S, so backfill plans around it as
  Slurm does around a job without an end (never beside it).

Jobs in partitions the what-if does not replay are left out too (`partitions`: node mode's
sector partitions, quota mode's shared one). A slurmdbd that is down, hangs past the reader's
timeout or prints what cannot be read raises HistoryUnavailable, whose text says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from console.capacity.backends.slurm_runner import BackendError, CommandFailed
from console.fleet.model import Sector
from console.i18n.catalogue import Phrase, translate
from console.scheduler.books import UNMAPPED, AccountMap
from console.scheduler.reader import SacctReader
from console.scheduler.sacct import JobRecord, SacctError
from console.whatif.effect import CachedHistory, HistoryUnavailable
from console.whatif.jobs import DAY_S, Job, JobHistory

if TYPE_CHECKING:
    from console.inventory.model import Inventory

DEFAULT_DAYS = 30
UNLIMITED_LIMIT_S = 365 * DAY_S
_CANCELLED = ("CANCELLED", "DEADLINE", "REVOKED")


def job_of(record: JobRecord, sector: Sector, now: float) -> Job | None:
    """The replay's job for one sacct record; None for one the what-if does not learn from."""
    gpus = record.req_gpus or record.gpus
    if gpus <= 0 or record.submit is None:
        return None
    if record.start is None and record.state in _CANCELLED:
        return None  # withdrawn while it waited: it never asked the GPUs for a run
    limit = record.limit_s or UNLIMITED_LIMIT_S
    if record.start is None or record.start >= now:
        run = limit  # still waiting at the end of the period
    elif record.end is None:
        run = now - record.start  # still running: as long as it has run so far
    else:
        run = max(0.0, record.end - record.start)
    return Job(sector, record.submit, gpus, run, limit, record.job_id)


def history_of(
    records: Iterable[JobRecord],
    accounts: AccountMap,
    start: float,
    end: float,
    source: str = "sacct",
    partitions: Collection[str] | None = None,
) -> JobHistory:
    """The jobs submitted in [start, end), each in the sector its account is charged to."""
    jobs = []
    # by job id within a submit second: the text and the JSON list jobs in different orders
    for record in sorted(records, key=lambda r: (r.submit or 0.0, r.job_id)):
        if partitions is not None and record.partition.split(",")[0] not in partitions:
            continue
        value, _org, _rule = accounts.charge(record)
        if value == UNMAPPED:
            continue
        job = job_of(record, Sector(value), end)
        if job is not None:
            jobs.append(job)
    return JobHistory.of(start, end, jobs, source)


class SacctHistory:
    """Reads the last `days` days from sacct, up to the moment it reads (CachedHistory's
    `make`: the hour it is called for only decides when it reads again, so jobs of this hour
    are in); the reader decides --json or -P once and keeps it."""

    def __init__(
        self,
        reader: SacctReader,
        accounts: AccountMap,
        days: int = DEFAULT_DAYS,
        partitions: Collection[str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.reader, self.accounts, self.days, self.clock = reader, accounts, days, clock
        self.partitions = None if partitions is None else frozenset(partitions)

    def __call__(self, hour: float) -> JobHistory:
        end = max(hour, self.clock())
        start = end - self.days * DAY_S
        try:
            records = self.reader.jobs(start, end)
        except (BackendError, SacctError) as exc:
            raise HistoryUnavailable(unreadable(exc)) from exc
        source = f"sacct, {self.reader.runner.where}"
        return history_of(records, self.accounts, start, end, source, self.partitions)


def unreadable(exc: Exception) -> Phrase:
    """What the board and the commands say instead of a prediction. A failed command is said
    by where it ran and why (its last line of stderr, or the timeout), not by its long argv."""
    error: object = exc.args[0] if exc.args else str(exc)
    if isinstance(exc, CommandFailed):
        if exc.rc is None:
            why: object = translate("Slurm", "timed out")
        elif exc.stderr:
            why = exc.stderr.splitlines()[-1][:300]  # sacct's own "sacct: error: …" line
        else:
            why = translate("Slurm", "exit status {rc}").fill(rc=exc.rc)
        error = why if str(why).startswith("sacct") else translate(
            "WhatIf", "sacct: {why}").fill(why=why)
    return translate(
        "WhatIf", "Slurm's accounting could not be read, so no wait is predicted: {error}"
    ).fill(error=error)


def sacct_history_source(
    runner,
    accounts: AccountMap,
    days: int = DEFAULT_DAYS,
    partitions: Collection[str] | None = None,
    clock: Callable[[], float] = time.time,
) -> CachedHistory:
    """service.job_history for a fleet on Slurm (here or over SSH through `runner`)."""
    make = SacctHistory(SacctReader(runner), accounts, days, partitions, clock)
    return CachedHistory(make, clock)


def fleet_history_source(
    runner,
    inventory: Inventory | None,
    sector_partitions: Mapping[Sector, str],
    quota_partition: str | None = None,
    clock: Callable[[], float] = time.time,
) -> CachedHistory:
    """The what-if's history for a fleet on Slurm. Node mode (`quota_partition` None) learns
    from the sectors' partitions, each job charged by account then partition as the books
    charge it; quota mode from the shared partition, by account only (every sector runs
    there). The fleet file's `[slurm] history_days` says how far back (default 30)."""
    if quota_partition is not None:
        accounts = AccountMap.from_inventory(inventory, {})
        partitions: Collection[str] = {quota_partition}
    else:
        accounts = AccountMap.from_inventory(inventory, sector_partitions)
        partitions = set(sector_partitions.values())
    table = (inventory.slurm if inventory is not None else None) or {}
    days = int(table.get("history_days", DEFAULT_DAYS))
    return sacct_history_source(runner, accounts, days, partitions, clock)


def attach_job_history(service, inventory: Inventory | None) -> None:
    """service.job_history from sacct for a capacity or quota service on Slurm, through the
    backend's own runner (here or over SSH); a service on the embedded store keeps its own
    (the demo's synthetic jobs, or none)."""
    backend = service.backend
    runner = getattr(backend, "runner", None)
    if runner is None or getattr(service, "job_history", None) is not None:
        return
    settings = getattr(backend, "settings", None)
    quota_partition = getattr(settings, "partition", None)  # quota mode's QuotaSettings
    service.job_history = fleet_history_source(
        runner, inventory, getattr(backend, "partitions", {}), quota_partition)
