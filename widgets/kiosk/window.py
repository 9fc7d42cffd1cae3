"""The kiosk window: a frameless, full-screen, read-only status board that rotates its pages.

Always on screen: the centre's name, the page, the clock and the age of the newest data. When the
data stops (no node live, or no snapshot at all for a while) a STALE banner with the age covers
the top and the page is drawn disabled (dim), so nothing passes for live; the next live data
clears it. Every minute the content moves a few pixels against burn-in. Leaving needs the exit
chord from settings and, when a PIN is set, the PIN; Esc and the window manager's close do nothing.
The window holds no write action at all: the access policy (console/access.py) refuses them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from console.fleet.model import FleetSnapshot, NodeStatus
from console.settings import DEFAULT_EXIT_CHORD, KioskSettings
from widgets.common.dates import date_text, local_time
from widgets.common.labels import core_text, fmt
from widgets.common.theme import STATUS_COLORS
from widgets.kiosk.page import KioskPage
from widgets.kiosk.parts import FitLabel, format_age, set_colour, set_text
from widgets.kiosk.pin import PinDialog
from widgets.kiosk.rotation import build_pages

log = logging.getLogger(__name__)

MARGIN = 28  # px around the content; the burn-in shift moves inside it
SHIFT_PATTERN = ((0, 0), (4, 0), (4, 4), (0, 4), (-4, 4), (-4, 0), (-4, -4), (0, -4), (4, -4))
SHIFT_INTERVAL_S = 60.0
SNAPSHOT_WATCHDOG_S = 5.0  # no snapshot for this long: the pipeline itself has stopped
IGNORED_KEYS = (Qt.Key.Key_Escape, Qt.Key.Key_F4)  # Esc, Alt+F4: a wall display stays up
LATE_COLOUR = STATUS_COLORS[NodeStatus.STALE].name()


@dataclass(frozen=True, slots=True)
class Freshness:
    """How current a snapshot is, as the wall reports it."""

    newest_t: float | None  # epoch of the newest data from any node; None: no data ever
    live: int
    total: int
    starting: bool  # some node has not answered yet (waiting, connecting)

    @classmethod
    def of(cls, snap: FleetSnapshot) -> Freshness:
        ages = snap.node_age_s
        seen = ~np.isnan(ages)
        c = snap.counts
        return cls(
            newest_t=snap.t - float(ages[seen].min()) if seen.any() else None,
            live=c.get(NodeStatus.LIVE, 0),
            total=snap.node_count,
            starting=bool(c.get(NodeStatus.WAITING, 0) + c.get(NodeStatus.CONNECTING, 0)),
        )

    @property
    def stopped(self) -> bool:
        """No node is live although data came before, or every node has failed."""
        return self.live == 0 and (self.newest_t is not None or not self.starting)


class KioskWindow(QWidget):
    exit_requested = Signal()  # the exit chord (and the PIN) said to leave
    first_frame = Signal()
    stale_changed = Signal(bool)
    page_changed = Signal(str)  # the id of the page now shown

    def __init__(
        self,
        tz: ZoneInfo,
        settings: KioskSettings,
        rotate_s: float | None = None,
        clock: Callable[[], float] = time.time,
        shift_s: float = SHIFT_INTERVAL_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("KioskWindow")
        self.setWindowFlags(
            Qt.WindowType.Window
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.tz, self.clock, self.settings = tz, clock, settings
        self.pages: list[KioskPage] = build_pages(settings.pages, tz)
        self.latest: FleetSnapshot | None = None
        self.fresh: Freshness | None = None
        self.stale = False
        # why the data source cannot be read now (Prometheus down…), asked every second
        self.problem_source: Callable[[], str | None] | None = None
        self.pin_dialog: PinDialog | None = None
        self._snap_wall: float | None = None
        self._leaving = False
        self._framed = False
        self._shift = 0
        self._build()

        self.rotation = QTimer(self, interval=int((rotate_s or settings.rotate_s) * 1000))
        self.rotation.timeout.connect(self.next_page)
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self.tick)
        self.shifter = QTimer(self, interval=int(shift_s * 1000))
        self.shifter.timeout.connect(self.shift_content)
        for timer in (self.rotation, self.ticker, self.shifter):
            timer.start()

        chord = QKeySequence(settings.exit_chord)
        if chord.isEmpty():
            log.warning(
                "kiosk exit chord %r unreadable; using %s", settings.exit_chord, DEFAULT_EXIT_CHORD
            )
            chord = QKeySequence(DEFAULT_EXIT_CHORD)
        self.exit_shortcut = QShortcut(chord, self)
        self.exit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        self.exit_shortcut.activated.connect(self.request_exit)
        self.show_page(0)
        self.retranslate()

    def _build(self) -> None:
        self.banner = QLabel(objectName="StaleBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)
        self.banner.hide()
        # the texts that vary in length fit their column (a long English title or date at 1280 px
        # drew over the middle column); the dots and the clock are as wide as they are
        self.brand = FitLabel(objectName="KioskBrand")
        self.page_title = FitLabel(objectName="KioskPageTitle")
        self.dots = QLabel(objectName="KioskDots")
        self.nodes = FitLabel(objectName="KioskNodes")
        self.time = QLabel(objectName="KioskClock")
        self.date = FitLabel(objectName="KioskDate")
        self.updated = FitLabel(objectName="KioskUpdated")
        for label in (self.dots, self.nodes):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        self.updated.setAlignment(Qt.AlignmentFlag.AlignRight)

        header = QWidget(objectName="KioskHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(0, 0, 0, 12)
        left, middle, right = QVBoxLayout(), QVBoxLayout(), QVBoxLayout()
        left.addWidget(self.brand)
        left.addWidget(self.page_title)
        middle.addWidget(self.dots)
        middle.addWidget(self.nodes)
        clock = QHBoxLayout()
        clock.setSpacing(24)
        clock.addWidget(self.date, 1)  # right-aligned: it takes what the clock leaves
        clock.addWidget(self.time)
        right.addLayout(clock)
        right.addWidget(self.updated)
        # the right column holds the clock and the long date side by side: the widest share
        row.addLayout(left, 3)
        row.addLayout(middle, 2)
        row.addLayout(right, 4)

        self.stack = QStackedWidget(objectName="KioskPages")
        for page in self.pages:
            self.stack.addWidget(page)
        self.root = QVBoxLayout(self)
        self.root.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self.root.setSpacing(16)
        self.root.addWidget(self.banner)
        self.root.addWidget(header)
        self.root.addWidget(self.stack, 1)

    # -- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Hangang Console · status board"))
        self.brand.setText(self.tr("Hangang AI Center · GPU status"))
        self.page_title.setText(self.current_page().title())
        if self.latest is not None:
            self.show_snapshot(self.latest)
        self.tick()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def tick(self) -> None:
        """Every second: the clock, the age of the data, and whether the data has stopped."""
        now = self.clock()
        at = local_time(now, self.tz)
        set_text(self.time, f"{at:%H:%M:%S}")
        set_text(self.date, f"{date_text(at, long=True)} {at.tzname()}")
        self._update_freshness(now)

    def _update_freshness(self, now: float) -> None:
        fresh = self.fresh
        if fresh is None:
            set_text(self.updated, self.tr("waiting for data…"))
            return
        silent = self._snap_wall is not None and now - self._snap_wall > SNAPSHOT_WATCHDOG_S
        stopped = fresh.stopped or silent
        if fresh.newest_t is None:
            set_text(self.updated, self.tr("no data yet"))
            banner = self.tr("NO DATA · no node has reported")
        else:
            age = format_age(now - fresh.newest_t)
            set_text(self.updated, fmt(self.tr("updated %1 ago"), age))
            banner = fmt(self.tr("STALE · no new data for %1 · values shown are not current"), age)
        problem = self.problem_source() if self.problem_source is not None else None
        if problem:  # the source itself says why: that first, whatever the nodes' ages
            stopped = True
            banner = fmt(self.tr("NO DATA SOURCE · %1 · values shown are not current"),
                         core_text(problem))
        set_colour(self.updated, LATE_COLOUR if stopped else None)
        if stopped:
            set_text(self.banner, "⚠  " + banner)
        self._set_stale(stopped)

    def _set_stale(self, stale: bool) -> None:
        if stale == self.stale:
            return
        self.stale = stale
        self.banner.setVisible(stale)
        self.stack.setEnabled(not stale)  # disabled pages draw dim (kiosk.qss)
        log.info("kiosk: %s", "data stopped, STALE banner shown" if stale else "data live again")
        self.stale_changed.emit(stale)

    # -- data -------------------------------------------------------------------------------

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.latest = snap
        self._snap_wall = self.clock()
        self.fresh = Freshness.of(snap)
        live, total = self.fresh.live, self.fresh.total
        set_text(self.nodes, fmt(self.tr("%1 / %2 nodes live"), live, total))
        set_colour(self.nodes, None if live == total else LATE_COLOUR)
        self.current_page().show_snapshot(snap)
        self._update_freshness(self._snap_wall)
        if not self._framed and snap.oldest_age_s is not None:
            self._framed = True
            self.repaint()
            self.first_frame.emit()

    # -- pages and burn-in ------------------------------------------------------------------

    def current_page(self) -> KioskPage:
        return self.pages[self.stack.currentIndex()]

    def show_page(self, index: int) -> None:
        self.stack.setCurrentIndex(index % len(self.pages))
        page = self.current_page()
        set_text(self.page_title, page.title())
        here = self.stack.currentIndex()
        self.dots.setText(" ".join("●" if i == here else "○" for i in range(len(self.pages))))
        if self.latest is not None:
            page.show_snapshot(self.latest)
        if self.rotation.isActive():
            self.rotation.start()  # the new page gets its full time
        self.page_changed.emit(page.page_id)

    def next_page(self) -> None:
        self.show_page(self.stack.currentIndex() + 1)

    def shift_content(self) -> None:
        self._shift = (self._shift + 1) % len(SHIFT_PATTERN)
        dx, dy = SHIFT_PATTERN[self._shift]
        self.root.setContentsMargins(MARGIN + dx, MARGIN + dy, MARGIN - dx, MARGIN - dy)

    @property
    def content_offset(self) -> tuple[int, int]:
        return SHIFT_PATTERN[self._shift]

    # -- leaving ----------------------------------------------------------------------------

    def request_exit(self) -> None:
        """The exit chord: leave at once, or after the PIN when settings hold one."""
        if self.settings.pin_hash is None:
            self.leave()
            return
        if self.pin_dialog is not None and self.pin_dialog.isVisible():
            return
        self.pin_dialog = PinDialog(self.settings.pin_matches, self)
        self.pin_dialog.accepted.connect(self.leave)
        self.pin_dialog.open()

    def leave(self) -> None:
        self._leaving = True
        for timer in (self.rotation, self.ticker, self.shifter):
            timer.stop()
        self.exit_requested.emit()
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in IGNORED_KEYS:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._leaving:
            super().closeEvent(event)
        else:
            event.ignore()  # Alt+F4, a window manager, anything but the chord
