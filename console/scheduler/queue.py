"""What waits now, per sector: pending jobs and the GPUs they ask for, by Slurm's reason
(QOSGrpGRES: the sector's cap; Resources: no free GPUs; Priority: others first; …), charged to
sectors by the same rules as the books (books.py: account, then partition)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from console.capacity.backends.slurm_parse import ParseError
from console.capacity.backends.slurm_runner import DEFAULT_TIMEOUT_S, CommandFailed, Runner
from console.capacity.backends.slurm_squeue import (
    SQUEUE_FORMAT,
    JobInfo,
    parse_squeue_json,
    parse_squeue_text,
)
from console.scheduler.books import AccountMap


@dataclass(frozen=True, slots=True)
class Waiting:
    jobs: int
    gpus: int


def waiting(jobs: Iterable[JobInfo], accounts: AccountMap) -> dict[str, dict[str, Waiting]]:
    """sector value (or "" unmapped) → reason → pending jobs and their GPUs."""
    counts: defaultdict[str, defaultdict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0]))
    for job in jobs:
        if not job.pending:
            continue
        sector, _, _ = accounts.charge_to(job.account, ",".join(job.partitions))
        cell = counts[sector][job.reason or "None"]
        cell[0] += 1
        cell[1] += job.gpus
    return {s: {r: Waiting(*c) for r, c in sorted(rs.items())} for s, rs in counts.items()}


def pending_jobs(runner: Runner, use_json: bool, timeout: float = DEFAULT_TIMEOUT_S
                 ) -> list[JobInfo]:
    """Pending jobs with their reasons: squeue --json where it works, else the -O text."""
    if use_json:
        try:
            out = runner.run(["squeue", "--json"], timeout=timeout)
            return [j for j in parse_squeue_json(out) if j.pending]
        except CommandFailed as exc:
            if exc.rc is None:
                raise  # it timed out: the text would wait as long
        except ParseError:
            pass  # no JSON here: the text below
    out = runner.run(["squeue", "-h", "-t", "PENDING", "-O", SQUEUE_FORMAT], timeout=timeout)
    return [j for j in parse_squeue_text(out) if j.pending]


def total(table: Mapping[str, Waiting]) -> Waiting:
    return Waiting(sum(w.jobs for w in table.values()), sum(w.gpus for w in table.values()))
