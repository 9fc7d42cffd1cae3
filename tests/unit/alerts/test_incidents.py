"""Incidents on disk: written off the GUI thread, read back after a restart with their
acknowledgements, readable by other processes; the `alerts` command lists them."""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest

from console import app
from console.access import AccessDenied, AccessPolicy, Identity, Role
from console.alerts.engine import AlertEngine
from console.alerts.incidents import COLUMNS, IncidentStore, incidents_path, read_incidents
from console.fleet.metrics import default_registry
from console.fleet.model import XidEvent
from console.settings import AlertSettings
from tests.unit.alerts.test_engine import T0, Fleet


def fleet_with_store(path, restored=(), next_id=1) -> tuple[Fleet, IncidentStore]:
    f = Fleet()
    f.engine = AlertEngine(default_registry(), AlertSettings(), restored, next_id)
    store = IncidentStore(path, flush_s=5.0)
    store.start()
    return f, store


def drive(f: Fleet, store: IncidentStore, t0: float, t1: float, step: float = 1.0) -> None:
    t = t0
    while t <= t1:
        store.observe(f.step(t), t)
        t += step


def test_incidents_and_acknowledgements_survive_a_restart(tmp_path):
    path = incidents_path(tmp_path)
    assert path == tmp_path / "incidents.sqlite"
    f, store = fleet_with_store(path)
    f.faults = {"pub-1": {0: {"remapped_rows_failure": True}}, "int-1": {2: {"temp_c": 95.0}}}
    drive(f, store, T0, T0 + 20)
    remap = f.open("remap_failure")[0]
    store.save(f.engine.acknowledge(remap.id, "kim", "교체 예정 (RMA)", T0 + 21))
    store.close()

    restored, next_id = IncidentStore(path).load(now=T0 + 30)
    by_rule = {i.rule: i for i in restored}
    assert set(by_rule) == {"remap_failure", "gpu_temp"} and next_id == 3
    assert (by_rule["remap_failure"].acked_by, by_rule["remap_failure"].note) == (
        "kim",
        "교체 예정 (RMA)",
    )
    assert by_rule["gpu_temp"].peak == 95.0 and by_rule["gpu_temp"].last_seen == T0 + 20

    # the restarted console continues the same incidents while the faults are still there
    f2, store2 = fleet_with_store(path, restored, next_id)
    f2.faults = f.faults
    drive(f2, store2, T0 + 60, T0 + 62)
    again = {i.rule: i for i in f2.engine.incidents()}
    assert again["remap_failure"].id == remap.id and again["remap_failure"].acked_by == "kim"
    assert again["gpu_temp"].first_seen == T0
    # and closes them once the faults are gone for the hold time
    f2.faults = {}
    drive(f2, store2, T0 + 63, T0 + 63 + 305, step=5.0)
    assert f2.engine.incidents() == ()
    store2.close()
    df = read_incidents(path, T0, T0 + 1000)
    assert len(df) == 2 and not df["closed_at"].isna().any()
    assert df.set_index("rule").loc["remap_failure", "acked_by"] == "kim"


