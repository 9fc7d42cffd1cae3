"""The pages the kiosk rotates through; each draws a FleetSnapshot in large type.

The existing panels (sector cards, utilisation plot, heatmap) are reused as they are and only
restyled from outside: object names for kiosk.qss, fonts and pens for pyqtgraph.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus, Sector
from widgets.common.labels import fmt, sector_name, ui_language
from widgets.common.theme import NO_DATA, SECTOR_COLORS, UNREACHABLE
from widgets.fleet.heatmap import FleetHeatmap
from widgets.fleet.sector_cards import SectorCards
from widgets.fleet.sector_energy import (
    TodayReader,
    kw_text,
    kwh_text,
    sector_kwh,
    sector_power_kw,
)
from widgets.fleet.sector_waits import SectorWaits
from widgets.fleet.utilization_plot import UtilizationPlot
from widgets.kiosk.page import KioskPage
from widgets.kiosk.parts import (
    EntitlementBar,
    StatTable,
    sector_view,
    set_text,
)
from widgets.kiosk.quota_strip import QuotaStrip, quota_figures
from widgets.kiosk.style import enlarge_heatmap, enlarge_plot, fit_sector_labels

MAX_ORG_ROWS = 6
STATS = 5  # figures across the top of a sector page; its energy sits beside the bar's legend
# A sector page shorter than this (a 1280×720 wall) has no room for the wall sizes once quota mode
# adds its strip and Slurm its waits: its type shrinks so nothing is cut or drawn over.
COMPACT_BELOW_PX = 760
COMPACT_STYLE = (
    "QLabel#KioskStat { font-size: 20pt; } "
    "QLabel#KioskStatCaption, QLabel#KioskBarLegend { font-size: 11pt; } "
    "QLabel#KioskTableHeader { font-size: 11pt; padding-bottom: 1px; } "
    "QLabel#KioskCell { font-size: 11pt; padding: 0px; } "
    "QLabel#PanelTitle { font-size: 12pt; padding: 0px; }"
)
# A 1920×1080 wall (a page of ~870 px) keeps the wall sizes, with the organisations' rows snug
SNUG_BELOW_PX = 950
SNUG_STYLE = (
    "QLabel#KioskCell { font-size: 17pt; padding: 0px; } "
    "QLabel#KioskTableHeader { font-size: 15pt; padding-bottom: 1px; }"
)
NARROW_BELOW_PX = 1600  # the overview's three cards: a 1280 wide wall leaves each ~400 px
NARROW_STYLE = "QLabel#CardCaption { font-size: 11pt; } QLabel#CardBig { font-size: 32pt; }"
# An overview shorter than this (a 1280×720 wall leaves ~550 px) gave the cards all but ~40 px
# and the plot's axes and legend were drawn over each other: smaller card type there.
SHORT_BELOW_PX = 700
SHORT_STYLE = (  # the card's id in each selector: they outrank the wall sizes' rules
    "QFrame#SectorCard QLabel { font-size: 14pt; } "
    "QFrame#SectorCard QLabel#CardTitle { font-size: 20pt; } "
    "QFrame#SectorCard QLabel#CardBig { font-size: 26pt; } "
    "QFrame#SectorCard QLabel#CardCaption { font-size: 10pt; }"
)
SHORT_LEGEND_PT, WALL_LEGEND_PT = "12pt", "18pt"


class OverviewPage(KioskPage):
    page_id = "overview"

    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards = SectorCards()
        self.plot = UtilizationPlot(tz)
        enlarge_plot(self.plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(24)
        layout.addWidget(self.cards)
        layout.addWidget(self.plot, 1)
        self.narrow = self.short = False

    def resizeEvent(self, event) -> None:
        narrow = event.size().width() < NARROW_BELOW_PX
        short = event.size().height() < SHORT_BELOW_PX
        if (narrow, short) != (self.narrow, self.short):  # so no figure or axis is cut
            self.narrow, self.short = narrow, short
            self.setStyleSheet((NARROW_STYLE if narrow else "") + (SHORT_STYLE if short else ""))
            legend = self.plot.legend  # the legend row sits in the plot: smaller on a short one
            legend.setLabelTextSize(SHORT_LEGEND_PT if short else WALL_LEGEND_PT)
            for _, label in legend.items:
                label.setText(label.text)  # the size applies from the next text on
            # the axis title did not fit the short axis; the plot's title already says "(%)"
            self.plot.plot.getPlotItem().showLabel("left", not short)
        super().resizeEvent(event)

    def title(self) -> str:
        return self.tr("Fleet overview")

    def set_energy_today(self, reader: TodayReader) -> None:
        self.cards.set_energy_today(reader)

    def show_scheduler(self, view) -> None:
        self.cards.show_scheduler(view)

    def show_quota(self, state) -> None:
        self.cards.show_quota(state)

    def show_quota_problem(self, text: str) -> None:
        self.cards.show_quota_problem(text)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.cards.show_snapshot(snap)
        self.plot.show_snapshot(snap)


class SectorPage(KioskPage):
    """One sector: its figures, entitlement against use, its organisations and its nodes."""

    def __init__(self, sector: Sector, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sector = sector
        self.index = SECTORS.index(sector)
        self.page_id = f"sector-{sector.value}"
        self.values = [QLabel("–", objectName="KioskStat") for _ in range(STATS)]
        self.captions = [QLabel(objectName="KioskStatCaption") for _ in range(STATS)]
        self.today = TodayReader()  # the front-end shares the window's
        # power now and energy today: a row of their own, seven figures do not fit across
        self.energy_values = [QLabel("–", objectName="KioskStat") for _ in range(2)]
        self.energy_captions = [QLabel(objectName="KioskStatCaption") for _ in range(2)]
        stats = QGridLayout()
        stats.setHorizontalSpacing(40)
        for col, (value, caption) in enumerate(zip(self.values, self.captions, strict=True)):
            stats.addWidget(value, 0, col)
            stats.addWidget(caption, 1, col)
        self.bar = EntitlementBar(SECTOR_COLORS[sector])
        self.bar_legend = QLabel(objectName="KioskBarLegend")
        self.waits = SectorWaits(sector.value, big=True)  # with Slurm: its queue and waits
        energy = QGridLayout()
        energy.setHorizontalSpacing(40)
        for col, (value, caption) in enumerate(
            zip(self.energy_values, self.energy_captions, strict=True)
        ):
            energy.addWidget(value, 0, col)
            energy.addWidget(caption, 1, col)
        left = QVBoxLayout()  # the queue sits under the legend, beside the energy: no new row
        left.addWidget(self.bar_legend)
        left.addWidget(self.waits)
        under_bar = QHBoxLayout()
        under_bar.addLayout(left, 1)
        under_bar.addLayout(energy)
        self.quota = QuotaStrip(sector)  # quota mode only: shown once a read arrives
        self.orgs = StatTable(4, MAX_ORG_ROWS, stretch=(8, 2, 3, 2))
        self.heatmap = FleetHeatmap()
        enlarge_heatmap(self.heatmap)
        self.nodes_title = QLabel(objectName="PanelTitle")
        nodes = QVBoxLayout()
        nodes.addWidget(self.nodes_title)
        nodes.addWidget(self.heatmap, 1)
        body = QHBoxLayout()
        body.setSpacing(40)
        body.addWidget(self.orgs, 6)
        body.addLayout(nodes, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addLayout(stats)
        layout.addWidget(self.bar)
        layout.addLayout(under_bar)
        layout.addWidget(self.quota)
        layout.addSpacing(12)
        layout.addLayout(body, 1)
        self.compact = self.snug = False
        # quota mode (a read or a failed read came): the top row and the bar are the caps
        self.quota_mode = False
        self.quota_state = None  # the last QuotaState; None while the caps cannot be read
        self.retranslate()

    def resizeEvent(self, event) -> None:
        height = event.size().height()
        self.set_compact(height < COMPACT_BELOW_PX, height < SNUG_BELOW_PX)
        super().resizeEvent(event)

    def set_compact(self, on: bool, snug: bool = False) -> None:
        """Smaller type on a short wall (the page's sheet outranks the kiosk's)."""
        if (on, snug or on) == (self.compact, self.snug):
            return
        self.compact, self.snug = on, snug or on
        self.setStyleSheet(COMPACT_STYLE if on else SNUG_STYLE if snug else "")
        self.layout().setSpacing(6 if on else 14)
        self.quota.set_compact(on)
        self.orgs.grid.setVerticalSpacing(0 if self.snug else 6)

    def title(self) -> str:
        return fmt(self.tr("%1 sector"), sector_name(self.sector))

    def set_energy_today(self, reader: TodayReader) -> None:
        self.today = reader

    def show_scheduler(self, view) -> None:
        """A SchedulerView, or None without Slurm (then nothing is shown)."""
        self.waits.show_view(view)

    def retranslate(self) -> None:
        if self.quota_mode:  # one partition for all: node allocation says nothing, the cap does
            captions = (
                self.tr("GPUs in use"),
                self.tr("average utilisation"),
                self.tr("GPU cap (share)"),
                self.tr("running vs cap"),
                self.tr("nodes live"),
            )
            legend = (self.tr("in use"), self.tr("running"), self.tr("cap"))
        else:
            captions = (
                self.tr("GPUs in use / allocated"),
                self.tr("average utilisation"),
                self.tr("entitled GPUs (share)"),
                self.tr("allocated vs entitlement"),
                self.tr("nodes live"),
            )
            legend = (self.tr("in use"), self.tr("allocated"), self.tr("entitlement"))
        for label, text in zip(self.captions, captions, strict=True):
            label.setText(text)
        self.energy_captions[0].setText(self.tr("GPU power now"))
        self.energy_captions[1].setText(self.tr("GPU energy today"))
        colour = SECTOR_COLORS[self.sector]
        dim = QColor.fromRgbF(colour.redF() * 0.4, colour.greenF() * 0.4, colour.blueF() * 0.4)
        used, allocated, entitled = legend
        self.bar_legend.setText(
            f"<span style='color:{colour.name()}'>■</span> {used} &nbsp;&nbsp; "
            f"<span style='color:{dim.name()}'>■</span> {allocated} &nbsp;&nbsp; "
            f"<b>┃</b> {entitled}"
        )
        self.orgs.set_header(
            (self.tr("Organisation"), self.tr("nodes"), self.tr("GPUs in use"), self.tr("util."))
        )
        self.nodes_title.setText(self.tr("Its nodes: GPU utilisation, one column per node"))

    def show_quota(self, state) -> None:
        """Quota mode: the sector's cap, running, borrowed and lent GPUs (a QuotaState)."""
        self._set_quota_mode(state)
        self.quota.show_quota(state)

    def show_quota_problem(self, text: str) -> None:
        self._set_quota_mode(None)  # dashes, never the last caps as if current
        self.quota.show_problem(text)

    def _set_quota_mode(self, state) -> None:
        self.quota_state = state
        if not self.quota_mode:
            self.quota_mode = True
            self.retranslate()

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        s = snap.sectors[self.index]
        mine = np.flatnonzero(snap.node_sector == self.index)
        live = snap.node_status[mine] == NodeStatus.LIVE
        loc = self.locale()
        util = "–" if s.avg_util is None else f"{s.avg_util:.0f} %"
        nodes = f"{int(live.sum())} / {len(mine)}"
        if self.quota_mode:
            cap, versus, mark, running = quota_figures(self.quota_state, self.sector)
            texts = (loc.toString(s.used_gpus), util, cap, versus, nodes)
            self.bar.set_values(mark, running, s.used_gpus)
        else:
            texts = (
                f"{loc.toString(s.used_gpus)} / {loc.toString(s.allocated_gpus)}",
                util,
                f"{s.entitled_gpus:.0f} ({s.entitled_share:.0%})",
                f"{s.allocated_gpus - s.entitled_gpus:+.0f}",
                nodes,
            )
            self.bar.set_values(s.entitled_gpus, s.allocated_gpus, s.used_gpus)
        for label, text in zip(self.values, texts, strict=True):
            set_text(label, text)
        kw = kw_text(float(sector_power_kw(snap)[self.index]), loc)
        kwh = kwh_text(sector_kwh(self.today.kwh(snap.t), self.sector.value), loc)
        for label, text in zip(self.energy_values, (kw, kwh), strict=True):
            set_text(label, text)
        self.orgs.set_rows(*self._org_rows(snap, mine))
        self.heatmap.show_snapshot(sector_view(snap, self.index))
        fit_sector_labels(self.heatmap)

    def _org_rows(self, snap: FleetSnapshot, mine: np.ndarray) -> tuple[list, str]:
        lang = ui_language()
        groups: dict[str, list[int]] = {}
        names: dict[str, str] = {}
        for row in mine:
            org = snap.node_org[row]
            key = org.id if org else ""
            groups.setdefault(key, []).append(int(row))
            names[key] = org.name(lang) if org else self.tr("(no organisation)")
        rows = []
        for key, members in groups.items():
            idx = np.array(members)
            live = snap.node_status[idx] == NodeStatus.LIVE
            util = snap.gpu_util[idx][live]
            reporting = util[~np.isnan(util)]
            used = int((reporting >= snap.busy_threshold).sum())
            gpus = int(snap.node_gpu_count[idx].sum())
            avg = "–" if reporting.size == 0 else f"{reporting.mean():.0f} %"
            rows.append(
                (
                    gpus,
                    (names[key], None),
                    (str(len(members)), None),
                    (f"{used} / {gpus}", None),
                    (avg, None),
                )
            )
        rows.sort(key=lambda r: (-r[0], r[1][0]))
        cells = [r[1:] for r in rows]
        extra = len(cells) - MAX_ORG_ROWS
        more = fmt(self.tr("… and %1 more organisations"), extra) if extra > 0 else ""
        return cells, more


