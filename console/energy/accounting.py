"""kWh per sector and organisation for a period, from the history's usage rows (pandas only).

- GPU kWh: the GPUs' energy counters (console/energy/meter.py), charged like used GPU-hours: to
  the organisation whose user's process ran on the GPU (a MIG GPU split by its slices), else the
  node's; estimated kWh is the part of it that is power × time, not a counter;
- CPU kWh: CPU package energy (RAPL), charged to the node's organisation;
- IT kWh = GPU + CPU; facility kWh = IT × PUE; kgCO2e = facility kWh × the grid's factor.
"""

from __future__ import annotations

import pandas as pd

from console.fleet.model import SECTORS
from console.history.accounting import resolution_for
from console.history.database import HistoryDB
from console.settings import EnergySettings

J_PER_KWH = 3.6e6
KWH_COLUMNS = ["gpu_kwh", "estimated_kwh", "cpu_kwh", "it_kwh", "facility_kwh", "co2e_kg"]
SECTOR_COLUMNS = ["sector", *KWH_COLUMNS]
ORG_COLUMNS = ["sector", "org", *KWH_COLUMNS]
CHANGE_COLUMNS = [
    "sector",
    *KWH_COLUMNS,
    "previous_it_kwh",
    "previous_facility_kwh",
    "previous_co2e_kg",
    "change_pct",
]


def _kwh(sums: pd.DataFrame, settings: EnergySettings) -> pd.DataFrame:
    out = pd.DataFrame(index=sums.index)
    out["gpu_kwh"] = sums["energy_j"] / J_PER_KWH
    out["estimated_kwh"] = sums["energy_est_j"] / J_PER_KWH
    out["cpu_kwh"] = sums["cpu_energy_j"] / J_PER_KWH
    return _carbon(out, settings)


def _carbon(out: pd.DataFrame, settings: EnergySettings) -> pd.DataFrame:
    out["it_kwh"] = out["gpu_kwh"] + out["cpu_kwh"]
    out["facility_kwh"] = out["it_kwh"] * settings.pue
    out["co2e_kg"] = out["facility_kwh"] * settings.grid_kgco2e_per_kwh
    return out


def energy_table(
    db: HistoryDB,
    t0: float,
    t1: float,
    by: str = "sector",
    settings: EnergySettings | None = None,
) -> pd.DataFrame:
    """One row per sector (every sector, SECTORS order) or per sector and organisation (those
    with rows in the period, the largest IT kWh first within a sector)."""
    if by not in ("sector", "org"):
        raise ValueError(f"energy is by 'sector' or 'org', not {by!r}")
    settings = settings or EnergySettings()
    usage = db.usage(t0, t1, resolution_for(t0, t1))
    sums = ["energy_j", "energy_est_j", "cpu_energy_j"]
    if by == "org":
        grouped = usage.groupby(["sector", "org"], as_index=False)[sums].sum()
        out = pd.concat([grouped[["sector", "org"]], _kwh(grouped, settings)], axis=1)
        order = {s.value: i for i, s in enumerate(SECTORS)}
        out = out.sort_values(
            ["sector", "it_kwh"], key=lambda c: c.map(order) if c.name == "sector" else -c
        )
        return out[ORG_COLUMNS].reset_index(drop=True)
    grouped = usage.groupby("sector")[sums].sum().reindex([s.value for s in SECTORS])
    out = _kwh(grouped.fillna(0.0), settings).reset_index(names="sector")
    return out[SECTOR_COLUMNS]


def with_energy_total(table: pd.DataFrame) -> pd.DataFrame:
    """The table with a "total" row: every kWh and kg column summed."""
    numeric = [c for c in table.columns if c.endswith(("_kwh", "_kg"))]
    row = {c: "" for c in table.columns}
    row.update(table[numeric].sum().to_dict())
    row["sector"] = "total"
    if "change_pct" in table:
        row["change_pct"] = _change_pct(row["it_kwh"], row["previous_it_kwh"])
    return pd.concat([table, pd.DataFrame([row])], ignore_index=True)


def _change_pct(now: float, before: float) -> float:
    return 100.0 * (now - before) / before if before > 0 else float("nan")


def energy_change(
    db: HistoryDB,
    t0: float,
    t1: float,
    settings: EnergySettings | None = None,
    previous: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Per sector: this period's energy_table row, the previous period's IT kWh, facility kWh
    and kgCO2e, and the change of IT kWh in % (NaN when the previous period had none; with the
    same PUE and grid factor, facility kWh and carbon change by the same %). The previous period
    is the one of the same length just before [t0, t1), unless `previous` names another."""
    p0, p1 = previous or (t0 - (t1 - t0), t0)
    now = energy_table(db, t0, t1, "sector", settings)
    before = energy_table(db, p0, p1, "sector", settings).set_index("sector")
    out = now.copy()
    for column in ("it_kwh", "facility_kwh", "co2e_kg"):
        out[f"previous_{column}"] = out["sector"].map(before[column]).fillna(0.0)
    out["change_pct"] = [
        _change_pct(a, b) for a, b in zip(out["it_kwh"], out["previous_it_kwh"], strict=True)
    ]
    return out[CHANGE_COLUMNS]
