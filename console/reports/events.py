"""The events' section: incidents and capacity changes in the period, in the chosen sectors."""

from __future__ import annotations

import pandas as pd

from console.reports.sources import CHANGE_COLUMNS, INCIDENT_COLUMNS

# incident rules in the order the report lists them; others follow by name
INCIDENT_RULES = (
    "node_unreachable",
    "gpu_lost",
    "xid",
    "ecc_uncorrected",
    "thermal_throttle",
    "gpu_temp",
)


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
        # a bool mask even when empty (an empty object Series would select columns instead)
        ch = ch[moves.map(lambda m: any(s in m for s in req.sectors)).astype(bool)]
    return ch.sort_values("t").reset_index(drop=True)
