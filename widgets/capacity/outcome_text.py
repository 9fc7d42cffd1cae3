"""What the board says when an apply ends: the outcome, or why it failed, in the UI language.

The texts keep the board's translation context ("RebalanceBoard"), so the catalogue is unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from console.access import AccessDenied, AccessPolicy
from console.capacity.backends.base import Conflict
from console.capacity.service import PlanRejected
from console.i18n.catalogue import reason_of
from widgets.capacity.refusal import refusal_text
from widgets.common.labels import core_text, fmt, ui_language


def outcome_text(outcome) -> str:
    """The sentence for a finished apply (an ApplyOutcome)."""
    if outcome.result == "applied":
        return QCoreApplication.translate("RebalanceBoard", "Applied: every move is done.")
    if outcome.result == "cancelled":
        return QCoreApplication.translate(
            "RebalanceBoard", "Cancelled: the allocation is as it was."
        )
    if outcome.result == "rolled back":
        return fmt(
            QCoreApplication.translate("RebalanceBoard", "Failed and rolled back: %1"),
            core_text(outcome.error),
        )
    if outcome.result == "rollback incomplete":
        return fmt(
            QCoreApplication.translate(
                "RebalanceBoard",
                "Failed, and the rollback is incomplete (check these nodes): %1",
            ),
            core_text(outcome.error),
        )
    return outcome.result


def failure_text(error: Exception, policy: AccessPolicy) -> tuple[str, str]:
    """(result key, sentence) for an apply that raised instead of finishing."""
    if isinstance(error, Conflict):
        return "conflict", fmt(
            QCoreApplication.translate(
                "RebalanceBoard",
                "Someone else applied first; the board is re-reading. Re-plan. (%1)",
            ),
            core_text(reason_of(error)),
        )
    if isinstance(error, AccessDenied):
        return "denied", refusal_text(policy, error.action) or str(error)
    if isinstance(error, PlanRejected):
        return "rejected", " ".join(p.text(ui_language()) for p in error.problems)
    return "error", fmt(
        QCoreApplication.translate("RebalanceBoard", "The apply failed: %1"),
        core_text(reason_of(error)),
    )
