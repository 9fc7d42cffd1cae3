"""Every GPU of the fleet as one cell of a single pyqtgraph ImageItem, grouped by sector.

A node is a column of cells (one per GPU); nodes fill bands left to right, and each sector starts
on a new band under its label. Colour is utilisation; grey is a GPU without live data, dark red a
node that cannot be reached. One image, never one item per GPU: 16,000 cells cost one upload.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRect, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus
from widgets.common.labels import core_text, fmt, sector_name, status_name, ui_language
from widgets.common.opaque import opaque_viewport
from widgets.common.theme import SECTOR_COLORS, colours

LABEL_PX = 20  # room above each sector's first band for its name, in pixels
LABEL_WIDTH_PX = 150  # room a sector's name needs beside the next sector
BAND_GAP = 1  # empty rows between bands
SECTOR_GAP = 2  # empty columns between sectors set side by side, at least
SECTOR_GAP_PX = 8  # and at least these pixels: at 10,000 nodes a column is ~1.5 px wide
# Nodes we cannot read at all, drawn dark red; stale, waiting and connecting ones are grey.
BROKEN = np.array(
    [
        NodeStatus.UNREACHABLE,
        NodeStatus.AUTH_FAILED,
        NodeStatus.HOSTKEY_UNKNOWN,
        NodeStatus.HOSTKEY_CHANGED,
        NodeStatus.PROBE_ERROR,
    ],
    dtype=np.int8,
)

# entries after the 256 utilisation colours in the cell colour table
NO_DATA, UNREACHABLE, NO_CELL = 256, 257, 258


@dataclass(frozen=True)
class HeatmapLayout:
    cell_node: np.ndarray  # (rows, cols) node row in the snapshot, -1 for no cell
    cell_gpu: np.ndarray  # (rows, cols) GPU index, -1 for no cell
    sector_origin: tuple[tuple[int, int], ...]  # (x, y) of each sector's label
    nodes_per_band: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.cell_node.shape


def _bands(members: np.ndarray, npb: int) -> int:
    return max(1, math.ceil(len(members) / npb))


def _block_origins(
    per_sector: list[np.ndarray],
    npb: int,
    band_h: int,
    side_by_side: bool,
    label_rows: int,
    label_cols: int = 0,
    gap_cols: int = SECTOR_GAP,
) -> tuple[list[tuple[int, int]], int, int]:
    """Top-left of each sector block, and the grid's (rows, cols). An empty sector takes no room;
    side by side, a block is at least as wide as its label."""
    origins, x, y = [], 0, 0
    rows = cols = 0
    for members in per_sector:
        if len(members) == 0:
            origins.append((x, y))
            continue
        width = max(min(npb, len(members)), label_cols if side_by_side else 1)
        height = label_rows + _bands(members, npb) * band_h
        origins.append((x, y))
        rows, cols = max(rows, y + height), max(cols, x + width)
        if side_by_side:
            x += width + gap_cols
        else:
            y += height
    return origins, rows, cols


def compute_layout(
    node_sector: np.ndarray,
    gpu_count: np.ndarray,
    width_px: float = 800,
    height_px: float = 500,
    label_px: float = LABEL_PX,
    label_width_px: float = LABEL_WIDTH_PX,
) -> HeatmapLayout:
    """Place every (node, GPU) on the grid; pure, so it is tested without a screen.

    Sectors are stacked or set side by side, with as many nodes per band as give the largest
    cells in a drawing area of `width_px` × `height_px`, leaving `label_px` above each sector.
    """
    n = len(node_sector)
    gpus = int(gpu_count.max()) if n else 1
    band_h = gpus + BAND_GAP
    per_sector = [np.flatnonzero(node_sector == i) for i in range(len(SECTORS))]
    widest = max(1, max((len(p) for p in per_sector), default=1))

    def fit(npb: int, side_by_side: bool) -> tuple[float, int, int, int]:
        """Cell size in pixels, and the label rows and columns that give labels their pixels
        and the gap columns that keep sectors set side by side visibly apart."""
        label_rows, label_cols, gap, cell = 1, 1, SECTOR_GAP, 0.0
        for _ in range(4):  # label room depends on cell size and back; this settles quickly
            _, rows, cols = _block_origins(
                per_sector, npb, band_h, side_by_side, label_rows, label_cols, gap
            )
            cell = max(min(width_px / cols, height_px / rows), 1e-6)
            label_rows = max(1, math.ceil(label_px / cell))
            label_cols = max(1, math.ceil(label_width_px / cell))
            gap = max(SECTOR_GAP, math.ceil(SECTOR_GAP_PX / cell))
        return cell, label_rows, label_cols, gap

    choices = [(npb, side) for side in (False, True) for npb in range(1, min(widest, 400) + 1)]
    npb, side_by_side = max(choices, key=lambda c: fit(*c)[0])
    _, label_rows, label_cols, gap = fit(npb, side_by_side)
    origins, rows, cols = _block_origins(
        per_sector, npb, band_h, side_by_side, label_rows, label_cols, gap
    )
    cell_node = np.full((rows, cols), -1, dtype=np.int32)
    cell_gpu = np.full((rows, cols), -1, dtype=np.int32)
    for (x0, top), members in zip(origins, per_sector, strict=True):
        for k, node in enumerate(members):
            band, col = divmod(k, npb)
            y0 = top + label_rows + band * band_h
            count = int(gpu_count[node])
            cell_node[y0 : y0 + count, x0 + col] = node
            cell_gpu[y0 : y0 + count, x0 + col] = np.arange(count)
    return HeatmapLayout(cell_node, cell_gpu, tuple(origins), npb)


def _rgba(colour) -> np.ndarray:
    return np.array(colour.getRgb(), dtype=np.uint8)


class ColourScale(QWidget):
    """The colour key: the utilisation gradient from 0 to 100 %, then the no-data colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lut: np.ndarray | None = None
        self.setFixedSize(260, 18)

    def paintEvent(self, event) -> None:
        if self.lut is None:
            return
        p = QPainter(self)
        h, w = self.height(), self.width() - 70
        grad = QLinearGradient(0, 0, w, 0)
        for pos in np.linspace(0, 1, 8):
            grad.setColorAt(pos, QColor(*self.lut[int(pos * 255)][:3]))
        p.fillRect(QRect(0, 0, w, h), grad)
        p.fillRect(QRect(w + 8, 0, 28, h), colours().no_data)
        p.fillRect(QRect(w + 40, 0, 28, h), colours().unreachable)
        p.setPen(QColor("#ffffff"))
        p.drawText(
            QRect(4, 0, w - 8, h), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "0 %"
        )
        p.setPen(QColor("#0e1116"))
        p.drawText(
            QRect(4, 0, w - 8, h),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            "100 %",
        )
        p.end()


