"""Validation rules, the move state machine, the planner and recommendations (no Qt, no store)."""

from __future__ import annotations

import time

import pytest

from console.capacity.model import (
    ClusterState,
    IllegalTransition,
    Move,
    MoveState,
    NodeRecord,
    Plan,
    SchedState,
    advance,
    sector_figures,
)
from console.capacity.planner import plan_for_targets, recommend
from console.capacity.validation import Code, Severity, blocking, validate
from console.fleet.model import SECTORS, Sector
from tests.unit.capacity.helpers import entitlements

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE


def state(counts=(4, 4, 4), gpus=8, version="7", **overrides) -> ClusterState:
    nodes = {}
    for sector, count in zip(SECTORS, counts, strict=True):
        for i in range(count):
            name = f"{sector.value[:3]}{i:02d}"
            nodes[name] = NodeRecord(name, sector, gpus)
    for name, changes in overrides.items():
        nodes[name] = NodeRecord(**{**_fields(nodes[name]), **changes})
    return ClusterState(version, nodes, {}, time.time())


def _fields(rec: NodeRecord) -> dict:
    return {f: getattr(rec, f) for f in rec.__slots__}


def codes(problems) -> list[Code]:
    return [p.code for p in problems if p.severity == Severity.ERROR]


def test_a_clean_plan_passes():
    plan = Plan((Move("pri00", V, P, 8),), "7")
    assert validate(plan, state(), entitlements()) == []


def test_unknown_node_named():
    problems = validate(Plan((Move("ghost", V, P, 8),), "7"), state(), entitlements())
    assert codes(problems) == [Code.UNKNOWN_NODE]
    assert "ghost" in problems[0].en and "ghost" in problems[0].ko


def test_node_twice():
    plan = Plan((Move("pri00", V, P, 8), Move("pri00", V, N, 8)), "7")
    assert Code.NODE_TWICE in codes(validate(plan, state(), entitlements()))


def test_node_down_or_drained_by_someone_else():
    s = state(pri00={"state": SchedState.DOWN},
              pri01={"state": SchedState.DRAINED, "drain_reason": "bad DIMM (kim)"})
    for node in ("pri00", "pri01"):
        problems = validate(Plan((Move(node, V, P, 8),), "7"), s, entitlements())
        assert codes(problems) == [Code.NODE_UNAVAILABLE], node
    assert "bad DIMM" in validate(Plan((Move("pri01", V, P, 8),), "7"), s, entitlements())[0].en


def test_our_own_drain_is_not_a_problem():
    s = state(pri00={"state": SchedState.DRAINED, "drain_reason": "hangang plan=abc pri->pub"})
    assert validate(Plan((Move("pri00", V, P, 8),), "7"), s, entitlements()) == []


def test_below_guarantee_needs_override_and_justification():
    # public holds 32 GPUs, guaranteed 28 (0.4 × 0.75 × 96): losing a node leaves 24
    move = (Move("pub00", P, V, 8),)
    assert codes(validate(Plan(move, "7"), state(), entitlements())) == [Code.BELOW_GUARANTEE]
    short = Plan(move, "7", override=True, justification="ok")
    assert codes(validate(short, state(), entitlements())) == [Code.BELOW_GUARANTEE]
    why = "city flood response needs private burst capacity tonight"
    fine = validate(Plan(move, "7", override=True, justification=why), state(), entitlements())
    assert codes(fine) == [] and fine[0].severity == Severity.WARNING and why in fine[0].en


def test_a_sector_already_short_may_still_receive():
    s = state(pub00={"state": SchedState.DOWN}, pub01={"state": SchedState.DOWN})
    assert validate(Plan((Move("pri00", V, P, 8),), "7"), s, entitlements()) == []


def test_sum_of_guarantees_above_healthy_capacity():
    ents = entitlements(guaranteed={P: 40, N: 40, V: 20})
    problems = validate(Plan((Move("pri00", V, N, 8),), "7"), state(), ents)
    assert Code.GUARANTEES_EXCEED in codes(problems)


def test_above_maximum():
    ents = entitlements(maximum={V: 0.35})  # 33 GPUs of 96
    problems = validate(Plan((Move("int00", N, V, 8),), "7"), state(), ents)
    assert Code.ABOVE_MAXIMUM in codes(problems)


