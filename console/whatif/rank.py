"""Candidate moves ranked by the wait they save against the guarantees they touch.

The net saving is the sum over sectors of the change in p90 wait (a sector that loses GPUs
counts against the plan). Between plans that save the same, the one that leaves more GPUs above
the guarantees of the sectors it takes from comes first (it keeps more room for the next move);
then the planner's order. A recommendation never goes below a guarantee (the planner and the
validation see to that): what it touches is the margin above one, which the board and the CLI
show beside the saving.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from console.fleet.model import SECTORS, Sector
from console.whatif.jobs import JobHistory
from console.whatif.predict import Comparison, compare


@dataclass(frozen=True, slots=True)
class Touched:
    """A sector a plan takes GPUs from, and its margin above its guarantee before → after."""

    sector: Sector
    guarantee: int
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class Ranked:
    recommendation: object  # console.capacity.planner.Recommendation
    effect: Mapping[Sector, Comparison]
    touched: tuple[Touched, ...] = field(default=())

    @property
    def p90_saved_s(self) -> float:
        return sum(c.p90_saved_s for c in self.effect.values())

    @property
    def margin_left(self) -> int:
        """GPUs left above the guarantees of the sectors it takes from (more is safer)."""
        return sum(t.after - t.guarantee for t in self.touched)


def rank_by_wait(
    recommendations: Sequence,
    history: JobHistory,
    before: Mapping[Sector, int],
    after_of: Callable[[object], Mapping[Sector, int]],
    seed: int = 0,
    guarantees: Mapping[Sector, int] | None = None,
) -> list[Ranked]:
    """`after_of(recommendation)`: each sector's GPUs once its plan is applied. Today's capacity
    is replayed once for all of them (the same seed gives the same forecast)."""
    cache: dict = {}
    ranked = []
    for r in recommendations:
        after = after_of(r)
        effect = compare(history, before, after, seed, cache)
        ranked.append(Ranked(r, effect, touched_guarantees(before, after, guarantees or {})))
    order = sorted(
        range(len(ranked)), key=lambda i: (-ranked[i].p90_saved_s, -ranked[i].margin_left, i)
    )
    return [ranked[i] for i in order]


def touched_guarantees(
    before: Mapping[Sector, int], after: Mapping[Sector, int], guarantees: Mapping[Sector, int]
) -> tuple[Touched, ...]:
    return tuple(
        Touched(s, guarantees[s], before.get(s, 0), after.get(s, 0))
        for s in SECTORS
        if s in guarantees and after.get(s, 0) < before.get(s, 0)
    )


def sectors_changed(effect: Mapping[Sector, Comparison]) -> list[Sector]:
    return [
        s for s in SECTORS if s in effect and effect[s].before.capacity != effect[s].after.capacity
    ]
