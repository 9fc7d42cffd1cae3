"""The pieces both board previews are built of (node moves: preview.py, caps: quota_preview.py).

A read-only table of one row a sector, the list of the core's checks in their severity's colour,
and the override box with its justification. Functions, not a base widget: the two panels lay
their pieces out differently and say different things.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
)

from console.capacity.validation import Severity

SEVERITY_COLORS = {Severity.ERROR: QColor("#ff5630"), Severity.WARNING: QColor("#ffab00")}
OK_COLOR = QColor("#36b37e")
ROW_H = 22
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def panel_title(text: str = "") -> QLabel:
    return QLabel(text, objectName="PanelTitle")


def plain_table(columns: int, rows: int = 0) -> QTableWidget:
    """Read-only, nothing selectable, columns as wide as their contents."""
    table = QTableWidget(rows, columns)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(ROW_H)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table


def sector_table(columns: int, rows: int) -> QTableWidget:
    """One row a sector, the name column stretched, no scroll bars: tall enough for every row."""
    table = plain_table(columns, rows)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)
    fit_height(table, rows)
    return table


def fit_height(table: QTableWidget, rows: int) -> None:
    """Tall enough for `rows` rows (a short table needs no scroll bar of its own)."""
    header = table.horizontalHeader().sizeHint().height()
    table.setFixedHeight(header + ROW_H * max(rows, 1) + 4)


def put_row(table: QTableWidget, row: int, cells: list[str], alarm: bool) -> None:
    """A sector's row: figures right-aligned, the GPU column red when `alarm`."""
    for col, text in enumerate(cells):
        item = QTableWidgetItem(text)
        if col:
            item.setTextAlignment(RIGHT)
        if col == 1 and alarm:
            item.setForeground(SEVERITY_COLORS[Severity.ERROR])
        table.setItem(row, col, item)


def checks_list() -> QListWidget:
    checks = QListWidget()
    checks.setWordWrap(True)
    checks.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    checks.setMinimumHeight(90)
    return checks


def show_checks(checks: QListWidget, problems, lang: str, passed: str) -> None:
    """Every problem in its severity's colour (its code as item data), or `passed` in green."""
    checks.clear()
    for p in problems:
        item = QListWidgetItem(p.text(lang))
        item.setForeground(SEVERITY_COLORS.get(p.severity, SEVERITY_COLORS[Severity.ERROR]))
        item.setData(Qt.ItemDataRole.UserRole, getattr(p.code, "value", str(p.code)))
        checks.addItem(item)
    if not problems:
        item = QListWidgetItem(passed)
        item.setForeground(OK_COLOR)
        checks.addItem(item)


def show_no_plan(checks: QListWidget, text: str) -> None:
    checks.clear()
    checks.addItem(QListWidgetItem(text))


def override_row() -> tuple[QCheckBox, QLineEdit, QHBoxLayout]:
    """The override box and its justification (off until the box is ticked)."""
    override, justification = QCheckBox(), QLineEdit()
    justification.setEnabled(False)
    row = QHBoxLayout()
    row.addWidget(override)
    row.addWidget(justification, 1)
    return override, justification, row
