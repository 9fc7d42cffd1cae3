"""The window reopens the way it was closed (QSettings in the test's own directory), and View →
Reset layout puts back the window as first built."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QSplitter

from console.app import build_services
from console.cli import parse_args
from widgets.common.header_menu import column_menu
from widgets.fleet.node_table import Col
from widgets.history.time_range import TimeRange
from widgets.window.frontend import WindowFrontend
from widgets.window.layout_state import range_from_text, range_text


def open_console(qtbot, *args: str):
    options = parse_args(["--demo", "12", "--interval", "0.2", *args])
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options)
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    qtbot.waitExposed(frontend.window)
    return frontend, services


def layout_of(window) -> dict:
    header = window.table.view.horizontalHeader()
    return {
        "tab": window.tabs.currentIndex(),
        "sort": (header.sortIndicatorSection(), header.sortIndicatorOrder()),
        "org_width": header.sectionSize(Col.ORG),
        "cpu_hidden": header.isSectionHidden(Col.CPU),
        # the offscreen screen is 800 px wide, so Qt narrows a restored window: heights only
        "height": window.height(),
        "body": window.findChild(QSplitter, "BodySplitter").sizes(),
        "range": window.plot.range.key,
        "alerts_sort": window.alerts.view.horizontalHeader().sortIndicatorSection(),
    }


def test_window_reopens_as_closed_and_reset_restores_defaults(qtbot, qsettings_dir):
    frontend, services = open_console(qtbot)
    window = frontend.window
    defaults = layout_of(window)
    assert defaults["tab"] == 0 and defaults["range"] == "15m"
    window.resize(1000, 700)
    window.tabs.setCurrentWidget(window.alerts)
    window.table.view.sortByColumn(Col.UTIL, Qt.SortOrder.DescendingOrder)
    header = window.table.view.horizontalHeader()
    header.resizeSection(Col.ORG, 213)
    menu = column_menu(window.table.view)  # right-click on the header
    cpu = next(a for a in menu.actions() if a.text() == "CPU %")
    assert cpu.isChecked()
    cpu.toggle()
    assert header.isSectionHidden(Col.CPU)
    window.alerts.view.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    window.findChild(QSplitter, "BodySplitter").setSizes([200, 400])
    window.plot.ranges.choose(TimeRange.preset("6h"))
    window.language_requested.emit("ko")  # View → Language → 한국어
    closed = layout_of(window)
    assert closed["body"] != defaults["body"]
    window.close()
    services.stop()
    frontend.translations.set_language("en")  # this window's translators leave with it
    assert "layout" in QSettings().childGroups()
    assert (qsettings_dir / "Hangang AI Center" / "hangang-console.conf").is_file()

    frontend, services = open_console(qtbot)  # no --lang: the one chosen in the menu
    try:
        window = frontend.window
        assert frontend.translations.language == "ko"
        assert window.language_actions["ko"].isChecked()
        assert layout_of(window) == closed
        assert window.tabs.currentWidget() is window.alerts

        window.reset_layout_action.trigger()
        reset = layout_of(window)
        assert reset.pop("org_width") != 213  # fitted to the contents again, as at first start
        defaults.pop("org_width")
        assert reset == defaults
        assert "layout" not in QSettings().childGroups()
    finally:
        window.close()
        services.stop()
        frontend.translations.set_language("en")


def test_lang_option_wins_over_remembered_language(qtbot):
    QSettings().setValue("language", "ko")
    frontend, services = open_console(qtbot, "--lang", "en")
    try:
        assert frontend.translations.language == "en"
    finally:
        frontend.window.close()
        services.stop()


def test_unknown_remembered_values_are_ignored(qtbot):
    settings = QSettings()
    settings.setValue("language", "xx")
    settings.setValue("layout/geometry", "not bytes")
    settings.setValue("layout/tab", "seven")
    settings.setValue("layout/range", "custom a b")
    frontend, services = open_console(qtbot, "--lang", "en")
    try:
        assert frontend.window.tabs.currentIndex() == 0
        assert frontend.window.plot.range.key == "15m"
    finally:
        frontend.window.close()
        services.stop()


def test_time_range_text_round_trips():
    fixed = TimeRange.fixed(1_700_000_000.0, 1_700_003_600.0)
    assert range_from_text(range_text(fixed)) == fixed
    assert range_from_text(range_text(TimeRange.preset("7d"))) == TimeRange.preset("7d")
    assert range_from_text("12y") is None
    assert range_from_text(None) is None


def test_the_last_column_shown_cannot_be_hidden(qtbot):
    frontend, services = open_console(qtbot, "--lang", "en")
    try:
        view = frontend.window.alerts.view
        header = view.horizontalHeader()
        for column in range(1, header.count()):
            header.hideSection(column)
        actions = [a for a in column_menu(view).actions() if a.isCheckable()]
        assert [a.isChecked() for a in actions].count(True) == 1
        assert not actions[0].isEnabled() and all(a.isEnabled() for a in actions[1:])
    finally:
        frontend.window.close()
        services.stop()
