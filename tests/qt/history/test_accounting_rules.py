"""The accounting tab says which rule charged the used GPU-hours (job account, user map, node),
per sector and organisation, the same in its CSV; a history before schema 3 shows zeros."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from console.history.database import HistoryDB
from console.history.rollup import RollupAccumulator, layout_of
from console.settings import AccountingSettings
from tests.unit.history.test_rule_history import T0, fleet, frames
from widgets.common.csv_export import VALUE_ROLE
from widgets.history.accounting_view import AccountingView
from widgets.history.query import HistoryQueries

SEOUL = ZoneInfo("Asia/Seoul")
DAY = datetime.fromtimestamp(T0, SEOUL).date()
RULES = ["job_gpu_h", "user_gpu_h", "node_gpu_h"]


@pytest.fixture
def view(qtbot, tmp_path):
    path = tmp_path / "history.sqlite"
    snaps = list(frames(fleet(), 3600))  # an hour: flood's job 0.5, lab's user 1, city 0.25
    acc = RollupAccumulator(layout_of(snaps[0], ("H100",)), 30.0, 5.0)
    db = HistoryDB(path)
    for s in snaps:
        acc.add(s)
        if int(s.t) % 60 == 59:
            db.write([acc.take()])
    db.write([d for d in (acc.take(),) if d is not None])
    db.close()
    queries = HistoryQueries(SimpleNamespace(reader=lambda: HistoryDB(path, readonly=True)))
    view = AccountingView(SEOUL)
    qtbot.addWidget(view)
    view.attach(queries, AccountingSettings())
    yield view
    queries.shutdown()


def ask(view, qtbot, by: str) -> pd.DataFrame:
    view.by.setCurrentIndex(0 if by == "sector" else 1)
    view.set_period(DAY, DAY)
    qtbot.waitUntil(
        lambda: (
            view.result is not None and view.result.by == by and not view.queries.busy("accounting")
        ),
        timeout=15_000,
    )
    m = view.model
    return pd.DataFrame(
        [
            {c.key: m.data(m.index(r, i), VALUE_ROLE) for i, c in enumerate(m.columns)}
            for r in range(m.rowCount())
        ]
    )


def test_used_gpu_hours_by_rule_per_organisation_and_in_the_csv(qtbot, view, tmp_path):
    table = ask(view, qtbot, "org").set_index("organisation")  # ids: no names stored here
    headers = [c.header() for c in view.model.columns]
    assert "Used GPU-h by job account" in headers and "Used GPU-h by node" in headers
    assert table.loc["flood", RULES].tolist() == [0.5, 0.0, 0.0]
    assert table.loc["lab", RULES].tolist() == [0.0, 1.0, 0.0]
    assert table.loc["city", RULES].tolist() == [0.0, 0.0, 0.2]  # 0.25 shown to one digit
    csv = pd.read_csv(view.export_csv(tmp_path / "org.csv"))
    assert csv["job_gpu_h"].tolist() == table["job_gpu_h"].tolist()


def test_the_rules_add_up_to_used_per_sector(qtbot, view):
    table = ask(view, qtbot, "sector")
    total = table.iloc[-1]
    assert total[RULES].sum() == pytest.approx(total["used_gpu_h"], abs=0.15)
    assert total["job_gpu_h"] == 0.5
