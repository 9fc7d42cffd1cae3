"""The settings dialog's other pages: kiosk pages and rotation, SU multipliers, the energy
factors (PUE, grid emission factor), who operates.

Each page shows a part of Settings and gives back that part edited (`edited(settings)`); operator
users and groups are shown, never edited here: who may change capacity is decided by the site's
administrator in settings.toml, not by whoever holds the window.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.settings import (
    DEFAULT_GRID_KGCO2E_PER_KWH,
    DEFAULT_PUE,
    KIOSK_PAGES,
    AccountingSettings,
    EnergySettings,
    Settings,
)
from widgets.common.labels import fmt


class _Page(QWidget):
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None: ...


class KioskPage(_Page):
    """Which pages the wall display rotates through, and how long each stays."""

    def __init__(self, settings: Settings, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = {key: QCheckBox() for key in KIOSK_PAGES}
        self.rotate = QDoubleSpinBox()
        self.rotate.setRange(1.0, 3600.0)
        self.rotate.setDecimals(0)
        self.rotate.setValue(settings.kiosk.rotate_s)
        self.rotate_label = QLabel()
        self.pages_label = QLabel()
        boxes = QVBoxLayout()
        for key, box in self.pages.items():
            box.setChecked(key in settings.kiosk.pages)
            box.setEnabled(editable)
            box.toggled.connect(lambda on, box=box: self._keep_one(box, on))
            boxes.addWidget(box)
        self.rotate.setReadOnly(not editable)
        form = QFormLayout(self)
        form.addRow(self.pages_label, boxes)
        form.addRow(self.rotate_label, self.rotate)
        self.retranslate()

    def retranslate(self) -> None:
        names = {
            "overview": self.tr("Overview"),
            "sectors": self.tr("One page per sector"),
            "heatmap": self.tr("GPU heatmap"),
            "alerts": self.tr("Alerts"),
        }
        for key, box in self.pages.items():
            box.setText(names.get(key, key))
        self.pages_label.setText(self.tr("Pages shown"))
        self.rotate_label.setText(self.tr("Seconds per page"))
        self.rotate.setSuffix(self.tr(" s"))

    def _keep_one(self, box: QCheckBox, on: bool) -> None:
        """The kiosk needs a page to show: unchecking the last one is undone."""
        if not on and not any(b.isChecked() for b in self.pages.values()):
            box.setChecked(True)

    def edited(self, settings: Settings) -> Settings:
        pages = tuple(k for k, box in self.pages.items() if box.isChecked()) or KIOSK_PAGES
        kiosk = replace(settings.kiosk, pages=pages, rotate_s=self.rotate.value())
        return replace(settings, kiosk=kiosk)


class AccountingPage(_Page):
    """Service-unit multipliers per GPU model (an H100 hour may count more than an A100 hour)."""

    def __init__(self, settings: Settings, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editable = editable
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for model, value in settings.accounting.su_multipliers.items():
            self._add(model, value)
        self.add_button, self.remove_button = QPushButton(), QPushButton()
        self.add_button.clicked.connect(lambda: self._add("", 1.0))
        self.remove_button.clicked.connect(self._remove)
        for button in (self.add_button, self.remove_button):
            button.setVisible(editable)
        self.note = QLabel(wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def _add(self, model: str, value: float) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        item = QTableWidgetItem(model)
        if not self.editable:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, 0, item)
        box = QDoubleSpinBox()
        box.setRange(0.0, 1000.0)
        box.setDecimals(2)
        box.setValue(value)
        box.setReadOnly(not self.editable)
        self.table.setCellWidget(row, 1, box)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("GPU model"), self.tr("SU per GPU-hour")])
        self.note.setText(
            self.tr(
                "Service units per GPU-hour by GPU model (the name as NVML reports it, e.g. "
                "NVIDIA H100 80GB HBM3); models not listed count 1.0."
            )
        )
        self.add_button.setText(self.tr("Add model"))
        self.remove_button.setText(self.tr("Remove model"))

    def edited(self, settings: Settings) -> Settings:
        su = {}
        for row in range(self.table.rowCount()):
            model = (self.table.item(row, 0).text() or "").strip()
            if model:
                su[model] = self.table.cellWidget(row, 1).value()
        return replace(settings, accounting=AccountingSettings(su_multipliers=su))


class EnergyPage(_Page):
    """Facility kWh = IT kWh × PUE; kgCO2e = facility kWh × the grid's emission factor."""

    def __init__(self, settings: Settings, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pue = QDoubleSpinBox()
        self.pue.setRange(1.0, 5.0)
        self.pue.setDecimals(2)
        self.pue.setSingleStep(0.01)
        self.pue.setValue(settings.energy.pue)
        self.grid = QDoubleSpinBox()
        self.grid.setRange(0.0, 2.0)
        self.grid.setDecimals(4)
        self.grid.setSingleStep(0.001)
        self.grid.setValue(settings.energy.grid_kgco2e_per_kwh)
        for box in (self.pue, self.grid):
            box.setReadOnly(not editable)
        self.pue_label, self.grid_label = QLabel(), QLabel()
        self.note = QLabel(wordWrap=True)
        form = QFormLayout()
        form.addRow(self.pue_label, self.pue)
        form.addRow(self.grid_label, self.grid)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.pue_label.setText(self.tr("PUE (facility energy ÷ IT energy)"))
        self.grid_label.setText(self.tr("Grid emission factor"))
        self.grid.setSuffix(self.tr(" kgCO2e/kWh"))
        self.note.setText(fmt(
            self.tr("Facility kWh = IT kWh (GPU + CPU) × PUE; kgCO2e = facility kWh × the grid "
                    "factor. Defaults: PUE %1, the Uptime Institute Global Data Center Survey "
                    "2023 average; %2 kgCO2e/kWh, Korea's national grid emission factor "
                    "(Greenhouse Gas Inventory and Research Center, GIR). Set the centre's own "
                    "measured PUE and the latest published factor; reports print which was used."),
            f"{DEFAULT_PUE:g}", f"{DEFAULT_GRID_KGCO2E_PER_KWH:g}"))

    def edited(self, settings: Settings) -> Settings:
        energy = EnergySettings(pue=self.pue.value(), grid_kgco2e_per_kwh=self.grid.value())
        return replace(settings, energy=energy)


class AccessPage(_Page):
    """Who is an operator, as settings.toml says (read-only here, on every path)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.text = QLabel(wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        roles = self.settings.roles
        none = self.tr("(none)")
        self.text.setText(
            fmt(
                self.tr(
                    "Operators may move capacity, acknowledge alerts and change settings; "
                    "everyone else sees the console read-only.\n\nOperator users: %1\n"
                    "Operator groups: %2\n\nThese are set by the site's administrator in %3."
                ),
                ", ".join(roles.operator_users) or none,
                ", ".join(roles.operator_groups) or none,
                str(self.settings.path or "settings.toml"),
            )
        )
