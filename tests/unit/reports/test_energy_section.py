"""The energy section's rows from energy_change rows: the sectors asked for, their total, the
estimated share, carbon in tonnes, and no previous figure where nothing was recorded before."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from console.energy.accounting import CHANGE_COLUMNS
from console.reports.energy import COLUMNS, energy_summary
from console.reports.energy_text import energy_method
from console.settings import EnergySettings


def change_rows() -> pd.DataFrame:
    rows = []
    for sector, gpu, est, cpu, before in (
        ("public", 10.0, 2.5, 2.0, 6.0),
        ("interest", 0.0, 0.0, 1.0, 0.0),  # only CPUs, and nothing the period before
        ("private", 30.0, 0.0, 0.0, 40.0),
    ):
        it = gpu + cpu
        rows.append(
            {
                "sector": sector,
                "gpu_kwh": gpu,
                "estimated_kwh": est,
                "cpu_kwh": cpu,
                "it_kwh": it,
                "facility_kwh": it * 1.5,
                "co2e_kg": it * 1.5 * 0.5,
                "previous_it_kwh": before,
                "previous_facility_kwh": before * 1.5,
                "previous_co2e_kg": before * 0.75,
                "change_pct": 100.0 * (it - before) / before if before else math.nan,
            }
        )
    return pd.DataFrame(rows)[CHANGE_COLUMNS]


def test_rows_of_the_sectors_asked_for_and_their_total():
    out = energy_summary(change_rows(), ("public", "private"))
    assert list(out.columns) == COLUMNS
    assert list(out["sector"]) == ["public", "private", "total"]
    total = out.iloc[-1]
    assert total["gpu_kwh"] == 40.0 and total["cpu_kwh"] == 2.0
    assert total["facility_kwh"] == pytest.approx(42.0 * 1.5)
    assert total["co2e_t"] == pytest.approx(42.0 * 0.75 / 1000)
    assert total["estimated_pct"] == pytest.approx(100 * 2.5 / 40)
    assert total["change_pct"] == pytest.approx(100 * (42 - 46) / 46)  # from the totals
    assert out.loc[0, "estimated_pct"] == pytest.approx(25.0)
    assert out.loc[0, "change_pct"] == pytest.approx(100 * (12 - 6) / 6)


def test_no_gpu_energy_and_no_previous_period_are_no_values_not_zeros():
    out = energy_summary(change_rows(), ("interest",)).set_index("sector")
    assert math.isnan(out.loc["interest", "estimated_pct"])
    assert math.isnan(out.loc["interest", "prev_facility_kwh"])
    assert math.isnan(out.loc["interest", "change_pct"])
    assert out.loc["interest", "cpu_kwh"] == 1.0


def test_method_names_each_factor_and_its_source():
    default = " ".join(energy_method(EnergySettings(), "en"))
    assert "PUE 1.58 (the average of the Uptime Institute" in default
    assert "0.4594 kgCO2e/kWh (Korea's national grid emission factor" in default
    own = " ".join(energy_method(EnergySettings(pue=1.2), "ko"))
    assert "PUE 1.2 (센터 설정 파일의 자체 값)" in own
    assert "온실가스종합정보센터" in own  # the grid factor is still the default
