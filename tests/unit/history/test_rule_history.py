"""Used GPU-seconds per charging rule: FleetState's gpu_rule through the rollups into SQLite
(schema 3, a schema-2 file migrated in place, read as zeros read-only) and out of accounting."""

from __future__ import annotations

import sqlite3

import pytest

from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.metrics import default_registry
from console.fleet.model import GpuProcess, GpuSample, NodeSample, Organisation, PollBatch, Sector
from console.fleet.state import FleetState
from console.history.accounting import RULE_COLUMNS, accounting, with_total
from console.history.database import SCHEMA_VERSION, HistoryDB
from console.history.rollup import RULE_FIELDS, USAGE_FIELDS, RollupAccumulator, layout_of
from console.inventory.model import Inventory, NodeSpec

T0 = 1_800_000_000.0 // 900 * 900
SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}
CITY = Organisation("city", Sector.PUBLIC, "시청", "City")
LAB = Organisation("lab", Sector.PRIVATE, "연구소", "Lab")
FLOOD = Organisation("flood", Sector.INTEREST, "홍수", "Flood")


def fleet() -> FleetState:
    inv = Inventory(
        nodes=(NodeSpec("a-node", Sector.PUBLIC, CITY, 4),),
        entitlements=SHARES,
        organisations=(CITY, LAB, FLOOD),
        user_org={"kim": "lab"},
        org_accounts={"flood": "int_flood"},
    )
    state = FleetState(inv, default_registry(), stale_after_s=1e9)
    state.set_scheduler_jobs(SchedulerJobs(T0, {"11": RunningJob("11", "int_flood", "lee")}))
    return state


def frames(state: FleetState, seconds: int):
    """A GPU each: the job's (50 %), kim's (100 %), nobody's mapped (25 %), idle."""
    gpus = (
        GpuSample(0, util_gpu=50, processes=(GpuProcess(1, "x", 10, job="11"),)),
        GpuSample(1, util_gpu=100, processes=(GpuProcess(2, "kim", 10),)),
        GpuSample(2, util_gpu=25, processes=(GpuProcess(3, "x", 10),)),
        GpuSample(3, util_gpu=0),
    )
    for t in range(seconds + 1):
        state.apply(PollBatch(T0 + t, samples=(NodeSample("a-node", T0 + t, gpus),)))
        yield state.snapshot(T0 + t)


def test_rollup_keeps_used_gpu_seconds_per_rule_and_accounting_says_which_rule(tmp_path):
    state = fleet()
    snaps = list(frames(state, 600))
    acc = RollupAccumulator(layout_of(snaps[0], ("H100",)), 30.0, 5.0)
    for s in snaps:
        acc.add(s)
    delta = acc.take()
    f = {name: i for i, name in enumerate(USAGE_FIELDS)}
    _, org, _ = delta.layout.key_parts(delta.usage_key)
    ids = ("", *delta.layout.org_ids)
    got = {
        (ids[org[i] + 1], field): delta.usage[f[field], i]
        for i in range(len(delta.usage_key))
        for field in ("used_s", *RULE_FIELDS)
    }
    assert got[("flood", "used_job_s")] == pytest.approx(300.0)  # 600 s at 50 %
    assert got[("lab", "used_user_s")] == pytest.approx(600.0)
    assert got[("city", "used_node_s")] == pytest.approx(150.0)
    for name in ("flood", "lab", "city"):  # the rules add up to what was used
        assert sum(got[(name, r)] for r in RULE_FIELDS) == pytest.approx(got[(name, "used_s")])
    path = tmp_path / "history.sqlite"
    db = HistoryDB(path)
    db.write([delta])
    db.close()
    db = HistoryDB(path, readonly=True)
    try:
        by_org = accounting(db, T0, T0 + 900, "org").set_index("org")
        by_sector = with_total(accounting(db, T0, T0 + 900)).set_index("sector")
    finally:
        db.close()
    assert by_org.loc["flood", "job_gpu_h"] == pytest.approx(300 / 3600)
    assert by_org.loc["flood", ["user_gpu_h", "node_gpu_h"]].tolist() == [0.0, 0.0]
    assert by_org.loc["lab", "user_gpu_h"] == pytest.approx(600 / 3600)
    assert by_org.loc["city", "node_gpu_h"] == pytest.approx(150 / 3600)
    total = by_sector.loc["total"]
    assert total[RULE_COLUMNS].sum() == pytest.approx(total["used_gpu_h"])
    # use stays in the node's sector (a public node), charged to the job's organisation
    assert by_sector.loc["public", "job_gpu_h"] == pytest.approx(300 / 3600)


V2_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE layouts (id INTEGER PRIMARY KEY, digest TEXT UNIQUE NOT NULL, body TEXT NOT NULL);
CREATE TABLE node_rollup (
    res INTEGER NOT NULL, t INTEGER NOT NULL, layout INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (res, t, layout)) WITHOUT ROWID;
