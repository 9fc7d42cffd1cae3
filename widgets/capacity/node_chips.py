"""Node chips for the rebalance board: one model of every node, one filtered view per sector.

A fleet can have 2,000 nodes, so chips are painted by a delegate, never built as widgets. The
model holds each node's record and the sector the draft plan puts it in; each column shows the
nodes planned into its sector, so dragging a chip to another column changes the plan, and the
chip moves. Drags carry node names (MIME_TYPE); a drop is handled by the column's view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QDropEvent, QPainter, QPen
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate

from console.capacity.model import ClusterState, NodeRecord, SchedState
from console.fleet.model import FleetSnapshot, Sector
from console.i18n import names
from widgets.capacity.chip_filter import chip_order
from widgets.common.labels import fmt, sector_name, ui_language
from widgets.common.theme import CHIP_COLOURS, SECTOR_COLORS, ThemedColours

MIME_TYPE = "application/x-hangang-nodes"
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
PLANNED_ROLE = Qt.ItemDataRole.UserRole + 2
UTIL_ROLE = Qt.ItemDataRole.UserRole + 3
CHIP = QSize(118, 46)
SPACING = 4

STATE_COLORS = ThemedColours(
    {SchedState.DRAINING: "#ffab00", SchedState.DRAINED: "#c9a0ff", SchedState.DOWN: "#ff5630"},
    {SchedState.DRAINING: "#a35200", SchedState.DRAINED: "#7a3fc7", SchedState.DOWN: "#c9372c"},
)


def names_to_mime(names: Iterable[str]) -> QMimeData:
    mime = QMimeData()
    mime.setData(MIME_TYPE, "\n".join(names).encode())
    return mime


def names_from_mime(mime: QMimeData) -> list[str]:
    if not mime.hasFormat(MIME_TYPE):
        return []
    return [n for n in bytes(mime.data(MIME_TYPE).data()).decode().split("\n") if n]


def node_utilisation(snap: FleetSnapshot) -> dict[str, float]:
    """Mean GPU utilisation per node that reports (percent)."""
    util = np.asarray(snap.gpu_util, dtype=np.float64)
    out = {}
    for i, name in enumerate(snap.node_names):
        row = util[i]
        row = row[~np.isnan(row)]
        if row.size:
            out[name] = float(row.mean())
    return out


class NodeChipModel(QAbstractListModel):
    """Every node of the last read, with the sector the draft plan puts it in."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self._records: dict[str, NodeRecord] = {}
        self._planned: dict[str, Sector] = {}
        self._util: dict[str, float] = {}

    def show_state(self, state: ClusterState, planned: Mapping[str, Sector]) -> None:
        old_records, old_planned = self._records, self._planned
        self._records = dict(state.nodes)
        self._planned = dict(planned)
        if len(state.nodes) != len(self._names) or not all(n in state.nodes for n in self._names):
            # a reset loses scroll and selection: only when nodes change
            self.beginResetModel()
            self._names = chip_order(state.nodes, self._records, self._planned)
            self.endResetModel()
            return
        self._reorder()
        # only the chips that changed: every row would re-filter 2,000 nodes
        for i, name in enumerate(self._names):
            if old_records.get(name) != self._records[name] or (
                old_planned.get(name) != self._planned.get(name)
            ):
                self.dataChanged.emit(self.index(i), self.index(i))

    def set_planned(self, planned: Mapping[str, Sector]) -> None:
        old = self._planned
        self._planned = dict(planned)
        self._reorder()
        for i, n in enumerate(self._names):
            if old.get(n) != self._planned.get(n):
                self.dataChanged.emit(self.index(i), self.index(i))

    def _reorder(self) -> None:
        """Rows into chip_order, keeping selections and the views' current chips."""
        order = chip_order(self._names, self._records, self._planned)
        if order == self._names:
            return
        self.layoutAboutToBeChanged.emit()
        row = {n: i for i, n in enumerate(order)}
        kept = self.persistentIndexList()
        moved = [self.index(row[self._names[i.row()]]) for i in kept]
        self._names = order
        self.changePersistentIndexList(kept, moved)
        self.layoutChanged.emit()

    def planned_at(self, row: int) -> Sector | None:
        return self._planned.get(self._names[row])

    def record_at(self, row: int) -> NodeRecord:
        return self._records[self._names[row]]

    def set_utilisation(self, util: Mapping[str, float]) -> None:
        self._util = dict(util)
        if self._names:
            self.dataChanged.emit(self.index(0), self.index(len(self._names) - 1), [UTIL_ROLE])

    def record(self, name: str) -> NodeRecord | None:
        return self._records.get(name)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._names)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        name = self._names[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return name
        if role == RECORD_ROLE:
            return self._records.get(name)
        if role == PLANNED_ROLE:
            return self._planned.get(name)
        if role == UTIL_ROLE:
            return self._util.get(name)
        if role == Qt.ItemDataRole.ToolTipRole:
            return chip_tooltip(self._records[name], self._planned.get(name))
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes) -> QMimeData:
        names = []
        for index in indexes:
            name = self._names[index.row()]
            if name not in names:
                names.append(name)
        return names_to_mime(names)

    def supportedDragActions(self):
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


