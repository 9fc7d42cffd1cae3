"""The jobs a what-if learns from: when each sector's jobs came, what they asked, how long they ran.

A history comes from the scheduler's books (sacct) or, for the demo fleet, from its synthetic
workload (console/sources/demo/job_history.py). Times are epoch seconds; a job that never started
in the period is still a job (it arrived and waited), one that asked for no GPU is not kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from console.fleet.model import Sector

DAY_S = 86400.0


@dataclass(frozen=True, slots=True)
class Job:
    sector: Sector
    submit: float  # epoch seconds
    gpus: int
    run_s: float  # how long it really ran (what the replay uses for its end)
    limit_s: float  # its time limit (what backfill plans with, as Slurm does)
    job_id: str = ""

    def __post_init__(self) -> None:
        if self.gpus <= 0 or self.run_s < 0 or self.limit_s <= 0:
            raise ValueError(f"job {self.job_id or '?'}: gpus, run and limit must be positive")


@dataclass(frozen=True, slots=True)
class JobHistory:
    """The jobs submitted in [start, end), every sector together."""

    start: float
    end: float
    jobs: tuple[Job, ...]
    source: str = ""  # where it came from: "sacct", "demo", a file name

    @classmethod
    def of(cls, start: float, end: float, jobs: Iterable[Job], source: str = "") -> JobHistory:
        kept = sorted((j for j in jobs if start <= j.submit < end), key=lambda j: j.submit)
        return cls(start, end, tuple(kept), source)

    @property
    def days(self) -> int:
        return max(1, round((self.end - self.start) / DAY_S))

    def of_sector(self, sector: Sector) -> tuple[Job, ...]:
        return tuple(j for j in self.jobs if j.sector is sector)

    def by_day(self, sector: Sector) -> list[Sequence[Job]]:
        """The sector's jobs in one list per day of the period (empty days included): the blocks
        the bootstrap resamples, so a day keeps its own rhythm (office hours, bursts)."""
        days: list[list[Job]] = [[] for _ in range(self.days)]
        for job in self.of_sector(sector):
            index = min(self.days - 1, int((job.submit - self.start) // DAY_S))
            days[index].append(job)
        return days
