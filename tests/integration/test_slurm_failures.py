"""Failures that must be proven against a real slurmctld (slurm_testbed.py), not named:

- a later step fails after an earlier move really rewrote Slurm's partitions and the include
  file: Slurm (read live from slurmctld) is back on the old partitions, the include file says
  what it said, and no node is left drained by us;
- two consoles (two services, each with its own backend and audit log) apply to the same
  slurmctld at once: exactly one is refused, and what the other applied is all that changed.

The faults are real: an administrator resuming a node between two steps, a file system that
refuses the include file's rotation. Each is started by the apply's own progress events (the
moment a move is reported done), so nothing waits on the clock.
"""

from __future__ import annotations

import shutil
import threading

import pytest

from console.access import AccessPolicy, Identity
from console.capacity.audit import AuditLog
from console.capacity.backends.base import Conflict
from console.capacity.backends.slurm import SlurmBackend
from console.capacity.backends.slurm_runner import LocalRunner
from console.capacity.model import MoveState, Plan
from console.capacity.service import CapacityService
from console.fleet.model import Sector
from console.settings import RoleSettings
from tests.integration.slurm_testbed import wait_for
from tests.unit.capacity.helpers import entitlements

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
OPERATOR = Identity("kim", ("hangang-operators",))
FIRST = {
    "public": ["n01", "n02", "n03"],
    "interest": ["n04", "n05", "n06"],
    "private": ["n07", "n08"],
}


def responding(tb) -> None:
    """A node resumed by the test before reads "not responding" (down) until slurmd answers
    the controller's next ping; validation refuses down nodes, so wait for every one."""
    wait_for(lambda: not any("NOT_RESPONDING" in tb.node_field(n, "State") for n in tb.nodes),
             30, "nodes still not responding")


@pytest.fixture
def cluster(slurm):
    responding(slurm)
    return slurm


def service(tb, audit_path, keep_versions=5) -> CapacityService:
    backend = SlurmBackend(LocalRunner(tb.env), include_file=tb.include,
                           keep_versions=keep_versions)
    policy = AccessPolicy.for_session(RoleSettings(), OPERATOR)
    return CapacityService(backend, entitlements(), policy, AuditLog(audit_path), poll_s=0.1,
                           drain_timeout_s=60)


def include_lines(tb) -> list[str]:
    """The include file's settings (our header comment carries a time stamp)."""
    return [ln for ln in tb.include.read_text().splitlines() if not ln.startswith("#")]


def drained(tb) -> list[str]:
    return [n for n in tb.nodes if "DRAIN" in tb.node_field(n, "State")]


def swap_plan(svc) -> Plan:
    """n04 interest → public, then n01 public → interest: the sectors keep their size, so the
    plan passes validation, and n04's move is made before n01's step runs."""
    return svc.plan_moves([("n04", P), ("n01", N)], svc.state())


class AfterFirstMove:
    """Progress callback: when n04's move is reported, check that Slurm and the include file
    really changed, then run `fault`; when n01's step fails, run `clear` (if any)."""

    def __init__(self, tb, fault, clear=None) -> None:
        self.tb, self.fault, self.clear = tb, fault, clear
        self.seen_live: dict[str, list[str]] | None = None
        self.seen_include: list[str] | None = None
        self.events = []

    def __call__(self, event) -> None:
        self.events.append(event)
        if event.node == "n04" and event.state == MoveState.MOVED:
            self.seen_live = self.tb.partition_nodes()
            self.seen_include = include_lines(self.tb)
            self.fault()
        if event.node == "n01" and event.state == MoveState.FAILED and self.clear:
            self.clear()

    def check_first_move_was_real(self) -> None:
        assert self.seen_live is not None, "n04's move was never reported"
        assert "n04" in self.seen_live["public"] and "n04" not in self.seen_live["interest"]
        public = next(ln for ln in self.seen_include if ln.startswith("PartitionName=public"))
        assert "n[01-04]" in public, self.seen_include


def test_a_node_resumed_by_an_admin_between_steps_rolls_back_a_real_move(cluster, tmp_path):
    original = include_lines(cluster)
    svc = service(cluster, tmp_path / "audit.sqlite")
    plan = swap_plan(svc)

    def admin_resumes_n01() -> None:  # someone puts n01 back to work while we move n04
        cluster.run("scontrol", "update", "NodeName=n01", "State=RESUME")

    watch = AfterFirstMove(cluster, admin_resumes_n01)
    result = svc.apply(plan, "swap n04 and n01", progress=watch)
    watch.check_first_move_was_real()
    outcome = result.outcome
    assert outcome.result == "rolled back", outcome.error
    assert "n01" in outcome.error and "drained" in outcome.error
    assert outcome.states == {"n04": MoveState.ROLLED_BACK, "n01": MoveState.FAILED}
    assert cluster.partition_nodes() == FIRST  # live, from slurmctld
    assert include_lines(cluster) == original
    assert drained(cluster) == []
    entry = AuditLog(tmp_path / "audit.sqlite").entries()[-1]
    assert entry.result == "rolled back" and entry.body["after"] == entry.body["before"]
    states = [(s["node"], s["state"]) for s in entry.body["steps"]]
    assert ("n04", "moved") in states and ("n04", "rolled-back") in states
    assert [ln for ln in entry.body["written"]["text"].splitlines()
            if not ln.startswith("#")] == original