def test_stale_version_is_a_conflict_message():
    problems = validate(Plan((Move("pri00", V, P, 8),), "6"), state(), entitlements())
    assert codes(problems) == [Code.STALE_VERSION]
    assert "someone else applied first" in problems[0].en


def test_wrong_source_and_same_sector_and_empty():
    s, e = state(), entitlements()
    assert codes(validate(Plan((Move("pri00", N, P, 8),), "7"), s, e)) == [Code.NOT_IN_SOURCE]
    assert codes(validate(Plan((Move("pri00", V, V, 8),), "7"), s, e)) == [Code.SAME_SECTOR]
    assert codes(validate(Plan((), "7"), s, e)) == [Code.EMPTY]


def test_state_machine_happy_path_and_refusals():
    path = [MoveState.DRAINING, MoveState.DRAINED, MoveState.MOVED, MoveState.RESUMED,
            MoveState.DONE]
    current = MoveState.PLANNED
    for nxt in path:
        current = advance(current, nxt)
    assert current == MoveState.DONE
    with pytest.raises(IllegalTransition):
        advance(MoveState.PLANNED, MoveState.MOVED)  # never moves a node that was not drained
    with pytest.raises(IllegalTransition):
        advance(MoveState.DRAINING, MoveState.MOVED)
    with pytest.raises(IllegalTransition):
        advance(MoveState.CANCELLED, MoveState.DRAINING)
    assert advance(MoveState.DRAINING, MoveState.CANCELLED) == MoveState.CANCELLED


def test_planner_picks_idle_nodes_first_then_soonest_ending():
    now = time.time()
    s = state(pri00={"running_jobs": 1, "busy_gpus": 8, "work_ends_at": now + 3600},
              pri01={"running_jobs": 1, "busy_gpus": 8, "work_ends_at": now + 60},
              pri02={"running_jobs": 1, "busy_gpus": 8, "work_ends_at": None})
    draft = plan_for_targets(s, {P: 48, V: 16}, entitlements())
    assert [m.node for m in draft.plan.moves] == ["pri03", "pri01"]
    assert draft.after[P] == 48 and draft.after[V] == 16 and draft.notes == ()


def test_planner_rounds_to_whole_nodes_and_says_so():
    draft = plan_for_targets(state(), {P: 37, N: 32, V: 27}, entitlements())
    assert draft.after == {P: 40, N: 32, V: 24}
    text = " ".join(n.en for n in draft.notes)
    assert "asked 37 GPUs, gets 40" in text and "asked 27 GPUs, gets 24" in text


def test_planner_free_sectors_give_and_take():
    draft = plan_for_targets(state(), {P: 48}, entitlements())
    # private holds the most above its guarantee, so it gives
    assert [m.source for m in draft.plan.moves] == [V, V]


def test_planner_skips_nodes_it_cannot_move():
    s = state(pri00={"state": SchedState.DOWN}, pri01={"state": SchedState.DRAINED,
                                                         "drain_reason": "maintenance"})
    draft = plan_for_targets(s, {P: 48, V: 16}, entitlements())
    assert {m.node for m in draft.plan.moves} == {"pri02", "pri03"}


def test_recommendation_moves_idle_capacity_to_demand():
    base = state(int00={"busy_gpus": 8, "running_jobs": 1})
    s = ClusterState(base.version, base.nodes, {P: 16}, base.read_at)
    recs = recommend(s, entitlements())
    assert len(recs) == 1
    plan = recs[0].plan
    assert all(m.target == P for m in plan.moves) and plan.moves
    donors = {m.source for m in plan.moves}
    assert donors == {V}  # private holds 14 GPUs above its guarantee, interest only 7
    assert "queued work" in recs[0].en and "대기 작업" in recs[0].ko
    assert blocking(validate(plan, s, entitlements())) == []


def test_no_recommendation_without_demand():
    assert recommend(state(), entitlements()) == []


def test_sector_figures_borrowed_and_lent():
    figs = sector_figures(state(counts=(3, 4, 5)), entitlements())
    assert figs[P].allocated == 24 and figs[P].guarantee == 28 and figs[P].lent == 4
    assert figs[V].borrowed == 40 - 18
