"""Under the alerts table of a console attached to a room: where the incidents come from (the
room's Alertmanager, read how long ago, or why it cannot be read) and the room's silences, with
who set each and until when. Hidden in a console that evaluates its own alerts."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.alerts.acks import ack_note
from console.alerts.am_api import Silence
from console.alerts.room_incidents import RoomAlertsState
from widgets.common.dates import clock_text, local_time
from widgets.common.labels import core_text, fmt, rule_name
from widgets.common.theme import SEVERITY_COLORS

MAX_ROWS_SHOWN = 3  # the table grows to this many rows, then scrolls (the incidents come first)


class RoomStrip(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel(objectName="RoomAlertsStatus")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 5)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.table)
        self._last: tuple | None = None
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([
            self.tr("Silenced"), self.tr("Set by"), self.tr("From"), self.tr("Until"),
            self.tr("Comment")])
        self.table.setAccessibleName(self.tr("Silences"))
        if self._last is not None:
            self.show_room(*self._last, force=True)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_room(self, state: RoomAlertsState, silences: Sequence[Silence], now: float,
                  force: bool = False) -> None:
        self._last = (state, tuple(silences), now)
        self.show()
        self._show_state(state, len(silences))
        rows = [
            (self.silenced_text(s), s.created_by, clock_text(s.starts_at), clock_text(s.ends_at),
             ack_note(s.comment) if s.comment else "")
            for s in silences
        ]
        if not force and rows == getattr(self, "_rows", None):
            return
        self._rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self.table.setVisible(bool(rows))
        shown = min(len(rows), MAX_ROWS_SHOWN)
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(shown))
        self.table.setFixedHeight(height)

    def silenced_text(self, silence: Silence) -> str:
        """What a silence holds back, in words: "GPU temperature · node-a · GPU 0"."""
        m = dict(silence.matchers)
        parts = [rule_name(m["rule"]) if m.get("rule") else m.get("alertname", "")]
        if m.get("node"):
            parts.append(m["node"])
        if m.get("gpu"):
            parts.append(fmt(self.tr("GPU %1"), m["gpu"]))
        extra = [f"{k}={v}" for k, v in silence.matchers
                 if k not in ("rule", "alertname", "node", "gpu", "sector") and v]
        return " · ".join(p for p in parts + extra if p)

    def _show_state(self, state: RoomAlertsState, silences: int) -> None:
        if state.up is None:
            text, colour = fmt(self.tr("Room alerts from %1: reading…"), state.url), None
        elif state.up:
            read = local_time(state.polled_at or 0.0)
            text = fmt(self.tr("Room alerts from the Alertmanager at %1, read at %2 · "
                               "silences: %3"), state.url, f"{read:%H:%M:%S %Z}", silences)
            colour = None
        else:
            text = fmt(
                self.tr("The room's Alertmanager at %1 cannot be read: %2 · the incidents "
                        "shown are the last read"), state.url, core_text(state.problem or ""))
            colour = SEVERITY_COLORS["critical"]
        self.status.setText(text)
        style = f"color: {colour.name()}; font-weight: 600;" if colour is not None else ""
        self.status.setStyleSheet(style)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
