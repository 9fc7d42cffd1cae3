"""Plans from targets, and recommendations from demand.

Whole nodes move, never GPUs: the planner gets each sector as close to its target as whole nodes
allow and says where it rounded. Cheapest nodes go first: idle ones (nothing to drain), then those
whose work ends soonest, so a rebalance waits as little as possible and never kills a job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from console.capacity.model import (
    ClusterState,
    Entitlement,
    Move,
    NodeRecord,
    Plan,
    SchedState,
    sector_figures,
)
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import Phrase, Worded, translate
from console.i18n.names import term


@dataclass(frozen=True, slots=True)
class Note(Worded):
    message: Phrase


@dataclass(frozen=True, slots=True)
class PlanDraft:
    plan: Plan
    before: Mapping[Sector, int]
    after: Mapping[Sector, int]
    targets: Mapping[Sector, int | None]
    notes: tuple[Note, ...]


def move_cost(rec: NodeRecord) -> tuple:
    """Idle first; then work that ends soonest (unknown end last); then fewer busy GPUs."""
    ends = rec.work_ends_at if rec.work_ends_at is not None else math.inf
    return (not rec.idle, ends, rec.busy_gpus, rec.name)


def movable(rec: NodeRecord) -> bool:
    return rec.state == SchedState.UP


def plan_for_targets(
    state: ClusterState,
    targets: Mapping[Sector, int | None],
    entitlements: Mapping[Sector, Entitlement] | None = None,
) -> PlanDraft:
    """A plan that brings every sector with a target as close to it as whole nodes allow.

    Sectors without a target (None or absent) give or take whatever the others need, the one
    furthest above its guarantee first.
    """
    before = {s: state.allocated(s) for s in SECTORS}
    fixed = {s: int(t) for s, t in targets.items() if t is not None}
    gap = {s: fixed[s] - before[s] for s in fixed}  # >0: needs GPUs, <0: has too many
    free = [s for s in SECTORS if s not in fixed]
    if entitlements:
        healthy = state.healthy_gpus()
        free.sort(key=lambda s: before[s] - entitlements[s].guarantee(healthy), reverse=True)
    pools = {
        s: sorted((r for r in state.nodes.values() if r.sector == s and movable(r)), key=move_cost)
        for s in SECTORS
    }
    moves: list[Move] = []

    def take(donor: Sector, receiver: Sector) -> bool:
        tried: set[int] = set()  # a size that does not help once will not help again
        for i, rec in enumerate(pools[donor]):
            g = rec.gpus
            if g in tried:
                continue
            tried.add(g)
            old = abs(gap.get(receiver, 0)) + abs(gap.get(donor, 0))
            new = abs(gap[receiver] - g if receiver in gap else 0) + abs(
                gap[donor] + g if donor in gap else 0
            )
            if new < old:
                pools[donor].pop(i)
                moves.append(Move(rec.name, donor, receiver, g))
                if receiver in gap:
                    gap[receiver] -= g
                if donor in gap:
                    gap[donor] += g
                return True
        return False

    progress = True
    while progress:
        progress = False
        receivers = sorted((s for s in gap if gap[s] > 0), key=lambda s: -gap[s])
        donors = sorted((s for s in gap if gap[s] < 0), key=lambda s: gap[s])
        for r in receivers:
            if any(take(d, r) for d in [*donors, *free]):
                progress = True
                break
        else:
            for d in donors:
                if any(take(d, r) for r in free):
                    progress = True
                    break

    after = dict(before)
    for m in moves:
        after[m.source] -= m.gpus
        after[m.target] += m.gpus
    notes = _rounding_notes(state, fixed, after)
    plan = Plan(tuple(moves), state.version)
    return PlanDraft(plan, before, after, dict(targets), tuple(notes))


def _rounding_notes(state: ClusterState, fixed: Mapping[Sector, int], after) -> list[Note]:
    notes = []
    total = sum(r.gpus for r in state.nodes.values())
    if len(fixed) == len(SECTORS) and sum(fixed.values()) != total:
        notes.append(
            Note(
                translate("Planner", "The targets add up to {targets} GPUs; the fleet has {total}.")
                .fill(targets=sum(fixed.values()), total=total)
            )
        )
    for s, want in fixed.items():
        if after[s] != want:
            notes.append(
                Note(
                    translate(
                        "Planner", "{sector}: asked {want} GPUs, gets {gets} (whole nodes only)."
                    ).fill(sector=term("sector", s), want=want, gets=after[s])
                )
            )
    return notes


@dataclass(frozen=True, slots=True)
class Recommendation(Worded):
    plan: Plan
    message: Phrase


def recommend(
    state: ClusterState, entitlements: Mapping[Sector, Entitlement]
) -> list[Recommendation]:
    """For each sector with queued work, idle nodes another sector holds above its guarantee."""
    figures = sector_figures(state, entitlements)
    out = []
    for need in sorted(SECTORS, key=lambda s: -figures[s].demand):
        demand = figures[need].demand
        if demand <= 0:
            continue
        best: tuple[Sector, list[NodeRecord]] | None = None
        for donor in SECTORS:
            if donor == need or figures[donor].demand > 0:
                continue
            spare = figures[donor].allocated - figures[donor].guarantee
            idle = sorted(
                (r for r in state.nodes.values() if r.sector == donor and movable(r) and r.idle),
                key=lambda r: r.name,
            )
            picked, covered = [], 0
            for rec in idle:
                if covered >= demand or spare - rec.gpus < 0:
                    break
                picked.append(rec)
                covered += rec.gpus
                spare -= rec.gpus
            if picked and (
                best is None or sum(r.gpus for r in picked) > sum(r.gpus for r in best[1])
            ):
                best = (donor, picked)
        if best is None:
            continue
        donor, picked = best
        gpus = sum(r.gpus for r in picked)
        plan = Plan(tuple(Move(r.name, donor, need, r.gpus) for r in picked), state.version)
        out.append(
            Recommendation(
                plan,
                translate(
                    "Planner",
                    "{need} has {demand} GPUs of queued work and {donor} holds {borrowed} GPUs "
                    "above its guarantee, {idle} of its GPUs idle: move {nodes} idle node(s) "
                    "({gpus} GPUs) from {donor} to {need}.",
                ).fill(
                    need=term("sector", need),
                    donor=term("sector", donor),
                    demand=demand,
                    borrowed=figures[donor].borrowed,
                    idle=figures[donor].idle,
                    nodes=len(picked),
                    gpus=gpus,
                ),
            )
        )
    return out
