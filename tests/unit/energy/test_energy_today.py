"""HistoryStore.energy_today: GPU kWh per sector since local midnight = stored rows + what is not
stored yet; never a database read on the calling (GUI) thread, never counted twice."""

from __future__ import annotations

import sqlite3
import time

import pytest

from console.energy.accounting import energy_table
from console.energy.today import local_midnight
from console.history.database import HistoryDB
from console.history.store import HistoryStore
from tests.unit.energy.fleet import KWH, POWER, T0, frames, inventory

DAY = 86400.0


def started(path) -> HistoryStore:
    store = HistoryStore(path, inventory(), frame_step_s=10.0)
    store.writer.retry_s = 0.1
    store.start()
    return store


def feed(store: HistoryStore, seconds: float, start: float) -> float:
    last = start
    for s in frames(seconds, start):
        store.observe(s)
        last = s.t
    return last


def stored_gpu_kwh(path, t0: float, t1: float) -> dict[str, float]:
    db = HistoryDB(path, readonly=True)
    try:
        return energy_table(db, t0, t1).set_index("sector")["gpu_kwh"].to_dict()
    finally:
        db.close()


def test_midnight_is_local():
    from zoneinfo import ZoneInfo

    assert local_midnight(T0 + 5, ZoneInfo("Asia/Seoul")) == T0  # T0 is 00:00 in Seoul
    assert local_midnight(T0 - 5, ZoneInfo("Asia/Seoul")) == T0 - DAY
    assert local_midnight(T0, ZoneInfo("UTC")) == T0 - 15 * 3600


def test_none_before_the_history_was_read_then_stored_plus_unflushed(tmp_path):
    path = tmp_path / "history.sqlite"
    store = started(path)
    try:
        last = feed(store, 600, T0)  # ten minutes from midnight
        assert store.writer.wait_idle(10)
        today = store.energy_today(last)
        # everything metered so far, flushed or not: Σ P × 600 s per sector
        assert today["public"] == pytest.approx(POWER[0].sum() * 600 / KWH)
        assert today["private"] == pytest.approx(POWER[1].sum() * 600 / KWH)
        assert today["interest"] == 0.0
    finally:
        store.close()
    # once all is stored, the figure is what the database holds for the day
    assert stored_gpu_kwh(path, T0, T0 + DAY) == pytest.approx(store.energy_today(last))


def test_a_new_console_shows_todays_stored_energy_before_its_first_write(tmp_path):
    """The writer reads today's rows when it starts: no "—" on the cards for the first flush."""
    from zoneinfo import ZoneInfo

    path = tmp_path / "history.sqlite"
    now = time.time()
    start = max(local_midnight(now, ZoneInfo("Asia/Seoul")) + 1.0, now - 600)
    first = started(path)
    feed(first, 300, start)
    first.close()
    stored = stored_gpu_kwh(path, local_midnight(now, ZoneInfo("Asia/Seoul")), now + 3600)
    assert stored["public"] > 0
    second = started(path)
    try:
        deadline = time.monotonic() + 10
        while second.energy_today(now) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert second.energy_today(now) == pytest.approx(stored)  # nothing fed to this one
        assert second.writer.written == 0
    finally:
        second.close()


def test_an_earlier_run_of_today_counts_and_yesterday_does_not(tmp_path):
    path = tmp_path / "history.sqlite"
    first = started(path)
    feed(first, 1200, T0 - 600)  # 23:50 yesterday to 00:10 today
    first.close()
    second = started(path)
    try:
        last = feed(second, 300, T0 + 1800)
        assert second.writer.wait_idle(10)
        today = second.energy_today(last)
    finally:
        second.close()
    stored = stored_gpu_kwh(path, T0, T0 + DAY)
    assert today == pytest.approx(stored)
    # 600 s (+ the 10 s interval ending at 00:00) of the first run, 300 s of the second
    assert today["public"] == pytest.approx(POWER[0].sum() * (610 + 300) / KWH)
    # the next day starts from nothing but what is on its way
    assert second.energy_today(T0 + DAY + 60)["public"] == 0.0


def test_a_locked_database_never_blocks_and_nothing_is_counted_twice(tmp_path):
    path = tmp_path / "history.sqlite"
    store = started(path)
    try:
        feed(store, 120, T0)
        assert store.writer.wait_idle(10)
        before = store.energy_today(T0 + 120)["private"]
        blocker = sqlite3.connect(path, timeout=0.1)
        blocker.execute("BEGIN EXCLUSIVE")  # the writer cannot write now (it keeps a backlog)
        try:
            began = time.monotonic()
            last = feed(store, 120, T0 + 130)
            during = store.energy_today(last)["private"]
            assert time.monotonic() - began < 2.0  # no frame waited for the disk
        finally:
            blocker.rollback()
            blocker.close()
        # what could not be written yet is still counted, once: 120 s to 250 s
        assert during == pytest.approx(before + POWER[1].sum() * 130 / KWH)
        store.flush()
        assert store.writer.wait_idle(15) and store.writer.problem is None
        assert store.energy_today(last)["private"] == pytest.approx(during)
    finally:
        store.close()
    assert stored_gpu_kwh(path, T0, T0 + DAY)["private"] == pytest.approx(during)
