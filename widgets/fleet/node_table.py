"""The node table: one row per node, sortable, filterable by text and by sector.

The model (node_model.py) reads the snapshot's arrays and sorts in numpy; the proxy
(node_filter.py) filters; this widget holds the search box, sector choice and the host-key trust
dialog.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus
from widgets.common.csv_export import ask_save_path
from widgets.common.header_menu import allow_hiding_columns
from widgets.common.labels import core_text, fmt, sector_name
from widgets.common.view_csv import export_view
from widgets.fleet.node_delegate import NodeCellDelegate
from widgets.fleet.node_filter import NodeFilterProxy
from widgets.fleet.node_model import COLUMN_COUNT, Col, NodeTableModel

__all__ = ["Col", "NodeFilterProxy", "NodeTable", "NodeTableModel"]


class NodeTable(QWidget):
    trust_requested = Signal(str, str)  # node name, the SHA256 fingerprint the operator saw
    node_activated = Signal(str)  # a row was double-clicked (or Enter): open its detail

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trust_allowed = True  # set from the access policy (viewers and kiosks may not)
        self.model = NodeTableModel(self)
        self.proxy = NodeFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(clearButtonEnabled=True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.sector_filter = QComboBox()
        self.sector_filter.currentIndexChanged.connect(self._sector_chosen)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(NodeCellDelegate(self.model, self.proxy, self.view))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Col.NODE, Qt.SortOrder.AscendingOrder)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setResizeContentsPrecision(64)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.activated.connect(self._activated)
        allow_hiding_columns(self.view)
        self.ask_save_path = ask_save_path  # tests hand in a path instead of the dialog
        self.export_button = QPushButton()
        self.export_button.clicked.connect(lambda: self.export_csv())
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        bar.addWidget(self.sector_filter, 1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        self.sized = False  # columns fitted once (or restored from the last session)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Filter nodes: name, organisation, sector, status"))
        self.search.setAccessibleName(self.tr("Filter nodes (Ctrl+F)"))
        self.sector_filter.setAccessibleName(self.tr("Sector shown"))
        self.view.setAccessibleName(self.tr("Nodes"))
        self.export_button.setText(self.tr("Export CSV…"))
        current = self.sector_filter.currentIndex()
        self.sector_filter.blockSignals(True)
        self.sector_filter.clear()
        self.sector_filter.addItem(self.tr("All sectors"), None)
        for i, sector in enumerate(SECTORS):
            self.sector_filter.addItem(sector_name(sector), i)
        self.sector_filter.setCurrentIndex(max(current, 0))
        self.sector_filter.blockSignals(False)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, COLUMN_COUNT - 1)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def export_csv(self, path: Path | None = None) -> Path | None:
        """The rows as shown (filter, sort, visible columns) into a CSV file."""
        return export_view(self, self.view, "nodes", self.ask_save_path, path)

    def _sector_chosen(self, combo_index: int) -> None:
        self.proxy.set_sector(self.sector_filter.itemData(combo_index))

    def _activated(self, index: QModelIndex) -> None:
        snap = self.model.snap
        if snap is not None and index.isValid():
            row = self.model.snapshot_row(self.proxy.mapToSource(index).row())
            self.node_activated.emit(snap.node_names[row])

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        row = self.model.snapshot_row(self.proxy.mapToSource(index).row())
        menu = QMenu(self)
        trust = menu.addAction(self.tr("Trust host key…"))
        trust.setEnabled(self.can_trust(row))
        if menu.exec(self.view.viewport().mapToGlobal(pos)) is trust:
            self.ask_trust(row)

    def can_trust(self, row: int) -> bool:
        snap = self.model.snap
        return (
            self.trust_allowed
            and snap is not None
            and snap.node_status[row] == NodeStatus.HOSTKEY_UNKNOWN
            and bool(snap.node_fingerprint[row])
        )

    def ask_trust(self, row: int) -> bool:
        """Show the key's fingerprint; only an explicit yes trusts it (never a changed key)."""
        if not self.can_trust(row):
            return False
        snap = self.model.snap
        name, fp = snap.node_names[row], snap.node_fingerprint[row]
        reason = core_text(snap.node_reason[row])
        # the key may be a jump host's: name the host it will be trusted for
        hosts = snap.node_key_host
        key_host = hosts[row] if row < len(hosts) else None
        if key_host:
            text = fmt(
                self.tr(
                    "On the way to node %1, %2 presented a host key the console does not "
                    "know:\n\n%3\n\n%4\n\nTrusting it trusts %2 (this key, for this host "
                    "only). Do so only if this fingerprint matches the one its administrator "
                    "gave you (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on that host)."
                ),
                name,
                key_host,
                reason,
                fp,
            )
        else:
            text = fmt(
                self.tr(
                    "Node %1 presented a host key the console does not know:\n\n%2\n\n%3\n\n"
                    "Trust it only if this fingerprint matches the one the node's administrator "
                    "gave you (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the node)."
                ),
                name,
                reason,
                fp,
            )
        if not self.confirm(text):
            return False
        self.trust_requested.emit(name, fp)
        return True

    def confirm(self, text: str) -> bool:
        answer = QMessageBox.warning(
            self,
            self.tr("Trust host key?"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.model.set_snapshot(snap)
        if not self.sized and snap.node_count:
            self.view.resizeColumnsToContents()  # the header looks at 64 rows, not all
            self.sized = True
