"""Waiting for the console's data in Qt tests (shared by the window, history and kiosk tests)."""

from __future__ import annotations

from console.fleet.model import NodeStatus

SNAPSHOT_TIMEOUT_MS = 15_000


def wait_for_data(qtbot, services, timeout_ms: int = SNAPSHOT_TIMEOUT_MS):
    """The next snapshot in which every node has reported (or is known unreachable)."""

    def complete(snap) -> bool:
        return snap.counts.get(NodeStatus.WAITING, 0) == 0

    with qtbot.waitSignal(
        services.bridge.snapshot_ready, timeout=timeout_ms, check_params_cb=complete
    ) as blocker:
        pass
    return blocker.args[0]
