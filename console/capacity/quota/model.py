"""Quota mode's entities: each sector's QOS cap and use as read, and a plan of new caps.

In quota mode every sector runs in one shared ("floating") partition and a sector's capacity is
its QOS's `GrpTRES=gres/gpu=N`: Slurm applies a new cap at once, running jobs carry on, new jobs
over the cap pend with reason QOSGrpGRES. Optionally a lower-priority preemptible QOS lets a
sector run on GPUs others leave idle, above its cap; those jobs are requeued when the owners'
jobs need the GPUs back. A plan carries the caps it was made against (`base_version`, a digest of
every sector QOS's limit) so an edit by someone else between plan and apply is a conflict.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from console.fleet.model import SECTORS, Sector


class CapacityMode(StrEnum):
    """How a site moves capacity between sectors (fleet file `[slurm] mode`)."""

    NODES = "nodes"  # whole nodes between the sectors' partitions, drain first
    QUOTA = "quota"  # GPU caps of the sectors' QOS over one shared partition, live


DEFAULT_GRACE_TIME_S = 120  # a borrowing job's time to checkpoint before it is requeued


def default_qos_name(sector: Sector) -> str:
    return f"hangang_{sector.value}"


@dataclass(frozen=True, slots=True)
class QuotaSettings:
    """The fleet file's `[slurm.quota]` table, checked."""

    partition: str  # the shared partition every sector's jobs run in
    qos: Mapping[Sector, str] = field(
        default_factory=lambda: {s: default_qos_name(s) for s in SECTORS})
    borrow_qos: str | None = None  # None: no borrowing above the caps
    grace_time_s: int = DEFAULT_GRACE_TIME_S

    @classmethod
    def from_table(cls, table: Mapping[str, object] | None) -> QuotaSettings:
        """From the fleet file's checked `[slurm.quota]` table (defaults where it says nothing)."""
        return quota_settings_from_table(table)

    def sector_of_qos(self, name: str) -> Sector | None:
        for sector, qos in self.qos.items():
            if qos == name:
                return sector
        return None


@dataclass(frozen=True, slots=True)
class SectorQuota:
    """One sector's cap and use, as one read of Slurm saw them."""

    sector: Sector
    qos: str
    cap: int | None  # GrpTRES gres/gpu of its QOS; None: no GPU limit set
    running: int = 0  # GPUs its jobs hold now under its own QOS
    borrowed: int = 0  # GPUs its jobs hold now under the borrow QOS (above its cap)
    pending_gpus: int = 0  # GPUs its pending jobs ask for
    pending_at_cap: int = 0  # of those, pending because of its cap (QOSGrpGRES)

    @property
    def unused(self) -> int:
        """Cap its own jobs leave free: what others may borrow."""
        return 0 if self.cap is None else max(0, self.cap - self.running)


