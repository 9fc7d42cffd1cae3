"""What a cap apply, undo or recovery ends with: the audit actions and results, the result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from console.capacity.audit import AuditEntry
from console.capacity.quota.model import QuotaPlan
from console.fleet.model import Sector

APPLY, UNDO, INTERRUPTED = "quota-apply", "quota-undo", "quota-interrupted"
ACTIONS = (APPLY, UNDO)
APPLIED, ROLLED_BACK, FAILED = "applied", "rolled back", "failed"


@dataclass(frozen=True, slots=True)
class QuotaApplyResult:
    plan: QuotaPlan
    entry: AuditEntry
    before: Mapping[Sector, int | None]
    after: Mapping[Sector, int | None]
    result: str  # applied | rolled back | failed
    elapsed_s: float  # plan handed in → caps read back
