"""The desktop front-end: the Qt application, theme, language and the main window.

console/app.py finds this class through the `hangang_console.frontends` entry point, so the core
stays free of widgets while still owning the order of startup.
"""

from __future__ import annotations

import logging
import sys
import time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from console.access import Action
from console.cli import Options
from console.fleet.model import FleetSnapshot
from console.services import Services
from widgets.capacity.audit_view import AuditView
from widgets.capacity.board import RebalanceBoard
from widgets.capacity.quota_board import QuotaBoard
from widgets.capacity.quota_feed import QuotaFeed
from widgets.common.application import qt_application, save_screenshot
from widgets.common.i18n import Translations, system_language
from widgets.common.queue_views import QueueViews
from widgets.common.theme import apply_theme, choose_theme
from widgets.fleet.node_detail import NodeDetail
from widgets.fleet.sector_energy import TodayReader
from widgets.history.accounts_dialog import AccountsDialog
from widgets.history.query import HistoryQueries
from widgets.reports.dialog import ReportDialog
from widgets.window.alert_presenter import AlertPresenter
from widgets.window.layout_state import LayoutState, remember_language, remembered_language
from widgets.window.main_window import MainWindow
from widgets.window.retheme import follow_desktop

log = logging.getLogger(__name__)


class WindowFrontend:
    def __init__(self) -> None:
        self.app: QApplication | None = None
        self.window: MainWindow | None = None
        self.layout: LayoutState | None = None  # what the window remembers (QSettings)
        self.translations: Translations | None = None
        self.services: Services | None = None
        self.queries: HistoryQueries | None = None
        self.details: dict[str, NodeDetail] = {}  # open node windows by node name
        self.report: ReportDialog | None = None
        self.accounts: AccountsDialog | None = None
        self.tz = ZoneInfo("Asia/Seoul")
        self.quota_feed: QuotaFeed | None = None  # quota mode: caps on the sector cards
        self.exit_code = 0

    def create_application(self, argv: list[str]) -> None:
        self.app = qt_application(argv, "dark")

    def open(self, services: Services, options: Options, started_at: float) -> None:
        tz = ZoneInfo(options.tz)
        # before any widget is built: plots and the heatmap read their colours when made
        chosen = options.theme or services.settings.theme
        apply_theme(self.app, choose_theme(self.app, chosen))
        self.translations = Translations(self.app)
        # --lang wins; then the language last chosen in View → Language; then the system's
        self.translations.set_language(options.lang or remembered_language() or system_language())
        window = MainWindow(tz, tuple((s.kind, s.node_count) for s in services.sources))
        window.status.set_fleet(options.fleet_origin, options.fleet_searched, options.inventory)
        window.language_requested.connect(self.translations.set_language)
        window.language_requested.connect(remember_language)
        self.translations.language_changed.connect(window.mark_language)
        window.mark_language(self.translations.language)
        services.bridge.snapshot_ready.connect(window.show_snapshot)
        window.banner.problem_source = services.source_problem
        window.table.trust_allowed = services.policy.allows(Action.TRUST_HOST_KEY)
        window.table.trust_requested.connect(services.trust_host_key)
        self.services, self.tz = services, tz
        self._connect_history(window, services)
        self._connect_capacity(window, services)
        if services.scheduler is not None:  # Slurm's queue and waits on the cards and accounting
            feed = QueueViews(window)
            feed.view_ready.connect(window.cards.show_scheduler)
            window.accounting.waits_source = services.scheduler.waits_between
            feed.attach(services.scheduler)
        self.alerts = AlertPresenter(window, services)
        window.alerts.node_activated.connect(self.open_node)
        if options.timing:
            window.first_frame.connect(
                lambda: print(
                    f"first frame with data: {time.time() - started_at:.2f} s after process start",
                    file=sys.stderr,
                    flush=True,
                )
            )
        self.layout = LayoutState(window)
        self.layout.restore()
        window.reset_layout_requested.connect(self.layout.reset)
        window.closing.connect(self.layout.save)
        recovery = getattr(window.board, "recovery", None)  # both boards have one
        if recovery is not None and recovery.pending:
            window.tabs.setCurrentWidget(window.board)  # a settled crash outranks the last tab
        window.show()
        self.layout.restore_splitters()
        if chosen is None:  # left to the desktop: follow it while open, too
            hints = self.app.styleHints()

            def follow(_scheme) -> None:
                follow_desktop(self.app, [window])

            hints.colorSchemeChanged.connect(follow)
            window.closing.connect(lambda: hints.colorSchemeChanged.disconnect(follow))
        self.window = window
        if options.quit_after is not None:
            QTimer.singleShot(int(options.quit_after * 1000), lambda: self._finish(options))
        elif options.screenshot is not None:
            QTimer.singleShot(5000, lambda: save_screenshot(window, options.screenshot))

    def _connect_history(self, window: MainWindow, services: Services) -> None:
        """History plots, accounting and node windows: queries on a pool, results on the GUI."""
        self.queries = HistoryQueries(services.history_for_plots(), parent=window)
        window.plot.attach(self.queries)
        settings = services.settings
        window.accounting.attach(self.queries, settings.accounting, settings.energy)
        if services.inventory.slurm is not None:
            window.accounting.set_accounts(self.open_accounts)
        books = services.job_books  # Slurm's jobs at ~0 %, under the accounting table
        window.accounting.idle.attach(books.idle_table if books is not None else None)
        window.table.node_activated.connect(self.open_node)
        window.heatmap.node_activated.connect(self.open_node)
        history = services.history
        if history is not None:
            window.status.problem_source = lambda: history.problem
            window.cards.set_energy_today(TodayReader(history.energy_today))
        services.bridge.snapshot_ready.connect(self._show_details)
        window.closing.connect(self._closing)
        window.report_action.setEnabled(history is not None)
        window.report_requested.connect(self.open_report)

    def open_accounts(self) -> AccountsDialog:
        """Accounting → Slurm accounts…: the association tree, read-only, kept while open."""
        if self.accounts is None:
            from console.scheduler.reconcile_apply import fleet_accounts_reader

            self.accounts = AccountsDialog(fleet_accounts_reader(self.services.inventory),
                                           parent=self.window)
        self.accounts.show()
        self.accounts.raise_()
        return self.accounts

    def open_report(self) -> ReportDialog:
        """File → Report…: one dialog, kept (with its choices) while the window lives."""
        if self.report is None:
            history, capacity = self.services.history, self.services.capacity
            # in quota mode the what-if's jobs are the quota board's (a real quota fleet has
            # no node service at all)
            quota = getattr(self.services, "quota", None)
            jobs_from = quota if quota is not None else capacity
            self.report = ReportDialog(
                history.path if history is not None else None,
                self.tz,
                self.services.settings.accounting,
                self.services.inventory.centre_name,
                parent=self.window,
                energy=self.services.settings.energy,
                job_history=getattr(jobs_from, "job_history", None),
                scheduler=self.services.scheduler,
            )
        if self.report.isVisible():  # already open, maybe behind the main window
            self.report.raise_()
            self.report.activateWindow()
        self.report.show()
        return self.report

    def _connect_capacity(self, window: MainWindow, services: Services) -> None:
        """The rebalance board and audit tabs, when the session has a capacity service."""
        if services.quota is not None:  # quota mode: the board moves GPU caps, not nodes
            self._connect_quota(window, services)
            return
        capacity = services.capacity
        if capacity is None:
            return
        board = RebalanceBoard(capacity, self.tz)
        audit = AuditView(capacity.audit, self.tz, capacity.policy)
        board.applied.connect(lambda _: audit.refresh())

        def undo(plan_id: str) -> None:
            window.tabs.setCurrentWidget(board)
            board.ask_undo(plan_id)

        audit.undo_requested.connect(undo)
        window.add_capacity(board, audit)
        window.closing.connect(board.shutdown)
        board.recovery.refresh()
        if board.recovery.pending:  # a crash cut an apply short: start where it is settled
            window.tabs.setCurrentWidget(board)

    def _connect_quota(self, window: MainWindow, services: Services) -> None:
        quota = services.quota
        board = QuotaBoard(quota, self.tz)
        audit = AuditView(quota.audit, self.tz, quota.policy)
        board.applied.connect(lambda _: audit.refresh())
        # the cards show caps from the core's one reader of them, and the board's own reads
        window.cards.set_quota_mode(True)
        self.quota_feed = QuotaFeed(lambda: services.quota_follower, [window.cards], window)
        board.worker.state_read.connect(self.quota_feed.show)
        board.applied.connect(lambda _: self._refresh_quota_follower())
        window.closing.connect(self.quota_feed.shutdown)
        self.quota_feed.start()
        board.recovery.refresh()
        if board.recovery.pending:  # a crash cut a cap change short: start where it is settled
            window.tabs.setCurrentWidget(board)

        def undo(plan_id: str) -> None:
            window.tabs.setCurrentWidget(board)
            board.ask_undo(plan_id)

        audit.undo_requested.connect(undo)
        window.add_capacity(board, audit)
        window.closing.connect(board.shutdown)

    def _refresh_quota_follower(self) -> None:
        """After an apply the alert rule's caps are read again now, not in 15 s."""
        if self.services.quota_follower is not None:
            self.services.quota_follower.refresh()

    def open_node(self, name: str) -> NodeDetail:
        """The node's window (one per node): built, then the node watched, so it says it waits
        for the node's next whole sample until one comes."""
        dialog = self.details.get(name)
        if dialog is None:
            dialog = NodeDetail(name, self.services, self.queries, self.tz, parent=self.window)
            latest = self.services.bridge.latest
            if latest is not None:
                dialog.show_snapshot(latest)
            dialog.closed.connect(self._node_closed)
            self.details[name] = dialog
            self.services.watch_node(name)
            dialog.show()
        else:  # already open, maybe behind the main window
            dialog.raise_()
            dialog.activateWindow()
        return dialog

    def _show_details(self, snap: FleetSnapshot) -> None:
        for dialog in list(self.details.values()):
            dialog.show_snapshot(snap)

    def _node_closed(self, name: str) -> None:
        dialog = self.details.pop(name, None)
        self.services.unwatch_node(name)
        if self.queries is not None:
            self.queries.forget(f"node:{name}")
        if dialog is not None:
            dialog.deleteLater()

    def _closing(self) -> None:
        for dialog in list(self.details.values()):
            dialog.close()
        if self.report is not None:
            self.report.shutdown()
        if self.queries is not None:
            self.queries.shutdown()

    def _finish(self, options: Options) -> None:
        if options.screenshot is not None and not save_screenshot(self.window, options.screenshot):
            self.exit_code = 1
        self.window.close()
        self.app.quit()

    def exec(self) -> int:
        rc = self.app.exec()
        return rc or self.exit_code
