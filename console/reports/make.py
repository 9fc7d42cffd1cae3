"""One call from a history file to the PDF and its CSV files (the command and the dialog use it).

Runs on any thread: it opens its own read-only connection. Progress goes 0 → 1 over reading
(most of the time at 2,000 nodes), laying out and printing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from console.history.accounting import period_bounds
from console.history.database import HistoryDB
from console.reports.export import write_csv_dir
from console.reports.idle_jobs import idle_jobs_section
from console.reports.model import Report, build_report
from console.reports.pdf import render_pdf
from console.reports.request import ReportRequest
from console.reports.sources import load_capacity_changes, load_incidents
from console.scheduler.books import AccountMap
from console.settings import AccountingSettings, EnergySettings
from console.whatif.jobs import JobHistory


@dataclass(frozen=True, slots=True)
class Made:
    pdf: Path
    pages: int
    csv_files: tuple[Path, ...]
    report: Report


def make_report(
    history_path: Path,
    request: ReportRequest,
    pdf_path: Path,
    csv_dir: Path | None = None,
    settings: AccountingSettings | None = None,
    progress: Callable[[float], None] | None = None,
    energy: EnergySettings | None = None,
    job_history: JobHistory | None = None,
    accounts: AccountMap | None = None,
    slurm=None,
) -> Made:
    """Read the history at `history_path` (incidents and the capacity audit log beside it),
    write the PDF and, with `csv_dir`, the CSV files. Raises HistoryError, EmptyPeriod,
    ReportError or OSError."""
    tell = progress or (lambda _f: None)
    data_dir = Path(history_path).parent
    t0, t1 = period_bounds(request.period.first, request.period.last, ZoneInfo(request.tz))
    idle = idle_jobs_section(data_dir, t0, t1, request.ordered_sectors(), accounts)
    db = HistoryDB(Path(history_path), readonly=True)
    try:
        report = build_report(
            db,
            request,
            settings,
            incidents=load_incidents(data_dir, t0, t1),
            changes=load_capacity_changes(data_dir, t0, t1),
            progress=lambda f: tell(0.6 * f),
            energy=energy,
            job_history=job_history,
            idle_jobs=idle if idle.recorded else None,  # a site without Slurm: no section
        )
    finally:
        db.close()
    if slurm is not None:  # reconcile.SlurmBooks: Slurm's books beside the console's
        report = replace(report, slurm=slurm)
    pages = render_pdf(report, pdf_path, progress=lambda f: tell(0.6 + 0.35 * f))
    csv_files = tuple(write_csv_dir(report, csv_dir)) if csv_dir is not None else ()
    tell(1.0)
    return Made(Path(pdf_path), pages, csv_files, report)
