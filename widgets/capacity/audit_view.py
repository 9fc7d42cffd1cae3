"""The capacity audit log: every apply and undo, its details, and a check of the hash chain.

The log is a local SQLite file (console/capacity/audit.py) and small, so it is read here. "Verify
chain" recomputes every entry's hash: it shows the head hash (write it in the shift report to pin
the log) or the first broken entry in red. Undo asks the board, which owns the apply thread.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.access import AccessPolicy, Action
from console.capacity.audit import AuditEntry, AuditLog, Verification
from console.fleet.model import SECTORS, Sector
from console.i18n import names
from widgets.capacity.refusal import refusal_text
from widgets.common.csv_export import ask_save_path
from widgets.common.header_menu import allow_hiding_columns
from widgets.common.labels import fmt, sector_name, ui_language
from widgets.common.view_csv import export_view
from widgets.history.time_range import format_time

RESULT_COLORS = {
    "applied": QColor("#36b37e"),
    "cancelled": QColor("#8993a4"),
    "rolled back": QColor("#ff8b00"),
    "rollback incomplete": QColor("#ff5630"),
}
BROKEN = QColor("#ff5630")
OK = QColor("#36b37e")


def is_quota(entry: AuditEntry) -> bool:
    """A change of the sectors' GPU caps (quota mode), not of nodes."""
    return entry.body.get("kind") == "quota"


def cap_change(entry: AuditEntry) -> dict[Sector, tuple[int | None, int | None]]:
    """Per sector: its GPU cap before and after a quota change."""
    before, after = entry.body.get("before", {}), entry.body.get("after", {})
    return {s: (before.get(s.value), after.get(s.value)) for s in SECTORS}


def caps_text(entry: AuditEntry) -> str:
    return "; ".join(
        f"{sector_name(s)} {'–' if b is None else b}→{'–' if a is None else a}"
        for s, (b, a) in cap_change(entry).items()
        if b != a
    )


def sector_change(entry: AuditEntry) -> dict[Sector, tuple[int, int, int]]:
    """Per sector: nodes before, nodes after, GPUs gained (negative: given)."""
    before = Counter(entry.body.get("before", {}).values())
    after = Counter(entry.body.get("after", {}).values())
    gained = Counter()
    for m in entry.moves if entry.result == "applied" else ():
        gained[m["target"]] += int(m.get("gpus", 0))
        gained[m["source"]] -= int(m.get("gpus", 0))
    return {s: (before[s.value], after[s.value], gained[s.value]) for s in SECTORS}


def moves_text(moves: list[dict]) -> str:
    return "; ".join(
        f"{m['node']} {sector_name(Sector(m['source']))}→{sector_name(Sector(m['target']))}"
        for m in moves
    )


