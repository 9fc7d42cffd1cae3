"""Mean GPU utilisation per sector over the last 15 minutes, one line per sector."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.model import SECTORS, FleetSnapshot
from widgets.labels import sector_name
from widgets.theme import BACKGROUND, SECTOR_COLORS, TEXT

WINDOW_S = 15 * 60


def utc_offset_west(tz: ZoneInfo, at: float) -> int:
    """pyqtgraph's DateAxisItem wants seconds *west* of UTC (Seoul is -32400)."""
    return -int(datetime.fromtimestamp(at, tz).utcoffset().total_seconds())


class UtilizationPlot(QWidget):
    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.title = QLabel(objectName="PanelTitle")
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis}, background=BACKGROUND)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setYRange(0, 110, padding=0)  # headroom for the one-row legend above 100 %
        item.setMouseEnabled(x=False, y=False)
        for side in ("left", "bottom"):
            item.getAxis(side).setTextPen(TEXT)
        self.legend = item.addLegend(offset=(8, 4), labelTextColor=TEXT, colCount=3)
        self.curves = {
            s: item.plot(pen=pg.mkPen(SECTOR_COLORS[s], width=2), name=s.value) for s in SECTORS
        }
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Mean GPU utilisation per sector, last 15 minutes (%)"))
        for sample, label in self.legend.items:
            sector = next(s for s in SECTORS if self.curves[s] is sample.item)
            label.setText(sector_name(sector))
        self.plot.getPlotItem().setLabel("left", self.tr("utilisation %"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        t, util = snap.series.t, snap.series.util
        for i, sector in enumerate(SECTORS):
            # connect="finite": a gap where a sector had no live data, not a line through it
            self.curves[sector].setData(t, util[i].astype(np.float64), connect="finite")
        self.axis.utcOffset = utc_offset_west(self.tz, snap.t)
        self.plot.getPlotItem().setXRange(snap.t - WINDOW_S, snap.t, padding=0)