def test_an_include_file_the_disk_refuses_rolls_back_live_and_file_together(cluster, tmp_path):
    """keep_versions=2: the next rotation renames partitions.conf.1 onto partitions.conf.2,
    which the fault makes a directory with a file in it, so the rename fails (EISDIR) for
    root as for anyone. n01's partitions were rewritten live before its include write failed."""
    original = include_lines(cluster)
    obstacle = cluster.include.with_name(cluster.include.name + ".2")
    svc = service(cluster, tmp_path / "audit.sqlite", keep_versions=2)
    plan = swap_plan(svc)

    def disk_refuses() -> None:
        obstacle.mkdir()
        (obstacle / "in-the-way").write_text("x")

    def disk_recovers() -> None:
        shutil.rmtree(obstacle)

    watch = AfterFirstMove(cluster, disk_refuses, disk_recovers)
    try:
        result = svc.apply(plan, "swap n04 and n01", progress=watch)
    finally:
        if obstacle.is_dir():  # the rollback's own rotation may have put a file there since
            shutil.rmtree(obstacle)
    watch.check_first_move_was_real()
    outcome = result.outcome
    assert outcome.result == "rolled back", outcome.error
    assert "cannot write" in outcome.error and str(cluster.include) in outcome.error
    assert outcome.states["n04"] == MoveState.ROLLED_BACK
    assert cluster.partition_nodes() == FIRST
    assert include_lines(cluster) == original
    assert drained(cluster) == []


def test_a_disk_that_stays_broken_leaves_live_partitions_agreeing_with_the_file(cluster,
                                                                                tmp_path):
    """The rollback cannot write the include file either: it says so ("rollback incomplete"),
    and Slurm's live partitions stay what the file says, so a restart changes nothing."""
    obstacle = cluster.include.with_name(cluster.include.name + ".2")
    svc = service(cluster, tmp_path / "audit.sqlite", keep_versions=2)
    plan = swap_plan(svc)

    def disk_refuses() -> None:
        obstacle.mkdir()
        (obstacle / "in-the-way").write_text("x")

    watch = AfterFirstMove(cluster, disk_refuses)
    try:
        result = svc.apply(plan, "swap n04 and n01", progress=watch)
        outcome = result.outcome
        assert outcome.result == "rollback incomplete", outcome.error
        assert "n04" in outcome.error and "cannot write" in outcome.error
        live = cluster.partition_nodes()
        in_file = {ln.split()[0].split("=", 1)[1]: ln for ln in include_lines(cluster)}
        assert "n04" in live["public"] and "Nodes=n[01-04]" in in_file["public"]
        assert live["interest"] == ["n05", "n06"] and "Nodes=n[05-06]" in in_file["interest"]
        assert "n01" in live["public"]  # its own step put it back before failing
        assert drained(cluster) == ["n04"]  # the node whose way back failed, for the operator
    finally:
        shutil.rmtree(obstacle, ignore_errors=True)


def apply_both(consoles, plans, together: bool) -> list:
    """Each console applies its plan on its own thread, both at once (`together`) or the second
    when the first has ended; the result or the Conflict of each."""
    start = threading.Barrier(2 if together else 1)
    results: list[object] = [None, None]

    def run(i: int) -> None:
        start.wait(10)
        try:
            results[i] = consoles[i].apply(plans[i], f"console {i}")
        except Conflict as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
        if not together:
            t.join(120)
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    return results


def test_two_consoles_applying_at_once_exactly_one_is_refused_and_nothing_is_lost(cluster,
                                                                                  tmp_path):
    """Each round both plans are made against the same allocation; in the first rounds both
    applies start together (whichever claims first wins, the other finds the lock), in the last
    the second starts when the first has ended (it finds the version changed). Either way,
    exactly one Conflict."""
    kinds = []
    for round_, together in enumerate((True, True, False)):
        cluster.reset()
        responding(cluster)
        consoles = [service(cluster, tmp_path / f"audit-{round_}-{i}.sqlite") for i in (0, 1)]
        state = consoles[0].state()
        assert consoles[1].state().version == state.version
        plans = [consoles[0].plan_moves([("n04", P)], state),
                 consoles[1].plan_moves([("n05", V)], state)]
        results = apply_both(consoles, plans, together)
        refused = [i for i in (0, 1) if isinstance(results[i], Conflict)]
        assert len(refused) == 1, results
        loser = refused[0]
        winner = 1 - loser
        assert results[winner].outcome.applied, results[winner].outcome.error
        kinds.append("lock" if "holds" in str(results[loser]) else "version")
        if not together:
            assert (winner, kinds[-1]) == (0, "version"), results[loser]
        # no lost update: the winner's move and nothing else; the loser drained nothing
        expected = {k: list(v) for k, v in FIRST.items()}
        node, target = ("n04", "public") if winner == 0 else ("n05", "private")
        expected["interest"].remove(node)
        expected[target] = sorted([*expected[target], node])
        assert cluster.partition_nodes() == expected
        assert drained(cluster) == []
        assert [e.result for e in AuditLog(tmp_path / f"audit-{round_}-{winner}.sqlite")
                .entries()] == ["applied"]
        assert AuditLog(tmp_path / f"audit-{round_}-{loser}.sqlite").entries() == []
        assert not cluster.include.with_name(cluster.include.name + ".hangang-lock").exists()
    print("conflicts by", kinds)
