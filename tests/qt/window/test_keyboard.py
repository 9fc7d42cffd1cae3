"""Keyboard and accessibility: Ctrl+F, F11, the Help menu (About, shortcut list), an accessible
name on every control of the real window (capacity tabs included)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QSpinBox,
)

from console.app import build_services
from console.cli import parse_args, program_version
from console.settings import Settings
from widgets.window.frontend import WindowFrontend

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QSpinBox, QAbstractItemView)


@pytest.fixture
def console(qtbot, tmp_path):
    options = parse_args(
        ["--demo", "12", "--interval", "0.5", "--lang", "en", "--data-dir", str(tmp_path)]
    )
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options, settings=Settings(path=tmp_path / "settings.toml"))
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    qtbot.waitExposed(frontend.window)
    services.start()
    yield frontend, services
    services.stop()
    frontend.translations.set_language("en")


def unnamed(window) -> list[str]:
    """Controls a screen reader could not name: no accessible name, no text, no tooltip."""
    out, seen = [], set()
    for kind in CONTROLS:
        for w in window.findChildren(kind):
            if id(w) in seen:
                continue
            seen.add(id(w))
            text = w.text() if isinstance(w, QAbstractButton | QLineEdit) else ""
            if not (w.accessibleName() or text or w.toolTip()):
                parent = w.parent()
                out.append(f"{type(w).__name__} {w.objectName()!r} in {type(parent).__name__}")
    return out


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_control_has_an_accessible_name(qtbot, console, lang):
    frontend, _ = console
    frontend.translations.set_language(lang)
    window = frontend.window
    assert window.board is not None  # the demo has capacity: its tabs are walked too
    for i in range(window.tabs.count()):  # every tab built and shown once
        window.tabs.setCurrentIndex(i)
    assert unnamed(window) == []


def test_ctrl_f_focuses_the_node_filter_from_any_tab(qtbot, console):
    frontend, _ = console
    window = frontend.window
    window.activateWindow()
    window.tabs.setCurrentWidget(window.accounting)
    QTest.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.table
    qtbot.waitUntil(lambda: window.table.search.hasFocus(), timeout=5000)


def test_f11_toggles_full_screen(qtbot, console):
    window = console[0].window
    window.full_screen_action.trigger()
    qtbot.waitUntil(window.isFullScreen, timeout=5000)
    assert window.full_screen_action.isChecked()
    window.full_screen_action.trigger()
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5000)
    assert window.full_screen_action.shortcut().toString() == "F11"


def test_help_about_and_shortcut_list(qtbot, console):
    window = console[0].window
    menu = window.help_menu
    assert menu.title() == "&Help" and menu.menuAction() in window.menuBar().actions()
    menu.about_action.trigger()
    about = menu.dialog
    assert isinstance(about, QMessageBox) and about.isVisible()
    assert program_version() in about.text() and "Apache-2.0" in about.text()
    assert not about.iconPixmap().isNull()
    assert not QApplication.windowIcon().isNull()

    menu.shortcuts_action.trigger()
    dialog = menu.dialog
    assert dialog.isVisible() and not about.isVisible()
    table = dialog.table
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Find node…"] == "Ctrl+F"
    assert rows["Full screen"] == "F11"
    assert rows["Capacity"] == "Ctrl+4"
    assert rows["Rebalance board: move selected nodes to Private"] == "Ctrl+3"
    dialog.close()


def test_menu_words_lose_their_mnemonics():
    from widgets.window.help_menu import plain_text

    assert plain_text("&Quit") == "Quit"
    assert plain_text("R&eport && print…") == "Report & print…"
    assert plain_text("\uc885\ub8cc(&Q)") == "\uc885\ub8cc"  # Korean puts the key in brackets
