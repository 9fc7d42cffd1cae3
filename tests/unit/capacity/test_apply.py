"""Applying plans through the local backend: drain first, rollback, conflicts, roles, undo."""

from __future__ import annotations

import threading

import pytest

from console.access import AccessDenied, AccessPolicy, Identity
from console.capacity.audit import AuditLog
from console.capacity.backends.base import BackendError, Conflict
from console.capacity.backends.local import LocalBackend
from console.capacity.model import Move, MoveState, Plan, SchedState
from console.capacity.service import CapacityService, PlanRejected
from console.fleet.model import Sector
from console.settings import RoleSettings
from tests.unit.capacity.helpers import ScriptedWorkload, entitlements, small_inventory

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
OPERATOR = Identity("kim", ("hangang-operators",))
VIEWER = Identity("lee", ("users",))


def service(tmp_path, workload=None, identity=OPERATOR, kiosk=False, backend=None,
            poll_s=0.01):
    backend = backend or LocalBackend(tmp_path / "capacity.sqlite", small_inventory(), workload)
    policy = AccessPolicy.for_session(RoleSettings(), identity, kiosk=kiosk)
    return CapacityService(backend, entitlements(), policy, AuditLog(tmp_path / "audit.sqlite"),
                           poll_s=poll_s, drain_timeout_s=30)


def test_idle_move_goes_through_every_state_and_is_audited(tmp_path):
    svc = service(tmp_path)
    state = svc.state()
    plan = svc.plan_moves([("pri00", P)], state)
    seen = []
    result = svc.apply(plan, "more GPUs for the flood model", progress=seen.append)
    assert result.outcome.applied
    assert [e.state for e in seen] == [MoveState.DRAINING, MoveState.DRAINED, MoveState.MOVED,
                                       MoveState.RESUMED, MoveState.DONE]
    after = svc.state()
    assert after.nodes["pri00"].sector == P and after.nodes["pri00"].state == SchedState.UP
    assert after.version != state.version
    entry = AuditLog(tmp_path / "audit.sqlite").entries()[-1]
    assert entry.user == "kim" and entry.role == "operator" and entry.reason.startswith("more")
    assert entry.body["before"]["pri00"] == "private" and entry.body["after"]["pri00"] == "public"
    assert [s["state"] for s in entry.body["steps"]][-1] == "done"


def test_busy_node_drains_and_moves_only_when_its_job_ends(tmp_path):
    work = ScriptedWorkload(busy={"pri00"})
    svc = service(tmp_path, work)
    plan = svc.plan_moves([("pri00", P)], svc.state())
    seen: list = []
    draining = threading.Event()

    def progress(event):
        seen.append(event)
        if event.state == MoveState.DRAINING:
            draining.set()

    runner = threading.Thread(target=lambda: seen.append(svc.apply(plan, "why", progress)))
    runner.start()
    assert draining.wait(10)
    # still draining while the job runs: still in private, taking no new work
    rec = svc.state().nodes["pri00"]
    assert rec.sector == V and rec.state == SchedState.DRAINING
    work.finish("pri00")
    runner.join(10)
    assert not runner.is_alive()
    assert seen[-1].outcome.applied and svc.state().nodes["pri00"].sector == P


class FailingBackend(LocalBackend):
    """The real store, with one step that fails the k-th time it is asked (a scheduler refusal)."""

    def __init__(self, *a, fail_assign_at: int, **kw):
        super().__init__(*a, **kw)
        self.fail_assign_at = fail_assign_at
        self.assigns = 0

    def assign(self, node, source, target):
        self.assigns += 1
        if self.assigns == self.fail_assign_at:
            raise BackendError(f"scheduler refused to move {node}")
        super().assign(node, source, target)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_step_k_of_n_fails_and_everything_is_put_back(tmp_path, k):
    backend = FailingBackend(tmp_path / "c.sqlite", small_inventory(), fail_assign_at=k)
    svc = service(tmp_path, backend=backend)
    before = svc.state()
    plan = svc.plan_moves([("pri00", P), ("pri01", P), ("int00", V)], before)
    result = svc.apply(plan, "three moves")
    assert result.outcome.result == "rolled back"
    assert "refused" in result.outcome.error
    after = svc.state()
    assert after.allocation() == before.allocation()
    assert all(r.state == SchedState.UP for r in after.nodes.values())  # nothing left drained
    states = result.outcome.states
    assert list(states.values()).count(MoveState.FAILED) == 1
    assert set(states.values()) <= {MoveState.FAILED, MoveState.ROLLED_BACK,
                                    MoveState.CANCELLED}
    assert result.entry.result == "rolled back"


