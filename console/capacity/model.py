"""Capacity entities: entitlements, the allocation a backend reports, moves and plans.

A node belongs to exactly one sector. A plan is a list of node moves computed against one
allocation *version*; applying checks that version first, so two consoles cannot both apply on the
same picture of the world (DESIGN.md §5).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from console.fleet.model import SECTORS, Sector

OUR_DRAIN_TAG = "hangang plan="  # drain reasons we write start with this; others are not ours


class SchedState(StrEnum):
    """A node as the scheduler sees it (Slurm's base state plus its drain flag)."""

    UP = "up"  # idle, mixed or allocated: takes work
    DRAINING = "draining"  # drain asked, work still running
    DRAINED = "drained"  # drain asked, no work left
    DOWN = "down"  # not responding / failed


@dataclass(frozen=True, slots=True)
class NodeRecord:
    name: str
    sector: Sector
    gpus: int
    state: SchedState = SchedState.UP
    drain_reason: str = ""  # why it is drained/draining ("" when up)
    running_jobs: int = 0
    busy_gpus: int = 0  # GPUs doing work now
    work_ends_at: float | None = None  # when its running work is expected to end (epoch s)
    work: tuple[str, ...] = ()  # short descriptions of running work ("job 42 alice 8 GPUs")

    @property
    def idle(self) -> bool:
        return self.running_jobs == 0 and self.busy_gpus == 0

    @property
    def drained_by_us(self) -> bool:
        return self.drain_reason.startswith(OUR_DRAIN_TAG)

    @property
    def healthy(self) -> bool:
        """Counts as capacity: up, or drained by one of our plans (it comes back)."""
        if self.state == SchedState.DOWN:
            return False
        return self.state == SchedState.UP or self.drained_by_us


@dataclass(frozen=True, slots=True)
class ClusterState:
    """One consistent read of the backend: the allocation, its version and queued demand."""

    version: str
    nodes: Mapping[str, NodeRecord]
    demand: Mapping[Sector, int] = field(default_factory=dict)  # GPUs asked for by queued work
    read_at: float = 0.0

    def allocation(self) -> dict[str, Sector]:
        return {name: rec.sector for name, rec in self.nodes.items()}

    def allocated(self, sector: Sector) -> int:
        return sum(r.gpus for r in self.nodes.values() if r.sector == sector)

    def healthy_gpus(self) -> int:
        return sum(r.gpus for r in self.nodes.values() if r.healthy)


DEFAULT_GUARANTEE_FRACTION = 0.75  # unless the fleet file says: a sector may lend a quarter


@dataclass(frozen=True, slots=True)
class Entitlement:
    """A sector's entitled share, the floor it is guaranteed, and an optional borrow cap.

    The entitlement (shares add up to 100 %) is what the sector is accounted against; the
    guarantee is the floor no rebalance may take it below without an override. It must be lower
    than the share, or no sector could ever borrow: by default three quarters of the share, or
    a share or a number of GPUs the fleet file sets.
    """

    sector: Sector
    share: float
    guaranteed_share: float | None = None
    guaranteed_gpus: int | None = None
    maximum_share: float | None = None  # borrow cap as a share of the healthy GPUs

    def guarantee(self, healthy_gpus: int) -> int:
        if self.guaranteed_gpus is not None:
            return self.guaranteed_gpus
        share = self.guaranteed_share
        if share is None:
            share = self.share * DEFAULT_GUARANTEE_FRACTION
        return math.floor(share * healthy_gpus + 1e-9)

    def maximum(self, healthy_gpus: int) -> int | None:
        if self.maximum_share is None:
            return None
        return math.floor(self.maximum_share * healthy_gpus + 1e-9)


def entitlements_from_shares(
    shares: Mapping[Sector, float],
    guaranteed: Mapping[Sector, float | int] | None = None,
    maximum: Mapping[Sector, float] | None = None,
) -> dict[Sector, Entitlement]:
    """`guaranteed` values: a float is a share of the healthy GPUs, an int a number of GPUs."""
    guaranteed, maximum = guaranteed or {}, maximum or {}
    out = {}
    for s in SECTORS:
        g = guaranteed.get(s)
        out[s] = Entitlement(
            s,
            float(shares[s]),
            guaranteed_share=g if isinstance(g, float) else None,
            guaranteed_gpus=g if isinstance(g, int) else None,
            maximum_share=maximum.get(s),
        )
    return out


@dataclass(frozen=True, slots=True)
class SectorFigures:
    """Derived per sector, for the board, the CLI and recommendations."""

    sector: Sector
    allocated: int  # GPUs on its nodes
    healthy: int  # of those, on healthy nodes
    busy: int  # GPUs doing work
    guarantee: int
    maximum: int | None
    demand: int  # GPUs asked for by its queued work

    @property
    def borrowed(self) -> int:
        """GPUs held above the guarantee (capacity another sector could claim back)."""
        return max(0, self.allocated - self.guarantee)

    @property
    def lent(self) -> int:
        """GPUs of its guarantee that other sectors hold now."""
        return max(0, self.guarantee - self.allocated)

    @property
    def idle(self) -> int:
        return max(0, self.healthy - self.busy)


def sector_figures(
    state: ClusterState, entitlements: Mapping[Sector, Entitlement]
) -> dict[Sector, SectorFigures]:
    healthy_total = state.healthy_gpus()
    out = {}
    for s in SECTORS:
        recs = [r for r in state.nodes.values() if r.sector == s]
        out[s] = SectorFigures(
            sector=s,
            allocated=sum(r.gpus for r in recs),
            healthy=sum(r.gpus for r in recs if r.healthy),
            busy=sum(min(r.busy_gpus, r.gpus) for r in recs),
            guarantee=entitlements[s].guarantee(healthy_total),
            maximum=entitlements[s].maximum(healthy_total),
            demand=int(state.demand.get(s, 0)),
        )
    return out


@dataclass(frozen=True, slots=True)
class Move:
    node: str
    source: Sector
    target: Sector
    gpus: int

    def describe(self) -> str:
        return f"{self.node} {self.source.value}→{self.target.value}"


def new_plan_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class Plan:
    """Moves computed against `base_version`. `override` lets a sector go below its guarantee,
    only with a written `justification` (validation says so)."""

    moves: tuple[Move, ...]
    base_version: str
    plan_id: str = field(default_factory=new_plan_id)
    override: bool = False
    justification: str = ""
    undoes: str | None = None  # plan id this plan reverses

    def allocation_after(self, before: Mapping[str, Sector]) -> dict[str, Sector]:
        after = dict(before)
        for m in self.moves:
            if m.node in after:
                after[m.node] = m.target
        return after

    def drain_reason(self, move: Move) -> str:
        return f"{OUR_DRAIN_TAG}{self.plan_id} {move.source.value}->{move.target.value}"

    def inverse(self, base_version: str) -> Plan:
        back = tuple(Move(m.node, m.target, m.source, m.gpus) for m in reversed(self.moves))
        return Plan(
            back,
            base_version,
            override=self.override,
            undoes=self.plan_id,
            justification=self.justification,
        )


class MoveState(StrEnum):
    """A move's life: drain first, move when idle, resume. No job is ever killed."""

    PLANNED = "planned"
    DRAINING = "draining"
    DRAINED = "drained"
    MOVED = "moved"
    RESUMED = "resumed"
    DONE = "done"
    CANCELLED = "cancelled"  # stopped before it moved (operator, or a later step failed)
    FAILED = "failed"  # this step failed; the plan is rolled back
    ROLLED_BACK = "rolled-back"  # it had moved; moved back and resumed


TRANSITIONS: dict[MoveState, frozenset[MoveState]] = {
    MoveState.PLANNED: frozenset({MoveState.DRAINING, MoveState.CANCELLED, MoveState.FAILED}),
    MoveState.DRAINING: frozenset({MoveState.DRAINED, MoveState.CANCELLED, MoveState.FAILED}),
    MoveState.DRAINED: frozenset({MoveState.MOVED, MoveState.CANCELLED, MoveState.FAILED}),
    MoveState.MOVED: frozenset({MoveState.RESUMED, MoveState.FAILED, MoveState.ROLLED_BACK}),
    MoveState.RESUMED: frozenset({MoveState.DONE, MoveState.ROLLED_BACK}),
    MoveState.DONE: frozenset({MoveState.ROLLED_BACK}),
    MoveState.CANCELLED: frozenset(),
    MoveState.FAILED: frozenset({MoveState.ROLLED_BACK}),
    MoveState.ROLLED_BACK: frozenset(),
}


class IllegalTransition(RuntimeError):
    pass


def advance(current: MoveState, new: MoveState) -> MoveState:
    if new not in TRANSITIONS[current]:
        raise IllegalTransition(f"a move cannot go from {current.value} to {new.value}")
    return new
