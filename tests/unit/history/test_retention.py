"""Retention: 1-minute rows are kept two days back from the newest data written (15-minute rows
for good), pruned at the first write after a start whatever the machine's uptime; a store filled
for a past period keeps its rows."""

from __future__ import annotations

import time

from console.history.database import HistoryDB
from console.history.store import HistoryStore
from tests.unit.energy.fleet import frames, inventory

DAY = 86400.0


def fill(path, *spans: tuple[float, float]) -> None:
    for start, seconds in spans:  # one console run per span
        store = HistoryStore(path, inventory(), frame_step_s=10.0)
        store.start()
        for s in frames(seconds, start):
            store.observe(s)
        store.close()


def minute_rows(path, t0: float, t1: float) -> int:
    db = HistoryDB(path, readonly=True)
    try:
        return len(db.usage(t0, t1, 60)), len(db.usage(t0, t1, 900))
    finally:
        db.close()


def test_old_minute_rows_go_when_newer_data_is_written(tmp_path):
    path = tmp_path / "history.sqlite"
    now = time.time() // 900 * 900
    fill(path, (now - 3 * DAY, 600), (now - 600, 300))
    old_minutes, old_quarters = minute_rows(path, now - 3 * DAY, now - 3 * DAY + 900)
    assert old_minutes == 0 and old_quarters > 0  # 1-min rows gone, 15-min rows kept
    assert minute_rows(path, now - 600, now)[0] > 0


def test_a_store_filled_for_a_past_period_keeps_its_minute_rows(tmp_path):
    path = tmp_path / "history.sqlite"
    then = time.time() // 900 * 900 - 30 * DAY
    fill(path, (then, 600), (then + 900, 300))
    assert minute_rows(path, then, then + 900)[0] > 0