def caps_version(caps: Mapping[Sector, int | None]) -> str:
    """A digest of the caps: equal caps, equal version, whoever reads them."""
    text = ";".join(f"{s.value}={caps.get(s)}" for s in SECTORS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class QuotaState:
    """One consistent read: every sector's quota, the shared partition's GPUs, the version."""

    version: str
    capacity: int  # GPUs on the shared partition's healthy nodes
    sectors: Mapping[Sector, SectorQuota]
    read_at: float = 0.0

    def caps(self) -> dict[Sector, int | None]:
        return {s: self.sectors[s].cap for s in SECTORS}

    def borrowed_total(self) -> int:
        return sum(q.borrowed for q in self.sectors.values())

    def lent(self) -> dict[Sector, int]:
        """GPUs of each sector's unused cap that borrowing jobs of *other* sectors hold.

        Slurm does not say whose idle GPUs a borrowing job took; each borrower's GPUs are split
        over the other sectors' unused caps in proportion (largest remainder, never above what
        is left unused). What the unused caps cannot cover came from GPUs no cap claims."""
        left = {s: self.sectors[s].unused for s in SECTORS}
        out = {s: 0 for s in SECTORS}
        for borrower in SECTORS:
            want = self.sectors[borrower].borrowed
            lenders = [s for s in SECTORS if s != borrower and left[s] > 0]
            pool = sum(left[s] for s in lenders)
            if want <= 0 or pool == 0:
                continue
            take = min(want, pool)
            exact = {s: take * left[s] / pool for s in lenders}
            part = {s: int(exact[s]) for s in lenders}
            rest = take - sum(part.values())
            for s in sorted(lenders, key=lambda s: (part[s] - exact[s], SECTORS.index(s))):
                if rest <= 0:
                    break
                if part[s] < left[s]:
                    part[s] += 1
                    rest -= 1
            for s in lenders:
                out[s] += part[s]
                left[s] -= part[s]
        return out


def new_plan_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class QuotaPlan:
    """New caps for some sectors, made against `base_version`. `override` lets a cap go below
    a sector's guarantee or below what it runs now, only with a written `justification`."""

    caps_before: Mapping[Sector, int | None]
    caps_after: Mapping[Sector, int]  # only the sectors whose cap changes
    base_version: str
    plan_id: str = field(default_factory=new_plan_id)
    override: bool = False
    justification: str = ""
    undoes: str | None = None  # plan id this plan reverses

    def changes(self) -> tuple[tuple[Sector, int | None, int], ...]:
        """(sector, cap before, cap after) for each sector whose cap changes, in sector order."""
        return tuple((s, self.caps_before.get(s), self.caps_after[s]) for s in SECTORS
                     if s in self.caps_after and self.caps_after[s] != self.caps_before.get(s))

    def caps(self) -> dict[Sector, int | None]:
        """Every sector's cap once the plan is applied."""
        return {s: self.caps_after.get(s, self.caps_before.get(s)) for s in SECTORS}

    def gpus_moved(self) -> int:
        """GPUs of cap that change hands: the sum of the increases."""
        return sum(max(0, after - (before or 0)) for _, before, after in self.changes())

    def inverse(self, base_version: str) -> QuotaPlan:
        """The plan that puts back the caps this one replaced (a sector that had no limit gets
        the partition's capacity back as a limit only if the caller says so: see undo)."""
        back = {s: before for s, before, _ in self.changes() if before is not None}
        return QuotaPlan(self.caps(), back, base_version, override=self.override,
                         justification=self.justification, undoes=self.plan_id)


def move_cap(caps: Mapping[Sector, int | None], source: Sector, target: Sector,
             gpus: int) -> dict[Sector, int]:
    """Targets that move `gpus` of cap from `source` to `target` (what a board drop asks)."""
    if source == target or gpus <= 0:
        raise ValueError("a cap move needs two sectors and a positive number of GPUs")
    before_source, before_target = caps.get(source), caps.get(target)
    if before_source is None or before_target is None:
        raise ValueError("a sector without a GPU limit has no cap to move")
    return {source: before_source - gpus, target: before_target + gpus}


class QuotaBackend(Protocol):
    """Where caps live: Slurm's QOS (sacctmgr) or the embedded store of the demo."""

    name: str

    def read(self) -> QuotaState:
        """Caps, use and pending demand now. Raises BackendError when it cannot be read
        (slurmdbd down: a clear error, never a hang)."""
        ...

    def set_caps(self, caps: Mapping[Sector, int], expect_version: str) -> None:
        """Set the given sectors' caps. Re-reads the caps first and raises Conflict unless they
        are still `expect_version`; BackendError when the scheduler refuses."""
        ...

    def features(self) -> tuple[str, ...]:
        """What this backend can do, in words for the operator (version, borrowing)."""
        ...


def quota_settings_from_table(table: Mapping[str, object] | None) -> QuotaSettings:
    """The checked `[slurm.quota]` table (console/inventory/sections.py) as settings."""
    table = dict(table or {})
    names = dict(table.get("qos") or {})
    qos = {s: str(names.get(s.value, default_qos_name(s))) for s in SECTORS}
    borrow = table.get("borrow_qos") or None
    return QuotaSettings(partition=str(table.get("partition", "shared")), qos=qos,
                         borrow_qos=None if borrow is None else str(borrow),
                         grace_time_s=int(table.get("grace_time", DEFAULT_GRACE_TIME_S)))
