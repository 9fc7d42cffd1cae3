"""The audit log: append-only, every entry hash-chained to the one before.

Each entry's hash covers its id, fields and the previous entry's hash, so editing, deleting or
inserting a row breaks the chain at that row, and `verify()` names the first broken entry. Triggers
refuse UPDATE and DELETE so nothing in the console changes history by accident. Someone with the
file and this code could rebuild a whole chain; the head hash `verify()` prints is what to write
down elsewhere (a shift report) to pin it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from console.capacity.sqlite_store import connect, write_transaction

GENESIS = "0" * 64
CHANGE_COLUMNS = (
    "t",
    "user",
    "role",
    "plan_id",
    "action",
    "reason",
    "moves",
    "gpus_moved",
    "result",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    t REAL NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    plan_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def audit_path(data_dir: Path) -> Path:
    return Path(data_dir) / "audit.sqlite"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    t: float
    user: str
    role: str
    action: str  # "apply" | "undo"
    plan_id: str
    reason: str
    body: dict  # plan, steps, before, after, result
    prev_hash: str
    hash: str

    @property
    def result(self) -> str:
        return str(self.body.get("result", ""))

    @property
    def moves(self) -> list[dict]:
        return list(self.body.get("plan", {}).get("moves", []))


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    head: str  # hash of the last entry (GENESIS when empty)
    broken_id: int | None = None
    problem: str = ""


def entry_hash(
    prev_hash: str,
    id_: int,
    t: float,
    user: str,
    role: str,
    action: str,
    plan_id: str,
    reason: str,
    body: str,
) -> str:
    fields = json.dumps(
        [id_, repr(float(t)), user, role, action, plan_id, reason, body],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{fields}".encode()).hexdigest()


def canonical(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _connect(self, readonly: bool = False) -> sqlite3.Connection:
        if readonly:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = connect(self.path)
            con.executescript(SCHEMA)
        return con

    def append(
        self, *, t: float, user: str, role: str, action: str, plan_id: str, reason: str, body: dict
    ) -> AuditEntry:
        text = canonical(body)
        self._connect().close()  # creates the file and its schema on first use
        with write_transaction(self.path) as con:  # two consoles appending take turns
            row = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name='audit'").fetchone()
            id_ = max(row[0] if row else 0, seq[0] if seq else 0) + 1
            prev = row[1] if row else GENESIS
            digest = entry_hash(prev, id_, t, user, role, action, plan_id, reason, text)
            con.execute(
                "INSERT INTO audit (id, t, user, role, action, plan_id, reason, body, prev_hash,"
                " hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (id_, t, user, role, action, plan_id, reason, text, prev, digest),
            )
        return AuditEntry(id_, t, user, role, action, plan_id, reason, body, prev, digest)

    def _rows(self) -> Iterator[tuple]:
        if not self.path.exists():
            return iter(())
        con = self._connect(readonly=True)
        try:
            return iter(
                con.execute(
                    "SELECT id, t, user, role, action, plan_id, reason, body, prev_hash, hash "
                    "FROM audit ORDER BY id"
                ).fetchall()
            )
        finally:
            con.close()

    def entries(self, t0: float | None = None, t1: float | None = None) -> list[AuditEntry]:
        out = []
        for r in self._rows():
            if (t0 is not None and r[1] < t0) or (t1 is not None and r[1] >= t1):
                continue
            out.append(
                AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], r[9])
            )
        return out

    def entry_for_plan(self, plan_id: str) -> AuditEntry | None:
        found = [e for e in self.entries() if e.plan_id == plan_id]
        return found[-1] if found else None

    def verify(self) -> Verification:
        prev, last_id, count = GENESIS, 0, 0
        for id_, t, user, role, action, plan_id, reason, body, prev_hash, digest in self._rows():
            if id_ != last_id + 1:
                return Verification(
                    False, count, prev, id_, f"entry {last_id + 1} is missing before entry {id_}"
                )
            if prev_hash != prev:
                return Verification(
                    False,
                    count,
                    prev,
                    id_,
                    f"entry {id_} does not follow entry {last_id} "
                    "(a row was removed or inserted before it)",
                )
            if entry_hash(prev_hash, id_, t, user, role, action, plan_id, reason, body) != digest:
                return Verification(
                    False, count, prev, id_, f"entry {id_} was changed after it was written"
                )
            prev, last_id, count = digest, id_, count + 1
        seq = self._sequence()
        if seq > last_id:
            return Verification(
                False,
                count,
                prev,
                last_id + 1,
                f"entries {last_id + 1}..{seq} were removed from the end",
            )
        return Verification(True, count, prev)

    def _sequence(self) -> int:
        if not self.path.exists():
            return 0
        con = self._connect(readonly=True)
        try:
            row = con.execute("SELECT seq FROM sqlite_sequence WHERE name='audit'").fetchone()
        except sqlite3.OperationalError:
            return 0
        finally:
            con.close()
        return int(row[0]) if row else 0


def describe_moves(moves: list[dict]) -> str:
    return "; ".join(f"{m['node']} {m['source']}→{m['target']}" for m in moves)


def describe_entry(entry: AuditEntry) -> str:
    """What an entry changed, in one line: node moves, or (quota mode) each cap that changed."""
    if entry.body.get("kind") != "quota":
        return describe_moves(entry.moves)
    before, after = entry.body.get("before") or {}, entry.body.get("after") or {}
    return "; ".join(f"{s} cap {before.get(s)}→{after[s]}" for s in sorted(after)
                     if after[s] != before.get(s))


def gpus_of(entry: AuditEntry) -> int:
    if entry.body.get("kind") == "quota":
        return int(entry.body.get("gpus_moved", 0))
    return int(sum(int(m.get("gpus", 0)) for m in entry.moves))


def read_changes(path: Path, t0: float, t1: float) -> pd.DataFrame:
    """Every plan applied or undone in [t0, t1), for reports: one row per audit entry."""
    rows = []
    for e in AuditLog(path).entries(t0, t1):
        rows.append(
            {
                "t": e.t,
                "user": e.user,
                "role": e.role,
                "plan_id": e.plan_id,
                "action": e.action,
                "reason": e.reason,
                "moves": describe_entry(e),
                "gpus_moved": gpus_of(e),
                "result": e.result,
            }
        )
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
