"""The sectors' section: use against entitlement and the previous period, the use over time, and
the organisations that used the most. Every figure is console.history.accounting's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from console.history.accounting import accounting, with_total
from console.reports.request import SECTOR_IDS

TOP_ORGS = 5  # organisations listed per sector


def series_step(seconds: float) -> int:
    """Hourly points up to two days, 3-hourly up to two weeks, else 6-hourly."""
    if seconds <= 2 * 86400:
        return 3600
    if seconds <= 14 * 86400:
        return 3 * 3600
    return 6 * 3600


def sector_summary(db, req, t0, t1, p0, p1, settings) -> pd.DataFrame:
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


def sector_series(usage, capacity, sectors, t0, step) -> pd.DataFrame:
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


def top_orgs(db, t0, t1, sectors, settings) -> pd.DataFrame:
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
