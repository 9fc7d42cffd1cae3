"""The quota board's keyboard row: "Move [N GPUs] of cap from [sector] to [sector] [Move cap]".

Everything a drag of a cap bar does, reachable without a mouse; the step is also what one drop
of a cap bar carries.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from console.fleet.model import SECTORS
from widgets.common.labels import sector_name

DEFAULT_STEP = 8  # GPUs of cap one move or one drop carries (one node's worth)


class CapMoveRow(QWidget):
    move_requested = Signal(object, object, int)  # source sector, target sector, GPUs
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = QSpinBox(minimum=1, maximum=100_000, value=DEFAULT_STEP)
        self.source, self.target = QComboBox(), QComboBox()
        self.step_label, self.from_label, self.to_label = QLabel(), QLabel(), QLabel()
        self.move_button, self.clear_button = QPushButton(), QPushButton()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (
            self.step_label,
            self.step,
            self.from_label,
            self.source,
            self.to_label,
            self.target,
            self.move_button,
            self.clear_button,
        ):
            row.addWidget(w)
        self.move_button.clicked.connect(
            lambda: self.move_requested.emit(
                self.source.currentData(), self.target.currentData(), self.step.value()
            )
        )
        self.clear_button.clicked.connect(self.clear_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.step_label.setText(self.tr("Move"))
        self.step.setSuffix(self.tr(" GPUs"))
        self.step.setAccessibleName(self.tr("GPUs of cap to move"))
        self.from_label.setText(self.tr("of cap from"))
        self.to_label.setText(self.tr("to"))
        self.source.setAccessibleName(self.tr("Sector giving cap"))
        self.target.setAccessibleName(self.tr("Sector receiving cap"))
        for combo, default in ((self.source, 0), (self.target, 1)):
            index = combo.currentIndex() if combo.count() else default
            combo.clear()
            for sector in SECTORS:
                combo.addItem(sector_name(sector), sector)
            combo.setCurrentIndex(index)
        self.move_button.setText(self.tr("Move cap"))
        self.clear_button.setText(self.tr("Clear"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
