"""The accounting tab's energy columns: GPU, CPU and facility kWh and kgCO2e per sector or
organisation, from console.energy.accounting.energy_table for the same period and grouping.

Energy is charged to the same keys as GPU-hours (sector, organisation), so its rows join the
GPU-hour rows on them; a row with no energy recorded shows 0, and the total row is the sum of
the rows above it (every energy figure adds up).
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QCoreApplication

from widgets.common.csv_export import Column

ENERGY = ("gpu_kwh", "cpu_kwh", "facility_kwh", "co2e_kg")
TOTAL = "total"


def _keys(by: str) -> list[str]:
    return ["sector", "org"] if by == "org" else ["sector"]


def with_energy(table: pd.DataFrame, energy: pd.DataFrame | None, by: str) -> pd.DataFrame:
    """The accounting table (total row last) with the ENERGY columns; without an energy table
    (no settings, an old history) the columns are left out."""
    if energy is None:
        return table
    keys = _keys(by)
    rows = energy[energy["sector"] != TOTAL]
    rows = rows.assign(**{k: rows[k].fillna("").astype(str) for k in keys})
    sums = rows.groupby(keys)[list(ENERGY)].sum().reset_index()
    body = table[table["sector"] != TOTAL]
    body = body.assign(**{k: body[k].fillna("").astype(str) for k in keys})
    out = body.merge(sums, on=keys, how="left")
    out[list(ENERGY)] = out[list(ENERGY)].fillna(0.0)
    total = table[table["sector"] == TOTAL].copy()
    for column in ENERGY:
        total[column] = float(out[column].sum())
    return pd.concat([out, total], ignore_index=True)


def energy_columns(digits: int) -> list[Column]:
    """The columns' headers in the accounting tab's context, translated when shown."""
    tr = QCoreApplication
    return [
        Column("gpu_kwh", lambda: tr.translate("AccountingView", "GPU kWh"), digits),
        Column("cpu_kwh", lambda: tr.translate("AccountingView", "CPU kWh"), digits),
        Column("facility_kwh", lambda: tr.translate("AccountingView", "Facility kWh"), digits),
        Column("co2e_kg", lambda: tr.translate("AccountingView", "kgCO2e"), digits),
    ]