CREATE TABLE usage (
    res INTEGER NOT NULL, t INTEGER NOT NULL, sector TEXT NOT NULL, org TEXT NOT NULL,
    model TEXT NOT NULL, alloc_s REAL NOT NULL, live_s REAL NOT NULL, used_s REAL NOT NULL,
    busy_s REAL NOT NULL, energy_j REAL NOT NULL DEFAULT 0, energy_est_j REAL NOT NULL DEFAULT 0,
    cpu_energy_j REAL NOT NULL DEFAULT 0, PRIMARY KEY (res, t, sector, org, model)) WITHOUT ROWID;
CREATE TABLE organisations (
    id TEXT PRIMARY KEY, sector TEXT NOT NULL, name_ko TEXT NOT NULL, name_en TEXT NOT NULL);
CREATE TABLE capacity (
    res INTEGER NOT NULL, t INTEGER NOT NULL, sector TEXT NOT NULL, entitled_s REAL NOT NULL,
    span_s REAL NOT NULL, PRIMARY KEY (res, t, sector)) WITHOUT ROWID;
INSERT INTO meta VALUES ('schema_version', '2');
"""


def v2_file(path) -> None:
    db = sqlite3.connect(path)
    db.executescript(V2_SCHEMA)
    db.execute(
        "INSERT INTO usage VALUES "
        "(900, ?, 'public', 'city', 'H100', 1800, 1800, 900, 1800, 5, 0, 1)",
        (int(T0),),
    )
    db.execute("INSERT INTO capacity VALUES (900, ?, 'public', 900.0, 900.0)", (int(T0),))
    db.commit()
    db.close()


def test_a_read_only_reader_of_a_schema_2_file_reads_zero_per_rule(tmp_path):
    path = tmp_path / "history.sqlite"
    v2_file(path)
    db = HistoryDB(path, readonly=True)
    try:
        usage = db.usage(T0, T0 + 900)
        assert usage[list(RULE_FIELDS)].to_numpy().tolist() == [[0.0, 0.0, 0.0]]
        assert usage["used_s"].tolist() == [900.0] and usage["energy_j"].tolist() == [5.0]
        table = accounting(db, T0, T0 + 900).set_index("sector")
        assert table.loc["public", RULE_COLUMNS].tolist() == [0.0, 0.0, 0.0]
        assert db.schema_version() == 2  # a reader changes nothing
    finally:
        db.close()


def test_a_schema_2_file_is_migrated_in_place_and_adds_per_rule(tmp_path):
    path = tmp_path / "history.sqlite"
    v2_file(path)
    db = HistoryDB(path)
    try:
        assert db.schema_version() == SCHEMA_VERSION == 3
        old = db.usage(T0, T0 + 900).iloc[0]
        assert old[list(USAGE_FIELDS)].tolist() == [1800, 1800, 900, 1800, 5, 0, 1, 0, 0, 0]
        state = fleet()
        snaps = list(frames(state, 10))
        acc = RollupAccumulator(layout_of(snaps[0], ("H100",)), 30.0, 5.0)
        for s in snaps:
            acc.add(s)
        db.write([acc.take()])
        rows = db.usage(T0, T0 + 900).set_index("org")
        assert rows.loc["city", "used_s"] == pytest.approx(900 + 2.5)  # added to the old row
        assert rows.loc["city", "used_node_s"] == pytest.approx(2.5)
        assert rows.loc["flood", "used_job_s"] == pytest.approx(5.0)
    finally:
        db.close()
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(usage)")}
    assert set(RULE_FIELDS) <= columns


def test_energy_follows_the_job_accounts_organisation():
    """GPU joules are attributed with gpu_org, so a job's GPU's energy is its account's
    organisation's, not the node's nor its user's."""
    state = fleet()
    snaps = []
    for t in range(0, 121, 10):  # GPU 0 runs job 11 (flood's) and draws 100 J/s
        gpus = (
            GpuSample(0, util_gpu=50, energy_j=1e6 + 100.0 * t, energy_estimated=False,
                      processes=(GpuProcess(1, "kim", 10, job="11"),)),
            GpuSample(1, util_gpu=50, energy_j=2e6 + 10.0 * t, energy_estimated=False,
                      processes=(GpuProcess(2, "kim", 10),)),
        )  # fmt: skip
        state.apply(PollBatch(T0 + t, samples=(NodeSample("a-node", T0 + t, gpus),)))
        snaps.append(state.snapshot(T0 + t))
    acc = RollupAccumulator(layout_of(snaps[0], ("H100",)), 30.0, 5.0)
    for s in snaps:
        acc.add(s)
    delta = acc.take()
    _, org, _ = delta.layout.key_parts(delta.usage_key)
    ids = ("", *delta.layout.org_ids)
    joules = {
        ids[org[i] + 1]: delta.usage[USAGE_FIELDS.index("energy_j"), i]
        for i in range(len(delta.usage_key))
    }
    assert joules["flood"] == pytest.approx(100.0 * 120)
    assert joules["lab"] == pytest.approx(10.0 * 120)  # kim's GPU without a job: the user map
    assert joules.get("city", 0.0) == 0.0
