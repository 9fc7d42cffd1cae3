"""The main window: arranges the panels and the menu. No logic lives here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QVBoxLayout, QWidget

from console.fleet.model import FleetSnapshot
from console.i18n.names import language_name
from widgets.alerts.panel import AlertsPanel
from widgets.common.accessible import name_qt_parts
from widgets.fleet.heatmap import FleetHeatmap
from widgets.fleet.node_table import NodeTable
from widgets.fleet.sector_cards import SectorCards
from widgets.fleet.utilization_plot import SectorPlot
from widgets.history.accounting_view import AccountingView
from widgets.window.help_menu import HelpMenu
from widgets.window.source_banner import SourceBanner
from widgets.window.status_bar import FleetStatusBar

# Language names are shown in their own language, so they are not translated.
LANGUAGE_NAMES = {code: language_name(code) for code in ("ko", "en")}  # each in its own


class MainWindow(QMainWindow):
    language_requested = Signal(str)
    first_frame = Signal()
    closing = Signal()  # the front-end closes node windows and stops history queries
    report_requested = Signal()  # File → Report…: the front-end opens the report dialog
    reset_layout_requested = Signal()  # View → Reset layout (widgets/window/layout_state.py)

    def __init__(
        self, tz: ZoneInfo, sources: tuple[tuple[str, int], ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.cards = SectorCards()
        self.heatmap = FleetHeatmap()
        self.plot = SectorPlot(tz)
        self.table = NodeTable()
        self.accounting = AccountingView(tz)
        self.tabs = QTabWidget(documentMode=True)
        self.tabs.addTab(self.table, "")
        self.tabs.addTab(self.accounting, "")
        self.alerts = AlertsPanel()
        self.alert_count = 0
        self.tabs.addTab(self.alerts, "")
        self.status = FleetStatusBar(tz, sources)
        self.setStatusBar(self.status)

        upper = QSplitter(Qt.Orientation.Horizontal, objectName="UpperSplitter")
        upper.addWidget(self.heatmap)
        upper.addWidget(self.plot)
        upper.setSizes([760, 640])
        body = QSplitter(Qt.Orientation.Vertical, objectName="BodySplitter")
        body.addWidget(upper)
        body.addWidget(self.tabs)
        body.setSizes([430, 320])
        self.upper = upper
        self.board: QWidget | None = None  # capacity tabs, when the session has capacity
        self.audit: QWidget | None = None
        central = QWidget()
        layout = QVBoxLayout(central)
        self.banner = SourceBanner()
        layout.addWidget(self.banner)
        layout.addWidget(self.cards)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)
        self.panels = (self.banner, self.cards, self.heatmap, self.plot, self.table, self.status)
        self._build_menu()
        self._framed = False
        self.retranslate()

    def _build_menu(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.report_action = QAction(self, shortcut=QKeySequence("Ctrl+R"))
        self.report_action.triggered.connect(self.report_requested)
        self.file_menu.addAction(self.report_action)
        self.file_menu.addSeparator()
        self.quit_action = QAction(self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.settings_action = QAction(self)
        self.file_menu.addAction(self.settings_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("")
        self.nodes_action = QAction(self, shortcut=QKeySequence("Ctrl+1"))
        self.nodes_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.table))
        self.accounting_action = QAction(self, shortcut=QKeySequence("Ctrl+2"))
        self.accounting_action.triggered.connect(
            lambda: self.tabs.setCurrentWidget(self.accounting)
        )
        self.alerts_action = QAction(self, shortcut=QKeySequence("Ctrl+3"))
        self.alerts_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.alerts))
        self.view_menu.addAction(self.nodes_action)
        self.view_menu.addAction(self.accounting_action)
        self.view_menu.addAction(self.alerts_action)
        self.view_menu.addSeparator()
        self.language_menu = self.view_menu.addMenu("")
        group = QActionGroup(self)
        self.language_actions = {}
        for code, name in LANGUAGE_NAMES.items():
            action = QAction(name, self, checkable=True)
            action.triggered.connect(lambda _=False, c=code: self.language_requested.emit(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self._build_view_keys()
        self.help_menu = HelpMenu(self)
        self.menuBar().addMenu(self.help_menu)

    def _build_view_keys(self) -> None:
        """Find (Ctrl+F), full screen (F11) and Reset layout, below the language menu."""
        self.find_action = QAction(self, shortcut=QKeySequence("Ctrl+F"))
        self.find_action.triggered.connect(self.focus_filter)
        self.full_screen_action = QAction(self, shortcut=QKeySequence("F11"), checkable=True)
        self.full_screen_action.triggered.connect(self.toggle_full_screen)
        self.reset_layout_action = QAction(self)
        self.reset_layout_action.triggered.connect(self.reset_layout_requested)
        self.view_menu.addSeparator()
        for action in (self.find_action, self.full_screen_action, self.reset_layout_action):
            self.view_menu.addAction(action)

    def focus_filter(self) -> None:
        self.tabs.setCurrentWidget(self.table)
        self.table.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.table.search.selectAll()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()
        self.full_screen_action.setChecked(self.isFullScreen())

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Hangang Console · Hangang AI Center"))
        self.file_menu.setTitle(self.tr("&File"))
        self.report_action.setText(self.tr("&Report…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.view_menu.setTitle(self.tr("&View"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.tabs.setTabText(0, self.tr("Nodes"))
        self.tabs.setTabText(1, self.tr("Accounting"))
        self.nodes_action.setText(self.tr("&Nodes"))
        self.accounting_action.setText(self.tr("&Accounting"))
        self.alerts_action.setText(self.tr("A&lerts"))
        self.settings_action.setText(self.tr("&Settings…"))
        self.find_action.setText(self.tr("&Find node…"))
        self.full_screen_action.setText(self.tr("F&ull screen"))
        self.reset_layout_action.setText(self.tr("&Reset layout"))
        self.tabs.setAccessibleName(self.tr("Tables"))
        self.set_alert_count(self.alert_count)
        if self.board is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.board), self.tr("Capacity"))
            self.tabs.setTabText(self.tabs.indexOf(self.audit), self.tr("Audit"))
            self.board_action.setText(self.tr("&Capacity"))
            self.audit_action.setText(self.tr("A&udit log"))
        name_qt_parts(self)

    def set_alert_count(self, count: int, critical: bool = False) -> None:
        """The badge: open incidents in the tab's title, red while one is critical."""
        self.alert_count = count
        index = self.tabs.indexOf(self.alerts)
        text = self.tr("Alerts (%1)").replace("%1", str(count)) if count else self.tr("Alerts")
        self.tabs.setTabText(index, text)
        self.tabs.tabBar().setTabTextColor(index, QColor("#ff5630") if critical else QColor())

    def add_capacity(self, board: QWidget, audit: QWidget) -> None:
        """The rebalance board and the audit log as tabs (sessions with a capacity service)."""
        self.board, self.audit = board, audit
        self.tabs.addTab(board, "")
        self.tabs.addTab(audit, "")
        self.board_action = QAction(self, shortcut=QKeySequence("Ctrl+4"))
        self.board_action.triggered.connect(lambda: self.tabs.setCurrentWidget(board))
        self.audit_action = QAction(self, shortcut=QKeySequence("Ctrl+5"))
        self.audit_action.triggered.connect(lambda: self.tabs.setCurrentWidget(audit))
        self.view_menu.insertActions(
            self.language_menu.menuAction(), [self.board_action, self.audit_action]
        )
        self.tabs.currentChanged.connect(self._make_room)
        self.panels += (board,)
        self.retranslate()

    def _make_room(self) -> None:
        """The board and the log need height: the heatmap and plot step aside while they are
        shown (hidden, not squeezed: a heatmap laid out at zero height is pathological)."""
        self.upper.setVisible(self.tabs.currentWidget() not in (self.board, self.audit))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            # once the children have retranslated too: Qt's parts copy their new names
            QTimer.singleShot(0, lambda: name_qt_parts(self))
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)

    def mark_language(self, code: str) -> None:
        self.language_actions[code].setChecked(True)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        for panel in self.panels:
            panel.show_snapshot(snap)
        if not self._framed and snap.oldest_age_s is not None:
            self._framed = True
            self.repaint()  # paint now, so "first frame" means pixels with data, not a request
            self.first_frame.emit()
