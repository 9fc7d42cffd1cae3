"""The settings dialog: alert rules (on/off, thresholds, hold times), kiosk pages and rotation,
SU multipliers, and who operates (read-only; widgets/window/settings_pages.py).

Editable only when the access policy allows EDIT_SETTINGS; viewers and the kiosk see the values
read-only. Saving emits `save_requested` with the new Settings; the core checks the policy again
and writes the file (console/app.py Services.save_settings).
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.fleet.metrics import MetricRegistry
from console.settings import AlertSettings, RuleSettings, Settings
from widgets.common.labels import rule_name, severity_name
from widgets.window.settings_pages import AccessPage, AccountingPage, EnergyPage, KioskPage

ENABLED, RULE, SEVERITY, THRESHOLD, CRITICAL, FIRE, CLEAR = range(7)


class SettingsDialog(QDialog):
    save_requested = Signal(object)  # Settings

    def __init__(
        self,
        settings: Settings,
        registry: MetricRegistry,
        editable: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.registry = registry
        self.editable = editable
        self.rules = list(settings.alerts.rules)
        self.table = QTableWidget(len(self.rules), 7)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.editors: dict[str, tuple] = {}
        for row, key in enumerate(self.rules):
            self._fill_row(row, key, settings.alerts.rule(key))
        self.read_only_note = QLabel()
        self.read_only_note.setVisible(not editable)
        self.buttons = QDialogButtonBox()
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self.kiosk_page = KioskPage(settings, editable)
        self.accounting_page = AccountingPage(settings, editable)
        self.energy_page = EnergyPage(settings, editable)
        self.access_page = AccessPage(settings)
        self.tabs = QTabWidget()
        pages = (self.table, self.kiosk_page, self.accounting_page, self.energy_page,
                 self.access_page)
        for page in pages:
            self.tabs.addTab(page, "")
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only_note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(860, 560)
        self.retranslate()

    def _fill_row(self, row: int, key: str, rule: RuleSettings) -> None:
        default = self.registry.alert(key)
        enabled = QCheckBox()
        enabled.setChecked(rule.enabled)
        enabled.setEnabled(self.editable)
        self.table.setCellWidget(row, ENABLED, enabled)
        for col in (RULE, SEVERITY):
            self.table.setItem(row, col, QTableWidgetItem())

        def spin(value: float | None, maximum: float, suffix: str) -> QDoubleSpinBox | None:
            if value is None:
                return None
            box = QDoubleSpinBox()
            box.setRange(0.0, maximum)
            box.setDecimals(1)
            box.setValue(value)
            box.setSuffix(suffix)
            box.setReadOnly(not self.editable)
            if not self.editable:
                box.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
            return box

        unit = f" {default.unit}" if default.unit else ""
        boxes = (
            spin(rule.threshold, 100000.0, unit),
            spin(rule.critical, 100000.0, unit),
            spin(rule.fire_after_s, 86400.0, " s"),
            spin(rule.clear_after_s, 86400.0, " s"),
        )
        for col, box in zip((THRESHOLD, CRITICAL, FIRE, CLEAR), boxes, strict=True):
            if box is not None:
                self.table.setCellWidget(row, col, box)
        self.editors[key] = (enabled, *boxes)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        for index, title in enumerate(
            (self.tr("Alerts"), self.tr("Kiosk"), self.tr("Accounting"), self.tr("Energy"),
             self.tr("Operators"))
        ):
            self.tabs.setTabText(index, title)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("On"),
                self.tr("Alert"),
                self.tr("Severity"),
                self.tr("Threshold"),
                self.tr("Critical at"),
                self.tr("Fire after"),
                self.tr("Clear after"),
            ]
        )
        for row, key in enumerate(self.rules):
            self.table.item(row, RULE).setText(rule_name(key))
            self.table.item(row, SEVERITY).setText(severity_name(self.registry.alert(key).severity))
        self.read_only_note.setText(self.tr("Read-only: only operators may change settings."))
        self.buttons.setStandardButtons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            if self.editable
            else QDialogButtonBox.StandardButton.Close
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def edited(self) -> Settings:
        """The settings as the dialog shows them now."""
        rules = {}
        for key, (enabled, threshold, critical, fire, clear) in self.editors.items():
            old = self.settings.alerts.rule(key)
            rules[key] = RuleSettings(
                enabled=enabled.isChecked(),
                threshold=threshold.value() if threshold is not None else old.threshold,
                critical=critical.value() if critical is not None else old.critical,
                fire_after_s=fire.value(),
                clear_after_s=clear.value(),
            )
        alerts: AlertSettings = replace(self.settings.alerts, rules=rules)
        edited = replace(self.settings, alerts=alerts)
        for page in (self.kiosk_page, self.accounting_page, self.energy_page):
            edited = page.edited(edited)
        return edited

    def _save(self) -> None:
        if self.editable:
            self.save_requested.emit(self.edited())
        self.accept()
