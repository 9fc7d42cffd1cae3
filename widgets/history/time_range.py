"""Time ranges of the history plots: presets, a custom from/to dialog, and the source each needs.

A range either follows now (the presets: "the last 24 hours") or is fixed (custom, or what the
operator zoomed or panned to). Where its data comes from follows from its bounds:
- up to an hour that ends within the last hour: the live series in memory (1 s), as long as memory
  reaches back that far (a console started ten minutes ago shows "1 h" from the 1-min rollups);
- up to two days inside the 1-min rollups' retention: SQLite rows at res=60;
- anything longer or older: SQLite rows at res=900 (kept forever).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pyqtgraph as pg
from pyqtgraph.graphicsItems.DateAxisItem import MONTH_DAY_ZOOM_LEVEL
from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QEvent, QLocale, QTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from console.history.database import RETENTION_S
from widgets.common.labels import fmt
from widgets.common.theme import is_light

LIVE = 0  # "resolution" of the in-memory series (1 s)
LIVE_WINDOW_S = 3600.0  # what FleetState and the frame ring keep
FINE_RES, COARSE_RES = 60, 900
FINE_MAX_SPAN_S = 2 * 86400.0
FINE_KEPT_S = float(RETENTION_S[FINE_RES])
MIN_SPAN_S = 60.0
LIVE_SLACK_S = 120.0  # memory that starts this much after the range still counts as covering it
PRESETS: tuple[tuple[str, float], ...] = (
    ("15m", 15 * 60.0),
    ("1h", 3600.0),
    ("6h", 6 * 3600.0),
    ("24h", 86400.0),
    ("7d", 7 * 86400.0),
    ("30d", 30 * 86400.0),
    ("90d", 90 * 86400.0),
)
CUSTOM = "custom"
BAR_STYLE = """
QToolButton { background: #232936; border: 1px solid #343c4b; border-radius: 4px;
              padding: 2px 7px; color: #c6ccd6; }
QToolButton:checked { background: #2f4a6e; border-color: #4c9aff; color: #ffffff; }
QToolButton:hover { border-color: #4c9aff; }
"""
LIGHT_BAR_STYLE = """
QToolButton { background: #eef0f4; border: 1px solid #c3c8d1; border-radius: 4px;
              padding: 2px 7px; color: #2b3240; }
QToolButton:checked { background: #d4e4fb; border-color: #0b63ce; color: #0b2c57; }
QToolButton:hover { border-color: #0b63ce; }
"""


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A preset that follows now (`t0`/`t1` None), or fixed bounds in epoch seconds."""

    key: str
    span_s: float
    t0: float | None = None
    t1: float | None = None

    @classmethod
    def preset(cls, key: str) -> TimeRange:
        return cls(key, dict(PRESETS)[key])

    @classmethod
    def fixed(cls, t0: float, t1: float) -> TimeRange:
        t1 = max(t1, t0 + MIN_SPAN_S)
        return cls(CUSTOM, t1 - t0, t0, t1)

    @property
    def following(self) -> bool:
        return self.t0 is None

    def bounds(self, now: float) -> tuple[float, float]:
        if self.t0 is None:
            return now - self.span_s, now
        return self.t0, self.t1


def source_for(t0: float, t1: float, now: float, live_since: float | None = None) -> int:
    """LIVE, 60 or 900: where the data of [t0, t1] comes from (see the module's docstring).
    `live_since`: the oldest moment memory holds (None: assume it holds the last hour)."""
    span = t1 - t0
    in_memory = live_since is None or t0 >= live_since - LIVE_SLACK_S
    if span <= LIVE_WINDOW_S + 1 and t0 >= now - LIVE_WINDOW_S - 1 and in_memory:
        return LIVE
    if span <= FINE_MAX_SPAN_S + 1 and t0 >= now - FINE_KEPT_S:
        return FINE_RES
    return COARSE_RES


def plan(
    rng: TimeRange,
    now: float,
    loaded: tuple[int, float, float] | None,
    live_since: float | None = None,
) -> tuple[int, tuple[float, float] | None]:
    """The source for `rng`, and the bounds to ask the history for (None: nothing to ask, the
    source is live or what was loaded, `loaded` = (res, t0, t1), already covers a fixed range).
    A fixed range is asked for with half its span on either side, room to pan."""
    t0, t1 = rng.bounds(now)
    source = source_for(t0, t1, now, live_since)
    if source == LIVE:
        return source, None
    if rng.following:
        return source, (t0, t1)
    if loaded is not None and loaded[0] == source and loaded[1] <= t0 and t1 <= loaded[2]:
        return source, None
    pad = (t1 - t0) / 2
    return source, (t0 - pad, t1 + pad)


def preset_label(key: str) -> str:
    return {
        "15m": QCoreApplication.translate("TimeRangeBar", "15 min"),
        "1h": QCoreApplication.translate("TimeRangeBar", "1 h"),
        "6h": QCoreApplication.translate("TimeRangeBar", "6 h"),
        "24h": QCoreApplication.translate("TimeRangeBar", "24 h"),
        "7d": QCoreApplication.translate("TimeRangeBar", "7 d"),
        "30d": QCoreApplication.translate("TimeRangeBar", "30 d"),
        "90d": QCoreApplication.translate("TimeRangeBar", "90 d"),
        CUSTOM: QCoreApplication.translate("TimeRangeBar", "Custom…"),
    }[key]


def source_label(source: int) -> str:
    if source == LIVE:
        return QCoreApplication.translate("TimeRangeBar", "live, every second")
    if source == FINE_RES:
        return QCoreApplication.translate("TimeRangeBar", "1-minute averages")
    return QCoreApplication.translate("TimeRangeBar", "15-minute averages")


def utc_offset_west(tz: ZoneInfo, at: float) -> int:
    """pyqtgraph's DateAxisItem wants seconds *west* of UTC (Seoul is -32400)."""
    return -int(datetime.fromtimestamp(at, tz).utcoffset().total_seconds())


def qdatetime(t: float, tz: ZoneInfo) -> QDateTime:
    """Wall-clock time in `tz` as a QDateTime (its own zone ignored: only its fields are read)."""
    d = datetime.fromtimestamp(t, tz)
    return QDateTime(QDate(d.year, d.month, d.day), QTime(d.hour, d.minute, d.second))


def epoch_of(value: QDateTime, tz: ZoneInfo) -> float:
    d, t = value.date(), value.time()
    moment = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(), 0, tz)
    return moment.timestamp()


def format_time(t: float, tz: ZoneInfo, seconds: bool = False) -> str:
    """A moment as the operator's locale writes a short date, with 24-hour time in `tz`."""
    d = datetime.fromtimestamp(t, tz)
    date = QLocale.system().toString(QDate(d.year, d.month, d.day), QLocale.FormatType.ShortFormat)
    return f"{date} {d:%H:%M:%S}" if seconds else f"{date} {d:%H:%M}"


def format_span(t0: float, t1: float, tz: ZoneInfo) -> str:
    return f"{format_time(t0, tz)} – {format_time(t1, tz)}"


class LocalTimeAxis(pg.DateAxisItem):
    """pyqtgraph's date axis, in `tz`, with dates written the operator's way (translated Qt
    date patterns from ko.ts for Korean) instead of C-locale strftime."""

    def __init__(self, tz: ZoneInfo, **kwargs) -> None:
        super().__init__(orientation="bottom", **kwargs)
        self.tz = tz
        self.follow(time.time())

    def follow(self, t: float) -> None:
        self.utcOffset = utc_offset_west(self.tz, t)

    def tickStrings(self, values, scale, spacing) -> list[str]:
        # as compact as pyqtgraph's own strftime labels, whose widths set the tick density
        if spacing >= 365 * 86400:
            pattern = "yyyy"
        elif spacing >= 28 * 86400:
            pattern = QCoreApplication.translate("LocalTimeAxis", "MMM", "Qt date pattern: month")
        elif spacing >= 86400 and self.zoomLevel is MONTH_DAY_ZOOM_LEVEL:
            pattern = QCoreApplication.translate("LocalTimeAxis", "d", "Qt date pattern: day")
        elif spacing >= 86400:
            pattern = QCoreApplication.translate("LocalTimeAxis", "MMM d", "Qt date pattern")
        elif spacing >= 60:
            pattern = "HH:mm"
        else:
            pattern = "HH:mm:ss"
        locale = QLocale.system()
        out = []
        for v in values:
            try:
                out.append(locale.toString(qdatetime(float(v), self.tz), pattern))
            except (OverflowError, OSError, ValueError):
                out.append("")
        return out


class CustomRangeDialog(QDialog):
    """From and to, in `tz`; OK only when "to" comes after "from"."""

    def __init__(self, tz: ZoneInfo, t0: float, t1: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.start = QDateTimeEdit(qdatetime(t0, tz), calendarPopup=True)
        self.end = QDateTimeEdit(qdatetime(t1, tz), calendarPopup=True)
        self.zone = QLabel(str(tz))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        self.start_label, self.end_label, self.zone_label = QLabel(), QLabel(), QLabel()
        form.addRow(self.start_label, self.start)
        form.addRow(self.end_label, self.end)
        form.addRow(self.zone_label, self.zone)
        form.addRow(self.buttons)
        self.start.dateTimeChanged.connect(self._check)
        self.end.dateTimeChanged.connect(self._check)
        self.setWindowTitle(self.tr("Custom time range"))
        self.start_label.setText(self.tr("From"))
        self.end_label.setText(self.tr("To"))
        self.zone_label.setText(self.tr("Time zone"))
        # Qt's own catalogue is not loaded: the standard buttons are named here
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("OK"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.setMinimumWidth(340)
        self._check()

    def bounds(self) -> tuple[float, float]:
        return epoch_of(self.start.dateTime(), self.tz), epoch_of(self.end.dateTime(), self.tz)

    def _check(self) -> None:
        t0, t1 = self.bounds()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(t1 - t0 >= MIN_SPAN_S)

    @classmethod
    def ask(cls, parent: QWidget, tz: ZoneInfo, t0: float, t1: float) -> tuple[float, float] | None:
        dialog = cls(tz, t0, t1, parent)
        return dialog.bounds() if dialog.exec() == QDialog.DialogCode.Accepted else None


AskRange = Callable[[QWidget, ZoneInfo, float, float], tuple[float, float] | None]


class TimeRangeBar(QWidget):
    """One toggle button per preset, and "Custom…" (a from/to dialog). `ask_custom` is the
    dialog; tests replace it so nothing blocks."""

    range_chosen = Signal(object)  # TimeRange

    def __init__(
        self, tz: ZoneInfo, keys: tuple[str, ...] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.tz = tz
        self.ask_custom: AskRange = CustomRangeDialog.ask
        self.now: Callable[[], float] = time.time
        self.current = TimeRange.preset("15m")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        for key in (*(keys or tuple(k for k, _ in PRESETS)), CUSTOM):
            button = QToolButton(checkable=True)
            button.clicked.connect(lambda _=False, k=key: self._clicked(k))
            self.group.addButton(button)
            self.buttons[key] = button
            layout.addWidget(button)
        self.setStyleSheet(LIGHT_BAR_STYLE if is_light() else BAR_STYLE)
        self.retranslate()
        self.set_current(self.current)

    def retranslate(self) -> None:
        for key, button in self.buttons.items():
            button.setText(preset_label(key))
        self.buttons[CUSTOM].setToolTip(
            self.tr("Choose dates and times; or zoom (wheel) and pan (drag) in the plot")
        )
        self.set_current(self.current)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_current(self, rng: TimeRange) -> None:
        """Show `rng` as chosen, without emitting."""
        self.current = rng
        self.buttons[rng.key if rng.key in self.buttons else CUSTOM].setChecked(True)
        if not rng.following:
            text = fmt(self.tr("Custom: %1"), format_span(rng.t0, rng.t1, self.tz))
            self.buttons[CUSTOM].setToolTip(text)

    def _clicked(self, key: str) -> None:
        if key != CUSTOM:
            self.choose(TimeRange.preset(key))
            return
        t0, t1 = self.current.bounds(self.now())
        chosen = self.ask_custom(self, self.tz, t0, t1)
        if chosen is None:
            self.set_current(self.current)  # put the check back where it was
            return
        self.choose(TimeRange.fixed(*chosen))

    def choose(self, rng: TimeRange) -> None:
        self.set_current(rng)
        self.range_chosen.emit(rng)
