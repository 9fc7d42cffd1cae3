"""The report's idle-allocation section as tables: the jobs that held GPUs at ~0 % the longest
("GPU-hours at 0 %") and efficiency (used ÷ allocated GPU-hours) per sector and organisation,
from the per-job usage the console recorded (console/history/job_usage_db.py, job-usage.sqlite
beside the history), charged by the books' rules (console/scheduler/efficiency.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from console.fleet.model import SECTORS, Sector
from console.history.job_usage_db import JobUsageStore, job_usage_path
from console.scheduler.books import UNMAPPED, AccountMap
from console.scheduler.efficiency import by_group, idle_jobs, job_rows

TOP_JOBS = 15
MIN_MINUTES = 60.0  # a job is listed once its GPUs sat all at ~0 % this long in the period
JOB_COLUMNS = [
    "job",
    "user",
    "account",
    "sector",
    "org",
    "gpus",
    "held_gpu_h",
    "zero_gpu_h",
    "idle_h",
    "efficiency_pct",
]
GROUP_COLUMNS = [
    "sector",
    "org",
    "jobs",
    "held_gpu_h",
    "used_gpu_h",
    "zero_gpu_h",
    "efficiency_pct",
]


@dataclass(frozen=True, eq=False)
class IdleJobs:
    recorded: bool  # the console has a per-job store at all
    jobs: int  # jobs with usage in the period
    min_minutes: float
    top: pd.DataFrame  # JOB_COLUMNS, most GPU-hours at 0 % first
    sectors: pd.DataFrame  # GROUP_COLUMNS (org ""), the requested sectors, total last
    orgs: pd.DataFrame  # GROUP_COLUMNS per (sector, organisation)


def default_accounts() -> AccountMap:
    """No fleet file at hand: jobs are charged by partition, named as the sectors."""
    return AccountMap.from_inventory(None, {s: s.value for s in Sector})


def _pct(used: float, held: float) -> float:
    return 100.0 * used / held if held > 0 else float("nan")


def idle_jobs_section(
    data_dir: Path,
    t0: float,
    t1: float,
    sectors: tuple[str, ...],
    accounts: AccountMap | None = None,
    min_minutes: float = MIN_MINUTES,
    top: int = TOP_JOBS,
) -> IdleJobs:
    path = job_usage_path(data_dir)
    totals = []
    if path.exists():
        store = JobUsageStore(path, readonly=True)
        try:
            totals = store.totals(t0, t1)
        finally:
            store.close()
    rows = job_rows(totals, accounts or default_accounts())
    wanted = set(sectors) | ({UNMAPPED} if len(sectors) == len(SECTORS) else set())
    rows = [r for r in rows if r.sector in wanted]
    listed = idle_jobs(rows, min_minutes, top)
    jobs = pd.DataFrame(
        [
            [
                r.job_id,
                r.user,
                r.account,
                r.sector,
                r.org,
                r.gpus,
                r.held_gpu_h,
                r.zero_gpu_h,
                r.idle_h,
                _pct(r.used_gpu_h, r.held_gpu_h),
            ]
            for r in listed
        ],
        columns=JOB_COLUMNS,
    )
    per_sector = [g for g in by_group(rows, "sector", list(sectors)) if g.sector in wanted]
    sector_rows = [
        [
            g.sector,
            "",
            g.jobs,
            g.held_gpu_h,
            g.used_gpu_h,
            g.zero_gpu_h,
            _pct(g.used_gpu_h, g.held_gpu_h),
        ]
        for g in per_sector
    ]
    held, used = sum(r.held_gpu_h for r in rows), sum(r.used_gpu_h for r in rows)
    sector_rows.append(
        ["total", "", len(rows), held, used, sum(r.zero_gpu_h for r in rows), _pct(used, held)]
    )
    orgs = pd.DataFrame(
        [
            [
                g.sector,
                g.org,
                g.jobs,
                g.held_gpu_h,
                g.used_gpu_h,
                g.zero_gpu_h,
                _pct(g.used_gpu_h, g.held_gpu_h),
            ]
            for g in by_group(rows, "org", list(sectors))
        ],
        columns=GROUP_COLUMNS,
    )
    return IdleJobs(
        path.exists(),
        len(rows),
        min_minutes,
        jobs,
        pd.DataFrame(sector_rows, columns=GROUP_COLUMNS),
        orgs,
    )
