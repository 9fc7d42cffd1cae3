"""The audit log's hash chain notices edited, deleted and inserted rows (real SQLite files)."""

from __future__ import annotations

import sqlite3

import pytest

from console.capacity.audit import AuditLog, entry_hash, read_changes


def write(log: AuditLog, n: int) -> None:
    for i in range(n):
        log.append(t=1_700_000_000.0 + i, user="kim", role="operator", action="apply",
                   plan_id=f"p{i}", reason=f"reason {i}",
                   body={"plan": {"moves": [{"node": f"n{i}", "source": "private",
                                             "target": "public", "gpus": 8}]},
                         "result": "applied"})


def raw(log: AuditLog) -> sqlite3.Connection:
    con = sqlite3.connect(log.path, isolation_level=None)
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("DROP TRIGGER audit_no_delete")
    return con


def test_chain_verifies(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    assert log.verify().ok and log.verify().entries == 0
    write(log, 5)
    v = log.verify()
    assert v.ok and v.entries == 5 and v.head == log.entries()[-1].hash


def test_the_console_cannot_change_or_delete_entries(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    write(log, 2)
    con = sqlite3.connect(log.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit SET reason='x' WHERE id=1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit WHERE id=1")


def test_edited_row_is_found(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    write(log, 5)
    raw(log).execute("UPDATE audit SET reason='nothing to see' WHERE id=3")
    v = log.verify()
    assert not v.ok and v.broken_id == 3 and "changed" in v.problem


def test_deleted_row_is_found(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    write(log, 5)
    raw(log).execute("DELETE FROM audit WHERE id=2")
    v = log.verify()
    assert not v.ok and v.broken_id == 3 and "missing" in v.problem


def test_deleted_last_row_is_found(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    write(log, 5)
    raw(log).execute("DELETE FROM audit WHERE id=5")
    v = log.verify()
    assert not v.ok and v.broken_id == 5 and "removed from the end" in v.problem


def test_inserted_row_is_found(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    write(log, 4)
    con = raw(log)
    # make room and slip an entry in, with a hash computed the honest way for its own fields
    con.execute("UPDATE audit SET id = id + 10 WHERE id >= 3")
    prev = con.execute("SELECT hash FROM audit WHERE id=2").fetchone()[0]
    digest = entry_hash(prev, 3, 1.0, "eve", "operator", "apply", "px", "why", "{}")
    con.execute("INSERT INTO audit VALUES (3, 1.0, 'eve', 'operator', 'apply', 'px', 'why', "
                "'{}', ?, ?)", (prev, digest))
    v = log.verify()
    assert not v.ok and v.broken_id == 13


def test_changes_for_reports(tmp_path):
    log = AuditLog(tmp_path / "audit.sqlite")
    write(log, 3)
    frame = read_changes(log.path, 1_700_000_001.0, 1_700_000_100.0)
    assert list(frame["plan_id"]) == ["p1", "p2"]
    assert frame.iloc[0]["moves"] == "n1 private→public" and frame.iloc[0]["gpus_moved"] == 8
    empty = read_changes(tmp_path / "none.sqlite", 0, 1)
    assert empty.empty and "reason" in empty.columns
