"""The energy section's table: per sector GPU, CPU, IT and facility kWh, tCO2e, the estimated
share of the GPU energy and the change of facility kWh against the previous period.

Every kWh is console.energy.accounting's (energy_table), so the report, the accounting tab and
the `accounting` command never disagree; this module only picks the sectors asked for, adds the
previous period and expresses carbon in tonnes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from console.energy.accounting import energy_table
from console.settings import EnergySettings

KWH = ("gpu_kwh", "estimated_kwh", "cpu_kwh", "it_kwh", "facility_kwh", "co2e_kg")
COLUMNS = [
    "sector",
    "gpu_kwh",
    "estimated_kwh",
    "estimated_pct",
    "cpu_kwh",
    "it_kwh",
    "facility_kwh",
    "co2e_t",
    "prev_facility_kwh",
    "facility_change_pct",
]
CO2E_DIGITS = 3  # tonnes: a day of one node is a tenth of a tonne


def sectors_only(frame: pd.DataFrame, sectors: tuple[str, ...]) -> pd.DataFrame:
    """One row per sector asked for, in that order (a sector that used nothing: zeros), and
    the total of those rows last."""
    per = frame[frame["sector"].isin(sectors)].groupby("sector")[list(KWH)].sum()
    per = per.reindex(list(sectors), fill_value=0.0).reset_index()
    total = per[list(KWH)].sum().to_frame().T.assign(sector="total")
    return pd.concat([per, total[per.columns]], ignore_index=True)


def energy_summary(
    now: pd.DataFrame, before: pd.DataFrame, sectors: tuple[str, ...]
) -> pd.DataFrame:
    """energy_table frames (by sector) of the period and the previous one → the section's rows."""
    now = sectors_only(now, sectors)
    before = sectors_only(before, sectors).set_index("sector").reindex(now["sector"])
    gpu = now["gpu_kwh"].where(now["gpu_kwh"] > 0)
    out = now[["sector", "gpu_kwh", "estimated_kwh"]].copy()
    out["estimated_pct"] = 100.0 * now["estimated_kwh"] / gpu
    for column in ("cpu_kwh", "it_kwh", "facility_kwh"):
        out[column] = now[column]
    out["co2e_t"] = now["co2e_kg"] / 1000.0
    # nothing recorded before (a new console): no value, not a misleading 0
    prev = before["facility_kwh"].to_numpy(dtype=float)
    prev = np.where(prev > 0, prev, np.nan)
    out["prev_facility_kwh"] = prev
    out["facility_change_pct"] = 100.0 * (out["facility_kwh"].to_numpy(dtype=float) - prev) / prev
    return out[COLUMNS].reset_index(drop=True)


def energy_section(db, sectors, t0, t1, p0, p1, settings: EnergySettings) -> pd.DataFrame:
    """The section's rows from an open history: this period [t0, t1), the previous [p0, p1)."""
    now = energy_table(db, t0, t1, by="sector", settings=settings)
    before = energy_table(db, p0, p1, by="sector", settings=settings)
    return energy_summary(now, before, tuple(sectors))
