"""The PIN asked before leaving kiosk mode, when settings hold a pin_hash."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

MAX_TRIES = 3


class PinDialog(QDialog):
    """Accepts only when `check(pin)` says the PIN is right; a third wrong PIN closes it."""

    def __init__(self, check: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PinDialog")
        self.setModal(True)
        self._check = check
        self.tries = 0
        self.prompt = QLabel(objectName="PinPrompt")
        self.pin = QLineEdit(objectName="PinEdit")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(objectName="PinError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(16)
        layout.addWidget(self.prompt)
        layout.addWidget(self.pin)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Leave kiosk mode"))
        self.prompt.setText(self.tr("Enter the PIN to leave kiosk mode."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def accept(self) -> None:
        if self._check(self.pin.text()):
            super().accept()
            return
        self.tries += 1
        self.pin.clear()
        if self.tries >= MAX_TRIES:
            self.reject()
            return
        self.error.setText(self.tr("Wrong PIN."))
