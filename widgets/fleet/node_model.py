"""The node table's model: one row per node, read straight from the snapshot's arrays.

A new snapshot with the same nodes is one dataChanged signal (selection and sort order stay), a
different node list is a model reset. The model sorts itself in numpy (see NodeTableModel).
"""

from __future__ import annotations

import math
from enum import IntEnum

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from console.fleet.model import FleetSnapshot, NodeStatus
from widgets.common.labels import core_text, sector_name, status_name, ui_language
from widgets.common.theme import SECTOR_COLORS, STATUS_COLORS

SORT_ROLE = Qt.ItemDataRole.UserRole
SECTOR_ROLE = Qt.ItemDataRole.UserRole + 1
GREY = QColor("#7a8394")

AnyIndex = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    NODE = 0
    SECTOR = 1
    ORG = 2
    STATUS = 3
    GPUS = 4
    UTIL = 5
    BUSY = 6
    MEM = 7
    TEMP = 8
    POWER = 9
    CPU = 10
    AGE = 11


ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        SORT_ROLE,
        SECTOR_ROLE,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
    }
)
COLUMN_COUNT = len(Col)  # a plain int: Qt asks for it thousands of times a second


def _row_mean(a: np.ndarray) -> np.ndarray:
    count = (~np.isnan(a)).sum(axis=1)
    total = np.nansum(a, axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def _row_max(a: np.ndarray) -> np.ndarray:
    filled = np.where(np.isnan(a), -np.inf, a)
    out = filled.max(axis=1) if a.shape[1] else np.full(a.shape[0], -np.inf)
    return np.where(np.isinf(out), np.nan, out)


class NodeTableModel(QAbstractTableModel):
    """Rows are nodes in the sort order; the model sorts itself with numpy (a proxy's sort would
    call back into Python for every comparison: 46 ms per snapshot at 2,000 nodes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snap: FleetSnapshot | None = None
        self._numbers: dict[Col, np.ndarray] = {}
        self._order = np.zeros(0, dtype=np.intp)  # table row → snapshot row
        self._sort: tuple[Col, Qt.SortOrder] | None = None
        self._name_order: tuple[tuple | None, np.ndarray] = (None, self._order)

    def snapshot_row(self, row: int) -> int:
        return int(self._order[row])

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (Col(column), order)
        if self.snap is not None:
            self._relayout(self._sorted_order())

    def _key(self, col: Col) -> np.ndarray:
        snap = self.snap
        if col == Col.NODE:
            return np.array(snap.node_names)
        if col == Col.SECTOR:
            return snap.node_sector
        if col == Col.STATUS:
            return snap.node_status
        if col == Col.ORG:
            lang = ui_language()
            return np.array([o.name(lang) if o else "" for o in snap.node_org])
        return np.nan_to_num(self._numbers[col], nan=-1.0)

    def _sorted_order(self) -> np.ndarray:
        n = self.snap.node_count
        if self._sort is None:
            return np.arange(n)
        col, order = self._sort
        if col == Col.NODE:
            # names only change with the node list: sorting 2,000 strings at every snapshot
            # was most of the table's update
            if self._name_order[0] != self.snap.node_names:
                ranked = np.argsort(self._key(col), kind="stable")
                self._name_order = (self.snap.node_names, ranked)
            ranked = self._name_order[1]
        else:
            ranked = np.argsort(self._key(col), kind="stable")  # ties keep sector, name order
        return ranked[::-1].copy() if order == Qt.SortOrder.DescendingOrder else ranked

    def _relayout(self, new_order: np.ndarray) -> None:
        """Move rows to a new order, keeping selections and other persistent indexes on their
        nodes."""
        if np.array_equal(new_order, self._order):
            return
        self.layoutAboutToBeChanged.emit()
        where = np.empty_like(new_order)
        where[new_order] = np.arange(len(new_order))
        old = self.persistentIndexList()
        moved = [self.index(int(where[self._order[i.row()]]), i.column()) for i in old]
        self._order = new_order
        self.changePersistentIndexList(old, moved)
        self.layoutChanged.emit()

    def headers(self) -> list[str]:
        return [
            self.tr("Node"),
            self.tr("Sector"),
            self.tr("Organisation"),
            self.tr("Status"),
            self.tr("GPUs"),
            self.tr("Util %"),
            self.tr("In use"),
            self.tr("Memory GiB"),
            self.tr("Max °C"),
            self.tr("Power kW"),
            self.tr("CPU %"),
            self.tr("Age s"),
        ]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.snap is None else self.snap.node_count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def set_snapshot(self, snap: FleetSnapshot) -> None:
        same_nodes = self.snap is not None and self.snap.node_names == snap.node_names
        if not same_nodes:
            self.beginResetModel()
        self.snap = snap
        live = snap.node_status == NodeStatus.LIVE
        util = snap.gpu_util
        self._numbers = {
            Col.GPUS: snap.node_gpu_count.astype(float),
            Col.UTIL: _row_mean(util),
            Col.BUSY: (util >= snap.busy_threshold).sum(axis=1).astype(float),
            Col.MEM: np.nansum(snap.gpu_mem_used_mib, axis=1) / 1024.0,
            Col.TEMP: _row_max(snap.gpu_temp_c),
            Col.POWER: np.nansum(snap.gpu_power_w, axis=1) / 1000.0,
            Col.CPU: snap.node_cpu_percent.astype(float),
            Col.AGE: snap.node_age_s,
        }
        never = np.isnan(snap.node_age_s)
        for col in (Col.UTIL, Col.BUSY, Col.MEM, Col.TEMP, Col.POWER, Col.CPU):
            self._numbers[col] = np.where(never, np.nan, self._numbers[col])
        self._live = live
        if same_nodes:
            self._relayout(self._sorted_order())
            last = self.index(self.rowCount() - 1, COLUMN_COUNT - 1)
            self.dataChanged.emit(self.index(0, 0), last)
        else:
            self._order = self._sorted_order()
            self.endResetModel()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        snap = self.snap
        # the delegate asks each visible cell for a dozen roles at every paint: the ones this
        # model never answers go back before any work (they were half the table's paint)
        if snap is None or role not in ANSWERED_ROLES or not index.isValid():
            return None
        row, col = int(self._order[index.row()]), Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == SECTOR_ROLE:
            return int(snap.node_sector[row])
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= Col.GPUS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == Col.STATUS:
                return STATUS_COLORS[NodeStatus(int(snap.node_status[row]))]
            if col == Col.SECTOR:
                return SECTOR_COLORS[snap.sector_of(row)]
            if col > Col.GPUS and not self._live[row]:
                return GREY  # old values are shown, never as if they were live
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.STATUS:
            return core_text(snap.node_reason[row]) or None
        return None

    def cell(self, table_row: int, col: int) -> tuple[str, QColor | None, bool]:
        """What the delegate paints: (text, colour or None for the palette's, right-aligned),
        the same as data()'s display, foreground and alignment roles, in one call."""
        row, column = int(self._order[table_row]), Col(col)
        snap = self.snap
        colour = None
        if column == Col.STATUS:
            colour = STATUS_COLORS[NodeStatus(int(snap.node_status[row]))]
        elif column == Col.SECTOR:
            colour = SECTOR_COLORS[snap.sector_of(row)]
        elif column > Col.GPUS and not self._live[row]:
            colour = GREY
        return self._display(row, column), colour, column >= Col.GPUS

    def _display(self, row: int, col: Col) -> str:
        snap = self.snap
        if col == Col.NODE:
            return snap.node_names[row]
        if col == Col.SECTOR:
            return sector_name(snap.sector_of(row))
        if col == Col.ORG:
            org = snap.node_org[row]
            return org.name(ui_language()) if org else ""
        if col == Col.STATUS:
            return status_name(NodeStatus(int(snap.node_status[row])))
        v = float(self._numbers[col][row])
        if math.isnan(v):
            return "–"
        digits = 1 if col in (Col.MEM, Col.POWER) else 0
        return f"{v:.{digits}f}"

    def _sort_key(self, row: int, col: Col):
        snap = self.snap
        if col == Col.NODE:
            return snap.node_names[row]
        if col == Col.SECTOR:
            return int(snap.node_sector[row])
        if col == Col.STATUS:
            return int(snap.node_status[row])
        if col == Col.ORG:
            return self._display(row, col)
        v = float(self._numbers[col][row])
        return -1.0 if math.isnan(v) else v