class HeatmapPage(KioskPage):
    page_id = "heatmap"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heatmap = FleetHeatmap()
        enlarge_heatmap(self.heatmap)
        self.low, self.high = QLabel("0 %"), QLabel("100 %")
        gradient = QLabel(objectName="KioskGradient")
        stops = ", ".join(
            f"stop:{pos:.2f} {QColor(*map(int, self.heatmap.lut[int(pos * 255)][:3])).name()}"
            for pos in np.linspace(0, 1, 9)
        )
        gradient.setStyleSheet(f"background: qlineargradient(x1:0, y1:0, x2:1, y2:0, {stops});")
        gradient.setFixedSize(360, 30)
        self.no_data, self.broken = QLabel(), QLabel()
        key = QHBoxLayout()
        key.setSpacing(14)
        key.addWidget(self.low)
        key.addWidget(gradient)
        key.addWidget(self.high)
        key.addSpacing(40)
        for colour, label in ((NO_DATA, self.no_data), (UNREACHABLE, self.broken)):
            swatch = QLabel(objectName="KioskSwatch")
            swatch.setFixedSize(44, 30)
            swatch.setStyleSheet(f"background: {colour.name()};")
            key.addWidget(swatch)
            key.addWidget(label)
            key.addSpacing(30)
        key.addStretch(1)
        self.caption = QLabel(objectName="PanelTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(key)
        layout.addWidget(self.caption)
        layout.addWidget(self.heatmap, 1)
        self.retranslate()

    def title(self) -> str:
        return self.tr("Every GPU")

    def retranslate(self) -> None:
        self.no_data.setText(self.tr("no live data"))
        self.broken.setText(self.tr("node cannot be read"))
        self.caption.setText(self.tr("GPU utilisation of every GPU, one column per node"))

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.heatmap.show_snapshot(snap)
        fit_sector_labels(self.heatmap)
