"""The kiosk front-end (`hangang-console --kiosk`): the wall display of the centre.

Same interface as WindowFrontend (console/app.py loads it through the `kiosk` entry point): the
kiosk theme, Korean unless --lang says otherwise, and one KioskWindow filling the chosen screen.
It refuses to open on an access policy that would allow any write action.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication

from console.access import Action
from console.cli import Options
from console.services import Services
from widgets.capacity.quota_feed import QuotaFeed
from widgets.common.application import qt_application, save_screenshot
from widgets.common.i18n import Translations
from widgets.common.queue_views import QueueViews
from widgets.fleet.sector_energy import TodayReader
from widgets.kiosk.demo_control import DemoControl
from widgets.kiosk.window import KioskWindow

log = logging.getLogger(__name__)
DEFAULT_LANGUAGE = "ko"
PAGE_PLACEHOLDER = "{page}"  # --screenshot 'wall-{page}.png' saves every page


def choose_screen(index: int | None) -> QScreen:
    screens = QGuiApplication.screens()
    if index is not None:
        if 0 <= index < len(screens):
            return screens[index]
        log.warning("there is no screen %d (%d found); using the primary one", index, len(screens))
    return QGuiApplication.primaryScreen()


class KioskFrontend:
    def __init__(self) -> None:
        self.app: QApplication | None = None
        self.window: KioskWindow | None = None
        self.translations: Translations | None = None
        self.control: DemoControl | None = None  # --demo-control only
        self.quota_feed: QuotaFeed | None = None  # quota mode: caps on the sector pages
        self.exit_code = 0

    def create_application(self, argv: list[str]) -> None:
        self.app = qt_application(argv, "kiosk")

    def open(self, services: Services, options: Options, started_at: float) -> None:
        writable = [a.value for a in Action if services.policy.allows(a)]
        if writable:
            raise RuntimeError(f"the kiosk needs a read-only access policy; it allows {writable}")
        self.translations = Translations(self.app)
        self.translations.set_language(options.lang or DEFAULT_LANGUAGE)
        window = KioskWindow(ZoneInfo(options.tz), services.settings.kiosk, options.rotate)
        services.bridge.snapshot_ready.connect(window.show_snapshot)
        window.problem_source = services.source_problem
        window.exit_requested.connect(self.app.quit)
        self._connect_energy(window, services)
        if services.scheduler is not None:  # Slurm's queue and waits on the sector pages
            feed = QueueViews(window)
            for page in window.pages:
                if hasattr(page, "show_scheduler"):
                    feed.view_ready.connect(page.show_scheduler)
            feed.attach(services.scheduler)
        if services.quota is not None:
            self.quota_feed = QuotaFeed(lambda: services.quota_follower, window.pages, window)
            for page in window.pages:  # caps, not node allocation, on the overview's cards
                if hasattr(page, "cards"):
                    page.cards.set_quota_mode(True)
            window.exit_requested.connect(self.quota_feed.shutdown)
            self.quota_feed.start()
        view = services.incident_view  # the room's incidents when attached to a room
        if view is not None:  # the attention page lists open incidents
            for page in window.pages:
                if hasattr(page, "set_incident_source"):
                    page.set_incident_source(view.incidents)
        if options.timing:
            window.first_frame.connect(
                lambda: print(
                    f"first frame with data: {time.time() - started_at:.2f} s after process start",
                    file=sys.stderr,
                    flush=True,
                )
            )
        screen = choose_screen(options.screen)
        window.setScreen(screen)
        # no window manager honours showFullScreen() alone (Xvfb): take the screen's geometry too
        # and never grow past it (fixed: a long text squeezes the page, not the window)
        window.setGeometry(screen.geometry())
        window.setFixedSize(screen.geometry().size())
        window.showFullScreen()
        self.window = window
        if options.demo_control:
            self.control = DemoControl(services.sources, lambda: self._finish(options), window)
            self.control.listen(sys.stdin)
        if options.quit_after is not None:
            QTimer.singleShot(int(options.quit_after * 1000), window, lambda: self._finish(options))
        elif options.screenshot is not None:
            QTimer.singleShot(5000, window, lambda: self.save(options.screenshot))

    @staticmethod
    def _connect_energy(window: KioskWindow, services: Services) -> None:
        """Today's kWh from the local history, one reader for every page that shows it."""
        history = services.history
        if history is None:
            return
        reader = TodayReader(history.energy_today)
        for page in window.pages:
            if hasattr(page, "set_energy_today"):
                page.set_energy_today(reader)

    def save(self, path: Path) -> bool:
        """Save what the wall shows; with {page} in the name, one picture per page."""
        window = self.window
        if PAGE_PLACEHOLDER not in path.name:
            return save_screenshot(window, path)
        ok = True
        shown = window.stack.currentIndex()
        for index, page in enumerate(window.pages):
            window.show_page(index)
            self.app.processEvents()  # lay the page out at its real size …
            if window.latest is not None:
                page.show_snapshot(window.latest)  # … and draw it for that size
            name = path.name.replace(PAGE_PLACEHOLDER, page.page_id)
            ok = save_screenshot(window, path.with_name(name)) and ok
        window.show_page(shown)
        return ok

    def _finish(self, options: Options) -> None:
        if options.screenshot is not None and not self.save(options.screenshot):
            self.exit_code = 1
        self.window.leave()
        self.app.quit()

    def exec(self) -> int:
        rc = self.app.exec()
        if self.quota_feed is not None:
            self.quota_feed.shutdown()
        return rc or self.exit_code
