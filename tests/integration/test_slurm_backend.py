"""The Slurm backend against a real slurmctld + 8 slurmd on loopback (slurm_testbed.py).

Layout at the start of every test: public n[01-03], interest n[04-06], private n[07-08], 8 GPUs
each; entitlements 40/35/25 %, so interest (24 GPUs, guarantee 16) can give one node.
"""

from __future__ import annotations

import threading

import pytest

from console.access import AccessPolicy, Identity
from console.capacity.apply import Applier
from console.capacity.audit import AuditLog
from console.capacity.backends.base import BackendError, Conflict
from console.capacity.backends.slurm import SlurmBackend
from console.capacity.backends.slurm_runner import LocalRunner
from console.capacity.model import Move, MoveState, Plan, SchedState
from console.capacity.service import CapacityService, PlanRejected
from console.fleet.model import Sector
from console.settings import RoleSettings
from tests.integration.slurm_testbed import LAYOUT, wait_for
from tests.unit.capacity.helpers import entitlements

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
OPERATOR = Identity("kim", ("hangang-operators",))
FIRST = {
    "public": ["n01", "n02", "n03"],
    "interest": ["n04", "n05", "n06"],
    "private": ["n07", "n08"],
}


def backend(tb, include=True) -> SlurmBackend:
    return SlurmBackend(LocalRunner(tb.env), include_file=tb.include if include else None)


def service(tb, tmp_path, include=True) -> CapacityService:
    policy = AccessPolicy.for_session(RoleSettings(), OPERATOR)
    return CapacityService(backend(tb, include), entitlements(), policy,
                           AuditLog(tmp_path / "audit.sqlite"), poll_s=0.1, drain_timeout_s=60)


def test_reads_partitions_gpus_running_work_and_queued_demand(slurm):
    b = backend(slurm)
    first = b.read()
    assert first.allocation() == {n: Sector(p) for p, ns in FIRST.items() for n in ns}
    assert all(r.gpus == 8 and r.state == SchedState.UP for r in first.nodes.values())
    running = slurm.sbatch("-p", "interest", "-N", "3", "--gres=gpu:8", "--wrap", "sleep 300")
    slurm.sbatch("-p", "interest", "-N", "2", "--gres=gpu:4", "--wrap", "sleep 300")  # waits
    wait_for(lambda: slurm.job_state(running) == "RUNNING", 20, "job did not start")
    state = b.read()
    assert state.version == first.version  # jobs are not allocation
    n04 = state.nodes["n04"]
    assert n04.running_jobs == 1 and n04.busy_gpus == 8 and not n04.idle
    assert n04.work == (f"job {running} root 8 GPUs",)
    assert state.nodes["n01"].idle
    assert state.demand == {P: 0, N: 8, V: 0}
    assert any("22.05" in f or "Slurm" in f for f in b.features())


def test_idle_node_moves_through_the_service_and_the_include_file(slurm, tmp_path):
    svc = service(slurm, tmp_path)
    draft = svc.plan_targets({P: 32, N: 16, V: 16})
    assert [(m.source, m.target) for m in draft.plan.moves] == [(N, P)]
    node = draft.plan.moves[0].node
    seen = []
    result = svc.apply(draft.plan, "flood model needs a node", progress=seen.append)
    assert result.outcome.applied, result.outcome.error
    assert [e.state for e in seen] == [MoveState.DRAINING, MoveState.DRAINED, MoveState.MOVED,
                                       MoveState.RESUMED, MoveState.DONE]
    parts = slurm.partition_nodes()
    assert node in parts["public"] and node not in parts["interest"]
    assert "DRAIN" not in slurm.node_field(node, "State")
    after = svc.state()
    assert after.version != draft.plan.base_version and after.nodes[node].sector == P
    # persisted, with the previous version kept, and shown in the audit entry
    text = slurm.include.read_text()
    assert (slurm.include.parent / "partitions.conf.1").read_text().count("n[04-06]") == 1
    public_line = next(ln for ln in text.splitlines() if ln.startswith("PartitionName=public"))
    assert "Default=YES" in public_line and "MaxTime=INFINITE" in public_line
    entry = AuditLog(tmp_path / "audit.sqlite").entries()[-1]
    assert entry.body["backend"] == "slurm" and entry.body["after"][node] == "public"
    assert entry.body["written"]["text"] == text
    assert entry.body["written"]["path"] == str(slurm.include)


