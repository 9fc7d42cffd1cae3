"""The light theme next to the dark one: chosen by --theme, the settings, else the desktop's
colour scheme; plots and the heatmap follow it; the kiosk stays dark."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import Sector
from console.settings import Settings
from tests.qt.waiting import wait_for_data
from widgets.common.theme import (
    DARK,
    LIGHT,
    SECTOR_COLORS,
    apply_theme,
    choose_theme,
    colours,
    current_theme,
)
from widgets.window.frontend import WindowFrontend
from widgets.window.retheme import restyle_plots


@pytest.fixture
def dark_after(qapp):
    yield qapp
    apply_theme(qapp, "dark")  # the next test starts as the others expect
    qapp.styleHints().unsetColorScheme()


def open_console(qtbot, tmp_path, *args: str, theme: str | None = None):
    options = parse_args(["--demo", "12", "--interval", "0.3", "--lang", "ko", *args])
    frontend = WindowFrontend()
    frontend.create_application([])
    settings = Settings(path=tmp_path / "settings.toml", theme=theme)
    services = build_services(options, settings=settings)
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    return frontend, services


def test_settings_light_draws_plots_and_heatmap_light(qtbot, tmp_path, dark_after):
    frontend, services = open_console(qtbot, tmp_path, theme="light")
    services.start()
    try:
        window = frontend.window
        assert current_theme() == "light" and colours() is LIGHT
        assert "#f6f7f9" in QApplication.instance().styleSheet()
        assert window.heatmap.view.backgroundBrush().color() == LIGHT.background
        assert window.plot.view.backgroundBrush().color() == LIGHT.background
        axis = window.plot.util_plot.getAxis("left")
        assert axis.textPen().color() == LIGHT.text
        assert SECTOR_COLORS[Sector.PRIVATE] != DARK.background  # a table, answering light
        snap = wait_for_data(qtbot, services)
        assert snap.node_count == 12
        label = window.heatmap.sector_labels[0]
        assert label.color == SECTOR_COLORS[Sector.PUBLIC]
    finally:
        services.stop()
        frontend.translations.set_language("en")


def test_option_wins_over_settings(qtbot, tmp_path, dark_after):
    frontend, services = open_console(qtbot, tmp_path, "--theme", "dark", theme="light")
    assert current_theme() == "dark"
    assert frontend.window.plot.view.backgroundBrush().color() == DARK.background
    services.stop()
    frontend.translations.set_language("en")


def test_follows_the_desktop_unless_settings_choose(dark_after):
    app = dark_after
    hints = app.styleHints()
    hints.setColorScheme(Qt.ColorScheme.Light)
    if hints.colorScheme() != Qt.ColorScheme.Light:  # the platform may not take the request
        assert choose_theme(app, None) == "dark"
    else:
        assert choose_theme(app, None) == "light"
        assert choose_theme(app, "dark") == "dark"
    hints.setColorScheme(Qt.ColorScheme.Dark)
    assert choose_theme(app, None) == "dark"
    assert choose_theme(app, "light") == "light"


def test_kiosk_theme_is_dark(dark_after):
    apply_theme(dark_after, "light")
    assert SECTOR_COLORS[Sector.PRIVATE].name() == "#a35200"
    apply_theme(dark_after, "kiosk")
    assert colours() is DARK and SECTOR_COLORS[Sector.PRIVATE].name() == "#ffab00"


def test_a_desktop_change_while_open_restyles_the_plots(qtbot, tmp_path, dark_after):
    frontend, services = open_console(qtbot, tmp_path)  # no choice: the desktop's (unknown)
    window = frontend.window
    try:
        assert current_theme() == "dark"
        # the offscreen platform cannot change its scheme: what follow_desktop does after
        # choose_theme answered "light"
        apply_theme(dark_after, "light")
        restyle_plots(window)
        assert window.plot.view.backgroundBrush().color() == LIGHT.background
        assert window.heatmap.view.backgroundBrush().color() == LIGHT.background
        assert window.plot.gpu_plot.getAxis("left").textPen().color() == LIGHT.text
        assert "#eef0f4" in window.plot.ranges.styleSheet()
        # the desktop's signal reaches the window: its scheme (unknown) asks for dark again
        dark_after.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        assert current_theme() == "dark"
        assert window.plot.view.backgroundBrush().color() == DARK.background
    finally:
        window.close()
        services.stop()
        frontend.translations.set_language("en")
    dark_after.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)  # window gone: nothing
