"""Sector plots.

UtilizationPlot: mean GPU utilisation per sector over the last 15 minutes (the kiosk's).
SectorPlot: the main window's; GPUs in use / allocated / entitled and utilisation per sector over
a chosen time range, from memory or from the history database (widgets/history/time_range.py).
"""

from __future__ import annotations

import html
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.fleet.model import SECTORS, FleetSnapshot, Sector
from widgets.common.csv_export import AskPath, ask_save_path, export_csv
from widgets.common.labels import fmt, sector_name
from widgets.common.opaque import opaque_viewport
from widgets.common.theme import SECTOR_COLORS, colours
from widgets.fleet.sector_data import SectorArrays, arrays_frame, history_arrays, live_arrays
from widgets.history.query import HistoryQueries
from widgets.history.time_range import (
    LIVE,
    LIVE_WINDOW_S,
    LocalTimeAxis,
    TimeRange,
    TimeRangeBar,
    plan,
    source_label,
    utc_offset_west,
)

WINDOW_S = 15 * 60


class UtilizationPlot(QWidget):
    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.title = QLabel(objectName="PanelTitle")
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis}, background=colours().background)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setYRange(0, 110, padding=0)  # headroom for the one-row legend above 100 %
        item.setMouseEnabled(x=False, y=False)
        for side in ("left", "bottom"):
            item.getAxis(side).setTextPen(colours().text)
        self.legend = item.addLegend(offset=(8, 4), labelTextColor=colours().text, colCount=3)
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


CHANNEL = "sector-plot"
REFRESH_MS = 60_000
ZOOM_SETTLE_MS = 350
LINE_STYLES = {
    "in_use": Qt.PenStyle.SolidLine,
    "allocated": Qt.PenStyle.DashLine,
    "entitled": Qt.PenStyle.DotLine,
}
LEGEND_GLYPHS = {"in_use": "━━━", "allocated": "- - -", "entitled": "· · · ·"}
# A live view that follows now gets only the points it shows, from this share of its span left
# of it (the view moves less than a pixel between two new points), with pyqtgraph's clip to view
# and auto-downsampling off: those re-cut all twelve curves at every pixel the view moves.
FEED_MARGIN = 0.1


