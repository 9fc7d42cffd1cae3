"""One sector's column on the rebalance board: its figures and target above its node chips."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout

from console.capacity.model import SectorFigures
from console.fleet.model import Sector
from widgets.capacity.chip_filter import SectorFilter
from widgets.capacity.node_chips import ChipView, NodeChipModel
from widgets.common.labels import fmt, sector_name
from widgets.common.theme import SECTOR_COLORS

NO_TARGET = -1  # the spin box's "auto": this sector gives or takes what the others need


class SectorColumn(QFrame):
    """A sector's header (figures, target GPUs) above its chips."""

    def __init__(self, sector: Sector, model: NodeChipModel, parent=None) -> None:
        super().__init__(parent, objectName="SectorCard")
        self.sector = sector
        self.title = QLabel(objectName="CardTitle")
        self.title.setStyleSheet(f"color: {SECTOR_COLORS[sector].name()}; font-size: 12pt;")
        self.figures = QLabel(objectName="CardCaption")
        self.target_label = QLabel(objectName="CardCaption")
        self.target = QSpinBox()
        self.target.setRange(NO_TARGET, 100_000)
        self.target.setValue(NO_TARGET)
        self.target.setAccelerated(True)
        self.filter = SectorFilter(sector, model, self)
        self.view = ChipView(sector)
        self.view.setModel(self.filter)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.target_label)
        head.addWidget(self.target)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(head)
        layout.addWidget(self.figures)
        layout.addWidget(self.view, 1)

    def retranslate(self) -> None:
        self.title.setText(sector_name(self.sector))
        self.target_label.setText(self.tr("Target GPUs"))
        self.target.setSpecialValueText(self.tr("auto"))
        name = sector_name(self.sector)
        self.target.setAccessibleName(fmt(self.tr("Target GPUs of %1"), name))
        self.view.setAccessibleName(fmt(self.tr("Nodes of %1 (Ctrl+1/2/3: move to)"), name))

    def show_figures(self, figures: SectorFigures, after: int, nodes: int) -> None:
        text = fmt(self.tr("%1 nodes · %2 GPUs"), nodes, figures.allocated)
        if after != figures.allocated:
            text = fmt(self.tr("%1 nodes · %2 → %3 GPUs"), nodes, figures.allocated, after)
        text += "\n" + fmt(
            self.tr("guarantee %1 · busy %2 · queued %3"),
            figures.guarantee,
            figures.busy,
            figures.demand,
        )
        self.figures.setText(text)

    def target_value(self) -> int | None:
        value = self.target.value()
        return None if value == NO_TARGET else value