class _CellImage(pg.ImageItem):
    """The image, with a tooltip that follows the cell under the mouse."""

    def __init__(self, owner: FleetHeatmap) -> None:
        super().__init__(axisOrder="row-major")
        self._owner = owner

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.setToolTip("")
            return
        pos = ev.pos()
        self.setToolTip(self._owner.tooltip_at(int(pos.x()), int(pos.y())))

    def mouseClickEvent(self, ev) -> None:
        if ev.double() and ev.button() == Qt.MouseButton.LeftButton:
            pos = ev.pos()
            if self._owner.activate_at(int(pos.x()), int(pos.y())):
                ev.accept()


class FleetHeatmap(QWidget):
    node_activated = Signal(str)  # a cell was double-clicked: open its node's detail

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(objectName="PanelTitle")
        self.legend = ColourScale()
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(colours().background)
        opaque_viewport(self.view)
        self.box = self.view.addViewBox(lockAspect=True, invertY=True, enableMenu=False)
        self.box.setMouseEnabled(x=False, y=False)
        self.image = _CellImage(self)
        self.box.addItem(self.image)
        self.sector_labels = [pg.TextItem(anchor=(0, 0)) for _ in SECTORS]
        for label in self.sector_labels:
            self.box.addItem(label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.legend)
        layout.addLayout(head)
        layout.addWidget(self.view)
        self.layout_: HeatmapLayout | None = None
        self._layout_key: tuple | None = None
        self._cell_key: tuple[HeatmapLayout, int] | None = None  # what _cells gathered for
        self._cell_index: tuple[np.ndarray, ...] = ()
        self.snapshot: FleetSnapshot | None = None
        self.lut = pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=True)
        self.legend.lut = self.lut
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("GPU utilisation, every GPU (one column per node)"))
        self.legend.setToolTip(
            self.tr(
                "Grey: no live data (stale, connecting). Dark red: node cannot be read "
                "(unreachable, auth failed, host key, probe error)."
            )
        )
        self._label_sectors()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _label_sectors(self) -> None:
        snap, lay = self.snapshot, self.layout_
        for i, (sector, label) in enumerate(zip(SECTORS, self.sector_labels, strict=True)):
            nodes = int((snap.node_sector == i).sum()) if snap is not None else 0
            label.setText(fmt(self.tr("%1 · %2 nodes"), sector_name(sector), nodes))
            label.setColor(SECTOR_COLORS[sector])
            label.setVisible(nodes > 0)
            if lay is not None:
                x, y = lay.sector_origin[i]
                label.setPos(x, y - 0.3)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.snapshot = snap
        if min(self.view.width(), self.view.height()) < 16:
            return  # folded away (a splitter, the capacity tabs): no pixels to lay cells out in
        size = (self.view.width() // 16, self.view.height() // 16)  # relayout on real resizes
        key = (snap.node_sector.tobytes(), snap.node_gpu_count.tobytes(), size)
        if key != self._layout_key:
            self.layout_ = compute_layout(
                snap.node_sector, snap.node_gpu_count, self.view.width(), self.view.height()
            )
            self._layout_key = key
            self._label_sectors()
            rows, cols = self.layout_.shape
            self.box.setRange(xRange=(0, cols), yRange=(0, rows), padding=0.02)
        self.rgba = self.colour(snap, self.layout_)
        self.image.setImage(self.rgba, autoLevels=False)

    def colour(self, snap: FleetSnapshot, lay: HeatmapLayout) -> np.ndarray:
        """One RGBA cell per GPU: the layout's cells are gathered once per layout, and each
        snapshot is a lookup of 16,000 values into one table (viridis, then no data,
        unreachable, no cell), not a pass over the whole grid per rule."""
        pos, node, flat = self._cells(lay, snap.gpu_util.shape[1])
        status = snap.node_status
        # per node: -1 live (its GPUs' own colours), else the no-data or unreachable entry
        state = np.where(status == NodeStatus.LIVE, -1, NO_DATA)
        state[np.isin(status, BROKEN)] = UNREACHABLE
        value = snap.gpu_util.ravel()[flat]
        idx = np.clip(np.nan_to_num(value, nan=0.0) * 2.55, 0, 255).astype(np.intp)
        idx[np.isnan(value)] = NO_DATA
        cell_state = state[node]
        idx = np.where(cell_state >= 0, cell_state, idx)
        full = np.full(lay.cell_node.size, NO_CELL, dtype=np.intp)
        full[pos] = idx
        table = np.concatenate(
            [self.lut, [_rgba(colours().no_data), _rgba(colours().unreachable), (0, 0, 0, 0)]]
        ).astype(np.uint8)
        return table[full].reshape(*lay.shape, 4)

    def _cells(self, lay: HeatmapLayout, gpus_per_row: int) -> tuple[np.ndarray, ...]:
        """The grid positions of the cells, their nodes and their GPUs' flat indexes."""
        key = self._cell_key
        if key is None or key[0] is not lay or key[1] != gpus_per_row:
            pos = np.flatnonzero(lay.cell_node.ravel() >= 0)
            node = lay.cell_node.ravel()[pos].astype(np.intp)
            flat = node * gpus_per_row + lay.cell_gpu.ravel()[pos]
            self._cell_index = (pos, node, flat)
            self._cell_key = (lay, gpus_per_row)  # the layout itself: an id may be reused
        return self._cell_index

    def node_at(self, x: int, y: int) -> str | None:
        snap, lay = self.snapshot, self.layout_
        if snap is None or lay is None or not (0 <= y < lay.shape[0] and 0 <= x < lay.shape[1]):
            return None
        node = int(lay.cell_node[y, x])
        return snap.node_names[node] if node >= 0 else None

    def activate_at(self, x: int, y: int) -> bool:
        name = self.node_at(x, y)
        if name is not None:
            self.node_activated.emit(name)
        return name is not None

    def tooltip_at(self, x: int, y: int) -> str:
        snap, lay = self.snapshot, self.layout_
        if snap is None or lay is None or not (0 <= y < lay.shape[0] and 0 <= x < lay.shape[1]):
            return ""
        node, gpu = int(lay.cell_node[y, x]), int(lay.cell_gpu[y, x])
        if node < 0:
            return ""
        org = snap.node_org[node]
        org_name = org.name(ui_language()) if org else "–"
        status = NodeStatus(int(snap.node_status[node]))

        def val(arr: np.ndarray, scale: float = 1.0, digits: int = 0) -> str:
            v = float(arr[node, gpu])
            return "–" if math.isnan(v) else f"{v * scale:.{digits}f}"

        lines = [
            f"<b>{html.escape(snap.node_names[node])}</b> · GPU {gpu}",
            f"{sector_name(snap.sector_of(node))} · {org_name}",
            fmt(self.tr("status: %1"), status_name(status)),
            fmt(self.tr("utilisation: %1 %"), val(snap.gpu_util)),
            fmt(
                self.tr("memory: %1 / %2 GiB"),
                val(snap.gpu_mem_used_mib, 1 / 1024, 1),
                val(snap.gpu_mem_total_mib, 1 / 1024, 0),
            ),
            fmt(self.tr("temperature: %1 °C"), val(snap.gpu_temp_c)),
            fmt(self.tr("power: %1 W"), val(snap.gpu_power_w)),
        ]
        if status != NodeStatus.LIVE and snap.node_reason[node]:
            lines.append(html.escape(core_text(snap.node_reason[node])))
        if snap.node_fingerprint[node]:
            lines.append(html.escape(snap.node_fingerprint[node]))
        return "<br>".join(lines)
