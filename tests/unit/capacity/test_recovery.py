"""The apply journal and the recovery after a crash, on the local store (real SQLite files).

A "crash" here is a real child process that dies with os._exit at a chosen step (no finally,
no cleanup runs, exactly as after kill -9); tests/integration/test_apply_crash.py kills the real
CLI with SIGKILL from outside. The parent then recovers both ways and checks the allocation, the
drains, the lock, the journal and the audit log.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3

import pytest

from console.access import AccessDenied, AccessPolicy, Identity
from console.capacity.audit import AuditLog
from console.capacity.backends.local import LocalBackend
from console.capacity.journal import INTENT, ApplyJournal
from console.capacity.model import MoveState, SchedState
from console.capacity.recovery import FINISH, ROLLBACK, UnfinishedApply, describe
from console.capacity.service import CapacityService, PlanRejected
from console.fleet.model import Sector
from console.settings import RoleSettings
from tests.unit.capacity.helpers import entitlements, small_inventory

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
OPERATOR = Identity("kim", ("hangang-operators",))
VIEWER = Identity("lee", ("users",))
MOVES = [("pri00", P), ("pub00", V)]  # a swap: both sectors keep their size
DIED = 9


def service(tmp_path, identity=OPERATOR, audit_cls=AuditLog) -> CapacityService:
    backend = LocalBackend(tmp_path / "capacity.sqlite", small_inventory())
    policy = AccessPolicy.for_session(RoleSettings(), identity)
    return CapacityService(backend, entitlements(), policy, audit_cls(tmp_path / "audit.sqlite"),
                           poll_s=0.01, drain_timeout_s=30,
                           journal=ApplyJournal(tmp_path / "journal.sqlite"))


class DyingAudit(AuditLog):
    """Writes the entry, then the process dies before the journal forgets the run."""

    def append(self, **kw):
        super().append(**kw)
        os._exit(DIED)


def _child(tmp_path, node, state, audit_dies):
    svc = service(tmp_path, audit_cls=DyingAudit if audit_dies else AuditLog)
    plan = svc.plan_moves(MOVES, svc.state())

    def progress(event):
        if event.node == node and event.state == MoveState(state):
            os._exit(DIED)

    svc.apply(plan, "swap two nodes", progress)
    os._exit(0)


def crash(tmp_path, node="", state="done", audit_dies=False, method="fork") -> None:
    """Apply MOVES in a child process that dies when `node` reaches `state` ("spawn" where
    the parent runs Qt's threads)."""
    ctx = multiprocessing.get_context(method)
    child = ctx.Process(target=_child, args=(tmp_path, node, state, audit_dies))
    child.start()
    child.join(60)
    assert child.exitcode == DIED


def lock_rows(tmp_path) -> dict:
    con = sqlite3.connect(tmp_path / "capacity.sqlite")
    try:
        return dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'lock_%'"))
    finally:
        con.close()


def drained(svc) -> list[str]:
    return sorted(n for n, r in svc.state().nodes.items() if r.state != SchedState.UP)


CRASH_POINTS = [
    ("pub00", "draining"),  # both drained, nothing moved
    ("pri00", "moved"),  # one moved, the other drained
    ("pub00", "resumed"),  # both moved and resumed, DONE and the audit entry never came
]


@pytest.mark.parametrize(("node", "state"), CRASH_POINTS)
def test_a_crash_is_found_and_rolled_back(tmp_path, node, state):
    before = service(tmp_path).state().allocation()
    crash(tmp_path, node, state)
    svc = service(tmp_path)
    [run] = svc.interrupted()
    assert lock_rows(tmp_path)["lock_plan"] == run.plan.plan_id  # the dead apply's lock
    assert run.states()[node] == state and run.user == "kim"
    assert bool(drained(svc)) == (state != "resumed")  # drains left behind, unless resumed
    with pytest.raises(UnfinishedApply):
        svc.apply(svc.plan_moves([("int00", P)], svc.state()), "something else")

    result = svc.recover(run.plan.plan_id, ROLLBACK)
    assert result.outcome.result == "rolled back", result.outcome.error
    assert svc.state().allocation() == before
    assert drained(svc) == [] and lock_rows(tmp_path) == {}
    assert svc.interrupted() == [] and ApplyJournal(tmp_path / "journal.sqlite").runs() == []
    crash_entry, outcome = AuditLog(tmp_path / "audit.sqlite").entries()
    assert crash_entry.action == "interrupted" and crash_entry.result == "interrupted"
    assert crash_entry.user == "kim" and crash_entry.body["found"]["by"] == "kim"
    assert {s["node"] for s in crash_entry.body["steps"]} == {"pri00", "pub00"}
    assert crash_entry.body["steps"][-1] == {**crash_entry.body["steps"][-1], "node": node,
                                             "state": state}
    assert {"intent", "event"} <= {s["kind"] for s in crash_entry.body["journal"]}
    assert crash_entry.body["after"]["pri00"] == ("public" if state != "draining" else "private")
    assert outcome.action == "apply" and outcome.result == "rolled back"
    assert outcome.body["recovery"] == {"choice": "rollback", "by": "kim",
                                        "interrupted_entry": crash_entry.id}
    assert outcome.body["after"] == outcome.body["before"]
    assert AuditLog(tmp_path / "audit.sqlite").verify().ok
    # and the console is free again
    assert svc.apply(svc.plan_moves([("int00", P)], svc.state()), "next").outcome.applied


@pytest.mark.parametrize(("node", "state"), CRASH_POINTS)
def test_a_crash_is_found_and_finished(tmp_path, node, state):
    crash(tmp_path, node, state)
    svc = service(tmp_path)
    [run] = svc.interrupted()
    seen = []
    result = svc.recover(run.plan.plan_id, FINISH, progress=seen.append)
    assert result.outcome.applied, result.outcome.error
    alloc = svc.state().allocation()
    assert (alloc["pri00"], alloc["pub00"]) == (P, V)
    assert drained(svc) == [] and lock_rows(tmp_path) == {}
    assert svc.interrupted() == []
    assert all(s == MoveState.DONE for s in result.outcome.states.values())
    # nothing done twice: a node moved before the crash is not drained or moved again
    again = [(e.node, e.state) for e in seen]
    if state in ("moved", "resumed"):
        assert (node, MoveState.MOVED) not in again and ("pri00", MoveState.DRAINING) not in again
    entries = AuditLog(tmp_path / "audit.sqlite").entries()
    assert [e.action for e in entries] == ["interrupted", "apply"]
    assert entries[1].result == "applied" and entries[1].body["recovery"]["choice"] == "finish"
    # a finished recovery is an applied plan: it can be undone like any other
    assert svc.undo(run.plan.plan_id, "after all, no").outcome.applied
    assert svc.state().allocation()["pri00"] == V


def test_the_journal_holds_each_step_before_it_acts(tmp_path):
    svc = service(tmp_path)
    journal = ApplyJournal(tmp_path / "journal.sqlite")
    seen = []

    def progress(event):
        # read from disk through another connection, as a console started now would
        [run] = journal.runs()
        intents = [(s.node, s.what) for s in run.steps if s.kind == INTENT]
        seen.append((event.node, event.state, intents[-1], run.states()[event.node]))

    svc.apply(svc.plan_moves([("pri00", P)], svc.state()), "one move", progress)
    assert seen == [
        ("pri00", MoveState.DRAINING, ("pri00", "drain"), "draining"),
        ("pri00", MoveState.DRAINED, ("pri00", "drain"), "drained"),
        ("pri00", MoveState.MOVED, ("pri00", "assign private->public"), "moved"),
        ("pri00", MoveState.RESUMED, ("pri00", "resume"), "resumed"),
        ("pri00", MoveState.DONE, ("pri00", "resume"), "done"),
    ]
    assert journal.runs() == []  # the audit entry is written: nothing left to recover


def test_a_running_apply_is_not_taken_for_an_interrupted_one(tmp_path):
    svc = service(tmp_path)
    found = []
    svc.apply(svc.plan_moves([("pri00", P)], svc.state()), "one move",
              lambda e: found.append((len(svc.journal.runs()), svc.interrupted())))
    assert found and all(n == 1 and i == [] for n, i in found)


def test_a_crash_after_the_audit_entry_leaves_nothing_to_recover(tmp_path):
    crash(tmp_path, audit_dies=True)
    svc = service(tmp_path)
    assert len(svc.journal.runs()) == 1  # the journal never heard the end
    assert svc.interrupted() == []  # but the audit log did
    assert svc.apply(svc.plan_moves([("int00", P)], svc.state()), "next").outcome.applied
    assert svc.journal.runs() == []


def test_only_operators_recover_and_the_words_come_from_the_catalogue(tmp_path):
    crash(tmp_path, "pri00", "moved")
    viewer = service(tmp_path, identity=VIEWER)
    [run] = viewer.interrupted()  # anyone may see it
    with pytest.raises(AccessDenied):
        viewer.recover(run.plan.plan_id, ROLLBACK)
    assert lock_rows(tmp_path)["lock_plan"] == run.plan.plan_id  # untouched
    en, ko = describe(run, "en"), describe(run, "ko")
    assert run.plan.plan_id in en and "kim" in en and "1 of 2 moves" in en
    assert ko != en and run.plan.plan_id in ko and "pri00" in ko
    with pytest.raises(PlanRejected, match="No interrupted apply"):
        service(tmp_path).recover("nosuchplan", FINISH)


def test_a_recovery_cut_short_is_recovered_again_and_the_crash_written_once(tmp_path):
    crash(tmp_path, "pri00", "moved")
    ctx = multiprocessing.get_context("fork")

    def die_while_rolling_back():
        svc = service(tmp_path)
        [run] = svc.interrupted()

        def progress(event):
            if event.state == MoveState.ROLLED_BACK:
                os._exit(DIED)

        svc.recover(run.plan.plan_id, ROLLBACK, progress=progress)
        os._exit(0)

    child = ctx.Process(target=die_while_rolling_back)
    child.start()
    child.join(60)
    assert child.exitcode == DIED
    svc = service(tmp_path)
    [run] = svc.interrupted()
    assert svc.recover(run.plan.plan_id, ROLLBACK).outcome.result == "rolled back"
    assert svc.state().allocation()["pri00"] == V and drained(svc) == []
    actions = [e.action for e in AuditLog(tmp_path / "audit.sqlite").entries()]
    assert actions == ["interrupted", "apply"]
