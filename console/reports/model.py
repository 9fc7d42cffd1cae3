"""A report as pandas tables: history (console.history.accounting), incidents, capacity changes.

No Qt here. Every GPU-hour, SU and utilisation figure comes from `console.history.accounting`, so
a report and the accounting tab or command never disagree; what accounting has no notion of
(series over time, per-node availability and utilisation by day) is computed from the same
rollups, with the same definitions (console/history/rollup.py). The appendix
(console/reports/text.py) states them.

Each section has its module: usage.py (sectors and organisations), availability.py (nodes),
events.py (incidents and capacity changes), energy.py (kWh and carbon); request.py holds what is
asked. This one puts a Report together.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from console.history.accounting import period_bounds, resolution_for
from console.history.database import HistoryDB
from console.reports.availability import availability_by_sector, node_tables
from console.reports.energy import energy_section
from console.reports.events import changes_in, incident_types, incidents_in
from console.reports.idle_jobs import IdleJobs
from console.reports.period import Period
from console.reports.request import EmptyPeriod, ReportRequest
from console.reports.sources import CHANGE_COLUMNS, GIVEN, INCIDENT_COLUMNS, READ
from console.reports.usage import sector_series, sector_summary, series_step, top_orgs
from console.settings import AccountingSettings, EnergySettings
from console.whatif.jobs import JobHistory

LEAST_AVAILABLE = 10  # nodes listed by lowest availability

Progress = Callable[[float], None]  # fraction done, 0..1


@dataclass(frozen=True, eq=False)
class Report:
    request: ReportRequest
    t0: float
    t1: float
    res: int  # rollup resolution read (s)
    step: int  # seconds per point of the sector series
    previous: Period
    generated_at: float
    organisations: pd.DataFrame  # id, sector, name_ko, name_en
    summary: pd.DataFrame  # accounting columns + entitlement_met, prev_*, change; total last
    series: pd.DataFrame  # t, sector, entitled/allocated/used GPUs (means), util_pct
    heat: pd.DataFrame  # node, sector, one column per day (ISO date): utilisation %
    availability: pd.DataFrame  # per sector: nodes, recorded/live/down node-h, %; total last
    nodes: pd.DataFrame  # per node: sector, recorded_h, live_h, down_h, availability_pct
    top_orgs: pd.DataFrame  # sector, rank, org, used_gpu_h, share_pct, su, util_pct
    incident_types: pd.DataFrame  # rule, count, open_at_end, nodes, total_h, longest_h
    incidents: pd.DataFrame  # every incident in the period with its duration in it
    changes: pd.DataFrame  # CHANGE_COLUMNS, in the period, oldest first
    stores: pd.DataFrame  # store, path, status, rows
    energy: pd.DataFrame  # per sector: energy.COLUMNS, total last
    energy_settings: EnergySettings  # PUE and grid factor the energy figures used
    days: tuple[date, ...] = field(default=())
    coverage: float = 100.0  # % of the period's hours the history recorded
    previous_coverage: float = 100.0  # the same for the previous period
    job_history: JobHistory | None = None  # the what-if's jobs (its appendix names their period)
    idle_jobs: IdleJobs | None = None  # per-job efficiency and GPU-hours at 0 % (idle_jobs.py)
    slurm: object | None = None  # reconcile.SlurmBooks (report --from-slurm); None: not asked

    @property
    def least_available(self) -> pd.DataFrame:
        worst = self.nodes[self.nodes["availability_pct"].round(1) < 100.0]
        return worst.sort_values(["availability_pct", "node"]).head(LEAST_AVAILABLE)


def _store_row(name: str, frame: pd.DataFrame) -> dict:
    return {
        "store": name,
        "path": frame.attrs.get("path", ""),
        "status": frame.attrs.get("store", GIVEN),
        "rows": len(frame),
    }


def build_report(
    db: HistoryDB,
    request: ReportRequest,
    settings: AccountingSettings | None = None,
    incidents: pd.DataFrame | None = None,
    changes: pd.DataFrame | None = None,
    progress: Progress | None = None,
    energy: EnergySettings | None = None,
    job_history: JobHistory | None = None,
    idle_jobs: IdleJobs | None = None,
) -> Report:
    """The report for `request` from an open history. `incidents` and `changes` are frames with
    the columns of console/reports/sources.py (None: none recorded, as if no store).
    Raises EmptyPeriod when the history holds nothing in the period."""
    settings = settings or AccountingSettings()
    energy = energy or EnergySettings()
    tz = ZoneInfo(request.tz)
    period = request.period
    t0, t1 = period_bounds(period.first, period.last, tz)
    previous = period.previous()
    p0, p1 = period_bounds(previous.first, previous.last, tz)
    res = resolution_for(t0, t1)
    tell = progress or (lambda _f: None)

    summary = sector_summary(db, request, t0, t1, p0, p1, settings)
    if summary["allocated_gpu_h"].iloc[-1] == 0:
        raise EmptyPeriod(_empty_message(db, request, tz))
    tell(0.1)
    usage, capacity = db.usage(t0, t1, res), db.capacity(t0, t1, res)
    step = series_step(t1 - t0)
    series = sector_series(usage, capacity, request.sectors, t0, step)
    top = top_orgs(db, t0, t1, request.ordered_sectors(), settings)
    kwh = energy_section(db, request.ordered_sectors(), t0, t1, p0, p1, energy)
    tell(0.2)
    days = tuple(period.first + timedelta(days=i) for i in range(period.days))
    heat, per_node = node_tables(
        db, request, days, tz, res, capacity, lambda f: tell(0.2 + 0.75 * f)
    )
    sector_of = dict(zip(per_node["node"], per_node["sector"], strict=True))

    incidents = incidents if incidents is not None else _none(INCIDENT_COLUMNS)
    changes = changes if changes is not None else _none(CHANGE_COLUMNS)
    inc = incidents_in(incidents, request, t0, t1, sector_of)
    stores = pd.DataFrame(
        [
            {"store": "history", "path": str(db.path), "status": READ, "rows": len(usage)},
            _store_row("incidents", incidents),
            _store_row("capacity", changes),
        ]
    )
    p_capacity = db.capacity(p0, p1, resolution_for(p0, p1))
    report = Report(
        request=request,
        t0=t0,
        t1=t1,
        res=res,
        step=step,
        previous=previous,
        generated_at=request.generated_at or time.time(),
        organisations=db.organisations(),
        summary=summary,
        series=series.reset_index(drop=True),
        heat=heat,
        availability=availability_by_sector(per_node, request.ordered_sectors()),
        nodes=per_node,
        top_orgs=top,
        incident_types=incident_types(inc),
        incidents=inc,
        changes=changes_in(changes, request, t0, t1),
        stores=stores,
        energy=kwh,
        energy_settings=energy,
        days=days,
        coverage=recorded_pct(capacity, t0, t1),
        previous_coverage=recorded_pct(p_capacity, p0, p1),
        job_history=job_history,
        idle_jobs=idle_jobs,
    )
    tell(1.0)
    return report


def recorded_pct(capacity: pd.DataFrame, t0: float, t1: float) -> float:
    """Share of [t0, t1) the history recorded (the seconds each bucket's frames covered)."""
    if capacity.empty:
        return 0.0
    return 100.0 * float(capacity.groupby("t")["span_s"].max().sum()) / (t1 - t0)


def _none(columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    frame.attrs.update(store="not installed", path="")
    return frame


def _empty_message(db: HistoryDB, request: ReportRequest, tz: ZoneInfo) -> str:
    span = db.span()
    if span is None:
        have = "nothing"
    else:
        a, b = (pd.Timestamp(s, unit="s", tz=tz).strftime("%Y-%m-%d %H:%M") for s in span)
        have = f"{a} – {b}"
    p = request.period
    return f"no history from {p.first} to {p.last} (the store holds {have})"
