"""One card per sector: GPUs entitled / allocated / in use, average utilisation, its GPUs'
power now and energy today (widgets/fleet/sector_energy.py) and, with Slurm, what waits in its
queue (widgets/fleet/sector_waits.py)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from console.fleet.model import SECTORS, FleetSnapshot, Sector, SectorSummary
from widgets.common.labels import fmt, sector_name
from widgets.common.theme import SECTOR_COLORS
from widgets.fleet.sector_energy import (
    NO_VALUE,
    TodayReader,
    kw_text,
    kwh_text,
    sector_kwh,
    sector_power_kw,
)
from widgets.fleet.sector_waits import SectorWaits


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:  # a repaint only where a number changed
        label.setText(text)


class SectorCard(QFrame):
    def __init__(self, sector: Sector, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sector = sector
        self.setObjectName("SectorCard")
        colour = SECTOR_COLORS[sector].name()
        self.setStyleSheet(f"QFrame#SectorCard {{ border-left: 5px solid {colour}; }}")
        self.title = QLabel(objectName="CardTitle")
        self.used = QLabel("–", objectName="CardBig")
        self.used_caption = QLabel(objectName="CardCaption")
        self.util = QLabel("–", objectName="CardBig")
        self.util_caption = QLabel(objectName="CardCaption")
        self.bar = QProgressBar(textVisible=False, maximumHeight=8)
        self.bar.setStyleSheet(
            f"QProgressBar::chunk {{ background: {colour}; border-radius: 3px; }}"
        )
        self.entitled_caption, self.entitled = QLabel(objectName="CardCaption"), QLabel("–")
        self.allocated_caption, self.allocated = QLabel(objectName="CardCaption"), QLabel("–")
        self.balance_caption, self.balance = QLabel(objectName="CardCaption"), QLabel("–")
        self.power_caption, self.power = QLabel(objectName="CardCaption"), QLabel(NO_VALUE)
        self.today_caption, self.today = QLabel(objectName="CardCaption"), QLabel(NO_VALUE)

        big = QHBoxLayout()
        for value, caption in ((self.used, self.used_caption), (self.util, self.util_caption)):
            col = QVBoxLayout()
            col.addWidget(value)
            col.addWidget(caption)
            big.addLayout(col)
        small = QGridLayout()
        for col, (caption, value) in enumerate(
            (
                (self.entitled_caption, self.entitled),
                (self.allocated_caption, self.allocated),
                (self.balance_caption, self.balance),
            )
        ):
            small.addWidget(caption, 0, col)
            small.addWidget(value, 1, col)
        for col, (caption, value) in enumerate(
            ((self.power_caption, self.power), (self.today_caption, self.today))
        ):
            small.addWidget(caption, 2, col)
            small.addWidget(value, 3, col)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(big)
        layout.addWidget(self.bar)
        layout.addLayout(small)
        self.waits = SectorWaits(sector.value)
        layout.addWidget(self.waits)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(sector_name(self.sector))
        self.used_caption.setText(self.tr("GPUs in use"))
        self.util_caption.setText(self.tr("average utilisation"))
        self.entitled_caption.setText(self.tr("entitled"))
        self.allocated_caption.setText(self.tr("allocated"))
        self.balance_caption.setText(self.tr("vs entitlement"))
        self.power_caption.setText(self.tr("GPU power now"))
        self.today_caption.setText(self.tr("GPU energy today"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_summary(self, s: SectorSummary, busy_threshold: float) -> None:
        loc = self.locale()
        _set(self.used, f"{loc.toString(s.used_gpus)} / {loc.toString(s.allocated_gpus)}")
        _set(self.util, "–" if s.avg_util is None else f"{s.avg_util:.0f} %")
        _set(self.entitled, f"{s.entitled_gpus:.0f} ({s.entitled_share:.0%})")
        _set(self.allocated, loc.toString(s.allocated_gpus))
        diff = s.allocated_gpus - s.entitled_gpus
        _set(self.balance, f"{diff:+.0f}")
        self.bar.setMaximum(max(1, s.allocated_gpus))
        self.bar.setValue(s.used_gpus)
        self.setToolTip(
            fmt(
                self.tr(
                    "%1 of %2 allocated GPUs report live data; in use means at least %3 % busy."
                ),
                s.reporting_gpus,
                s.allocated_gpus,
                f"{busy_threshold:g}",
            )
        )

    def show_energy(self, kw: float, kwh: float | None) -> None:
        loc = self.locale()
        _set(self.power, kw_text(kw, loc))
        _set(self.today, kwh_text(kwh, loc))


class SectorCards(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = {s: SectorCard(s) for s in SECTORS}
        self.today = TodayReader()  # no history until the front-end gives one
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for card in self.cards.values():
            layout.addWidget(card)

    def set_energy_today(self, reader: TodayReader) -> None:
        """The history's energy today, shared with the other panels of the window."""
        self.today = reader

    def show_scheduler(self, view) -> None:
        """A SchedulerView (console/scheduler/watch.py), or None: no Slurm, no queue rows."""
        for card in self.cards.values():
            card.waits.show_view(view)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        kw = sector_power_kw(snap)
        today = self.today.kwh(snap.t)  # None: the history cannot say (shown "—")
        for summary in snap.sectors:
            card = self.cards[summary.sector]
            card.show_summary(summary, snap.busy_threshold)
            kwh = sector_kwh(today, summary.sector.value)
            card.show_energy(float(kw[SECTORS.index(summary.sector)]), kwh)
