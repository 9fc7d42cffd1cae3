"""The energy section's table: per sector GPU, CPU, IT and facility kWh, tCO2e, the estimated
share of the GPU energy and the change against the previous period.

Every kWh and the change are console.energy.accounting's (energy_change, with_energy_total), so
the report, the accounting tab and the `accounting` command never disagree; this module only
picks the sectors asked for and expresses carbon in tonnes. The change is of IT kWh, which with
one PUE and grid factor is also the change of facility kWh and of carbon.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from console.energy.accounting import energy_change, with_energy_total
from console.settings import EnergySettings

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
    "change_pct",
]
CO2E_DIGITS = 3  # tonnes: a day of one node is a tenth of a tonne


def energy_summary(change: pd.DataFrame, sectors: tuple[str, ...]) -> pd.DataFrame:
    """energy_change rows → the section's rows: the sectors asked for, in that order, and their
    total last."""
    rows = change.set_index("sector").reindex(list(sectors)).reset_index()
    table = with_energy_total(rows)
    out = table[["sector", "gpu_kwh", "estimated_kwh"]].copy()
    gpu = table["gpu_kwh"].where(table["gpu_kwh"] > 0)
    out["estimated_pct"] = 100.0 * table["estimated_kwh"] / gpu
    for column in ("cpu_kwh", "it_kwh", "facility_kwh"):
        out[column] = table[column]
    out["co2e_t"] = table["co2e_kg"] / 1000.0
    # nothing recorded before (a new console): no value, not a misleading 0
    prev = table["previous_facility_kwh"].to_numpy(dtype=float)
    out["prev_facility_kwh"] = np.where(prev > 0, prev, np.nan)
    out["change_pct"] = table["change_pct"].astype(float)
    return out[COLUMNS].reset_index(drop=True)


def energy_section(db, sectors, t0, t1, p0, p1, settings: EnergySettings) -> pd.DataFrame:
    """The section's rows from an open history: this period [t0, t1), the previous [p0, p1)."""
    change = energy_change(db, t0, t1, settings, previous=(p0, p1))
    return energy_summary(change, tuple(sectors))
