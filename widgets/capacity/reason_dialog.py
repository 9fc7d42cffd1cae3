"""The confirmation both boards apply through: what will happen, and a reason for the audit log.

It will not confirm without a reason (the OK button stays off until one is written). A node move
(apply_flow.ApplyDialog) and a cap change (quota_dialog.QuotaApplyDialog) say what they do in
their own lines and hand them to `build`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout


class ReasonDialog(QDialog):
    """Confirm with a reason; `reason()` once accepted."""

    def build(self, title: str, lines: list[str], undo: bool) -> None:
        self.setWindowTitle(title)
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
