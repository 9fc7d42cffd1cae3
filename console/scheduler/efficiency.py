"""Efficiency per job, organisation and sector, and the jobs that held GPUs at ~0 %
("GPU-hours at 0 %", as Princeton's Jobstats reports them), from the per-job usage the console
recorded (console/history/job_usage_db.py), charged to sectors and organisations by the books'
rules (books.py AccountMap: the job's account, then its partition).

Efficiency = used ÷ allocated GPU-hours, where used is the NVML utilisation-weighted time of the
GPUs Slurm gave the job and allocated is the time it held them while the console watched.
A job is listed as idle when all its GPUs sat at ~0 % for at least the given minutes in the
period (summed, not only in one stretch); its GPU-hours at 0 % count each idle GPU on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from console.fleet.model import Organisation
from console.history.job_usage_db import JobTotals
from console.scheduler.books import AccountMap

H = 3600.0


@dataclass(frozen=True, slots=True)
class JobRow:
    job_id: str
    user: str
    account: str
    sector: str  # sector value, or books.UNMAPPED
    org: str  # organisation id or ""
    partition: str
    gpus: int
    nodes: str
    held_gpu_h: float
    used_gpu_h: float
    zero_gpu_h: float  # GPU-hours at ~0 %
    idle_h: float  # hours with all its GPUs at ~0 %
    longest_idle_h: float
    ended: bool

    @property
    def efficiency(self) -> float | None:
        return self.used_gpu_h / self.held_gpu_h if self.held_gpu_h > 0 else None


@dataclass(frozen=True, slots=True)
class GroupRow:
    sector: str
    org: str  # "" for a sector row (or a sector's jobs with no organisation)
    jobs: int
    held_gpu_h: float
    used_gpu_h: float
    zero_gpu_h: float

    @property
    def efficiency(self) -> float | None:
        return self.used_gpu_h / self.held_gpu_h if self.held_gpu_h > 0 else None


def job_rows(totals: Iterable[JobTotals], accounts: AccountMap) -> list[JobRow]:
    out = []
    for t in totals:
        m = t.meta
        sector, org, _ = accounts.charge_to(m.account, m.partition)
        out.append(
            JobRow(
                m.job_id,
                m.user,
                m.account,
                sector,
                org,
                m.partition,
                m.gpus,
                m.nodes,
                t.held_gpu_s / H,
                t.used_gpu_s / H,
                t.zero_gpu_s / H,
                t.idle_s / H,
                m.longest_idle_s / H,
                m.ended,
            )
        )
    return out


def idle_jobs(rows: Iterable[JobRow], min_minutes: float, limit: int | None = None) -> list[JobRow]:
    """Jobs whose GPUs were all at ~0 % for at least `min_minutes` in the period, most
    GPU-hours at 0 % first."""
    found = [r for r in rows if r.idle_h * 60.0 >= min_minutes and r.idle_h > 0]
    found.sort(key=lambda r: (-r.zero_gpu_h, r.job_id))
    return found[:limit] if limit is not None else found


def by_group(rows: Sequence[JobRow], by: str, sectors: Sequence[str]) -> list[GroupRow]:
    """Totals per sector (`by="sector"`, every sector present) or per (sector, organisation)."""
    sums: dict[tuple[str, str], list[float]] = {}
    if by == "sector":
        for s in sectors:
            sums[(s, "")] = [0, 0.0, 0.0, 0.0]
    for r in rows:
        key = (r.sector, "" if by == "sector" else r.org)
        cell = sums.setdefault(key, [0, 0.0, 0.0, 0.0])
        cell[0] += 1
        cell[1] += r.held_gpu_h
        cell[2] += r.used_gpu_h
        cell[3] += r.zero_gpu_h
    rank = {s: i for i, s in enumerate(sectors)}
    keys = sorted(sums, key=lambda k: (rank.get(k[0], len(rank)), -sums[k][1], k[1]))
    return [GroupRow(k[0], k[1], int(sums[k][0]), *sums[k][1:]) for k in keys]


IDLE_COLUMNS = ("job", "user", "account", "org_name", "sector_name", "gpus", "held_gpu_h",
                "zero_gpu_h", "idle_h", "efficiency_pct")


def idle_records(rows: Iterable[JobRow], lang: str, org_names: Mapping[str, Organisation]
                 ) -> list[dict]:
    """The idle list as rows for a table (IDLE_COLUMNS), names in `lang`."""
    from console.i18n.names import sector_name

    out = []
    for r in rows:
        org = org_names.get(r.org)
        eff = r.efficiency
        out.append({"job": r.job_id, "user": r.user, "account": r.account,
                    "org_name": org.name(lang) if org else r.org,
                    "sector_name": sector_name(r.sector, lang) if r.sector else "",
                    "gpus": r.gpus, "held_gpu_h": r.held_gpu_h, "zero_gpu_h": r.zero_gpu_h,
                    "idle_h": r.idle_h, "efficiency_pct": None if eff is None else 100.0 * eff})
    return out
