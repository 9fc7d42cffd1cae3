"""DataFrames on screen and in CSV files: the table model every history table uses, and export.

Each plot and table builds one DataFrame of what it shows (a function tests call), draws or lists
that, and writes that same frame with DataFrame.to_csv. The file dialog is a plain function held
by the widget (`ask_save_path`), so tests hand in a path instead of a blocking dialog.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from widgets.common.labels import fmt

log = logging.getLogger(__name__)

AskPath = Callable[[QWidget, str], Path | None]  # (parent, suggested file name) → path or None
AnyIndex = QModelIndex | QPersistentModelIndex
VALUE_ROLE = Qt.ItemDataRole.UserRole  # the cell's number (or text) as shown, unformatted


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("CsvExport", "Export CSV"),
        str(Path.home() / suggested),
        QCoreApplication.translate("CsvExport", "CSV files (*.csv)"),
    )
    return Path(path) if path else None


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Hangul right."""
    frame.to_csv(path, index=False, encoding="utf-8-sig")


def export_csv(parent: QWidget, frame: pd.DataFrame, suggested: str, ask: AskPath) -> Path | None:
    """Ask where, write `frame` there; None when the operator cancelled or the write failed."""
    path = ask(parent, suggested)
    if path is None:
        return None
    try:
        write_csv(frame, path)
    except OSError as exc:
        log.error("CSV not written: %s", exc)
        QMessageBox.warning(
            parent,
            QCoreApplication.translate("CsvExport", "Export CSV"),
            fmt(QCoreApplication.translate("CsvExport", "Could not write %1:\n%2"), path, exc),
        )
        return None
    return path


def number_text(value: object, digits: int) -> str:
    """A number as the operator's locale writes it (grouping, decimal sign); "–" for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return QLocale.system().toString(float(value), "f", digits)


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # column of the frame
    header: Callable[[], str]  # translated at the time it is shown
    digits: int | None = None  # a number shown with this many decimals; None: text


class FrameModel(QAbstractTableModel):
    """A read-only table over a DataFrame: numbers right-aligned in the locale's format, rows
    listed in `bold_rows` (totals) in bold."""

    def __init__(self, columns: list[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.frame = pd.DataFrame(columns=[c.key for c in columns])
        self.bold_rows: frozenset[int] = frozenset()
        self._values: list[list] = []

    def set_frame(
        self,
        frame: pd.DataFrame,
        columns: list[Column] | None = None,
        bold_rows: frozenset[int] = frozenset(),
    ) -> None:
        self.beginResetModel()
        if columns is not None:
            self.columns = columns
        self.frame = frame.reset_index(drop=True)
        self.bold_rows = bold_rows
        # plain Python values, read once: data() is called for every visible cell on each paint
        shown = self.shown_frame()
        self._values = [shown[c.key].tolist() for c in self.columns]
        self.endResetModel()

    def shown_frame(self) -> pd.DataFrame:
        """The frame with every number rounded as the table shows it: what CSV export writes."""
        out = self.frame.copy()
        for column in self.columns:
            if column.digits is not None:
                out[column.key] = pd.to_numeric(out[column.key]).round(column.digits)
        return out

    def retranslate(self) -> None:
        if self.columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if len(self.frame):
            last = self.index(len(self.frame) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header()
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = self._values[index.column()][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column.digits is None:
                return "" if value is None or value != value else str(value)
            return number_text(value, column.digits)
        if role == VALUE_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column.digits is not None:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() in self.bold_rows:
            font = QFont()
            font.setBold(True)
            return font
        return None