def test_read_incidents_columns_types_and_overlap(tmp_path):
    path = incidents_path(tmp_path)
    f, store = fleet_with_store(path)
    f.faults = {"pub-2": {1: {"ecc_uncorrected_volatile": 4}}}
    f.node_extra = {"int-1": {"xids": (XidEvent(None, 13),)}}
    drive(f, store, T0, T0 + 2)
    f.faults, f.node_extra = {}, {}
    drive(f, store, T0 + 3, T0 + 400, step=5.0)  # both closed (300 s hold)
    store.close()
    df = read_incidents(path, 0, math.inf)
    assert list(df.columns) == list(COLUMNS) == [
        "id", "rule", "severity", "node", "gpu", "sector", "org", "first_seen", "last_seen",
        "closed_at", "peak", "acked_by", "acked_at", "note",
    ]  # fmt: skip
    assert df["id"].dtype == np.int64
    node_xid = df[df["rule"] == "xid"].iloc[0]
    assert math.isnan(node_xid["gpu"]) and node_xid["org"] == "snu" and node_xid["peak"] == 13
    ecc = df[df["rule"] == "ecc_uncorrected"].iloc[0]
    assert (ecc["gpu"], ecc["sector"], ecc["org"], ecc["acked_by"]) == (1.0, "public", "", "")
    assert math.isnan(ecc["acked_at"])
    closed = float(df["closed_at"].max())
    assert len(read_incidents(path, closed + 1, closed + 100)) == 0  # closed before t0
    assert len(read_incidents(path, T0 - 100, T0)) == 0  # [t0, t1): t1 excluded
    assert len(read_incidents(path, T0 - 100, T0 + 0.5)) == 2


def test_read_incidents_without_a_file_is_empty_with_the_columns(tmp_path):
    df = read_incidents(tmp_path / "nothing.sqlite", 0, 1)
    assert df.empty and list(df.columns) == list(COLUMNS)


def test_a_store_that_cannot_write_reports_and_the_gui_side_never_blocks(tmp_path):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    store = IncidentStore(blocked / "incidents.sqlite")
    assert store.load() == ([], 1) and store.problem
    store.start()
    f = Fleet()
    f.faults = {"pub-1": {0: {"remapped_rows_failure": True}}}
    store.observe(f.step(T0), T0)
    assert store.wait_idle(10)
    assert store.problem and "incidents.sqlite" in store.problem
    store.close()


def test_acknowledging_is_refused_to_viewers_in_the_core(tmp_path):
    f = Fleet()
    f.faults = {"pub-1": {0: {"remapped_rows_failure": True}}}
    f.step(T0)
    viewer = AccessPolicy(Identity("lee", ()), Role.VIEWER)
    services = app.Services(
        f.state.inventory, default_registry(), f.state, None, None, alerts=f.engine,
        policy=viewer,
    )  # fmt: skip
    (inc,) = f.open("remap_failure")
    with pytest.raises(AccessDenied):
        services.acknowledge_incident(inc.id, "note")
    assert f.open("remap_failure")[0].acked_by == ""
    services.policy = AccessPolicy(Identity("kim", ()), Role.OPERATOR)
    assert services.acknowledge_incident(inc.id, "on it").acked_by == "kim"


def test_alerts_command_lists_incidents_in_both_languages(tmp_path, capsys):
    path = incidents_path(tmp_path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    from console.alerts.incidents import SCHEMA

    db.executescript(SCHEMA)
    import time

    now = time.time()
    rows = [
        (1, "gpu_temp", "critical", "hg-r01n2", 0, "public", "seoul-welfare", now - 600,
         now - 300, now - 200, 92.0, "kim", now - 250, "팬 교체"),
        (2, "node_unreachable", "critical", "hg-r01n6", None, "public", "", now - 100,
         now - 5, None, None, "", None, ""),
    ]  # fmt: skip
    db.executemany(f"INSERT INTO incidents VALUES ({','.join('?' * 14)})", rows)
    db.commit()
    db.close()
    assert app.main(["alerts", "--data-dir", str(tmp_path), "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "GPU 온도" in out and "노드 연결 불가" in out and "진행 중" in out and "팬 교체" in out
    assert app.main(["alerts", "--data-dir", str(tmp_path), "--open", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Node unreachable" in out and "GPU temperature" not in out
    args = ["alerts", "--data-dir", str(tmp_path), "--format", "csv", "--lang", "en"]
    assert app.main(args) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("ID,Severity,Rule,Sector,Node,GPU") and len(lines) == 3
    assert app.main(["alerts", "--data-dir", str(tmp_path / "empty"), "--lang", "en"]) == 0
    assert "none" in capsys.readouterr().out
