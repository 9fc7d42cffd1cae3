"""The reused panels in wall sizes, set from outside: big ticks, legends and sector names,
thick lines, a black ground. The panels themselves stay as the desktop window uses them."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from widgets.common.theme import KIOSK_BACKGROUND, KIOSK_TEXT
from widgets.fleet.heatmap import FleetHeatmap
from widgets.fleet.utilization_plot import UtilizationPlot
from widgets.kiosk.parts import big_font

LABEL_MIN_PX, LABEL_MAX_PX = 16, 34  # sector names inside a heatmap


def enlarge_plot(plot: UtilizationPlot) -> None:
    """The utilisation plot in wall sizes: big ticks and legend, thick lines, black ground."""
    plot.plot.setBackground(KIOSK_BACKGROUND)
    item = plot.plot.getPlotItem()
    for side in ("left", "bottom"):
        axis = item.getAxis(side)
        axis.setStyle(tickFont=big_font(16, bold=False), tickTextOffset=10)
        axis.setTextPen(KIOSK_TEXT)
    item.getAxis("left").setWidth(110)
    item.getAxis("bottom").setHeight(52)
    left = item.getAxis("left")
    left.setLabel(left.labelText, **{"font-size": "16pt", "color": KIOSK_TEXT.name()})
    plot.legend.setLabelTextSize("18pt")
    for _, label in plot.legend.items:
        label.setText(label.text)  # the size applies from the next text on
    for curve in plot.curves.values():
        curve.setPen(pg.mkPen(curve.opts["pen"].color(), width=5))


def enlarge_heatmap(heatmap: FleetHeatmap) -> None:
    heatmap.view.setBackground(KIOSK_BACKGROUND)
    heatmap.legend.hide()  # the page shows its own key in large type
    heatmap.title.hide()  # and its own title
    fit_sector_labels(heatmap)


def fit_sector_labels(heatmap: FleetHeatmap) -> None:
    """Sector names as large as the room the layout leaves above each sector's cells."""
    lay = heatmap.layout_
    cell_px = 1.0 / max(heatmap.box.viewPixelSize()[0], 1e-6) if lay is not None else 0.0
    room_rows = 1
    if lay is not None:
        for x, y in lay.sector_origin:
            column = lay.cell_node[y:, x] if x < lay.shape[1] else np.empty(0)
            filled = np.flatnonzero(column >= 0)
            if filled.size:
                room_rows = int(filled[0])
                break
    pixels = int(np.clip((room_rows + 0.3) * cell_px / 1.7, LABEL_MIN_PX, LABEL_MAX_PX))
    for label in heatmap.sector_labels:
        if label.textItem.font().pixelSize() != pixels:
            font = big_font(10)
            font.setPixelSize(pixels)
            label.setFont(font)
