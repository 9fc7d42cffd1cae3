"""The report's reconciliation: GPU-hours Slurm allocated per sector (sacct, console/scheduler/
books.py) beside the console's own accounting of the same period (the report's summary, from the
history), the difference and why, efficiency (used ÷ Slurm allocated), GPU-hours allocated by
Slurm while the GPUs were idle, the waits (p50/p90, submit → start) and what is pending now.

`SlurmBooks` is what `report --from-slurm` reads and hands in; without it the section says the
scheduler's books are absent. One frame is both the PDF's table and reconciliation.csv.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from console.i18n.catalogue import Msg, translate
from console.scheduler.books import UNMAPPED, Books
from console.scheduler.queue import Waiting

AGREE_GPU_H = 0.05  # below this the two books agree (rounding, a sample's edge)

WHY: dict[str, Msg] = {
    "agree": translate("ReportReconcile", "agree"),
    "idle_nodes": translate(
        "ReportReconcile",
        "the console charges every GPU allocated to the sector, held by a job or not",
    ),
    "not_collecting": translate("ReportReconcile", "the console recorded only part of the period"),
    "elsewhere": translate(
        "ReportReconcile",
        "jobs charged to the sector in Slurm ran on GPUs the console charges elsewhere",
    ),
    "unmapped": translate("ReportReconcile", "jobs whose account and partition map to no sector"),
    "no_console": translate("ReportReconcile", "the console has no such sector"),
}
COLUMNS = [
    "sector",
    "slurm_gpu_h",
    "console_gpu_h",
    "difference_gpu_h",
    "why",
    "used_gpu_h",
    "efficiency_pct",
    "idle_allocated_gpu_h",
    "jobs_started",
    "wait_p50_min",
    "wait_p90_min",
    "pending_jobs",
    "pending_gpus",
    "top_reason",
]


@dataclass(frozen=True, slots=True)
class SlurmBooks:
    """Slurm's side of a report period."""

    books: Books | None  # None: sacct could not be read (then `problem` says why)
    pending: Mapping[str, Mapping[str, Waiting]] | None  # squeue now; None: not read
    how: str = ""  # Slurm's version, json/text, where (a Phrase)
    problem: str = ""  # why the books are missing (a Phrase)
    queue_problem: str = ""
    read_at: float = 0.0


def read_slurm_books(runner, accounts, t0: float, t1: float) -> SlurmBooks:
    """sacct for [t0, t1) and squeue now, on `runner`; a failure is said, never raised (the
    rest of the report stands without Slurm)."""
    from console.capacity.backends.base import BackendError
    from console.scheduler.books import books
    from console.scheduler.queue import pending_jobs, waiting
    from console.scheduler.reader import SacctReader
    from console.scheduler.sacct import SacctError
    from console.scheduler.watch import accounting_state, queue_state, slurm_why

    reader = SacctReader(runner)
    now = time.time()
    try:
        found = books(reader.jobs(t0, t1), accounts, t0, t1, now)
    except (BackendError, SacctError, OSError) as exc:
        return SlurmBooks(None, None, problem=accounting_state(slurm_why(exc)), read_at=now)
    pending, queue_problem = None, ""
    try:
        pending = waiting(pending_jobs(runner, bool(reader.json)), accounts)
    except (BackendError, OSError, ValueError) as exc:
        queue_problem = queue_state(slurm_why(exc))
    return SlurmBooks(found, pending, reader.how(), "", queue_problem, now)


def read_period_books(watch, period, tz) -> SlurmBooks:
    """The same for a report's Period (days in `tz`), with a SchedulerWatch's runner and
    accounts (the window's report dialog borrows the session's)."""
    from console.history.accounting import period_bounds

    t0, t1 = period_bounds(period.first, period.last, tz)
    return read_slurm_books(watch.runner, watch.accounts, t0, t1)


def _why(slurm: float, console: float | None, coverage: float, sector: str) -> str:
    if sector == UNMAPPED:
        return "unmapped"
    if console is None:
        return "no_console"
    diff = slurm - console
    if abs(diff) < AGREE_GPU_H:
        return "agree"
    if diff < 0:
        return "idle_nodes"
    return "not_collecting" if coverage < 99.95 else "elsewhere"


def reconcile_frame(
    slurm: SlurmBooks, summary: pd.DataFrame, coverage: float, sectors: tuple[str, ...]
) -> pd.DataFrame:
    """One row per sector of the report (unmapped after them when Slurm has any), the total
    last. `summary` is the report's (console accounting per sector, "total" last)."""
    books = slurm.books
    if books is None:
        return pd.DataFrame(columns=COLUMNS)
    mine = summary[summary["sector"] != "total"].set_index("sector")
    keys = list(sectors) + ([UNMAPPED] if books.by_sector.get(UNMAPPED, 0.0) > 0 else [])
    rows = []
    for key in keys:
        hours = books.by_sector.get(key, 0.0)
        console = float(mine.at[key, "allocated_gpu_h"]) if key in mine.index else None
        used = float(mine.at[key, "used_gpu_h"]) if key in mine.index else None
        busy = float(mine.at[key, "busy_gpu_h"]) if key in mine.index else None
        w = books.waits.get(key)
        queue = (slurm.pending or {}).get(key, {})
        top = max(queue.items(), key=lambda kv: (kv[1].gpus, kv[1].jobs), default=(None, None))
        rows.append(
            {
                "sector": key or "unmapped",
                "slurm_gpu_h": hours,
                "console_gpu_h": console,
                "difference_gpu_h": None if console is None else hours - console,
                "why": _why(hours, console, coverage, key),
                "used_gpu_h": used,
                "efficiency_pct": None if used is None or hours <= 0 else 100.0 * used / hours,
                "idle_allocated_gpu_h": None if busy is None else max(0.0, hours - busy),
                "jobs_started": w.jobs if w else 0,
                "wait_p50_min": None if w is None or w.p50_s is None else w.p50_s / 60,
                "wait_p90_min": None if w is None or w.p90_s is None else w.p90_s / 60,
                "pending_jobs": sum(x.jobs for x in queue.values())
                if slurm.pending is not None
                else None,
                "pending_gpus": sum(x.gpus for x in queue.values())
                if slurm.pending is not None
                else None,
                "top_reason": top[0] or "",
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    total = {c: None for c in COLUMNS}
    for c in (
        "slurm_gpu_h",
        "console_gpu_h",
        "used_gpu_h",
        "idle_allocated_gpu_h",
        "jobs_started",
        "pending_jobs",
        "pending_gpus",
    ):
        total[c] = out[c].sum(min_count=1)
    total["sector"] = "total"
    total["why"] = ""
    total["top_reason"] = ""
    if pd.notna(total["console_gpu_h"]):
        total["difference_gpu_h"] = total["slurm_gpu_h"] - total["console_gpu_h"]
    if pd.notna(total["used_gpu_h"]) and total["slurm_gpu_h"] > 0:
        total["efficiency_pct"] = 100.0 * total["used_gpu_h"] / total["slurm_gpu_h"]
    return pd.concat([out, pd.DataFrame([total], columns=COLUMNS)], ignore_index=True)
