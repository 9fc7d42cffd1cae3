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
from console.capacity.text import pick, sector_name
from console.fleet.model import SECTORS, Sector

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


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    code: Code
    severity: Severity
    en: str
    ko: str
    node: str | None = None
    sector: Sector | None = None

    def text(self, lang: str) -> str:
        return pick(lang, self.en, self.ko)


def _error(code: Code, en: str, ko: str, **where) -> Problem:
    return Problem(code, Severity.ERROR, en, ko, **where)


def validate(
    plan: Plan, state: ClusterState, entitlements: Mapping[Sector, Entitlement]
) -> list[Problem]:
    """Every problem of `plan` against `state` (the allocation as the backend reports it now)."""
    problems: list[Problem] = []
    if not plan.moves:
        problems.append(_error(Code.EMPTY, "The plan moves no node.", "옮길 노드가 없습니다."))
    if plan.base_version != state.version:
        problems.append(
            _error(
                Code.STALE_VERSION,
                f"The allocation changed since this plan was made (version {plan.base_version}, "
                f"now {state.version}): someone else applied first. Plan again.",
                f"계획을 만든 뒤 배정이 바뀌었습니다(버전 {plan.base_version} → {state.version}). "
                "다른 사람이 먼저 적용했습니다. 다시 계획하십시오.",
            )
        )
    counts = Counter(m.node for m in plan.moves)
    for node in sorted(n for n, c in counts.items() if c > 1):
        problems.append(
            _error(
                Code.NODE_TWICE,
                f"Node {node} is moved more than once.",
                f"노드 {node}을(를) 두 번 이상 옮깁니다.",
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
                f"Unknown node {n}: the scheduler does not know it.",
                f"알 수 없는 노드 {n}: 스케줄러에 없습니다.",
                node=n,
            )
        ]
    out = []
    if move.source == move.target:
        out.append(
            _error(
                Code.SAME_SECTOR,
                f"Node {n} is already in that sector.",
                f"노드 {n}은(는) 이미 그 부문에 있습니다.",
                node=n,
            )
        )
    elif rec.sector != move.source:
        out.append(
            _error(
                Code.NOT_IN_SOURCE,
                f"Node {n} is in {sector_name(rec.sector, 'en')}, "
                f"not {sector_name(move.source, 'en')}.",
                f"노드 {n}은(는) {sector_name(move.source, 'ko')}이 아니라 "
                f"{sector_name(rec.sector, 'ko')} 부문에 있습니다.",
                node=n,
            )
        )
    if rec.state == SchedState.DOWN:
        out.append(
            _error(
                Code.NODE_UNAVAILABLE,
                f"Node {n} is down.",
                f"노드 {n}이(가) 다운 상태입니다.",
                node=n,
            )
        )
    elif rec.state in (SchedState.DRAINING, SchedState.DRAINED) and not rec.drained_by_us:
        why = rec.drain_reason or "no reason given"
        out.append(
            _error(
                Code.NODE_UNAVAILABLE,
                f"Node {n} is drained for another reason ({why}); it is not ours to move.",
                f"노드 {n}은(는) 다른 이유로 드레인되어 있습니다({why}). 옮길 수 없습니다.",
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
                f"The guarantees add up to {sum(guarantees.values())} GPUs but only "
                f"{healthy} GPUs are healthy.",
                f"최소 보장량 합계 {sum(guarantees.values())} GPU가 "
                f"정상 GPU {healthy}개보다 많습니다.",
            )
        )
    before = {s: state.allocated(s) for s in SECTORS}
    after = allocated_after(plan, state)
    for s in SECTORS:
        en_s, ko_s = sector_name(s, "en"), sector_name(s, "ko")
        # a sector already short (nodes down) is not this plan's doing: only taking more counts
        if after[s] < guarantees[s] and after[s] < before[s]:
            en = (
                f"{en_s.capitalize()} would have {after[s]} GPUs, below its guarantee of "
                f"{guarantees[s]}."
            )
            ko = f"{ko_s} 부문이 {after[s]} GPU로 최소 보장량 {guarantees[s]} GPU보다 적어집니다."
            if not plan.override:
                out.append(
                    _error(
                        Code.BELOW_GUARANTEE,
                        en + " Needs an override with a reason.",
                        ko + " 사유를 적은 예외 승인이 필요합니다.",
                        sector=s,
                    )
                )
            elif len(plan.justification.strip()) < MIN_JUSTIFICATION_CHARS:
                out.append(
                    _error(
                        Code.BELOW_GUARANTEE,
                        en + f" The override needs a written justification "
                        f"(at least {MIN_JUSTIFICATION_CHARS} characters).",
                        ko + f" 예외 승인에는 {MIN_JUSTIFICATION_CHARS}자 이상의 사유가 "
                        "필요합니다.",
                        sector=s,
                    )
                )
            else:
                out.append(
                    Problem(
                        Code.BELOW_GUARANTEE,
                        Severity.WARNING,
                        en + " Overridden: " + plan.justification.strip(),
                        ko + " 예외 승인: " + plan.justification.strip(),
                        sector=s,
                    )
                )
        cap = entitlements[s].maximum(healthy)
        if cap is not None and after[s] > cap and after[s] > before[s]:
            out.append(
                _error(
                    Code.ABOVE_MAXIMUM,
                    f"{en_s.capitalize()} would have {after[s]} GPUs, above its cap of {cap}.",
                    f"{ko_s} 부문이 {after[s]} GPU로 상한 {cap} GPU를 넘습니다.",
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
