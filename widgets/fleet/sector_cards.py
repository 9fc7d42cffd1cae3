"""One card per sector: GPUs entitled / allocated / in use, average utilisation, its GPUs'
power now and energy today (widgets/fleet/sector_energy.py) and, with Slurm, what waits in its
queue (widgets/fleet/sector_waits.py).

In quota mode every sector's jobs share one partition, so node allocation says nothing: the small
figures become the sector's GPU cap, what runs under it, what it borrows above it / lends to
others, and the GPUs its jobs wait for at the cap, from the core's quota reads (QuotaFeed)."""

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
        self.at_cap_caption, self.at_cap = QLabel(objectName="CardCaption"), QLabel("–")
        self.quota_mode = False  # quota mode: cap / running / borrowed-lent / at cap
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
        small.addWidget(self.at_cap_caption, 2, 2)
        small.addWidget(self.at_cap, 3, 2)
        self.at_cap_caption.hide()
        self.at_cap.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(big)
        layout.addWidget(self.bar)
        layout.addLayout(small)
        self.quota_problem = ""  # why the caps cannot be read (quota mode), in the tooltip
        self.waits = SectorWaits(sector.value)
        layout.addWidget(self.waits)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(sector_name(self.sector))
        self.used_caption.setText(self.tr("GPUs in use"))
        self.util_caption.setText(self.tr("average utilisation"))
        if self.quota_mode:
            self.entitled_caption.setText(self.tr("GPU cap"))
            self.allocated_caption.setText(self.tr("running in cap"))
            self.balance_caption.setText(self.tr("borrowed / lent"))
        else:
            self.entitled_caption.setText(self.tr("entitled"))
            self.allocated_caption.setText(self.tr("allocated"))
            self.balance_caption.setText(self.tr("vs entitlement"))
        self.at_cap_caption.setText(self.tr("waiting at cap"))
        self.power_caption.setText(self.tr("GPU power now"))
        self.today_caption.setText(self.tr("GPU energy today"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_quota_mode(self, on: bool) -> None:
        """Quota mode: caps in place of node allocation (dashes until the first read)."""
        if on == self.quota_mode:
            return
        self.quota_mode = on
        self.at_cap_caption.setVisible(on)
        self.at_cap.setVisible(on)
        for label in (self.entitled, self.allocated, self.balance, self.at_cap):
            label.setText("–")
        self.retranslate()

    def show_quota(self, q, lent: int) -> None:
        """One sector's SectorQuota of the last read, and the GPUs others borrow of its cap."""
        self.set_quota_mode(True)
        loc = self.locale()
        _set(self.entitled, "–" if q.cap is None else loc.toString(q.cap))
        _set(self.allocated, loc.toString(q.running))
        _set(self.balance, f"{loc.toString(q.borrowed)} / {loc.toString(lent)}")
        _set(self.at_cap, loc.toString(q.pending_at_cap))
        self.bar.setMaximum(max(1, q.cap or 0, q.running + q.borrowed))
        self.bar.setValue(q.running + q.borrowed)
        self.quota_problem = ""

    def show_quota_problem(self, text: str) -> None:
        """The caps cannot be read now: dashes, never the last caps as if current."""
        self.set_quota_mode(True)
        for label in (self.entitled, self.allocated, self.balance, self.at_cap):
            _set(label, "–")
        self.quota_problem = fmt(self.tr("Caps cannot be read: %1"), text)

    def show_summary(self, s: SectorSummary, busy_threshold: float) -> None:
        loc = self.locale()
        _set(self.util, "–" if s.avg_util is None else f"{s.avg_util:.0f} %")
        if self.quota_mode:  # the caps are Slurm's; the GPUs in use are measured
            _set(self.used, loc.toString(s.used_gpus))
            tip = fmt(self.tr("%1 GPUs report live data; in use means at least %2 % busy. Cap "
                              "and running come from the sector's Slurm QOS."),
                      s.reporting_gpus, f"{busy_threshold:g}")
            self.setToolTip(" ".join(t for t in (tip, self.quota_problem) if t))
            return
        _set(self.used, f"{loc.toString(s.used_gpus)} / {loc.toString(s.allocated_gpus)}")
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

    def set_quota_mode(self, on: bool) -> None:
        for card in self.cards.values():
            card.set_quota_mode(on)

    def show_quota(self, state) -> None:
        """A QuotaState (quota mode): each card's cap, running, borrowed / lent, at cap."""
        lent = state.lent()
        for sector, card in self.cards.items():
            card.show_quota(state.sectors[sector], lent[sector])

    def show_quota_problem(self, text: str) -> None:
        for card in self.cards.values():
            card.show_quota_problem(text)

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
