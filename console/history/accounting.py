"""GPU-hour accounting per sector and organisation, from the history rollups (pandas only).

- allocated GPU-hours: GPUs assigned to the sector (its nodes), whether busy or not;
- used GPU-hours: utilisation-weighted (one GPU at 50 % for 2 h = 1 used GPU-hour), charged to the
  organisation whose user's process ran on the GPU, else the node's organisation;
- used GPU-hours by rule: the used GPU-hours split by the rule that charged them: the job's
  Slurm account (job_gpu_h), the inventory's user map (user_gpu_h), the node's organisation
  (node_gpu_h); they add up to used GPU-hours (history before schema 3 has zeros there);
- busy GPU-hours: hours a GPU was at or above the busy threshold;
- live GPU-hours: hours a GPU reported (its node answered); utilisation % = used / live;
- SU (service units) = used GPU-hours × the multiplier of the GPU model (settings; default 1.0);
- entitled GPU-hours (per sector): the sector's share × all GPUs × hours recorded.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from console.fleet.model import SECTORS
from console.history.database import HistoryDB
from console.history.rollup import RULE_FIELDS
from console.settings import AccountingSettings

# used GPU-hours by the rule that charged them (RULE_FIELDS order: node, user map, job account)
RULE_COLUMNS = ["node_gpu_h", "user_gpu_h", "job_gpu_h"]
SECTOR_COLUMNS = [
    "sector",
    "entitled_gpu_h",
    "allocated_gpu_h",
    "live_gpu_h",
    "used_gpu_h",
    "busy_gpu_h",
    "su",
    "util_pct",
    *RULE_COLUMNS,
]
ORG_COLUMNS = [
    "sector",
    "org",
    "allocated_gpu_h",
    "live_gpu_h",
    "used_gpu_h",
    "busy_gpu_h",
    "su",
    "util_pct",
    *RULE_COLUMNS,
]


def period_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[float, float]:
    """[first 00:00, the day after last 00:00) in `tz`, as epoch seconds."""
    if last < first:
        raise ValueError(f"the period ends ({last}) before it starts ({first})")
    start = datetime.combine(first, time(0), tz)
    end = datetime.combine(last + timedelta(days=1), time(0), tz)
    return start.timestamp(), end.timestamp()


def resolution_for(t0: float, t1: float) -> int:
    """15-min rows when the period starts and ends on quarter hours (whole days do), else 1-min."""
    return 900 if t0 % 900 == 0 and t1 % 900 == 0 else 60


def _hours(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=frame.index)
    out["allocated_gpu_h"] = frame["alloc_s"] / 3600.0
    out["live_gpu_h"] = frame["live_s"] / 3600.0
    out["used_gpu_h"] = frame["used_s"] / 3600.0
    out["busy_gpu_h"] = frame["busy_s"] / 3600.0
    out["su"] = frame["su"]
    out["util_pct"] = 100.0 * frame["used_s"] / frame["live_s"].where(frame["live_s"] > 0)
    for field, column in zip(RULE_FIELDS, RULE_COLUMNS, strict=True):
        out[column] = frame[field] / 3600.0
    return out


def accounting(
    db: HistoryDB,
    t0: float,
    t1: float,
    by: str = "sector",
    settings: AccountingSettings | None = None,
) -> pd.DataFrame:
    """One row per sector (by="sector") or per sector and organisation (by="org")."""
    if by not in ("sector", "org"):
        raise ValueError(f"accounting is by 'sector' or 'org', not {by!r}")
    settings = settings or AccountingSettings()
    res = resolution_for(t0, t1)
    usage = db.usage(t0, t1, res)
    multipliers = {m: settings.multiplier(m) for m in usage["model"].unique()}
    usage["su"] = usage["used_s"] / 3600.0 * usage["model"].map(multipliers).astype(float)
    sums = ["alloc_s", "live_s", "used_s", "busy_s", "su", *RULE_FIELDS]
    if by == "org":
        grouped = usage.groupby(["sector", "org"], as_index=False)[sums].sum()
        out = pd.concat([grouped[["sector", "org"]], _hours(grouped)], axis=1)
        order = {s.value: i for i, s in enumerate(SECTORS)}
        out = out.sort_values(
            ["sector", "used_gpu_h"], key=lambda c: c.map(order) if c.name == "sector" else -c
        )
        return out[ORG_COLUMNS].reset_index(drop=True)
    grouped = usage.groupby("sector")[sums].sum().reindex([s.value for s in SECTORS])
    grouped = grouped.fillna(0.0)
    entitled = db.capacity(t0, t1, res).groupby("sector")["entitled_s"].sum()
    out = _hours(grouped)
    out.insert(0, "entitled_gpu_h", entitled.reindex(out.index).fillna(0.0) / 3600.0)
    out = out.reset_index(names="sector")
    return out[SECTOR_COLUMNS]


def with_total(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a "total" row (utilisation recomputed from the totals, not averaged)."""
    numeric = [c for c in table.columns if c.endswith("_h") or c == "su"]
    total = table[numeric].sum()
    row = {c: "" for c in table.columns}
    row.update(total.to_dict())
    row["sector"] = "total"
    live_h = total["live_gpu_h"]
    row["util_pct"] = 100.0 * total["used_gpu_h"] / live_h if live_h else float("nan")
    return pd.concat([table, pd.DataFrame([row])], ignore_index=True)
