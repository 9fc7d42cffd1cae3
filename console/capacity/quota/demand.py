"""Quota mode's pending demand for the "starved sector" alert rule, from the caps' reads.

In quota mode no node-move backend reads the queue, so the rule gets its pending GPUs from the
quota reads: the GPUs each sector's jobs wait for *because of its cap* (QOSGrpGRES). Jobs that
wait for other reasons (priority, resources) are not starved by the books; a cap move would not
start them.
"""

from __future__ import annotations

from collections.abc import Callable

from console.capacity.follower import AllocationFollower
from console.capacity.quota.model import QuotaState

QUOTA_FOLLOW_S = 15.0  # sacctmgr and squeue per read: not every snapshot
QUOTA_THREAD = "quota-follower"


def quota_demand(state: QuotaState | None) -> dict[str, int]:
    """Pending-at-cap GPUs per sector id ({} before the first read)."""
    if state is None:
        return {}
    return {s.value: int(q.pending_at_cap) for s, q in state.sectors.items()}


def quota_follower(
    service,
    on_state: Callable[[QuotaState], None] | None = None,
    interval_s: float = QUOTA_FOLLOW_S,
) -> AllocationFollower:
    """The one background reader of the caps: its `latest` feeds the alert rule and the
    widgets that show caps (sector cards, kiosk pages) without a read of their own."""
    return AllocationFollower(
        service.backend, on_state or (lambda _state: None), interval_s, name=QUOTA_THREAD
    )


def follow_quota(service) -> tuple[AllocationFollower, Callable[[], dict[str, int]]]:
    """(the caps' follower, not started; the demand it gives the starved rule, any thread)."""
    follower = quota_follower(service)
    return follower, lambda: quota_demand(follower.latest)
