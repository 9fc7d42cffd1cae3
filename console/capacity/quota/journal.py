"""The quota apply journal: a cap plan and the caps it replaces, on disk before any QOS is set.

A cap apply is one or a few `sacctmgr modify qos` calls; a console killed between them, or after
them but before the audit entry, would leave caps nobody recorded. So the plan and the caps
before are written here first (synchronous=FULL) and the run is deleted once its audit entry is
written. A run still here whose process is gone was interrupted: `QuotaService.unfinished()`
lists it and `recover()` finishes it or puts the old caps back, reading the caps now to decide.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from console.capacity.journal import process_alive, this_process
from console.capacity.quota.model import QuotaPlan
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
    phase TEXT NOT NULL,
    body TEXT NOT NULL
);
"""


def quota_journal_path(data_dir: Path) -> Path:
    return Path(data_dir) / "quota-journal.sqlite"


def caps_body(caps: Mapping[Sector, int | None]) -> dict[str, int | None]:
    return {s.value: caps[s] for s in sorted(caps, key=lambda s: s.value)}


def caps_from_body(body: Mapping[str, int | None]) -> dict[Sector, int | None]:
    return {Sector(k): (None if v is None else int(v)) for k, v in body.items()}


def quota_plan_body(plan: QuotaPlan) -> dict:
    return {
        "id": plan.plan_id,
        "kind": "quota",
        "base_version": plan.base_version,
        "caps_before": caps_body(plan.caps_before),
        "caps_after": caps_body(plan.caps_after),
        "override": plan.override,
        "justification": plan.justification,
        "undoes": plan.undoes,
    }


def quota_plan_from_body(body: Mapping) -> QuotaPlan:
    after = {s: int(c) for s, c in caps_from_body(body["caps_after"]).items() if c is not None}
    return QuotaPlan(
        caps_from_body(body["caps_before"]),
        after,
        body["base_version"],
        body["id"],
        bool(body.get("override")),
        body.get("justification", ""),
        body.get("undoes"),
    )


@dataclass(frozen=True, slots=True)
class QuotaRun:
    """A cap apply as the journal holds it."""

    plan: QuotaPlan
    started: float
    user: str
    role: str
    action: str  # "quota-apply" | "quota-undo"
    reason: str
    backend: str
    process: str
    phase: str  # "apply" | "recover-finish" | "recover-rollback"
    caps_before: dict[Sector, int | None]
    version_before: str

    @property
    def alive(self) -> bool:
        return process_alive(self.process)


class QuotaJournal(RunJournal):
    SCHEMA = SCHEMA
    TABLES = ("runs",)

    def begin(
        self,
        plan: QuotaPlan,
        *,
        user: str,
        role: str,
        action: str,
        reason: str,
        backend: str,
        caps_before: Mapping[Sector, int | None],
        version_before: str,
    ) -> None:
        self._ready()
        body = {
            "plan": quota_plan_body(plan),
            "caps_before": caps_body(caps_before),
            "version_before": version_before,
        }
        with write_transaction(self.path) as con:
            con.execute(
                "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    plan.plan_id,
                    time.time(),
                    user,
                    role,
                    action,
                    reason,
                    backend,
                    this_process(),
                    "apply",
                    json.dumps(body),
                ),
            )

    def take_over(self, plan_id: str, phase: str) -> None:
        """A recovery takes the run: this process's now, so its own crash is found the same way."""
        with write_transaction(self.path) as con:
            con.execute(
                "UPDATE runs SET process=?, phase=? WHERE plan_id=?",
                (this_process(), phase, plan_id),
            )

    def runs(self) -> list[QuotaRun]:
        read = self._select(
            "SELECT plan_id, t, user, role, action, reason, backend, process,"
            " phase, body FROM runs ORDER BY t"
        )
        if read is None:
            return []
        [rows] = read
        out = []
        for _, t, user, role, action, reason, backend, process, phase, body in rows:
            data = json.loads(body)
            out.append(
                QuotaRun(
                    quota_plan_from_body(data["plan"]),
                    t,
                    user,
                    role,
                    action,
                    reason,
                    backend,
                    process,
                    phase,
                    caps_from_body(data["caps_before"]),
                    data["version_before"],
                )
            )
        return out
