"""The one QApplication and window screenshots: shared by the window and the kiosk front-ends."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from console.paths import resource
from widgets.common.gui_thread_gc import collect_on_gui_thread
from widgets.common.theme import apply_theme

log = logging.getLogger(__name__)
DESKTOP_ID = "kr.seoul.hangang.Console"  # packaging/linux/<id>.desktop, <id>.metainfo.xml


def save_screenshot(window: QWidget, path: Path) -> bool:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(path), "PNG")
    if not ok:
        log.error("could not write screenshot %s", path)
    return ok


def qt_application(argv: list[str], theme: str) -> QApplication:
    """The one QApplication, named and themed (the window and the kiosk share it)."""
    app = QApplication.instance() or QApplication(argv)
    app.setApplicationName("hangang-console")
    app.setApplicationDisplayName("Hangang Console")
    app.setOrganizationName("Hangang AI Center")
    # the desktop entry's id: docks and taskbars group the window under the installed launcher
    app.setDesktopFileName(DESKTOP_ID)
    app.setWindowIcon(QIcon(str(resource("icons", "hangang-console.svg"))))
    apply_theme(app, theme)
    collect_on_gui_thread(app)  # never in a worker thread: see gui_thread_gc.py
    return app
