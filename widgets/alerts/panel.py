"""The alerts panel: incidents, worst first, filterable by severity, sector and text; acknowledge
one with a note; double-click opens the node's detail.

The panel only draws what the alert engine holds (console/alerts/engine.py) and emits requests; the
core checks the access policy when it acknowledges.
"""

from __future__ import annotations

import math
import time
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.alerts.engine import RANK, SEVERITIES, Incident
from console.fleet.model import SECTORS, Organisation, Sector
from widgets.alerts.room_strip import RoomStrip
from widgets.common.csv_export import ask_save_path
from widgets.common.header_menu import allow_hiding_columns
from widgets.common.labels import (
    duration,
    fmt,
    organisation_name,
    rule_advice,
    rule_name,
    sector_name,
    severity_name,
)
from widgets.common.theme import SEVERITY_COLORS
from widgets.common.view_csv import export_view

SORT_ROLE = Qt.ItemDataRole.UserRole
CLOSED = QColor("#7a8394")

AnyIndex = QModelIndex | QPersistentModelIndex


class Col(IntEnum):
    SEVERITY = 0
    RULE = 1
    SECTOR = 2
    NODE = 3
    GPU = 4
    ORG = 5
    AGE = 6
    PEAK = 7
    STATE = 8
    ACK = 9


class IncidentModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.incidents: list[Incident] = []
        self.now = time.time()
        self.organisations: dict[str, Organisation] = {}

    def set_incidents(self, incidents: tuple[Incident, ...], now: float) -> None:
        """Same incidents in the same order: one dataChanged (selection stays); else a reset."""
        self.now = now
        if [i.id for i in incidents] == [i.id for i in self.incidents]:
            self.incidents = list(incidents)
            if incidents:
                last = self.index(len(incidents) - 1, len(Col) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self.incidents = list(incidents)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.incidents)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Col)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def headers(self) -> list[str]:
        return [
            self.tr("Severity"),
            self.tr("Alert"),
            self.tr("Sector"),
            self.tr("Node"),
            self.tr("GPU"),
            self.tr("Organisation"),
            self.tr("Age"),
            self.tr("Peak"),
            self.tr("State"),
            self.tr("Acknowledged"),
        ]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        inc = self.incidents[index.row()]
        col = Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(inc, col)
        if role == SORT_ROLE:
            return self._sort_key(inc, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == Col.SEVERITY:
                return SEVERITY_COLORS.get(inc.severity)
            return None if inc.is_open else CLOSED
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.ACK and inc.acked_by:
            return inc.note or None
        if role == Qt.ItemDataRole.ToolTipRole and col == Col.RULE:
            return rule_advice(inc.rule) or None  # what to do, where the name does not say
        return None

    def _display(self, inc: Incident, col: Col) -> str:
        if col == Col.SEVERITY:
            return "● " + severity_name(inc.severity)
        if col == Col.RULE:
            return rule_name(inc.rule)
        if col == Col.SECTOR:
            return sector_name(Sector(inc.sector)) if inc.sector else ""
        if col == Col.NODE:
            return inc.node
        if col == Col.GPU:
            return "" if inc.gpu is None else str(inc.gpu)
        if col == Col.ORG:
            org = self.organisations.get(inc.org)
            return organisation_name(org) if org is not None else inc.org
        if col == Col.AGE:
            return duration(max(0.0, self.now - inc.first_seen))
        if col == Col.PEAK:
            return "" if inc.peak is None or math.isnan(inc.peak) else f"{inc.peak:g}"
        if col == Col.STATE:
            return self.tr("open") if inc.is_open else self.tr("closed")
        if inc.acked_by:
            return fmt(self.tr("%1: %2"), inc.acked_by, inc.note) if inc.note else inc.acked_by
        return ""

    def _sort_key(self, inc: Incident, col: Col):
        if col == Col.SEVERITY:
            return (RANK.get(inc.severity, 9), -inc.first_seen)
        if col == Col.AGE:
            return -inc.first_seen
        if col == Col.GPU:
            return -1 if inc.gpu is None else inc.gpu
        if col == Col.PEAK:
            return -math.inf if inc.peak is None else inc.peak
        if col == Col.STATE:
            return 0 if inc.is_open else 1
        if col == Col.SECTOR:
            return SECTORS.index(Sector(inc.sector)) if inc.sector else -1
        return self._display(inc, col)


class IncidentFilter(QSortFilterProxyModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.severity: str | None = None
        self.sector: str | None = None
        self.text = ""
        self.show_closed = False

    def refilter(self) -> None:
        self.beginFilterChange()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        inc = self.sourceModel().incidents[source_row]
        if not self.show_closed and not inc.is_open:
            return False
        if self.severity is not None and inc.severity != self.severity:
            return False
        if self.sector is not None and inc.sector != self.sector:
            return False
        if self.text:
            words = f"{inc.node} {inc.rule} {rule_name(inc.rule)} {inc.org} {inc.note}".lower()
            return self.text in words
        return True

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        return left.data(SORT_ROLE) < right.data(SORT_ROLE)


class AlertsPanel(QWidget):
    node_activated = Signal(str)  # double-click: open the node's detail
    acknowledge_requested = Signal(int, str)  # incident id, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = IncidentModel(self)
        self.proxy = IncidentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Col.SEVERITY, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(self._activated)
        allow_hiding_columns(self.view)
        self.severity_filter = QComboBox()
        self.severity_filter.currentIndexChanged.connect(self._filters_changed)
        self.sector_filter = QComboBox()
        self.sector_filter.currentIndexChanged.connect(self._filters_changed)
        self.search = QLineEdit(clearButtonEnabled=True)
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self._filters_changed)
        self.closed_box = QCheckBox()
        self.closed_box.toggled.connect(self._filters_changed)
        self.ack_button = QPushButton()
        self.ack_button.clicked.connect(self._ask_note)
        self.ask_save_path = ask_save_path
        self.export_button = QPushButton()
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.ack_allowed = False
        bar = QHBoxLayout()
        for w in (self.severity_filter, self.sector_filter, self.search, self.closed_box):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        bar.addWidget(self.ack_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.room = RoomStrip()  # shown when the incidents are the room's (Alertmanager)
        layout.addWidget(self.room)
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        for combo, items in (
            (
                self.severity_filter,
                [self.tr("All severities"), *map(severity_name, SEVERITIES)],
            ),
            (self.sector_filter, [self.tr("All sectors")] + [sector_name(s) for s in SECTORS]),
        ):
            combo.blockSignals(True)
            keep = max(0, combo.currentIndex())
            combo.clear()
            combo.addItems(items)
            combo.setCurrentIndex(keep)
            combo.blockSignals(False)
        self.search.setPlaceholderText(self.tr("Search node, alert, organisation…"))
        self.closed_box.setText(self.tr("Show closed"))
        self.severity_filter.setAccessibleName(self.tr("Severity shown"))
        self.sector_filter.setAccessibleName(self.tr("Sector shown"))
        self.search.setAccessibleName(self.tr("Search alerts"))
        self.view.setAccessibleName(self.tr("Alerts"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.ack_button.setText(self.tr("Acknowledge…"))
        self.ack_button.setToolTip(
            "" if self.ack_allowed else self.tr("Only operators may acknowledge alerts")
        )
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Col) - 1)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_ack_allowed(self, allowed: bool) -> None:
        self.ack_allowed = allowed
        self.retranslate()
        self._update_buttons()

    def set_organisations(self, organisations: tuple[Organisation, ...]) -> None:
        """Names for the organisation ids incidents carry."""
        self.model.organisations = {o.id: o for o in organisations}

    def show_incidents(self, incidents: tuple[Incident, ...], now: float) -> None:
        selected = self.selected()
        self.model.set_incidents(incidents, now)
        if selected is not None and self.selected() is None:
            self.select(selected.id)
        self._update_buttons()

    def export_csv(self, path: Path | None = None) -> Path | None:
        """The incidents as shown (filters, sort, visible columns) into a CSV file."""
        return export_view(self, self.view, "alerts", self.ask_save_path, path)

    def _filters_changed(self) -> None:
        s = self.severity_filter.currentIndex()
        self.proxy.severity = SEVERITIES[s - 1] if s > 0 else None
        k = self.sector_filter.currentIndex()
        self.proxy.sector = SECTORS[k - 1].value if k > 0 else None
        self.proxy.text = self.search.text().strip().lower()
        self.proxy.show_closed = self.closed_box.isChecked()
        self.proxy.refilter()
        self._update_buttons()

    # -- selection and requests ----------------------------------------------------------

    def selected(self) -> Incident | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.incidents[self.proxy.mapToSource(rows[0]).row()]

    def select(self, incident_id: int) -> bool:
        for row, inc in enumerate(self.model.incidents):
            if inc.id == incident_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    self.view.selectRow(index.row())
                    return True
        return False

    def _update_buttons(self) -> None:
        self.ack_button.setEnabled(self.ack_allowed and self.selected() is not None)

    def _activated(self, index: QModelIndex) -> None:
        inc = self.model.incidents[self.proxy.mapToSource(index).row()]
        if inc.node:
            self.node_activated.emit(inc.node)

    def _ask_note(self) -> None:
        inc = self.selected()
        if inc is None:
            return
        note, ok = QInputDialog.getText(
            self,
            self.tr("Acknowledge alert"),
            fmt(
                self.tr("Note for %1 on %2 (kept with the incident):"),
                rule_name(inc.rule),
                inc.node or sector_name(Sector(inc.sector)),
            ),
            text=inc.note,
        )
        if ok:
            self.acknowledge(note)

    def acknowledge(self, note: str) -> bool:
        """Ask for the selected incident to be acknowledged with `note`."""
        inc = self.selected()
        if inc is None or not self.ack_allowed:
            return False
        self.acknowledge_requested.emit(inc.id, note)
        return True
