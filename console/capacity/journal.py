"""The apply journal: a plan and each of its steps on disk before they act.

The audit log gets its entry when an apply ends; a console killed in the middle (kill -9, a power
cut) would leave drained nodes, a held lock and no record. So before the claim the plan is
written here, before every backend write its intent ("drain n04", "assign n04 interest->public")
and after it the move's new state, each in its own transaction with synchronous=FULL. A run is
deleted when its audit entry is written; one that is still here and whose process is gone was
interrupted, and the next start offers to finish it or roll it back (console/capacity/recovery.py).
"""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from console.capacity.apply import StepEvent
from console.capacity.model import Plan
from console.capacity.plan_body import plan_body, plan_from_body
from console.capacity.run_journal import RunJournal
from console.capacity.sqlite_store import write_transaction
from console.fleet.model import Sector

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    plan_id TEXT PRIMARY KEY,
    t REAL NOT NULL,
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    backend TEXT NOT NULL,
    process TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id TEXT NOT NULL,
    t REAL NOT NULL,
    kind TEXT NOT NULL,
    node TEXT NOT NULL,
    what TEXT NOT NULL,
    message TEXT NOT NULL
);
"""

INTENT = "intent"  # a backend write is about to run: what = drain | assign S->T | resume
EVENT = "event"  # a move reached a state: what = MoveState value
PHASE = "phase"  # the run changed hands: what = recover-finish | recover-rollback


def journal_path(data_dir: Path) -> Path:
    return Path(data_dir) / "apply-journal.sqlite"


def this_process() -> str:
    """host:pid:start time; the start time tells a reused pid from the process that wrote."""
    me = psutil.Process()
    return f"{socket.gethostname()}:{me.pid}:{me.create_time():.2f}"


def process_alive(process: str) -> bool:
    """Is the process that wrote `process` (this_process()) still running? Another host's
    cannot be asked: taken as alive, so a console never takes over a run it cannot see."""
    host, _, rest = process.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname():
        return True
    try:
        found = psutil.Process(int(pid))
        return abs(found.create_time() - float(started)) < 1.0 and found.status() != "zombie"
    except (ValueError, psutil.NoSuchProcess):
        return False
    except psutil.AccessDenied:
        return True


@dataclass(frozen=True, slots=True)
class JournalStep:
    t: float
    kind: str
    node: str
    what: str
    message: str = ""

    def as_dict(self) -> dict:
        return {"t": self.t, "kind": self.kind, "node": self.node, "what": self.what,
                "message": self.message}


@dataclass(frozen=True, slots=True)
class JournalRun:
    """An apply as the journal holds it: who started what, from which allocation, how far."""

    plan: Plan
    started: float
    user: str
    role: str
    action: str  # "apply" | "undo"
    reason: str
    backend: str
    process: str
    before: dict[str, str]  # node → sector value when it began
    version_before: str
    steps: tuple[JournalStep, ...]

    @property
    def alive(self) -> bool:
        return process_alive(self.process)

    def states(self) -> dict[str, str]:
        """Each move's last journaled state (planned when none)."""
        out = {m.node: "planned" for m in self.plan.moves}
        for s in self.steps:
            if s.kind == EVENT and s.node in out:
                out[s.node] = s.what
        return out


class ApplyJournal(RunJournal):
    SCHEMA = SCHEMA
    TABLES = ("steps", "runs")

    def begin(self, plan: Plan, *, user: str, role: str, action: str, reason: str, backend: str,
              before: dict[str, Sector], version_before: str) -> None:

        self._ready()
        body = {
            "plan": plan_body(plan),
            "before": {n: s.value for n, s in sorted(before.items())},
            "version_before": version_before,
        }
        with write_transaction(self.path) as con:
            con.execute(
                "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?)",
                (plan.plan_id, time.time(), user, role, action, reason, backend, this_process(),
                 json.dumps(body, ensure_ascii=False)),
            )

    def _step(self, plan_id: str, kind: str, node: str, what: str, message: str = "") -> None:
        with write_transaction(self.path) as con:
            con.execute(
                "INSERT INTO steps (plan_id, t, kind, node, what, message) VALUES (?,?,?,?,?,?)",
                (plan_id, time.time(), kind, node, what, message),
            )

    def intend(self, plan_id: str, node: str, what: str) -> None:
        self._step(plan_id, INTENT, node, what)

    def record(self, plan_id: str, event: StepEvent) -> None:
        self._step(plan_id, EVENT, event.node, event.state.value, event.message)

    def take_over(self, plan_id: str, phase: str) -> None:
        """A recovery takes the run: it is this process's now (a crash of the recovery is found
        the same way)."""
        with write_transaction(self.path) as con:
            con.execute("UPDATE runs SET process=? WHERE plan_id=?", (this_process(), plan_id))
            con.execute(
                "INSERT INTO steps (plan_id, t, kind, node, what, message) VALUES (?,?,?,?,?,?)",
                (plan_id, time.time(), PHASE, "", phase, ""),
            )

    def runs(self) -> list[JournalRun]:
        """Every run not ended, oldest first (running ones and interrupted ones)."""
        read = self._select(
            "SELECT plan_id, t, user, role, action, reason, backend, process, body FROM runs "
            "ORDER BY t",
            "SELECT plan_id, t, kind, node, what, message FROM steps ORDER BY id",
        )
        if read is None:
            return []
        rows, steps = read
        by_plan: dict[str, list[JournalStep]] = {}
        for plan_id, *fields in steps:
            by_plan.setdefault(plan_id, []).append(JournalStep(*fields))
        return [_run(row, by_plan.get(row[0], [])) for row in rows]


def _run(row: tuple, steps: list[JournalStep]) -> JournalRun:

    _, t, user, role, action, reason, backend, process, body = row
    data = json.loads(body)
    return JournalRun(plan_from_body(data["plan"]), t, user, role, action, reason, backend,
                      process, dict(data["before"]), data["version_before"], tuple(steps))

