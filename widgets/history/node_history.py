"""One node's history in its detail view: a metric over a time range.

Up to an hour (recent): every GPU at full rate, from HistoryStore.node_frames (memory, GUI thread:
one node's slice of the ring). Longer: the node's 1-min or 15-min rollups from SQLite, on a worker
(HistoryDB.node_rollups): means over the node's GPUs and, for utilisation and temperature, maxima.
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
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.history.ring import FRAME_GPU_FIELDS
from widgets.common.csv_export import AskPath, ask_save_path, export_csv
from widgets.common.labels import fmt
from widgets.common.theme import colours
from widgets.history.query import HistoryQueries, NodeRollups, node_rollups
from widgets.history.time_range import (
    LIVE,
    LocalTimeAxis,
    TimeRange,
    TimeRangeBar,
    plan,
    source_label,
)

METRICS = ("util", "mem", "temp", "power", "cpu")
# per metric: the frame field and scale of the full-rate GPU lines, and the rollup lines
FRAME_FIELD = {"util": ("util", 1.0), "mem": ("mem_frac", 100.0), "temp": ("temp_c", 1.0)}
FRAME_FIELD["power"] = ("power_w", 1.0)
ROLLUP_LINES = {
    "util": (("mean", "util_mean"), ("max", "util_max")),
    "mem": (("mean", "mem_pct"),),
    "temp": (("max", "temp_max"),),
    "power": (("mean", "power_w"),),
    "cpu": (("cpu", "cpu_pct"),),
}
PERCENT = ("util", "mem", "cpu")
REFRESH_MS = 60_000
ZOOM_SETTLE_MS = 350
CSV_DIGITS = 3


def metric_title(metric: str) -> str:
    return {
        "util": QCoreApplication.translate("NodeHistoryPlot", "GPU utilisation %"),
        "mem": QCoreApplication.translate("NodeHistoryPlot", "GPU memory used %"),
        "temp": QCoreApplication.translate("NodeHistoryPlot", "GPU temperature °C"),
        "power": QCoreApplication.translate("NodeHistoryPlot", "GPU power W"),
        "cpu": QCoreApplication.translate("NodeHistoryPlot", "CPU %"),
    }[metric]


def line_label(key: str) -> str:
    if key.startswith("gpu"):
        return fmt(QCoreApplication.translate("NodeHistoryPlot", "GPU %1"), key[3:])
    return {
        "mean": QCoreApplication.translate("NodeHistoryPlot", "mean of GPUs"),
        "max": QCoreApplication.translate("NodeHistoryPlot", "highest GPU"),
        "cpu": QCoreApplication.translate("NodeHistoryPlot", "CPU"),
    }[key]


def frame_lines(frames, metric: str, gpu_count: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """node_frames output → (times, {line key: values}) for `metric`."""
    if frames is None:
        return np.zeros(0), {}
    t, gpu, cpu = frames
    if metric == "cpu":
        return t, {"cpu": cpu.astype(np.float64)}
    field, scale = FRAME_FIELD[metric]
    values = gpu[FRAME_GPU_FIELDS.index(field)].astype(np.float64) * scale
    return t, {f"gpu{g}": values[:, g] for g in range(min(gpu_count, values.shape[1]))}


def rollup_lines(rollups: NodeRollups, metric: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    return rollups.t, {key: rollups.values[name] for key, name in ROLLUP_LINES[metric]}


def lines_frame(
    t: np.ndarray, lines: dict[str, np.ndarray], tz: ZoneInfo, t0: float, t1: float
) -> pd.DataFrame:
    """The lines inside [t0, t1] as columns, one row per time with any value."""
    keep = (t >= t0) & (t <= t1)
    out = pd.DataFrame({"t": np.round(t[keep], 3)})
    for key, values in lines.items():
        out[key] = np.round(values[keep], CSV_DIGITS)
    out = out.dropna(how="all", subset=list(lines)) if lines else out
    ms = (out["t"] * 1000).round().astype("int64")
    out.insert(0, "time", pd.to_datetime(ms, unit="ms", utc=True).dt.tz_convert(tz))
    return out.reset_index(drop=True)


class NodeHistoryPlot(QWidget):
    def __init__(
        self,
        node: str,
        gpu_count: int,
        tz: ZoneInfo,
        queries: HistoryQueries | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.node, self.gpu_count, self.tz, self.queries = node, gpu_count, tz, queries
        self.channel = f"node:{node}"
        self.ask_save_path: AskPath = ask_save_path
        self.now_t: float | None = None
        self.memory_since: float | None = None  # oldest frame in memory (HistoryStore's ring)
        self.range = TimeRange.preset("1h")
        self.source = LIVE
        self.rollups: NodeRollups | None = None
        self.loaded: tuple[int, float, float] | None = None
        self.problem: str | None = None
        self.t, self.lines = np.zeros(0), {}
        self._frames = None  # the last node_frames of this node (recent, full rate)
        # not `self.metric`: that would shadow QWidget.metric(), the virtual Qt calls when it
        # polishes the widget (a restyle with this window alive crashed the process)
        self.metric_box = QComboBox()
        self.metric_box.currentIndexChanged.connect(lambda _: self._redraw())
        self.ranges = TimeRangeBar(tz)
        self.ranges.now = self.now
        self.ranges.range_chosen.connect(self.set_range)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.note = QLabel(objectName="Legend")
        self.legend = QLabel(objectName="Legend")
        self.axis = LocalTimeAxis(tz)
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis}, background=colours().background)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMouseEnabled(x=True, y=False)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        for side in ("left", "bottom"):
            item.getAxis(side).setTextPen(colours().text)
        item.getViewBox().sigRangeChangedManually.connect(self._user_moved)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.refresh_timer = QTimer(self, interval=REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.settle = QTimer(self, interval=ZOOM_SETTLE_MS, singleShot=True)
        self.settle.timeout.connect(self._zoomed)
        bar = QHBoxLayout()
        bar.addWidget(self.metric_box)
        bar.addWidget(self.ranges)
        bar.addStretch(1)
        bar.addWidget(self.note)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        self.ranges.set_current(self.range)
        self.retranslate()

    def now(self) -> float:
        return self.now_t if self.now_t is not None else time.time()

    def retranslate(self) -> None:
        current = max(self.metric_box.currentIndex(), 0)
        self.metric_box.blockSignals(True)
        self.metric_box.clear()
        for metric in METRICS:
            self.metric_box.addItem(metric_title(metric), metric)
        self.metric_box.setCurrentIndex(current)
        self.metric_box.blockSignals(False)
        self.export_button.setText(self.tr("Export CSV…"))
        self._redraw()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    @property
    def current_metric(self) -> str:
        return self.metric_box.currentData() or METRICS[0]

    # -- range and source ---------------------------------------------------------------------

    def set_range(self, rng: TimeRange, keep_view: bool = False) -> None:
        self.range = rng
        self.ranges.set_current(rng)
        now = self.now()
        live_since = self.memory_since if self.queries and self.queries.available else None
        self.source, ask = plan(rng, now, self.loaded, live_since)
        self.problem = None
        if not keep_view:
            self.plot.setXRange(*rng.bounds(now), padding=0)
        if self.source == LIVE:
            self.refresh_timer.stop()
            if self.queries is not None:
                self.queries.forget(self.channel)
        elif ask is not None:
            self._ask(*ask)
        if self.source != LIVE and rng.following:
            self.refresh_timer.start()
        else:
            self.refresh_timer.stop()
        self._redraw()

    def refresh(self) -> None:
        """Every minute, for a range that follows now and is read from SQLite: ask again, or
        go live once memory reaches back far enough."""
        if self.source != LIVE and self.range.following:
            self.set_range(self.range)

    def _ask(self, t0: float, t1: float) -> None:
        queries = self.queries
        if queries is None or not queries.available:
            self.problem = self.tr("History is not kept in this session")
            return
        res, history, node = self.source, queries.history, self.node
        queries.ask(
            self.channel,
            lambda: node_rollups(history, node, t0, t1, res),
            lambda rollups: self._arrived(rollups, t0, t1),
            self._failed,
        )

    def _arrived(self, rollups: NodeRollups, t0: float, t1: float) -> None:
        self.rollups, self.loaded, self.problem = rollups, (rollups.res, t0, t1), None
        self._redraw()

    def _failed(self, message: str) -> None:
        self.problem = fmt(self.tr("History unavailable: %1"), message)
        self._redraw()

    def _user_moved(self, *_: object) -> None:
        # the view stops following now at once; the source may change when zoom and pan settle
        self.range = TimeRange.fixed(*self.plot.getViewBox().viewRange()[0])
        self.settle.start()

    def _zoomed(self) -> None:
        t0, t1 = self.plot.getViewBox().viewRange()[0]
        self.set_range(TimeRange.fixed(t0, t1), keep_view=True)

    # -- drawing ------------------------------------------------------------------------------

    def show_frames(self, now: float, frames) -> None:
        """A new snapshot: the recent frames of this node (HistoryStore.node_frames)."""
        first = self.now_t is None
        self.now_t = now
        self.axis.follow(now)
        self._frames = frames
        if first:  # now that memory's reach is known, choose the source of the initial range
            self.set_range(self.range)
        if self.source == LIVE:
            self._redraw()
        if self.range.following:
            self.plot.setXRange(*self.range.bounds(now), padding=0)

    def _redraw(self) -> None:
        metric = self.current_metric
        if self.source == LIVE:
            t, lines = frame_lines(self._frames, metric, self.gpu_count)
        elif self.rollups is not None and self.rollups.res == self.source:
            t, lines = rollup_lines(self.rollups, metric)
        else:
            t, lines = np.zeros(0), {}
        self.t, self.lines = t, lines
        for key in [k for k in self.curves if k not in lines]:
            self.plot.removeItem(self.curves.pop(key))
        for i, (key, values) in enumerate(lines.items()):
            if key not in self.curves:
                colour = pg.intColor(i, hues=max(len(lines), 1), sat=160)
                self.curves[key] = self.plot.plot(pen=pg.mkPen(colour, width=1.6))
            self.curves[key].setData(t, values, connect="finite")
        item = self.plot.getPlotItem()
        if metric in PERCENT:
            item.setYRange(0, 105, padding=0)
        else:
            finite = [v[np.isfinite(v)] for v in lines.values()]
            top = max((float(v.max()) for v in finite if v.size), default=1.0)
            item.setYRange(0, max(top, 1.0) * 1.1, padding=0)
        item.setLabel("left", metric_title(metric))
        self.legend.setText(
            "&nbsp;&nbsp;".join(
                f"<span style='color:{self.curves[k].opts['pen'].color().name()}'>━━</span> "
                f"{html.escape(line_label(k))}"
                for k in lines
            )
        )
        self._show_note()

    def _show_note(self) -> None:
        if self.problem:
            text = self.problem
        elif self.queries is not None and self.queries.busy(self.channel):
            text = self.tr("Loading history…")
        elif len(self.t) == 0:
            text = self.tr("Nothing recorded in this range")
        else:
            text = source_label(self.source)
        self.note.setText(text)

    # -- export -------------------------------------------------------------------------------

    def export_frame(self) -> pd.DataFrame:
        t0, t1 = self.plot.getViewBox().viewRange()[0]
        return lines_frame(self.t, self.lines, self.tz, t0, t1)

    def export_csv(self, path: Path | None = None) -> Path | None:
        t0, _ = self.plot.getViewBox().viewRange()[0]
        start = datetime.fromtimestamp(t0, self.tz)
        name = f"hangang-{self.node}-{self.current_metric}-{start:%Y%m%d-%H%M}.csv"
        ask = self.ask_save_path if path is None else (lambda *_: path)
        return export_csv(self, self.export_frame(), name, ask)
