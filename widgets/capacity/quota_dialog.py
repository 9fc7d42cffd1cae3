"""The quota board's confirmation: which caps change, what that does, and a reason for the log.

The same flow as a node move's (widgets/capacity/reason_dialog.py): no confirming without a
reason, and the reason goes into the audit log with the plan.
"""

from __future__ import annotations

from console.capacity.quota.model import QuotaPlan
from widgets.capacity.reason_dialog import ReasonDialog
from widgets.common.labels import fmt, sector_name


class QuotaApplyDialog(ReasonDialog):
    """Confirm new caps (or an undo) with a reason. `reason()` once accepted."""

    def __init__(self, plan: QuotaPlan, undo: bool, parent=None) -> None:
        super().__init__(parent)
        changes = plan.changes()
        lines = [
            fmt(
                self.tr("%1 sector caps change, %2 GPUs of cap move:"),
                len(changes),
                plan.gpus_moved(),
            )
        ]
        for sector, before, after in changes:
            lines.append(
                fmt("  %1: %2 → %3", sector_name(sector), "–" if before is None else before, after)
            )
        lines.append(
            self.tr(
                "Slurm applies the caps at once: running jobs are not touched; "
                "new jobs above a cap wait."
            )
        )
        if plan.override:
            lines.append(fmt(self.tr("Checks overridden: %1"), plan.justification))
        title = self.tr("Undo the last cap change") if undo else self.tr("Apply the new caps")
        self.build(title, lines, undo)