class AuditView(QWidget):
    undo_requested = Signal(str)  # plan id of an applied plan

    def __init__(
        self, audit: AuditLog, tz: ZoneInfo, policy: AccessPolicy, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.audit, self.tz, self.policy = audit, tz, policy
        self.entries: list[AuditEntry] = []
        self.verification: Verification | None = None
        self.table = QTableWidget(0, 8)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)  # long: elided
        header.setStretchLastSection(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        allow_hiding_columns(self.table)
        self.details = QPlainTextEdit(readOnly=True)
        self.refresh_button, self.verify_button = QPushButton(), QPushButton()
        self.undo_button = QPushButton()
        self.export_button = QPushButton()
        self.ask_save_path = ask_save_path
        self.verdict = QLabel(wordWrap=True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = QHBoxLayout()
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.verify_button)
        bar.addWidget(self.verdict, 1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.undo_button)
        split = QSplitter(Qt.Orientation.Horizontal, objectName="AuditSplitter")
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([900, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.verify_button.clicked.connect(self.verify)
        self.undo_button.clicked.connect(self._undo_clicked)
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.table.itemSelectionChanged.connect(self._selected)
        self.retranslate()

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Time"),
                self.tr("User"),
                self.tr("Role"),
                self.tr("Action"),
                self.tr("Plan"),
                self.tr("Reason"),
                self.tr("Moves"),
                self.tr("Result"),
            ]
        )
        self.refresh_button.setText(self.tr("Refresh"))
        self.verify_button.setText(self.tr("Verify chain"))
        self.undo_button.setText(self.tr("Undo this plan…"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.table.setAccessibleName(self.tr("Audit log"))
        self.details.setAccessibleName(self.tr("Entry details"))
        self._fill()
        self._show_verification()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    # -- reading ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_entry()
        self.entries = list(reversed(self.audit.entries()))  # newest first
        self._fill()
        if selected is not None:
            for row, e in enumerate(self.entries):
                if e.id == selected.id:
                    self.table.selectRow(row)
        self._selected()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.entries))
        broken = self.verification.broken_id if self.verification else None
        for row, e in enumerate(self.entries):
            cells = (
                format_time(e.t, self.tz, seconds=True),
                e.user,
                self._role_name(e.role),
                self._action_name(e.action),
                e.plan_id,
                e.reason,
                caps_text(e) if is_quota(e) else moves_text(e.moves),
                self._result_name(e.result),
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if col == 7 and e.result in RESULT_COLORS:
                    item.setForeground(RESULT_COLORS[e.result])
                if broken is not None and e.id >= broken:
                    item.setForeground(BROKEN)
                if col in (5, 6):
                    item.setToolTip(text)
                self.table.setItem(row, col, item)

    def export_csv(self, path: Path | None = None) -> Path | None:
        """The log as listed (newest first) into a CSV file."""
        return export_view(self, self.table, "audit", self.ask_save_path, path)

    def _role_name(self, role: str) -> str:
        return names.role_name(role, ui_language())

    def _action_name(self, action: str) -> str:
        return names.audit_action_name(action, ui_language())

    def _result_name(self, result: str) -> str:
        return names.apply_result_name(result, ui_language())

    def selected_entry(self) -> AuditEntry | None:
        rows = {i.row() for i in self.table.selectedItems()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.entries[row] if row < len(self.entries) else None

    # -- details ----------------------------------------------------------------------------------

    def _selected(self) -> None:
        entry = self.selected_entry()
        self.details.setPlainText(self.describe(entry) if entry is not None else "")
        undoable = (
            entry is not None
            and entry.action in ("apply", "quota-apply")
            and entry.result == "applied"
        )
        refused = refusal_text(self.policy, Action.REBALANCE_UNDO)
        self.undo_button.setEnabled(undoable and refused is None)
        self.undo_button.setToolTip(
            refused
            or (
                self.tr("Apply the reverse moves (drain first)")
                if undoable
                else self.tr("Only an applied plan can be undone")
            )
        )

    def describe(self, e: AuditEntry) -> str:
        plan = e.body.get("plan", {})
        lines = [
            fmt(self.tr("Entry %1 · plan %2 · %3"), e.id, e.plan_id, self._result_name(e.result)),
            fmt(
                self.tr("By %1 (%2) at %3"),
                e.user,
                self._role_name(e.role),
                format_time(e.t, self.tz, seconds=True),
            ),
            fmt(self.tr("Reason: %1"), e.reason),
        ]
        if e.body.get("kind") == "accounts":  # Slurm accounts reconciled: commands, not moves
            return "\n".join(lines + ["", self.tr("Commands:")] + [
                f"  {'✓' if r.get('ok') else '✗'} {' '.join(r.get('argv', []))}"
                + ("" if r.get("ok") else f" ({r.get('output', '')})")
                for r in e.body.get("results", [])
            ] + ["", fmt(self.tr("Hash %1"), e.hash), fmt(self.tr("After %1"), e.prev_hash)])
        if plan.get("undoes"):
            lines.append(fmt(self.tr("Undoes plan %1"), plan["undoes"]))
        if plan.get("override"):
            lines.append(fmt(self.tr("Guarantee overridden: %1"), plan.get("justification", "")))
        if e.body.get("error"):
            lines.append(fmt(self.tr("Error: %1"), e.body["error"]))
        if is_quota(e):  # caps, not nodes: no moves and no steps to list
            lines += ["", self.tr("GPU cap per sector (before → after):")]
            lines.append(caps_text(e) or self.tr("no cap changed"))
            lines += ["", fmt(self.tr("Hash %1"), e.hash), fmt(self.tr("After %1"), e.prev_hash)]
            return "\n".join(lines)
        lines += ["", self.tr("Per sector (nodes before → after, GPUs moved):")]
        for sector, (before, after, gained) in sector_change(e).items():
            lines.append(f"  {sector_name(sector)}: {before} → {after} ({gained:+d} GPU)")
        lines += ["", self.tr("Moves:")]
        for m in e.moves:
            lines.append(
                fmt(
                    "  %1: %2 → %3, %4 GPU",
                    m["node"],
                    sector_name(Sector(m["source"])),
                    sector_name(Sector(m["target"])),
                    m.get("gpus", 0),
                )
            )
        lines += ["", self.tr("Steps:")]
        for step in e.body.get("steps", []):
            when = datetime.fromtimestamp(step["t"], self.tz).strftime("%H:%M:%S")
            state = _state_name(step["state"])
            message = f" ({step['message']})" if step.get("message") else ""
            lines.append(f"  {when} {step['node']} {state}{message}")
        lines += ["", fmt(self.tr("Hash %1"), e.hash), fmt(self.tr("After %1"), e.prev_hash)]
        return "\n".join(lines)

    # -- verify and undo --------------------------------------------------------------------------

    def verify(self) -> Verification:
        self.verification = self.audit.verify()
        self._fill()
        self._show_verification()
        return self.verification

    def _show_verification(self) -> None:
        v = self.verification
        if v is None:
            self.verdict.setText("")
            return
        if v.ok:
            text = fmt(self.tr("Chain intact: %1 entries, head %2"), v.entries, v.head)
            color = OK
        else:
            text = fmt(self.tr("Chain broken at entry %1: %2"), v.broken_id, v.problem)
            color = BROKEN
        self.verdict.setText(text)
        self.verdict.setStyleSheet(f"color: {color.name()};")

    def _undo_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.undo_requested.emit(entry.plan_id)


def _state_name(value: str) -> str:
    return names.move_state_name(value, ui_language())
