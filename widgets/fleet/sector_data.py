"""What the sector plot draws, as arrays, from either source, and as the DataFrame it exports.

Live (≤ 1 h): FleetSnapshot.series, one point a second. History: HistoryStore.sector_series rows
(bucket averages). In both, "in use" is the number of GPUs at or above the busy threshold: the
live series' `used` and the history's `busy` (the history's `used` is utilisation-weighted GPUs,
which accounting reports; the plot keeps the sector cards' meaning).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from console.fleet.model import SECTORS, SectorSeries
from widgets.history.query import on_grid

FIELDS = ("allocated", "in_use", "entitled", "util")
HISTORY_COLUMN = {
    "allocated": "allocated",
    "in_use": "busy",
    "entitled": "entitled",
    "util": "util",
}
CSV_COLUMN = {
    "allocated": "allocated_gpus",
    "in_use": "in_use_gpus",
    "entitled": "entitled_gpus",
    "util": "util_pct",
}
CSV_DIGITS = 3


@dataclass(frozen=True, slots=True)
class SectorArrays:
    t: np.ndarray  # (n,) epoch seconds
    values: dict[str, np.ndarray]  # FIELDS → (len(SECTORS), n), NaN where nothing was recorded
    source: int  # LIVE, 60 or 900

    @classmethod
    def empty(cls, source: int) -> SectorArrays:
        return cls(np.zeros(0), {f: np.zeros((len(SECTORS), 0)) for f in FIELDS}, source)


def live_arrays(series: SectorSeries, t0: float, t1: float, source: int = 0) -> SectorArrays:
    keep = (series.t >= t0) & (series.t <= t1)
    n = int(keep.sum())

    def rows(a: np.ndarray | None) -> np.ndarray:
        return np.full((len(SECTORS), n), np.nan) if a is None else a[:, keep].astype(np.float64)

    values = {
        "allocated": rows(series.allocated),
        "in_use": rows(series.busy),
        "entitled": rows(series.entitled),
        "util": rows(series.util),
    }
    return SectorArrays(series.t[keep].astype(np.float64), values, source)


def history_arrays(frame: pd.DataFrame, res: int) -> SectorArrays:
    """sector_series rows → arrays on a regular grid of `res` (gaps stay NaN)."""
    if frame.empty:
        return SectorArrays.empty(res)
    times = np.sort(frame["t"].unique()).astype(np.int64)
    sectors = [s.value for s in SECTORS]
    stacked = np.stack(
        [
            frame.pivot(index="t", columns="sector", values=HISTORY_COLUMN[f])
            .reindex(index=times, columns=sectors)
            .to_numpy(dtype=np.float64)
            .T
            for f in FIELDS
        ]
    )
    t, grid = on_grid(times, stacked, res)
    return SectorArrays(t, {f: grid[i] for i, f in enumerate(FIELDS)}, res)


def arrays_frame(arrays: SectorArrays, tz: ZoneInfo, t0: float, t1: float) -> pd.DataFrame:
    """One row per time and sector inside [t0, t1] where anything was recorded: what the plot
    shows there, for CSV."""
    keep = (arrays.t >= t0) & (arrays.t <= t1)
    t = arrays.t[keep]
    parts = []
    for i, sector in enumerate(SECTORS):
        part = pd.DataFrame({"t": t, "sector": sector.value})
        for f in FIELDS:
            part[CSV_COLUMN[f]] = arrays.values[f][i, keep].round(CSV_DIGITS)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = out.dropna(how="all", subset=list(CSV_COLUMN.values()))
    out = out.sort_values(["t", "sector"], key=_sector_order, kind="stable")
    out["t"] = out["t"].round(3)
    ms = (out["t"] * 1000).round().astype("int64")
    out.insert(0, "time", pd.to_datetime(ms, unit="ms", utc=True).dt.tz_convert(tz))
    return out.reset_index(drop=True)


def _sector_order(column: pd.Series) -> pd.Series:
    if column.name != "sector":
        return column
    return column.map({s.value: i for i, s in enumerate(SECTORS)})