def test_cancel_while_draining_resumes_the_node(tmp_path):
    work = ScriptedWorkload(busy={"pri00"})
    svc = service(tmp_path, work)
    plan = svc.plan_moves([("pri00", P)], svc.state())
    cancel = threading.Event()
    result = svc.apply(plan, "why", progress=lambda e: cancel.set(), cancel=cancel)
    assert result.outcome.result == "cancelled"
    rec = svc.state().nodes["pri00"]
    assert rec.sector == V and rec.state == SchedState.UP  # running job untouched


def test_two_consoles_on_one_store_one_wins(tmp_path):
    a, b = service(tmp_path), service(tmp_path)
    plan_a = a.plan_moves([("pri00", P)], a.state())
    plan_b = b.plan_moves([("pri01", N)], b.state())
    a.apply(plan_a, "first")
    with pytest.raises(Conflict, match="someone else applied first"):
        b.apply(plan_b, "second")
    state = a.state()
    assert state.nodes["pri00"].sector == P and state.nodes["pri01"].sector == V


def test_two_consoles_racing_threads_exactly_one_applies(tmp_path):
    consoles = [service(tmp_path) for _ in range(4)]
    plans = [c.plan_moves([(f"pri0{i}", P)], c.state()) for i, c in enumerate(consoles)]
    results, conflicts = [], []
    start = threading.Barrier(len(consoles))

    def go(c, p):
        start.wait()
        try:
            results.append(c.apply(p, "race"))
        except Conflict as exc:
            conflicts.append(exc)

    threads = [threading.Thread(target=go, args=cp) for cp in zip(consoles, plans, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 1 and len(conflicts) == 3
    moved = [n for n, r in consoles[0].state().nodes.items() if r.sector == P]
    assert len(moved) == 7  # six public nodes + the single winner's


def test_viewer_and_kiosk_cannot_apply_or_undo_through_the_core(tmp_path):
    op = service(tmp_path)
    applied = op.apply(op.plan_moves([("pri00", P)], op.state()), "ok")
    for svc in (service(tmp_path, identity=VIEWER), service(tmp_path, kiosk=True)):
        plan = svc.plan_moves([("pri01", P)], svc.state())
        with pytest.raises(AccessDenied):
            svc.apply(plan, "sneaky")
        with pytest.raises(AccessDenied):
            svc.undo(applied.entry.plan_id, "sneaky")
    assert svc.state().nodes["pri01"].sector == V


def test_rejected_plan_changes_nothing(tmp_path):
    svc = service(tmp_path)
    before = svc.state()
    with pytest.raises(PlanRejected) as err:
        svc.apply(Plan((Move("ghost", V, P, 8),), before.version), "typo")
    assert "ghost" in str(err.value)
    with pytest.raises(PlanRejected, match="reason"):
        svc.apply(svc.plan_moves([("pri00", P)], before), "  ")
    assert svc.state().version == before.version
    assert AuditLog(tmp_path / "audit.sqlite").entries() == []


def test_undo_applies_the_inverse_once(tmp_path):
    svc = service(tmp_path)
    before = svc.state().allocation()
    done = svc.apply(svc.plan_moves([("pri00", P), ("pri01", N)], svc.state()), "try")
    undone = svc.undo(done.entry.plan_id, "did not help")
    assert undone.outcome.applied and undone.entry.action == "undo"
    assert svc.state().allocation() == before
    with pytest.raises(PlanRejected, match="already undone"):
        svc.undo(done.entry.plan_id, "again")
    assert AuditLog(tmp_path / "audit.sqlite").verify().ok


def test_resume_refuses_a_node_drained_by_someone_else(tmp_path):
    backend = LocalBackend(tmp_path / "c.sqlite", small_inventory())
    backend.drain("pub00", "bad DIMM (kim)")
    with pytest.raises(BackendError, match="someone else"):
        backend.resume("pub00", "hangang plan=abc public->private")
    assert backend.read().nodes["pub00"].state == SchedState.DRAINED
