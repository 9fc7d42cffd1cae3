"""Puts the alert engine on screen: the panel, the badge, desktop notifications, and the
operator's requests (acknowledge, settings) back to the core, which checks the access policy."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QStyle, QSystemTrayIcon

from console.access import AccessDenied, Action
from console.fleet.model import FleetSnapshot
from console.services import Services
from widgets.common.labels import fmt, rule_name
from widgets.window.main_window import MainWindow
from widgets.window.settings_dialog import SettingsDialog

log = logging.getLogger(__name__)


class AlertPresenter(QObject):
    def __init__(self, window: MainWindow, services: Services) -> None:
        super().__init__(window)
        self.window = window
        self.services = services
        self._version = -1
        self._shown_at = 0.0
        self._announced: set[int] = set()
        self.tray: QSystemTrayIcon | None = None
        self.notified: list[int] = []  # incident ids announced on the desktop (tests read it)
        panel = window.alerts
        panel.set_ack_allowed(services.policy.allows(Action.ACKNOWLEDGE_ALERT))
        panel.set_organisations(services.inventory.organisations)
        panel.acknowledge_requested.connect(self.acknowledge)
        window.settings_action.triggered.connect(self.open_settings)
        services.bridge.snapshot_ready.connect(self.show_snapshot)
        if services.incident_view is not None:
            # what was open before a restart is not news
            self._announced = {i.id for i in services.incident_view.incidents()}

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        engine = self.services.incident_view
        if engine is None:
            return
        # redraw when something changed, and every few seconds for the ages
        if engine.version == self._version and snap.t - self._shown_at < 5.0:
            return
        self._version, self._shown_at = engine.version, snap.t
        incidents = engine.incidents(include_closed=True)
        self.window.alerts.show_incidents(incidents, snap.t)
        room = self.services.room_alerts
        if room is not None:
            self.window.alerts.room.show_room(room.state(), room.silences(), snap.t)
        counts = engine.open_counts()
        self.window.set_alert_count(sum(counts.values()), counts["critical"] > 0)
        self._notify([i for i in incidents if i.is_open and i.severity == "critical"])

    def _notify(self, critical: list) -> None:
        new = [i for i in critical if i.id not in self._announced]
        self._announced.update(i.id for i in new)
        if not new or not self.services.settings.alerts.notify:
            return
        self.notified += [i.id for i in new]
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            # the application's own icon (set in qt_application); the warning sign if none
            icon = QApplication.windowIcon()
            if icon.isNull():
                icon = self.window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.messageClicked.connect(self._show_panel)
            self.tray.show()
        first = new[0]
        text = fmt(self.tr("%1 on %2"), rule_name(first.rule), first.node or first.sector)
        if len(new) > 1:
            text += " " + fmt(self.tr("(and %1 more)"), len(new) - 1)
        self.tray.showMessage(self.tr("Critical alert"), text, QSystemTrayIcon.MessageIcon.Critical)

    def _show_panel(self) -> None:
        self.window.tabs.setCurrentWidget(self.window.alerts)
        self.window.raise_()
        self.window.activateWindow()

    def acknowledge(self, incident_id: int, note: str) -> None:
        try:
            self.services.acknowledge_incident(incident_id, note)
        except (AccessDenied, KeyError) as exc:
            QMessageBox.warning(self.window, self.tr("Not acknowledged"), str(exc))
            return
        self._version = -1  # redraw at the next snapshot
        latest = self.services.bridge.latest
        if latest is not None:
            self.show_snapshot(latest)

    def open_settings(self) -> SettingsDialog:
        editable = self.services.policy.allows(Action.EDIT_SETTINGS)
        dialog = SettingsDialog(
            self.services.settings, self.services.registry, editable, parent=self.window
        )
        dialog.save_requested.connect(self._save_settings)
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _save_settings(self, settings) -> None:
        try:
            self.services.save_settings(settings)
        except (AccessDenied, OSError) as exc:
            QMessageBox.warning(self.window, self.tr("Settings not saved"), str(exc))
            return
        # the accounting tab counts with the new SU multipliers and energy factors at once
        accounting = self.window.accounting
        if accounting.queries is not None:
            accounting.attach(accounting.queries, settings.accounting, settings.energy)
