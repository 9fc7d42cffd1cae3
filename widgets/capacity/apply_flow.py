"""Applying on the board: the confirmation that asks for a reason, and each move's progress.

The dialog says what will happen (moves, GPUs, which nodes drain first and that no job is
killed) and will not confirm without a reason (widgets/capacity/reason_dialog.py); the reason
goes into the audit log. The progress
list shows every move's state as the apply thread reports it, with Cancel (the plan then rolls
back: moved nodes return, drained ones resume).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.capacity.apply import StepEvent
from console.capacity.model import MoveState, Plan
from console.i18n import names
from widgets.capacity.preview_parts import plain_table
from widgets.capacity.reason_dialog import ReasonDialog
from widgets.common.labels import fmt, sector_name, ui_language

STATE_COLORS = {
    MoveState.DRAINING: QColor("#ffab00"),
    MoveState.DRAINED: QColor("#c9a0ff"),
    MoveState.MOVED: QColor("#4c9aff"),
    MoveState.RESUMED: QColor("#4c9aff"),
    MoveState.DONE: QColor("#36b37e"),
    MoveState.CANCELLED: QColor("#8993a4"),
    MoveState.FAILED: QColor("#ff5630"),
    MoveState.ROLLED_BACK: QColor("#ff8b00"),
}


def move_state_name(state: MoveState) -> str:
    return names.move_state_name(state, ui_language())


class ApplyDialog(ReasonDialog):
    """Confirm a plan (or an undo) with a reason. `reason()` once accepted."""

    def __init__(self, plan: Plan, drains: list[str], undo: bool, parent=None) -> None:
        super().__init__(parent)
        gpus = sum(m.gpus for m in plan.moves)
        lines = [
            fmt(self.tr("%1 node moves, %2 GPUs in all:"), len(plan.moves), gpus),
            *(
                fmt("  %1: %2 → %3", m.node, sector_name(m.source), sector_name(m.target))
                for m in plan.moves[:12]
            ),
        ]
        if len(plan.moves) > 12:
            lines.append(fmt(self.tr("  … and %1 more"), len(plan.moves) - 12))
        if drains:
            lines.append(
                fmt(
                    self.tr("%1 nodes have running work: they drain first and move when it "
                            "ends (no job is killed): %2"),
                    len(drains),
                    ", ".join(drains[:8]) + (" …" if len(drains) > 8 else ""),
                )
            )
        else:
            lines.append(self.tr("Every moving node is idle: nothing waits for a drain."))
        if plan.override:
            lines.append(fmt(self.tr("Guarantee overridden: %1"), plan.justification))
        self.build(self.tr("Undo a plan") if undo else self.tr("Apply the plan"), lines, undo)


class ApplyProgress(QWidget):
    """Each move's state while a plan runs, then the result."""

    cancel_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = QLabel(objectName="PanelTitle")
        self.table = plain_table(4)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.result = QLabel(wordWrap=True)
        self.cancel_button = QPushButton()
        self.close_button = QPushButton()
        self.cancel_button.clicked.connect(self._cancel)
        self.close_button.clicked.connect(self.dismissed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.result, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.rows: dict[str, int] = {}
        self.states: dict[str, MoveState] = {}
        self.plan: Plan | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Progress"))
        self.table.setAccessibleName(self.tr("Progress of the moves"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Node"), self.tr("Move"), self.tr("State"), self.tr("Message")]
        )
        self.cancel_button.setText(self.tr("Cancel"))
        self.close_button.setText(self.tr("Close"))
        for node, state in self.states.items():
            self._set_state(node, state)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def start(self, plan: Plan) -> None:
        self.plan = plan
        self.rows, self.states = {}, {}
        self.table.setRowCount(len(plan.moves))
        for row, m in enumerate(plan.moves):
            self.rows[m.node] = row
            self.table.setItem(row, 0, QTableWidgetItem(m.node))
            move = fmt("%1 → %2", sector_name(m.source), sector_name(m.target))
            self.table.setItem(row, 1, QTableWidgetItem(move))
            self.table.setItem(row, 3, QTableWidgetItem(""))
            self._set_state(m.node, MoveState.PLANNED)
        self.result.setText(self.tr("Applying…"))
        self.result.setStyleSheet("")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setVisible(True)
        self.close_button.setVisible(False)

    def step(self, event: StepEvent) -> None:
        if event.node not in self.rows:
            return
        self._set_state(event.node, event.state)
        if event.message:
            self.table.item(self.rows[event.node], 3).setText(event.message)

    def _set_state(self, node: str, state: MoveState) -> None:
        self.states[node] = state
        item = QTableWidgetItem(move_state_name(state))
        item.setData(Qt.ItemDataRole.UserRole, state.value)
        if state in STATE_COLORS:
            item.setForeground(STATE_COLORS[state])
        self.table.setItem(self.rows[node], 2, item)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.result.setText(self.tr("Cancelling: moved nodes go back, drained ones resume…"))
        self.cancel_requested.emit()

    def finish(self, text: str, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {'#36b37e' if ok else '#ff5630'};")
        self.cancel_button.setVisible(False)
        self.close_button.setVisible(True)