class SectorPlot(QWidget):
    """GPUs in use, allocated and entitled per sector (top) and mean utilisation (bottom), over a
    time range the operator picks, zooms or pans; the source follows the range (time_range.py)."""

    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.queries: HistoryQueries | None = None
        self.ask_save_path: AskPath = ask_save_path
        self.snap: FleetSnapshot | None = None
        self.range = TimeRange.preset("15m")
        self.source = LIVE
        self.arrays = SectorArrays.empty(LIVE)
        self.loaded: tuple[int, float, float] | None = None  # (res, t0, t1) of history drawn
        self._live_key: tuple | None = None  # the live series last drawn (length, first, last)
        self._fed_from: float | None = None  # the curves hold self.arrays from here; None: all
        self._pg_clip = True  # pyqtgraph's clip to view and auto-downsampling are on
        self.problem: str | None = None
        self.title = QLabel(objectName="PanelTitle")
        self.note = QLabel(objectName="Legend")
        self.legend = QLabel(objectName="Legend")
        self.ranges = TimeRangeBar(tz)
        self.ranges.now = self.now
        self.ranges.range_chosen.connect(self.set_range)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(colours().background)
        opaque_viewport(self.view)
        self.axes = (LocalTimeAxis(tz), LocalTimeAxis(tz))
        self.gpu_plot = self.view.addPlot(row=0, col=0, axisItems={"bottom": self.axes[0]})
        self.util_plot = self.view.addPlot(row=1, col=0, axisItems={"bottom": self.axes[1]})
        self.util_plot.setXLink(self.gpu_plot)
        self.axes[0].setStyle(showValues=False)
        self.view.ci.layout.setRowStretchFactor(0, 3)
        self.view.ci.layout.setRowStretchFactor(1, 2)
        for item in (self.gpu_plot, self.util_plot):
            item.setMenuEnabled(False)
            item.hideButtons()
            item.showGrid(x=True, y=True, alpha=0.15)
            item.setMouseEnabled(x=True, y=False)
            item.setClipToView(True)
            item.setDownsampling(auto=True, mode="peak")
            item.getAxis("left").setWidth(52)
            for side in ("left", "bottom", "right", "top"):
                axis = item.getAxis(side)
                # No units, so no SI prefix: without this every range change re-lays the axis
                # title out as HTML (the hidden axes' too).
                axis.enableAutoSIPrefix(False)
            for side in ("left", "bottom"):
                axis = item.getAxis(side)
                axis.setTextPen(colours().text)
                # an axis whose range did not move is a blit, not its ticks and text drawn again
                axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item.getViewBox().sigRangeChangedManually.connect(self._user_moved)
        self.util_plot.setYRange(0, 105, padding=0)
        self.curves: dict[tuple[str, Sector], pg.PlotDataItem] = {}
        for sector in SECTORS:
            colour = SECTOR_COLORS[sector]
            for field, style in LINE_STYLES.items():
                width = 2 if field == "in_use" else 1.4
                pen = pg.mkPen(colour, width=width, style=style)
                # no dynamic range limit: y never zooms, and it re-cut curves at each y change
                self.curves[field, sector] = self.gpu_plot.plot(pen=pen, dynamicRangeLimit=None)
            self.curves["util", sector] = self.util_plot.plot(
                pen=pg.mkPen(colour, width=2), dynamicRangeLimit=None
            )
        self.refresh_timer = QTimer(self, interval=REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.settle = QTimer(self, interval=ZOOM_SETTLE_MS, singleShot=True)
        self.settle.timeout.connect(self._zoomed)

        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.note)
        bar = QHBoxLayout()
        bar.addWidget(self.ranges)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(self.view, 1)
        self.retranslate()

    def attach(self, queries: HistoryQueries) -> None:
        self.queries = queries

    def now(self) -> float:
        return self.snap.t if self.snap is not None else time.time()

    def retranslate(self) -> None:
        self.title.setText(self.tr("GPUs and utilisation per sector"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.gpu_plot.setLabel("left", self.tr("GPUs"))
        self.util_plot.setLabel("left", self.tr("utilisation %"))
        sectors = "&nbsp;&nbsp;".join(
            f"<span style='color:{SECTOR_COLORS[s].name()}'>━━</span> {html.escape(sector_name(s))}"
            for s in SECTORS
        )
        styles = "&nbsp;&nbsp;".join(
            f"{LEGEND_GLYPHS[f]} {html.escape(text)}"
            for f, text in (
                ("in_use", self.tr("in use")),
                ("allocated", self.tr("allocated")),
                ("entitled", self.tr("entitled")),
            )
        )
        self.legend.setText(f"{sectors}&nbsp;&nbsp;&nbsp;│&nbsp;&nbsp;{styles}")
        self._show_note()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- range and source ---------------------------------------------------------------------

    def set_range(self, rng: TimeRange, keep_view: bool = False) -> None:
        """Show `rng`: from memory when it is short and recent, else from SQLite (a worker)."""
        self.range = rng
        self.ranges.set_current(rng)
        now = self.now()
        self.source, ask = plan(rng, now, self.loaded, self.live_since())
        self.problem = None
        if not keep_view:
            self._set_x(*rng.bounds(now))
        if self.source == LIVE:
            self.refresh_timer.stop()
            if self.queries is not None:
                self.queries.forget(CHANNEL)
            if self.snap is not None:
                self._draw(live_arrays(self.snap.series, now - LIVE_WINDOW_S, now))
        else:
            if ask is not None:
                self._ask(*ask)
            if rng.following:
                self.refresh_timer.start()
            else:
                self.refresh_timer.stop()
        self._show_note()

    def refresh(self) -> None:
        """Every minute, for a range that follows now and is read from SQLite: ask again (new
        rollups came in), or go live once memory reaches back far enough."""
        if self.source != LIVE and self.range.following:
            self.set_range(self.range)

    def live_since(self) -> float | None:
        """The oldest moment the live series holds; None when there is no history to fall back
        on (then the live series is shown, however short)."""
        if self.queries is None or not self.queries.available or self.snap is None:
            return None
        t = self.snap.series.t
        return float(t[0]) if len(t) else self.snap.t

    def _ask(self, t0: float, t1: float) -> None:
        queries = self.queries
        if queries is None or not queries.available:
            self.problem = self.tr("History is not kept in this session")
            self._draw(SectorArrays.empty(self.source))
            self._show_note()
            return
        res, history = self.source, queries.history
        queries.ask(
            CHANNEL,
            lambda: history.sector_series(t0, t1, res),
            lambda frame: self._history_arrived(frame, res, t0, t1),
            self._history_failed,
        )
        self._show_note()

    def _history_arrived(self, frame: pd.DataFrame, res: int, t0: float, t1: float) -> None:
        self.loaded = (res, t0, t1)
        self.problem = None
        self._draw(history_arrays(frame, res))
        self._show_note()

    def _history_failed(self, message: str) -> None:
        self.problem = fmt(self.tr("History unavailable: %1"), message)
        self._show_note()

    def _user_moved(self, *_: object) -> None:
        # the view stops following now at once; the source may change when zoom and pan settle
        self.range = TimeRange.fixed(*self.visible_range())
        if self._fed_from is not None:
            self._feed()  # a drag or zoom shows what lies beside the view at once
        self.settle.start()

    def _zoomed(self) -> None:
        t0, t1 = self.gpu_plot.getViewBox().viewRange()[0]
        self.set_range(TimeRange.fixed(t0, t1), keep_view=True)

    def _set_x(self, t0: float, t1: float) -> None:
        self.gpu_plot.setXRange(t0, t1, padding=0)

    def visible_range(self) -> tuple[float, float]:
        t0, t1 = self.gpu_plot.getViewBox().viewRange()[0]
        return float(t0), float(t1)

    def _show_note(self) -> None:
        busy = self.queries is not None and self.queries.busy(CHANNEL)
        if self.problem:
            text = self.problem
        elif busy:
            text = self.tr("Loading history…")
        elif self.source != LIVE and len(self.arrays.t) == 0:
            text = self.tr("No history recorded in this range")
        else:
            text = source_label(self.source)
        self.note.setText(text)

    # -- drawing ------------------------------------------------------------------------------

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        first = self.snap is None
        self.snap = snap
        if first:  # now that memory's reach is known, choose the source of the initial range
            self.set_range(self.range)
        for axis in self.axes:
            axis.follow(snap.t)
        changed = False
        # The live series gains a point a second; snapshots come up to 4 a second. Redraw
        # the curves only when it did, and move the view only by whole pixels: each costs a
        # replot of twelve curves and two axes. The view moves first: curves are fed for it.
        if self.range.following and self._moved_a_pixel(*self.range.bounds(snap.t)):
            self._set_x(*self.range.bounds(snap.t))
            changed = True
        series = snap.series
        key = (len(series.t), float(series.t[0]), float(series.t[-1])) if len(series.t) else ()
        if self.source == LIVE and key != self._live_key:
            self._draw(live_arrays(series, snap.t - LIVE_WINDOW_S, snap.t))
            self._live_key, changed = key, True
        if changed:
            # Settle the views' ranges now (pyqtgraph defers it to the paint, whose axis
            # updates then ask for a second paint of the whole plot: twice the paint a frame).
            self.view.scene().prepareForPaint()

    def _moved_a_pixel(self, t0: float, t1: float) -> bool:
        v0, v1 = self.visible_range()
        pixel = (t1 - t0) / max(1.0, self.gpu_plot.getViewBox().width())
        return abs(t1 - v1) >= pixel or abs(t0 - v0) >= pixel

    def _draw(self, arrays: SectorArrays) -> None:
        self.arrays = arrays
        self._live_key = None  # what show_snapshot drew last is no longer on screen
        self._feed()
        gpus = np.concatenate([arrays.values[f].ravel() for f in LINE_STYLES])
        top = float(np.nanmax(gpus)) if np.isfinite(gpus).any() else 1.0
        self.gpu_plot.setYRange(0, max(top, 1.0) * 1.08, padding=0)

    def _feed(self) -> None:
        """Hand self.arrays to the curves: a live view that follows now gets the points from a
        little left of it on (FEED_MARGIN), any other view all of them, cut to the view and
        downsampled by pyqtgraph (history ranges can hold tens of thousands of points)."""
        arrays = self.arrays
        cut = self.source == LIVE and self.range.following
        self._clip_in_pyqtgraph(not cut)
        first, self._fed_from = 0, None
        if cut:
            t0, t1 = self.visible_range()
            self._fed_from = t0 - FEED_MARGIN * (t1 - t0)
            # one point before: the line enters the view at its left edge
            first = max(0, int(np.searchsorted(arrays.t, self._fed_from)) - 1)
        t = arrays.t[first:]
        for (field, sector), curve in self.curves.items():
            y = arrays.values[field][SECTORS.index(sector), first:]
            # connect="finite": a gap where nothing was recorded, not a line across it
            curve.setData(t, y, connect="finite")

    def _clip_in_pyqtgraph(self, on: bool) -> None:
        if on == self._pg_clip:
            return
        self._pg_clip = on
        for curve in self.curves.values():
            curve.setClipToView(on)
            curve.setDownsampling(auto=on)

    # -- export -------------------------------------------------------------------------------

    def export_frame(self) -> pd.DataFrame:
        """What the plots show in their visible time range, one row per time and sector."""
        return arrays_frame(self.arrays, self.tz, *self.visible_range())

    def export_csv(self, path: Path | None = None) -> Path | None:
        t0, t1 = self.visible_range()
        start = datetime.fromtimestamp(t0, self.tz)
        end = datetime.fromtimestamp(t1, self.tz)
        name = f"hangang-sectors-{start:%Y%m%d-%H%M}-{end:%Y%m%d-%H%M}.csv"
        ask = self.ask_save_path if path is None else (lambda *_: path)
        return export_csv(self, self.export_frame(), name, ask)
