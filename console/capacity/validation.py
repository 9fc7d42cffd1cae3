"""Rules a plan must pass before it is applied; each rule says what is wrong in its own words.

Errors block the plan; warnings are shown and recorded. Going below a sector's guarantee is an
error unless the plan carries an override *and* a written justification.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from console.capacity.model import ClusterState, Entitlement, Plan, SchedState
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import Phrase, Worded, translate
from console.i18n.names import term

MIN_JUSTIFICATION_CHARS = 10


class Code(StrEnum):
    EMPTY = "empty-plan"
    UNKNOWN_NODE = "unknown-node"
    NODE_TWICE = "node-twice"
    NOT_IN_SOURCE = "not-in-source-sector"
    SAME_SECTOR = "same-sector"
    NODE_UNAVAILABLE = "node-unavailable"
    BELOW_GUARANTEE = "below-guarantee"
    ABOVE_MAXIMUM = "above-maximum"
    GUARANTEES_EXCEED = "guarantees-exceed-capacity"
    STALE_VERSION = "stale-allocation"
    NO_REASON = "no-reason"
    NOT_APPLIED = "not-applied"
    # quota mode (console/capacity/quota/validation.py)
    CAPS_EXCEED = "caps-exceed-capacity"
    BELOW_RUNNING = "cap-below-running"
    BAD_CAP = "bad-cap"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem(Worded):
    code: Code
    severity: Severity
    message: Phrase
    node: str | None = None
    sector: Sector | None = None


def _error(code: Code, message: Phrase, **where) -> Problem:
    return Problem(code, Severity.ERROR, message, **where)


def validate(
    plan: Plan, state: ClusterState, entitlements: Mapping[Sector, Entitlement]
) -> list[Problem]:
    """Every problem of `plan` against `state` (the allocation as the backend reports it now)."""
    problems: list[Problem] = []
    if not plan.moves:
        empty = translate("Validation", "The plan moves no node.").fill()
        problems.append(_error(Code.EMPTY, empty))
    if plan.base_version != state.version:
        problems.append(
            _error(
                Code.STALE_VERSION,
                translate(
                    "Validation",
                    "The allocation changed since this plan was made (version {planned}, "
                    "now {now}): someone else applied first. Plan again.",
                ).fill(planned=plan.base_version, now=state.version),
            )
        )
    counts = Counter(m.node for m in plan.moves)
    for node in sorted(n for n, c in counts.items() if c > 1):
        problems.append(
            _error(
                Code.NODE_TWICE,
                translate("Validation", "Node {node} is moved more than once.").fill(node=node),
                node=node,
            )
        )
    for move in plan.moves:
        problems.extend(_move_problems(move, state))
    problems.extend(_sector_problems(plan, state, entitlements))
    return problems


def _move_problems(move, state: ClusterState) -> list[Problem]:
    rec = state.nodes.get(move.node)
    n = move.node
    if rec is None:
        return [
            _error(
                Code.UNKNOWN_NODE,
                translate("Validation", "Unknown node {node}: the scheduler does not know it.")
                .fill(node=n),
                node=n,
            )
        ]
    out = []
    if move.source == move.target:
        out.append(
            _error(
                Code.SAME_SECTOR,
                translate("Validation", "Node {node} is already in that sector.").fill(node=n),
                node=n,
            )
        )
    elif rec.sector != move.source:
        out.append(
            _error(
                Code.NOT_IN_SOURCE,
                translate("Validation", "Node {node} is in {actual}, not {expected}.").fill(
                    node=n, actual=term("sector", rec.sector), expected=term("sector", move.source)
                ),
                node=n,
            )
        )
    if rec.state == SchedState.DOWN:
        out.append(
            _error(
                Code.NODE_UNAVAILABLE,
                translate("Validation", "Node {node} is down.").fill(node=n),
                node=n,
            )
        )
    elif rec.state in (SchedState.DRAINING, SchedState.DRAINED) and not rec.drained_by_us:
        why = rec.drain_reason or translate("Validation", "no reason given")
        out.append(
            _error(
                Code.NODE_UNAVAILABLE,
                translate(
                    "Validation",
                    "Node {node} is drained for another reason ({why}); it is not ours to move.",
                ).fill(node=n, why=why),
                node=n,
            )
        )
    return out


def _sector_problems(
    plan: Plan, state: ClusterState, entitlements: Mapping[Sector, Entitlement]
) -> list[Problem]:
    out = []
    healthy = state.healthy_gpus()
    guarantees = {s: entitlements[s].guarantee(healthy) for s in SECTORS}
    if sum(guarantees.values()) > healthy:
        out.append(
            _error(
                Code.GUARANTEES_EXCEED,
                translate(
                    "Validation",
                    "The guarantees add up to {guaranteed} GPUs but only {healthy} GPUs are "
                    "healthy.",
                ).fill(guaranteed=sum(guarantees.values()), healthy=healthy),
            )
        )
    before = {s: state.allocated(s) for s in SECTORS}
    after = allocated_after(plan, state)
    for s in SECTORS:
        sector = term("sector", s)
        # a sector already short (nodes down) is not this plan's doing: only taking more counts
        if after[s] < guarantees[s] and after[s] < before[s]:
            below = translate(
                "Validation", "{sector} would have {gpus} GPUs, below its guarantee of {guarantee}."
            ).fill(sector=sector, gpus=after[s], guarantee=guarantees[s])
            if not plan.override:
                out.append(
                    _error(
                        Code.BELOW_GUARANTEE,
                        translate("Validation", "{below} Needs an override with a reason.").fill(
                            below=below
                        ),
                        sector=s,
                    )
                )
            elif len(plan.justification.strip()) < MIN_JUSTIFICATION_CHARS:
                out.append(
                    _error(
                        Code.BELOW_GUARANTEE,
                        translate(
                            "Validation",
                            "{below} The override needs a written justification "
                            "(at least {chars} characters).",
                        ).fill(below=below, chars=MIN_JUSTIFICATION_CHARS),
                        sector=s,
                    )
                )
            else:
                out.append(
                    Problem(
                        Code.BELOW_GUARANTEE,
                        Severity.WARNING,
                        translate("Validation", "{below} Overridden: {why}").fill(
                            below=below, why=plan.justification.strip()
                        ),
                        sector=s,
                    )
                )
        cap = entitlements[s].maximum(healthy)
        if cap is not None and after[s] > cap and after[s] > before[s]:
            out.append(
                _error(
                    Code.ABOVE_MAXIMUM,
                    translate(
                        "Validation", "{sector} would have {gpus} GPUs, above its cap of {cap}."
                    ).fill(sector=sector, gpus=after[s], cap=cap),
                    sector=s,
                )
            )
    return out


def allocated_after(plan: Plan, state: ClusterState) -> dict[Sector, int]:
    """GPUs per sector once the plan's moves of known nodes are made (from where they are)."""
    after = {s: state.allocated(s) for s in SECTORS}
    for m in plan.moves:
        rec = state.nodes.get(m.node)
        if rec is not None and rec.sector != m.target:
            after[rec.sector] -= rec.gpus
            after[m.target] += rec.gpus
    return after


def blocking(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == Severity.ERROR]
