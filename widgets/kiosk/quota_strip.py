"""The kiosk's quota figures for one sector (quota mode only): cap, running, borrowed, lent.

The strip is hidden until a quota read arrives (a site in node mode never shows it). A read that
fails leaves the figures as dashes with the reason under them: the wall never shows stale caps
as if they were current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from console.fleet.model import Sector
from widgets.common.labels import fmt
from widgets.kiosk.parts import set_text

if TYPE_CHECKING:  # the kiosk only shows what the wiring's quota service reads
    from console.capacity.quota.model import QuotaState

KEYS = ("cap", "running", "borrowed", "lent", "at cap")
# smaller than the page's own figures: the strip must leave the organisations their rows
VALUE_STYLE = "QLabel { font-size: 32pt; font-weight: 800; } QLabel:disabled { color: #6b7280; }"
CAPTION_STYLE = "QLabel { font-size: 16pt; } QLabel:disabled { color: #6b7280; }"
SIZES = {False: (32, 16), True: (18, 10)}  # (value, caption) pt: wall, short wall


def quota_figures(state: QuotaState | None, sector: Sector) -> tuple[str, str, float, float]:
    """A sector page's top row in quota mode: its cap with its share of the fleet's GPUs, what
    runs (borrowed included) against the cap, and the bar's cap mark and running GPUs. No
    state (the caps cannot be read): dashes and an empty bar."""
    if state is None:
        return "–", "–", 0.0, 0.0
    q = state.sectors[sector]
    running = q.running + q.borrowed
    if q.cap is None:  # no GrpTRES: nothing caps it
        return "–", "–", 0.0, float(running)
    share = f" ({q.cap / state.capacity:.0%})" if state.capacity else ""
    return f"{q.cap}{share}", f"{running - q.cap:+d}", float(q.cap), float(running)


class QuotaStrip(QWidget):
    def __init__(self, sector: Sector, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sector = sector
        self.values = {k: QLabel("–", objectName="KioskStat") for k in KEYS}
        self.captions = {k: QLabel(objectName="KioskStatCaption") for k in KEYS}
        self.problem = QLabel(objectName="KioskStatCaption", wordWrap=True)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(40)
        grid.setVerticalSpacing(0)
        self.set_compact(False)
        for col, key in enumerate(KEYS):
            grid.addWidget(self.values[key], 0, col)
            grid.addWidget(self.captions[key], 1, col)
        grid.addWidget(self.problem, 2, 0, 1, len(KEYS))
        self.problem.hide()
        self.hide()
        self.retranslate()

    def set_compact(self, on: bool) -> None:
        value, caption = SIZES[on]
        for key in KEYS:
            self.values[key].setStyleSheet(VALUE_STYLE.replace("32pt", f"{value}pt"))
            self.captions[key].setStyleSheet(CAPTION_STYLE.replace("16pt", f"{caption}pt"))

    def retranslate(self) -> None:
        texts = {
            "cap": self.tr("GPU cap (Slurm QOS)"),
            "running": self.tr("running within the cap"),
            "borrowed": self.tr("borrowed above the cap"),
            "lent": self.tr("lent to other sectors"),
            "at cap": self.tr("GPUs waiting at the cap"),
        }
        for key, text in texts.items():
            set_text(self.captions[key], text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_quota(self, state: QuotaState) -> None:
        q = state.sectors[self.sector]
        lent = state.lent()[self.sector]
        texts = {
            "cap": "–" if q.cap is None else str(q.cap),
            "running": str(q.running),
            "borrowed": str(q.borrowed),
            "lent": str(lent),
            "at cap": str(q.pending_at_cap),
        }
        for key, text in texts.items():
            set_text(self.values[key], text)
        self.problem.hide()
        self.show()

    def show_problem(self, text: str) -> None:
        """The quotas cannot be read (slurmdbd down): dashes, and why."""
        for label in self.values.values():
            set_text(label, "–")
        set_text(self.problem, fmt(self.tr("Caps cannot be read: %1"), text))
        self.problem.show()
        self.show()
