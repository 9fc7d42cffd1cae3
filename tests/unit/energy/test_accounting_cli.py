"""`hangang-console accounting` prints energy beside the GPU-hours, through the real entry point,
on a real SQLite history written by the HistoryStore."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from console.app import main
from console.history.store import HistoryStore
from tests.unit.energy.fleet import CPU_W, KWH, POWER, T0, frames, inventory

DAY = ["--from", "2026-11-30", "--to", "2026-11-30"]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("energy") / "history.sqlite"
    store = HistoryStore(path, inventory(), frame_step_s=10.0)
    store.start()
    for s in frames(1800, T0):
        store.observe(s)
    store.close()
    return path.parent


def csv(capsys, data, *extra) -> pd.DataFrame:
    argv = ["accounting", "--data-dir", str(data), *DAY, "--format", "csv", "--lang", "en"]
    assert main([*argv, *extra]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_kwh_facility_kwh_and_carbon_per_sector_with_a_total(data, capsys):
    table = csv(capsys, data).set_index("Sector")
    public, private, total = table.loc["Public"], table.loc["Private"], table.loc["Total"]
    assert public["GPU kWh"] == pytest.approx(POWER[0].sum() * 1800 / KWH, abs=1e-3)
    assert public["Estimated kWh"] == pytest.approx(POWER[0, 1] * 1800 / KWH, abs=1e-3)
    assert private["CPU kWh"] == pytest.approx(CPU_W[1] * 1800 / KWH, abs=1e-3)
    it = POWER.sum() * 1800 / KWH + CPU_W.sum() * 1800 / KWH
    assert total["IT kWh"] == pytest.approx(it, abs=2e-3)
    assert total["Facility kWh"] == pytest.approx(it * 1.58, abs=3e-3)
    assert total["kgCO2e"] == pytest.approx(it * 1.58 * 0.4594, abs=3e-3)
    assert table.loc["Public-interest", "GPU kWh"] == 0.0
    assert total["Used GPU-h"] == pytest.approx((0.5 * 2 + 0.9 * 2) * 0.5, abs=1e-3)


def test_per_organisation_and_with_the_sites_own_pue(data, capsys, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text("[energy]\npue = 1.2\ngrid_kgco2e_per_kwh = 0.5\n")
    orgs = csv(capsys, data, "--by", "org", "--settings", str(settings))
    orgs = orgs.set_index(["Sector", "Organisation"])
    startup = orgs.loc[("Private", "Startup")]
    mig_share = POWER[1, 0] * 3 / 7 + POWER[1, 1]  # kim's slice of GPU 0 and all of GPU 1
    assert startup["GPU kWh"] == pytest.approx(mig_share * 1800 / KWH, abs=1e-3)
    assert startup["CPU kWh"] == 0.0 and startup["Allocated GPU-h"] == 0.0
    lab = orgs.loc[("Private", "Lab")]
    assert lab["Facility kWh"] == pytest.approx(lab["IT kWh"] * 1.2, abs=1e-3)
    assert lab["kgCO2e"] == pytest.approx(lab["IT kWh"] * 0.6, abs=1e-3)
    assert orgs["GPU kWh"].sum() == pytest.approx(POWER.sum() * 1800 / KWH, abs=3e-3)


def test_the_table_in_korean_names_the_energy_columns_and_the_factors(data, capsys):
    assert main(["accounting", "--data-dir", str(data), *DAY, "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "kWh" in out and "kgCO2e" in out
    assert "PUE 1.58" in out and "0.4594" in out
    assert "Facility kWh" not in out  # translated


def test_a_bad_energy_setting_is_refused_with_its_line(data, capsys, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text("[energy]\npue = 0.5\n")
    argv = ["accounting", "--data-dir", str(data), *DAY, "--settings", str(settings)]
    assert main(argv) == 2
    assert f"{settings}:2: energy.pue" in capsys.readouterr().err


def test_simulated_history_has_the_energy_its_power_draw_implies(tmp_path, capsys):
    end = int(T0)
    argv = ["simulate", "--nodes", "6", "--days", "1", "--fine-hours", "1", "--end", str(end)]
    assert main([*argv, "--data-dir", str(tmp_path)]) == 0
    from console.energy.accounting import energy_table
    from console.history.database import HistoryDB
    from console.history.rollup import NODE_FIELDS

    db = HistoryDB(tmp_path / "history.sqlite", readonly=True)
    try:
        kwh = energy_table(db, end - 86400, end)["gpu_kwh"].sum()
        _, _, sums = db.node_rollups(end - 86400, end)
    finally:
        db.close()
    # Σ watts × seconds the rollups kept for live GPUs, frame by frame. The meter counts an
    # interval only when the node was live at both ends, and the demo's flaky node is down in
    # about 4 % of the frames, so the meter's figure is a few % lower, never higher
    joules = np.nansum(sums[NODE_FIELDS.index("power_dt")].astype(np.float64))
    assert 0.93 * joules / KWH < kwh < 1.01 * joules / KWH
