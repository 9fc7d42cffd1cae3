"""The accounting tab on a fresh data dir: the console's own history has no file yet, or a file
the writer has made but not yet given its tables. Either reads as an empty month, and nothing is
logged (it used to log "no such table: usage" / "no history here")."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from console.history.accounting import period_bounds
from console.history.store import HistoryStore
from console.settings import AccountingSettings, EnergySettings
from tests.unit.history.test_history import STEP, inventory
from widgets.history.query import accounting_report


def schema_less(path) -> None:
    """What the writer's first connect leaves before its CREATE TABLEs run."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()


@pytest.mark.parametrize("made", [None, schema_less])
def test_a_fresh_data_dir_shows_an_empty_month_and_logs_nothing(tmp_path, caplog, made):
    path = tmp_path / "history.sqlite"
    if made is not None:
        made(path)
    store = HistoryStore(path, inventory(), frame_step_s=STEP)
    t0, t1 = period_bounds(date(2026, 12, 1), date(2026, 12, 31), ZoneInfo("Asia/Seoul"))
    with caplog.at_level(logging.DEBUG):
        result = accounting_report(store, t0, t1, "sector", AccountingSettings(), EnergySettings())
        series = store.sector_series(t0, t1, 900)
    table = result.table.set_index("sector")
    assert "total" in table.index and len(table) == 4  # three sectors and the total
    assert (table[["entitled_gpu_h", "allocated_gpu_h", "used_gpu_h"]] == 0).all().all()
    assert (result.energy["it_kwh"] == 0).all()
    assert result.organisations.empty and series.empty
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
