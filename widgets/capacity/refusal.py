"""Why the access policy refuses a capacity action, in words (the board and the audit view)."""

from __future__ import annotations

from console.access import AccessPolicy, Action
from widgets.common.labels import fmt


def refusal_text(policy: AccessPolicy, action: Action) -> str | None:
    """Why the policy refuses `action`, in the interface's language (None: allowed)."""
    from PySide6.QtCore import QCoreApplication

    if policy.refusal(action) is None:
        return None
    if policy.kiosk:
        return QCoreApplication.translate(
            "RebalanceBoard", "The console is in kiosk mode (read-only)."
        )
    return fmt(
        QCoreApplication.translate(
            "RebalanceBoard", "%1 is a viewer: only operators may apply or undo a plan."
        ),
        policy.identity.user,
    )
