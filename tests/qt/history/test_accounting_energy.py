"""The accounting tab's energy columns over a history whose energy is known (tests/report_history):
GPU, CPU and facility kWh and kgCO2e per sector and organisation, equal to energy_table, summed
in the total row, and the same numbers in its CSV."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from console.energy.accounting import energy_table
from console.history.accounting import period_bounds
from console.history.database import HistoryDB
from console.settings import AccountingSettings, EnergySettings
from tests.report_history import DAY, EXPECTED_KWH_DAY, STEP, build_history
from widgets.common.csv_export import VALUE_ROLE
from widgets.history.accounting_view import AccountingView
from widgets.history.query import HistoryQueries

SEOUL = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 15_000
ENERGY = ["gpu_kwh", "cpu_kwh", "facility_kwh", "co2e_kg"]
SETTINGS = EnergySettings(pue=1.4, grid_kgco2e_per_kwh=0.5)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return build_history(tmp_path_factory.mktemp("accounting-energy"))


@pytest.fixture
def view(qtbot, history):
    store = SimpleNamespace(reader=lambda: HistoryDB(history, readonly=True))  # what queries use
    queries = HistoryQueries(store)
    view = AccountingView(SEOUL)
    qtbot.addWidget(view)
    view.attach(queries, AccountingSettings(), SETTINGS)
    yield view
    queries.shutdown()


def shown(view) -> pd.DataFrame:
    """The table as the model holds it: one column per Column key, values as numbers."""
    model = view.model
    rows = []
    for r in range(model.rowCount()):
        rows.append(
            {c.key: model.data(model.index(r, i), VALUE_ROLE) for i, c in enumerate(model.columns)}
        )
    return pd.DataFrame(rows)


def expected(history: Path, by: str) -> pd.DataFrame:
    db = HistoryDB(history, readonly=True)
    try:
        return energy_table(db, *period_bounds(DAY, DAY, SEOUL), by=by, settings=SETTINGS)
    finally:
        db.close()


def ask(view, qtbot, by: str) -> None:
    view.by.setCurrentIndex(0 if by == "sector" else 1)
    view.set_period(DAY, DAY)
    qtbot.waitUntil(
        lambda: (
            view.result is not None and view.result.by == by and not view.queries.busy("accounting")
        ),
        timeout=TIMEOUT_MS,
    )


def test_energy_per_sector_equals_energy_table_and_adds_up(qtbot, view, history, tmp_path):
    ask(view, qtbot, "sector")
    headers = [c.header() for c in view.model.columns]
    assert headers[-4:] == ["GPU kWh", "CPU kWh", "Facility kWh", "kgCO2e"]
    table = shown(view)
    want = expected(history, "sector").set_index("sector")
    for i, sector in enumerate(("public", "interest", "private")):
        for column in ENERGY:
            assert table.loc[i, column] == round(float(want.loc[sector, column]), 1)
        gpu_kwh = EXPECTED_KWH_DAY[sector][0]
        assert table.loc[i, "gpu_kwh"] == pytest.approx(gpu_kwh, abs=2 * 800 * STEP / 3.6e6)
    total = table.iloc[-1]
    for column in ENERGY:
        assert total[column] == pytest.approx(table[column].iloc[:-1].sum(), abs=0.2)
    it = table["gpu_kwh"] + table["cpu_kwh"]
    assert table["facility_kwh"].to_numpy() == pytest.approx((it * 1.4).to_numpy(), abs=0.2)

    path = view.export_csv(tmp_path / "sector.csv")
    csv = pd.read_csv(path)
    for column in ENERGY:
        assert csv[column].tolist() == table[column].tolist()


def test_energy_per_organisation(qtbot, view, history, tmp_path):
    ask(view, qtbot, "org")
    table = shown(view)
    want = expected(history, "org").set_index("org")
    orgs = view.result.table["org"].iloc[:-1].tolist()
    assert sorted(orgs) == ["city", "lab", "uni"]
    for i, org in enumerate(orgs):
        for column in ENERGY:
            assert table.loc[i, column] == round(float(want.loc[org, column]), 1), (org, column)
    assert table["gpu_kwh"].iloc[-1] == pytest.approx(want["gpu_kwh"].sum(), abs=0.05)
    csv = pd.read_csv(view.export_csv(tmp_path / "org.csv"))
    assert csv["org"].iloc[:-1].tolist() == orgs
    assert csv["co2e_kg"].tolist() == table["co2e_kg"].tolist()


def test_without_energy_settings_the_columns_are_left_out(qtbot, history):
    store = SimpleNamespace(reader=lambda: HistoryDB(history, readonly=True))
    queries = HistoryQueries(store)
    view = AccountingView(SEOUL)
    qtbot.addWidget(view)
    view.attach(queries, AccountingSettings())
    try:
        ask(view, qtbot, "sector")
        assert "gpu_kwh" not in [c.key for c in view.model.columns]
    finally:
        queries.shutdown()
