"""History: rollups and accounting on hand-computable data, restarts, a full disk, the ring.

The fleet here is two nodes of two GPUs. For two hours, public's node runs GPU 0 at 50 % and
leaves GPU 1 idle; private's node runs both GPUs at 100 % for a user of another organisation.
So public used 1 GPU-hour (0.5 × 2 h), private used 4, charged to the user's organisation.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from console.fleet.metrics import default_registry
from console.fleet.model import (
    GpuProcess,
    GpuSample,
    NodeEvent,
    NodeSample,
    NodeStatus,
    Organisation,
    PollBatch,
    Sector,
)
from console.fleet.state import FleetState
from console.history.accounting import accounting, period_bounds, with_total
from console.history.database import HistoryDB
from console.history.ring import FrameRing
from console.history.store import HistoryStore
from console.inventory.model import Inventory, NodeSpec
from console.settings import AccountingSettings

T0 = 1_795_964_400.0  # 2026-11-30 00:00 Asia/Seoul: on a 15-min boundary
STEP = 10.0
CITY = Organisation("city", Sector.PUBLIC, "시청", "City Hall")
LAB = Organisation("lab", Sector.PRIVATE, "연구소", "Lab")
STARTUP = Organisation("startup", Sector.PRIVATE, "스타트업", "Startup")


def inventory() -> Inventory:
    return Inventory(
        nodes=(
            NodeSpec("pub1", Sector.PUBLIC, CITY, 2, gpu_model="H100"),
            NodeSpec("prv1", Sector.PRIVATE, LAB, 2, gpu_model="A100"),
        ),
        entitlements={Sector.PUBLIC: 0.5, Sector.INTEREST: 0.25, Sector.PRIVATE: 0.25},
        organisations=(CITY, LAB, STARTUP),
        user_org={"kim": "startup"},
    )


def samples(t: float, down: bool = False) -> PollBatch:
    public = NodeSample("pub1", t, (GpuSample(0, util_gpu=50.0), GpuSample(1, util_gpu=0.0)))
    kim = (GpuProcess(pid=1, user="kim", used_mib=1000),)
    private = NodeSample(
        "prv1",
        t,
        tuple(GpuSample(i, util_gpu=100.0, processes=kim) for i in range(2)),
    )
    if down:
        return PollBatch(
            t, samples=(public,), events=(NodeEvent("prv1", t, NodeStatus.UNREACHABLE),)
        )
    return PollBatch(t, samples=(public, private))


def run(store: HistoryStore, start: float, seconds: float, down: bool = False) -> None:
    """Feed snapshots every STEP seconds; the first one only starts the clock."""
    fleet = FleetState(inventory(), default_registry(), stale_after_s=3 * STEP)
    for t in np.arange(start - STEP, start + seconds, STEP):
        fleet.apply(samples(float(t), down))
        store.observe(fleet.snapshot(float(t)))


def store_at(path) -> HistoryStore:
    store = HistoryStore(path, inventory(), frame_step_s=STEP)
    store.start()
    return store


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "history.sqlite"


def read(db_path, by="sector", **kw):
    db = HistoryDB(db_path, readonly=True)
    try:
        return accounting(db, T0, T0 + 7200, by, **kw).set_index(
            ["sector", "org"] if by == "org" else "sector"
        )
    finally:
        db.close()


def test_two_hours_give_hand_computed_gpu_hours(db_path):
    store = store_at(db_path)
    run(store, T0, 7200)
    store.close()
    table = read(db_path)
    public, private = table.loc["public"], table.loc["private"]
    assert public["allocated_gpu_h"] == pytest.approx(4.0)  # 2 GPUs × 2 h
    assert public["live_gpu_h"] == pytest.approx(4.0)
    assert public["used_gpu_h"] == pytest.approx(1.0)  # one GPU at 50 % for 2 h
    assert public["busy_gpu_h"] == pytest.approx(2.0)  # GPU 0 above the busy threshold
    assert public["util_pct"] == pytest.approx(25.0)
    assert public["entitled_gpu_h"] == pytest.approx(0.5 * 4 * 2)  # half of 4 GPUs for 2 h
    assert private["used_gpu_h"] == pytest.approx(4.0)
    assert table.loc["interest", "allocated_gpu_h"] == 0.0
    total = with_total(table.reset_index()).set_index("sector").loc["total"]
    assert total["used_gpu_h"] == pytest.approx(5.0)
    assert total["util_pct"] == pytest.approx(100 * 5.0 / 8.0)


def test_use_is_charged_to_the_users_organisation_and_allocation_to_the_nodes(db_path):
    store = store_at(db_path)
    run(store, T0, 7200)
    store.close()
    orgs = read(db_path, by="org")
    assert orgs.loc[("private", "startup"), "used_gpu_h"] == pytest.approx(4.0)
    assert orgs.loc[("private", "startup"), "allocated_gpu_h"] == 0.0
    assert orgs.loc[("private", "lab"), "allocated_gpu_h"] == pytest.approx(4.0)
    assert orgs.loc[("private", "lab"), "used_gpu_h"] == 0.0
    assert orgs.loc[("public", "city"), "used_gpu_h"] == pytest.approx(1.0)


def test_service_units_use_the_multiplier_of_the_gpu_model(db_path):
    store = store_at(db_path)
    run(store, T0, 7200)
    store.close()
    table = read(db_path, settings=AccountingSettings(su_multipliers={"H100": 2.5}))
    assert table.loc["public", "su"] == pytest.approx(2.5)  # 1 used GPU-hour × 2.5
    assert table.loc["private", "su"] == pytest.approx(4.0)  # A100: default 1.0


def test_an_unreachable_node_stays_allocated_but_is_not_used(db_path):
    store = store_at(db_path)
    run(store, T0, 7200, down=True)
    store.close()
    private = read(db_path).loc["private"]
    assert private["allocated_gpu_h"] == pytest.approx(4.0)
    assert private["live_gpu_h"] == 0.0
    assert private["used_gpu_h"] == 0.0


def test_a_restarted_console_adds_to_what_is_stored(db_path):
    first = store_at(db_path)
    run(first, T0, 3600)
    first.close()
    second = store_at(db_path)
    run(second, T0 + 3600, 3600)
    second.close()
    assert read(db_path).loc["public", "used_gpu_h"] == pytest.approx(1.0)


def test_sector_series_gives_average_gpus_per_bucket(db_path):
    store = store_at(db_path)
    run(store, T0, 1800)
    store.close()
    series = store.sector_series(T0, T0 + 1800, 900)
    public = series[series["sector"] == "public"].set_index("t")
    assert list(public.index) == [T0, T0 + 900]
    assert public["allocated"].tolist() == pytest.approx([2.0, 2.0])
    assert public["used"].tolist() == pytest.approx([0.5, 0.5])
    assert public["util"].tolist() == pytest.approx([25.0, 25.0])
    minutes = store.sector_series(T0, T0 + 1800, 60)
    assert len(minutes[minutes["sector"] == "private"]) == 30


def test_node_rollups_keep_each_nodes_sums(db_path):
    store = store_at(db_path)
    run(store, T0, 900)
    store.close()
    from console.history.rollup import NODE_FIELDS

    db = HistoryDB(db_path, readonly=True)
    times, nodes, sums = db.node_rollups(T0, T0 + 900, 900)
    db.close()
    assert list(times) == [T0] and set(nodes) == {"pub1", "prv1"}
    f = {name: i for i, name in enumerate(NODE_FIELDS)}
    pub = nodes.index("pub1")
    assert sums[f["util_dt"], 0, pub] / sums[f["live_s"], 0, pub] == pytest.approx(25.0)
    assert sums[f["util_max"], 0, pub] == pytest.approx(50.0)
    assert sums[f["node_live_s"], 0, pub] == pytest.approx(900.0)


def wait_until(condition, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        threading.Event().wait(0.02)
    return True


def test_a_full_disk_is_reported_and_nothing_is_lost_once_there_is_room(db_path):
    store = HistoryStore(db_path, inventory(), frame_step_s=STEP)
    store.writer.max_pages = 8  # SQLite then fails with "database or disk is full"
    store.writer.retry_s = 0.05
    store.start()
    run(store, T0, 1800)  # observing goes on: nothing here raises
    store.flush()
    assert store.writer.wait_idle(10)
    assert store.problem and "full" in store.problem
    assert store.writer.written == 0
    store.writer.max_pages = None  # room again: the writer retries its backlog by itself
    assert wait_until(lambda: store.problem is None)
    store.close()
    assert read(db_path).loc["public", "used_gpu_h"] == pytest.approx(0.25)  # 50 % × 0.5 h


def test_an_unwritable_data_dir_is_a_problem_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    store = HistoryStore(blocker / "sub" / "history.sqlite", inventory(), frame_step_s=STEP)
    store.start()
    run(store, T0, 60)
    store.flush()
    assert store.writer.wait_idle(10)
    store.close()
    assert store.problem and "sub" in store.problem


def test_period_bounds_are_midnights_in_seoul():
    from datetime import date
    from zoneinfo import ZoneInfo

    t0, t1 = period_bounds(date(2026, 11, 30), date(2026, 11, 30), ZoneInfo("Asia/Seoul"))
    assert (t0, t1) == (T0, T0 + 86400)
    with pytest.raises(ValueError, match="before it starts"):
        period_bounds(date(2026, 12, 2), date(2026, 12, 1), ZoneInfo("Asia/Seoul"))


def test_frame_ring_keeps_the_newest_frames_in_order():
    ring = FrameRing(nodes=2, width=3, capacity=4)
    for i in range(6):
        ring.append(float(i), np.full((4, 2, 3), i, dtype=np.float32), np.array([i, -i]))
    t, gpu = ring.window(since=0.0)
    assert t.tolist() == [2.0, 3.0, 4.0, 5.0]
    assert gpu[0, :, 1, 2].tolist() == [2.0, 3.0, 4.0, 5.0]
    t, gpu, cpu = ring.node_window(1, since=4.0)
    assert t.tolist() == [4.0, 5.0] and cpu.tolist() == [-4.0, -5.0]
    assert ring.nbytes < 4 * 8 + 4 * 4 * 2 * 3 * 2 + 4 * 2 * 2 + 1


def test_the_ring_stores_non_live_nodes_as_missing(db_path):
    store = HistoryStore(db_path, inventory(), frame_step_s=STEP)
    fleet = FleetState(inventory(), default_registry(), stale_after_s=3 * STEP)
    fleet.apply(samples(T0, down=True))
    store.observe(fleet.snapshot(T0))
    t, gpu, cpu = store.node_frames("prv1", since=0)
    assert t.tolist() == [T0] and np.isnan(gpu).all() and np.isnan(cpu).all()
    t, gpu, _ = store.node_frames("pub1", since=0)
    assert gpu[0, 0, :].tolist() == [50.0, 0.0]
    store.close()


def test_sums_leave_for_the_disk_every_flush_interval_so_a_crash_loses_little(db_path):
    store = HistoryStore(db_path, inventory(), frame_step_s=STEP, flush_s=30.0)  # not started
    run(store, T0, 600)
    # 600 s of frames, flushed every 30 s (minute ends fall on flushes here): 20 deltas queued
    assert store.writer._queue.qsize() == 20
