"""What a capacity backend does: the shape both the local store and Slurm fit.

In Slurm terms: a sector is a partition, `drain` is `scontrol update State=DRAIN Reason=…`,
`assign` rewrites two partitions' node lists, `resume` is `State=RESUME`. The version is whatever
lets the backend notice that someone else changed the allocation since it was read (a counter
locally, a digest of the partitions in Slurm).
"""

from __future__ import annotations

from typing import Protocol

from console.capacity.model import ClusterState, Plan
from console.fleet.model import Sector


class BackendError(RuntimeError):
    """A backend step failed (scheduler refused, store unwritable, …)."""


class Conflict(BackendError):
    """The allocation is not the one the plan was made against, or another apply is running."""


class Backend(Protocol):
    name: str

    def read(self) -> ClusterState:
        """The allocation now, with node states, running work and queued demand. A node we
        drained whose work has ended reads as SchedState.DRAINED: the apply waits on that."""
        ...

    def claim(self, plan: Plan, who: str) -> None:
        """Start applying `plan`: raise Conflict unless the allocation is still
        `plan.base_version` and no other apply holds the store."""
        ...

    def reclaim(self, plan: Plan, who: str) -> None:
        """Recover `plan` after a crash: take the lock its interrupted apply left (or a free
        one), with no version check; Conflict if another apply holds it."""
        ...

    def release(self, plan: Plan) -> None:
        """The apply is over (done or rolled back)."""
        ...

    def drain(self, node: str, reason: str) -> None:
        """No new work on `node`; running work carries on to its end."""
        ...

    def assign(self, node: str, source: Sector, target: Sector) -> None:
        """Move `node` from `source` to `target` (it must be drained)."""
        ...

    def resume(self, node: str, reason: str) -> None:
        """Take work again; refuses (BackendError) when the node was drained for another
        reason than `reason`."""
        ...

    def features(self) -> tuple[str, ...]:
        """What this backend can do, in words for the operator."""
        ...