def chip_tooltip(rec: NodeRecord, planned: Sector | None) -> str:
    from PySide6.QtCore import QCoreApplication

    translate = QCoreApplication.translate
    lines = [
        f"<b>{rec.name}</b> · {sector_name(rec.sector)}",
        fmt(
            translate("NodeChips", "%1 of %2 GPUs busy, %3 jobs"),
            rec.busy_gpus,
            rec.gpus,
            rec.running_jobs,
        ),
    ]
    if planned is not None and planned != rec.sector:
        lines.append(fmt(translate("NodeChips", "Planned: to %1"), sector_name(planned)))
    if rec.state != SchedState.UP:
        lines.append(
            fmt(translate("NodeChips", "State: %1 %2"), state_name(rec.state), rec.drain_reason)
        )
    lines += [w for w in rec.work[:5]]
    return "<br>".join(lines)


def state_name(state: SchedState) -> str:
    return names.slurm_state_name(state, ui_language())


class ChipDelegate(QStyledItemDelegate):
    """Paints a node chip: name, GPUs, a busy bar, jobs, drain state; moved chips show where
    they come from by a stripe in that sector's colour."""

    def sizeHint(self, option, index) -> QSize:
        return CHIP

    def paint(self, painter: QPainter, option, index) -> None:
        rec: NodeRecord | None = index.data(RECORD_ROLE)
        if rec is None:
            return
        planned: Sector | None = index.data(PLANNED_ROLE)
        util: float | None = index.data(UTIL_ROLE)
        r = option.rect.adjusted(2, 2, -2, -2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        moved = planned is not None and planned != rec.sector
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        c = CHIP_COLOURS
        ground = c["ground"] if not selected else c["selected"]
        if util is not None and not selected:  # warmer the busier it is
            ground = _mix(c["ground"], c["warm"], min(util, 100.0) / 100.0)
        border = STATE_COLORS.get(rec.state, c["border"])
        pen = QPen(SECTOR_COLORS[planned] if moved else border, 2 if moved else 1)
        if moved:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(ground)
        painter.drawRoundedRect(r, 5, 5)
        if moved:
            painter.fillRect(QRect(r.left() + 1, r.top() + 4, 4, r.height() - 8),
                             SECTOR_COLORS[rec.sector])
        inner = r.adjusted(8, 3, -6, -3)
        font = painter.font()
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(c["name"])
        line = inner.height() // 2
        top = QRect(inner.left(), inner.top(), inner.width(), line)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(rec.name, Qt.TextElideMode.ElideMiddle,
                                                          inner.width() - 34))
        painter.setFont(font)
        painter.setPen(c["caption"])
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         f"{rec.gpus}×")
        bottom = QRect(inner.left(), inner.top() + line, inner.width(), inner.height() - line)
        bar = QRect(bottom.left(), bottom.center().y() - 3, 36, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(c["bar"])
        painter.drawRoundedRect(bar, 2, 2)
        if rec.gpus:
            done = bar.adjusted(0, 0, -bar.width() + math.ceil(bar.width() * min(
                rec.busy_gpus, rec.gpus) / rec.gpus), 0)
            painter.setBrush(c["busy"] if rec.busy_gpus else c["bar"])
            painter.drawRoundedRect(done, 2, 2)
        text_rect = bottom.adjusted(bar.width() + 6, 0, 0, 0)
        if rec.state != SchedState.UP:
            painter.setPen(STATE_COLORS[rec.state])
            label = state_name(rec.state)
        else:
            painter.setPen(c["caption"])
            label = _jobs_label(rec.running_jobs)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight,
                                                          text_rect.width()))
        painter.restore()


def _jobs_label(jobs: int) -> str:
    from PySide6.QtCore import QCoreApplication

    if jobs == 0:
        return QCoreApplication.translate("NodeChips", "idle")
    if jobs == 1:
        return QCoreApplication.translate("NodeChips", "1 job")
    return fmt(QCoreApplication.translate("NodeChips", "%1 jobs"), jobs)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


class ChipView(QListView):
    """One sector's chips; dropping chips here plans their move into this sector."""

    nodes_dropped = Signal(list, object)  # node names, target Sector

    def __init__(self, sector: Sector, parent=None) -> None:
        super().__init__(parent)
        self.sector = sector
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setUniformItemSizes(True)
        self.setSpacing(0)
        self.setGridSize(QSize(CHIP.width() + SPACING, CHIP.height() + SPACING))
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        # after setMovement: a Static list view stops its viewport taking drops
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setItemDelegate(ChipDelegate(self))
        self.setMinimumWidth(CHIP.width() + SPACING + 24)

    def selected_names(self) -> list[str]:
        return [i.data() for i in self.selectionModel().selectedIndexes()]

    def index_of(self, name: str) -> QPersistentModelIndex | None:
        model = self.model()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data() == name:
                return index
        return None

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(MIME_TYPE):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(MIME_TYPE):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        names = names_from_mime(event.mimeData())
        if not names:
            event.ignore()
            return
        # copy, not move: the chip leaves its column because the plan changed, not because
        # the view removed a row
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.nodes_dropped.emit(names, self.sector)
