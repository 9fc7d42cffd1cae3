"""Candidate moves ranked by the wait they save: the planner's recommendations, replayed.

The net saving is the sum over sectors of the change in p90 wait (a sector that loses GPUs
counts against the plan); ties keep the planner's order. The guarantees a plan touches are
the planner's and the validation's business: a recommendation never goes below one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from console.fleet.model import SECTORS, Sector
from console.whatif.jobs import JobHistory
from console.whatif.predict import Comparison, compare


@dataclass(frozen=True, slots=True)
class Ranked:
    recommendation: object  # console.capacity.planner.Recommendation
    effect: Mapping[Sector, Comparison]

    @property
    def p90_saved_s(self) -> float:
        return sum(c.p90_saved_s for c in self.effect.values())


def rank_by_wait(
    recommendations: Sequence,
    history: JobHistory,
    before: Mapping[Sector, int],
    after_of: Callable[[object], Mapping[Sector, int]],
    seed: int = 0,
) -> list[Ranked]:
    """`after_of(recommendation)`: each sector's GPUs once its plan is applied."""
    ranked = [Ranked(r, compare(history, before, after_of(r), seed)) for r in recommendations]
    order = sorted(range(len(ranked)), key=lambda i: (-ranked[i].p90_saved_s, i))
    return [ranked[i] for i in order]


def sectors_changed(effect: Mapping[Sector, Comparison]) -> list[Sector]:
    return [
        s for s in SECTORS if s in effect and effect[s].before.capacity != effect[s].after.capacity
    ]