def test_busy_node_stays_until_its_job_ends_then_moves_and_no_job_is_killed(slurm, tmp_path):
    flag = tmp_path / "finish"
    job = slurm.sbatch("-p", "interest", "-w", "n04", "--gres=gpu:8", "--wrap",
                       f"while [ ! -e {flag} ]; do sleep 0.1; done")
    wait_for(lambda: slurm.job_state(job) == "RUNNING", 20, "job did not start")
    svc = service(slurm, tmp_path)
    state = svc.state()
    assert state.nodes["n04"].busy_gpus == 8
    plan = svc.plan_moves([("n04", V)], state)
    draining = threading.Event()
    results = []

    def progress(event):
        if event.state == MoveState.DRAINING:
            draining.set()

    runner = threading.Thread(target=lambda: results.append(svc.apply(plan, "why", progress)))
    runner.start()
    try:
        assert draining.wait(20)
        wait_for(lambda: "DRAIN" in slurm.node_field("n04", "State"), 10)
        rec = svc.state().nodes["n04"]
        assert rec.state == SchedState.DRAINING and rec.sector == N
        assert "n04" in slurm.partition_nodes()["interest"]
        assert slurm.job_state(job) == "RUNNING"
    finally:
        flag.touch()
        runner.join(60)
    assert not runner.is_alive()
    assert results[0].outcome.applied, results[0].outcome.error
    assert slurm.job_state(job) == "COMPLETED"
    assert "n04" in slurm.partition_nodes()["private"]
    # a resumed node reads "not responding" until slurmd answers the controller's next ping
    wait_for(lambda: svc.state().nodes["n04"].state == SchedState.UP, 15, "n04 not back up")


def test_plan_with_a_bogus_node_fails_and_slurm_keeps_the_old_partitions(slurm, tmp_path):
    svc = service(slurm, tmp_path)
    state = svc.state()
    bogus = Plan((Move("n04", N, P, 8), Move("n99", N, P, 8)), state.version)
    with pytest.raises(PlanRejected, match="n99"):
        svc.apply(bogus, "typo")
    # past validation (straight to the Applier): n04 moves, n99 fails, n04 is moved back
    b = backend(slurm)
    b.claim(bogus, "kim")
    try:
        outcome = Applier(b, poll_s=0.1, drain_timeout_s=30).run(bogus)
    finally:
        b.release(bogus)
    assert outcome.result == "rolled back" and "n99" in outcome.error
    assert slurm.partition_nodes() == FIRST
    assert not any("DRAIN" in slurm.node_field(n, "State") for n in slurm.nodes)
    assert "Nodes=n[04-06]" in slurm.include.read_text()


def test_a_concurrent_scontrol_change_gives_a_conflict(slurm, tmp_path):
    svc = service(slurm, tmp_path)
    plan = svc.plan_moves([("n05", V)], svc.state())
    slurm.run("scontrol", "update", "PartitionName=private", "Nodes=n07")  # an admin, meanwhile
    with pytest.raises(Conflict):
        svc.apply(plan, "too late")
    with pytest.raises(Conflict, match="changed"):
        backend(slurm).claim(plan, "kim")
    assert slurm.partition_nodes()["interest"] == FIRST["interest"]
    assert "DRAIN" not in slurm.node_field("n05", "State")


def test_two_applies_at_once_one_is_refused_by_the_lock(slurm):
    a, b = backend(slurm), backend(slurm)
    state = a.read()
    plan_a = Plan((Move("n04", N, P, 8),), state.version)
    plan_b = Plan((Move("n05", N, V, 8),), state.version)
    a.claim(plan_a, "kim")
    try:
        with pytest.raises(Conflict, match=plan_a.plan_id):
            b.claim(plan_b, "lee")
    finally:
        a.release(plan_a)
    b.claim(plan_b, "lee")  # free again
    b.release(plan_b)


def test_a_move_survives_a_controller_restart_only_through_the_include_file(slurm, tmp_path):
    live_only = service(slurm, tmp_path, include=False)
    done = live_only.apply(live_only.plan_moves([("n06", V)], live_only.state()), "no file")
    assert done.outcome.applied
    slurm.restart_controller()
    assert slurm.partition_nodes() == FIRST  # lost: slurm.conf's include still says n[04-06]

    svc = service(slurm, tmp_path)
    done = svc.apply(svc.plan_moves([("n06", V)], svc.state()), "kept")
    assert done.outcome.applied
    slurm.restart_controller()
    parts = slurm.partition_nodes()
    assert parts["private"] == ["n06", "n07", "n08"] and parts["interest"] == ["n04", "n05"]
    assert svc.state().nodes["n06"].sector == V


def test_resume_refuses_a_node_drained_by_someone_else(slurm):
    slurm.run("scontrol", "update", "NodeName=n05", "State=DRAIN", "Reason=bad DIMM (lee)")
    b = backend(slurm)
    rec = b.read().nodes["n05"]
    assert rec.state == SchedState.DRAINED and rec.drain_reason == "bad DIMM (lee)"
    assert not rec.drained_by_us
    with pytest.raises(BackendError, match="someone else"):
        b.resume("n05", "hangang plan=abc interest->private")
    with pytest.raises(BackendError, match="already drained"):
        b.drain("n05", "hangang plan=abc interest->private")
    assert "DRAIN" in slurm.node_field("n05", "State")


def test_layout_constant_matches_the_first_partitions():
    assert set(LAYOUT) == set(FIRST)
