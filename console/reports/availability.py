"""The nodes' section: utilisation by node and day (the heat strip) and availability per node and
per sector, from the node rollups with console/history/rollup.py's definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from console.history.accounting import period_bounds
from console.history.rollup import NODE_FIELDS
from console.reports.request import SECTOR_IDS

F = {name: i for i, name in enumerate(NODE_FIELDS)}


def node_tables(db, req, days, tz, res, capacity, progress):
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


def availability_by_sector(per_node: pd.DataFrame, sectors: tuple[str, ...]) -> pd.DataFrame:
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
