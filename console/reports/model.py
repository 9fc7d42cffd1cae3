"""A report as pandas tables: history (console.history.accounting), incidents, capacity changes.

No Qt here. Every GPU-hour, SU and utilisation figure comes from `console.history.accounting`, so
a report and the accounting tab or command never disagree; what accounting has no notion of
(series over time, per-node availability and utilisation by day) is computed here from the same
rollups, with the same definitions (console/history/rollup.py). The appendix
(console/reports/text.py) states them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from console.fleet.model import SECTORS
from console.history.accounting import accounting, period_bounds, resolution_for, with_total
from console.history.database import HistoryDB
from console.history.rollup import NODE_FIELDS
from console.reports.period import Period
from console.reports.sources import CHANGE_COLUMNS, GIVEN, INCIDENT_COLUMNS, READ
from console.settings import AccountingSettings

SECTOR_IDS: tuple[str, ...] = tuple(s.value for s in SECTORS)
LANGUAGES = ("ko", "en")
TOP_ORGS = 5  # organisations listed per sector
LEAST_AVAILABLE = 10  # nodes listed by lowest availability
# incident rules in the order the report lists them; others follow by name
INCIDENT_RULES = (
    "node_unreachable",
    "gpu_lost",
    "xid",
    "ecc_uncorrected",
    "thermal_throttle",
    "gpu_temp",
)
F = {name: i for i, name in enumerate(NODE_FIELDS)}

Progress = Callable[[float], None]  # fraction done, 0..1


class ReportError(Exception):
    """The report cannot be made as asked (unknown sector, bad language or time zone)."""


class EmptyPeriod(ReportError):
    """The history holds nothing for the period; the message says what it does hold."""


@dataclass(frozen=True, slots=True)
class ReportRequest:
    period: Period
    lang: str = "en"
    sectors: tuple[str, ...] = SECTOR_IDS
    tz: str = "Asia/Seoul"
    centre_name: str = ""  # "" : the report's default name for the centre
    generated_by: str = ""
    generated_at: float | None = None  # epoch s; None: when built

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ReportError(f"language is ko or en, not {self.lang!r}")
        unknown = [s for s in self.sectors if s not in SECTOR_IDS]
        if unknown or not self.sectors:
            raise ReportError(
                f"unknown sector {', '.join(map(repr, unknown)) or '(none given)'} "
                f"(known: {', '.join(SECTOR_IDS)})"
            )
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ReportError(f"unknown time zone {self.tz!r}") from exc

    @property
    def all_sectors(self) -> bool:
        return set(self.sectors) == set(SECTOR_IDS)

    def ordered_sectors(self) -> tuple[str, ...]:
        return tuple(s for s in SECTOR_IDS if s in self.sectors)


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
    days: tuple[date, ...] = field(default=())
    coverage: float = 100.0  # % of the period's hours the history recorded
    previous_coverage: float = 100.0  # the same for the previous period

    @property
    def least_available(self) -> pd.DataFrame:
        worst = self.nodes[self.nodes["availability_pct"].round(1) < 100.0]
        return worst.sort_values(["availability_pct", "node"]).head(LEAST_AVAILABLE)


def series_step(seconds: float) -> int:
    """Hourly points up to two days, 3-hourly up to two weeks, else 6-hourly."""
    if seconds <= 2 * 86400:
        return 3600
    if seconds <= 14 * 86400:
        return 3 * 3600
    return 6 * 3600


def _summary(db, req, t0, t1, p0, p1, settings) -> pd.DataFrame:
    now = accounting(db, t0, t1, "sector", settings)
    before = accounting(db, p0, p1, "sector", settings)
    sectors = list(req.ordered_sectors())
    now = with_total(now[now["sector"].isin(sectors)].reset_index(drop=True))
    before = with_total(before[before["sector"].isin(sectors)].reset_index(drop=True))
    before = before.set_index("sector").reindex(now["sector"])
    # met: the sector was given at least its entitlement, compared as printed (0.1 GPU-h)
    met = now["allocated_gpu_h"].round(1) >= now["entitled_gpu_h"].round(1)
    met.iloc[-1] = bool(met.iloc[:-1].all())
    now["entitlement_met"] = met
    # nothing recorded before (a new console): no value, not a misleading 0
    recorded = before["allocated_gpu_h"].to_numpy(dtype=float) > 0
    now["prev_used_gpu_h"] = np.where(recorded, before["used_gpu_h"].to_numpy(dtype=float), np.nan)
    now["prev_util_pct"] = np.where(recorded, before["util_pct"].to_numpy(dtype=float), np.nan)
    prev = now["prev_used_gpu_h"].where(now["prev_used_gpu_h"] > 0)
    now["used_change_pct"] = 100.0 * (now["used_gpu_h"] - prev) / prev
    return now


def _series(usage, capacity, sectors, t0, step) -> pd.DataFrame:
    columns = ["t", "sector", "entitled_gpus", "allocated_gpus", "used_gpus", "util_pct"]
    if capacity.empty:
        return pd.DataFrame(columns=columns)
    usage = usage[usage["sector"].isin(sectors)]
    usage = usage.assign(t=t0 + (usage["t"] - t0) // step * step)
    capacity = capacity[capacity["sector"].isin(sectors)]
    capacity = capacity.assign(t=t0 + (capacity["t"] - t0) // step * step)
    sums = usage.groupby(["t", "sector"])[["alloc_s", "live_s", "used_s"]].sum()
    cap = capacity.groupby(["t", "sector"])[["entitled_s", "span_s"]].sum()
    merged = cap.join(sums, how="left").fillna(0.0).reset_index()
    span = merged["span_s"].where(merged["span_s"] > 0)
    out = pd.DataFrame(
        {
            "t": merged["t"].astype(np.int64),
            "sector": merged["sector"],
            "entitled_gpus": merged["entitled_s"] / span,
            "allocated_gpus": merged["alloc_s"] / span,
            "used_gpus": merged["used_s"] / span,
            "util_pct": 100.0 * merged["used_s"] / merged["live_s"].where(merged["live_s"] > 0),
        }
    )
    order = {s: i for i, s in enumerate(SECTOR_IDS)}
    return out.sort_values(["t", "sector"], key=lambda c: c.map(order) if c.name == "sector" else c)


def _node_tables(db, req, days, tz, res, capacity, progress):
    """Utilisation by node and day, and availability per node, one day of rollups at a time
    (a month of 15-min rows for 2,000 nodes would be 230 MB read at once)."""
    t0, t1 = period_bounds(days[0], days[-1], tz)
    sector_of = db.node_sectors(t0, t1, res)
    order = {s: i for i, s in enumerate(SECTOR_IDS)}
    nodes = tuple(
        sorted(
            (n for n, s in sector_of.items() if s in req.sectors),
            key=lambda n: (order[sector_of[n]], n),
        )
    )
    span = capacity.groupby("t")["span_s"].max() if not capacity.empty else pd.Series(dtype=float)
    heat = np.full((len(nodes), len(days)), np.nan)
    recorded = np.zeros(len(nodes))
    live = np.zeros(len(nodes))
    for i, day in enumerate(days):
        d0, d1 = period_bounds(day, day, tz)
        if nodes:
            times, _, sums = db.node_rollups(d0, d1, res, nodes)
            if len(times):
                live_s = np.nansum(sums[F["live_s"]], axis=0, dtype=np.float64)
                util_dt = np.nansum(sums[F["util_dt"]], axis=0, dtype=np.float64)
                with np.errstate(invalid="ignore", divide="ignore"):
                    heat[:, i] = np.where(live_s > 0, util_dt / live_s, np.nan)
                seconds = span.reindex(times).fillna(0.0).to_numpy()
                present = ~np.isnan(sums[F["alloc_s"]])
                recorded += (present * seconds[:, None]).sum(axis=0)
                live += np.nansum(sums[F["node_live_s"]], axis=0, dtype=np.float64)
        if progress:
            progress((i + 1) / len(days))
    sectors = [sector_of[n] for n in nodes]
    heat_frame = pd.DataFrame(heat, columns=[d.isoformat() for d in days])
    heat_frame.insert(0, "sector", sectors)
    heat_frame.insert(0, "node", list(nodes))
    per_node = pd.DataFrame(
        {
            "node": list(nodes),
            "sector": sectors,
            "recorded_h": recorded / 3600.0,
            "live_h": np.minimum(live, recorded) / 3600.0,
        }
    )
    per_node["down_h"] = per_node["recorded_h"] - per_node["live_h"]
    per_node["availability_pct"] = (
        100.0 * per_node["live_h"] / per_node["recorded_h"].where(per_node["recorded_h"] > 0)
    )
    return heat_frame, per_node


def _availability(per_node: pd.DataFrame, sectors: tuple[str, ...]) -> pd.DataFrame:
    grouped = per_node.groupby("sector")[["recorded_h", "live_h", "down_h"]].sum()
    grouped = grouped.reindex(list(sectors)).fillna(0.0)
    grouped.insert(0, "nodes", per_node.groupby("sector").size().reindex(list(sectors)).fillna(0))
    total = grouped.sum()
    grouped.loc["total"] = total
    grouped["nodes"] = grouped["nodes"].astype(int)
    grouped["availability_pct"] = (
        100.0 * grouped["live_h"] / grouped["recorded_h"].where(grouped["recorded_h"] > 0)
    )
    out = grouped.reset_index(names="sector")
    return out.rename(
        columns={"recorded_h": "recorded_node_h", "live_h": "live_node_h", "down_h": "down_node_h"}
    )


def _top_orgs(db, t0, t1, sectors, settings) -> pd.DataFrame:
    orgs = accounting(db, t0, t1, "org", settings)
    parts = []
    for sector in sectors:
        rows = orgs[(orgs["sector"] == sector) & (orgs["used_gpu_h"] > 0)]
        total = rows["used_gpu_h"].sum()
        top = rows.sort_values("used_gpu_h", ascending=False).head(TOP_ORGS).copy()
        top.insert(1, "rank", range(1, len(top) + 1))
        top["share_pct"] = 100.0 * top["used_gpu_h"] / total if total > 0 else np.nan
        parts.append(top)
    columns = ["sector", "rank", "org", "used_gpu_h", "share_pct", "su", "util_pct"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def incidents_in(frame, req, t0, t1, sector_of) -> pd.DataFrame:
    """Incidents that overlap [t0, t1) in the chosen sectors, with the hours inside it."""
    inc = frame.reindex(columns=INCIDENT_COLUMNS).copy()
    for column in ("first_seen", "last_seen", "closed_at", "gpu", "peak"):
        inc[column] = pd.to_numeric(inc[column], errors="coerce")
    inc = inc[(inc["first_seen"] < t1) & ~(inc["closed_at"] <= t0)]
    if not req.all_sectors:
        sector = inc["sector"].fillna("").astype(str)
        by_node = inc["node"].map(sector_of).fillna("")
        inc = inc[sector.where(sector != "", by_node).isin(req.sectors)]
    start = inc["first_seen"].clip(lower=t0)
    end = inc["closed_at"].fillna(t1).clip(upper=t1)
    inc = inc.assign(
        duration_h=((end - start).clip(lower=0.0) / 3600.0),
        open_at_end=inc["closed_at"].isna() | (inc["closed_at"] >= t1),
    )
    return inc.sort_values(["duration_h", "first_seen"], ascending=[False, True]).reset_index(
        drop=True
    )


def incident_types(inc: pd.DataFrame) -> pd.DataFrame:
    rules = list(INCIDENT_RULES) + sorted(set(inc["rule"].dropna()) - set(INCIDENT_RULES))
    grouped = inc.groupby("rule")
    out = pd.DataFrame(
        {
            "count": grouped.size(),
            "open_at_end": grouped["open_at_end"].sum(),
            "nodes": grouped["node"].nunique(),
            "total_h": grouped["duration_h"].sum(),
            "longest_h": grouped["duration_h"].max(),
        }
    ).reindex(rules)
    out[["count", "open_at_end", "nodes"]] = out[["count", "open_at_end", "nodes"]].fillna(0)
    out = out.astype({"count": int, "open_at_end": int, "nodes": int})
    out[["total_h", "longest_h"]] = out[["total_h", "longest_h"]].fillna(0.0)
    return out.reset_index(names="rule")


def changes_in(frame, req, t0, t1) -> pd.DataFrame:
    ch = frame.reindex(columns=CHANGE_COLUMNS).copy()
    ch["t"] = pd.to_numeric(ch["t"], errors="coerce")
    ch = ch[(ch["t"] >= t0) & (ch["t"] < t1)]
    if not req.all_sectors:
        moves = ch["moves"].fillna("").astype(str)
        ch = ch[moves.apply(lambda m: any(s in m for s in req.sectors))]
    return ch.sort_values("t").reset_index(drop=True)


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
) -> Report:
    """The report for `request` from an open history. `incidents` and `changes` are frames with
    the columns of console/reports/sources.py (None: none recorded, as if no store).
    Raises EmptyPeriod when the history holds nothing in the period."""
    settings = settings or AccountingSettings()
    tz = ZoneInfo(request.tz)
    period = request.period
    t0, t1 = period_bounds(period.first, period.last, tz)
    previous = period.previous()
    p0, p1 = period_bounds(previous.first, previous.last, tz)
    res = resolution_for(t0, t1)
    tell = progress or (lambda _f: None)

    summary = _summary(db, request, t0, t1, p0, p1, settings)
    if summary["allocated_gpu_h"].iloc[-1] == 0:
        raise EmptyPeriod(_empty_message(db, request, tz))
    tell(0.1)
    usage, capacity = db.usage(t0, t1, res), db.capacity(t0, t1, res)
    step = series_step(t1 - t0)
    series = _series(usage, capacity, request.sectors, t0, step)
    top = _top_orgs(db, t0, t1, request.ordered_sectors(), settings)
    tell(0.2)
    days = tuple(period.first + timedelta(days=i) for i in range(period.days))
    heat, per_node = _node_tables(
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
        availability=_availability(per_node, request.ordered_sectors()),
        nodes=per_node,
        top_orgs=top,
        incident_types=incident_types(inc),
        incidents=inc,
        changes=changes_in(changes, request, t0, t1),
        stores=stores,
        days=days,
        coverage=recorded_pct(capacity, t0, t1),
        previous_coverage=recorded_pct(p_capacity, p0, p1),
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
