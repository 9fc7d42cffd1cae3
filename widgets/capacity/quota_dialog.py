"""The quota board's confirmation: which caps change, what that does, and a reason for the log.

The same flow as a node move's (widgets/capacity/apply_flow.py): no confirming without a
reason, and the reason goes into the audit log with the plan.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from console.capacity.quota.model import QuotaPlan
from widgets.common.labels import fmt, sector_name


class QuotaApplyDialog(QDialog):
    """Confirm new caps (or an undo) with a reason. `reason()` once accepted."""

    def __init__(self, plan: QuotaPlan, undo: bool, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(
            self.tr("Undo the last cap change") if undo else self.tr("Apply the new caps")
        )
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
        self.summary = QLabel("\n".join(lines), wordWrap=True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("Why (written to the audit log)"))
        self.reason_edit.setAccessibleName(self.tr("Reason"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Undo") if undo else self.tr("Apply"))
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(self.tr("Reason:")))
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def reason(self) -> str:
        return self.reason_edit.text().strip()
