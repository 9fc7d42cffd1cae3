"""History in the window: time ranges and their sources, node detail, accounting, CSV export.

The console runs for real on the demo fleet (sim → poller → bridge → fleet → widgets) over a
history store that `hangang-console simulate` first filled with the demo fleet's last three days,
so long ranges read real SQLite rollups through the real query worker.
"""

from __future__ import annotations

import math
import time
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QLocale, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from console.app import build_services, run_command
from console.cli import parse_args
from console.fleet.model import SECTORS, NodeStatus
from tests.qt.waiting import wait_for_data
from widgets.common.csv_export import VALUE_ROLE, number_text
from widgets.fleet.node_table import Col
from widgets.history.time_range import (
    COARSE_RES,
    FINE_RES,
    LIVE,
    TimeRange,
    TimeRangeBar,
    plan,
    source_for,
)
from widgets.window.frontend import WindowFrontend

TIMEOUT_MS = 15_000
NODES = 12
SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory) -> Path:
    """Three days of the demo fleet's past (the last three hours at 1-min resolution)."""
    path = tmp_path_factory.mktemp("history")
    rc = run_command(
        "simulate",
        ["--nodes", str(NODES), "--days", "3", "--fine-hours", "3", "--data-dir", str(path)],
    )
    assert rc == 0
    return path


def start_console(qtbot, data_dir: Path):
    options = parse_args(
        ["--demo", str(NODES), "--interval", "0.2", "--lang", "en", "--data-dir", str(data_dir)]
    )
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options)
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    return frontend, services


@pytest.fixture
def console(qtbot, history_dir):
    frontend, services = start_console(qtbot, history_dir)
    yield frontend, services
    services.stop()
    frontend.window.close()  # closes node windows, waits for queries in flight
    frontend.translations.set_language("en")  # the translator belongs to the shared app


def saver(tmp_path: Path, written: list[Path]):
    """An ask_save_path that answers at once (no dialog), remembering the file names asked."""

    def ask(parent, suggested: str) -> Path:
        path = tmp_path / suggested
        written.append(path)
        return path

    return ask


def double_click(qtbot, widget, pos: QPoint) -> None:
    """What a mouse sends for a double-click: press, release, double-click, release (QTest's
    mouseDClick sends only the MouseButtonDblClick)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=pos)


def loaded(plot, res: int) -> bool:
    return (
        plot.source == res
        and plot.arrays.source == res
        and not plot.queries.busy("sector-plot")
        and len(plot.arrays.t) > 0
    )


# -- which source a range reads ---------------------------------------------------------------


def test_ranges_map_to_sources():
    now = 1_800_000_000.0
    assert source_for(now - 900, now, now) == LIVE
    assert source_for(now - 3600, now, now) == LIVE
    assert source_for(now - 6 * 3600, now, now) == FINE_RES
    assert source_for(now - 86400, now, now) == FINE_RES
    assert source_for(now - 7 * 86400, now, now) == COARSE_RES
    assert source_for(now - 90 * 86400, now, now) == COARSE_RES
    # a short range three days ago: the 1-min rows are gone, only 15-min rows remain
    assert source_for(now - 3 * 86400, now - 3 * 86400 + 1800, now) == COARSE_RES
    # zoomed into an hour of yesterday: 1-min rows
    assert source_for(now - 86400, now - 86400 + 3600, now) == FINE_RES
    # memory that does not reach back far enough: the 1-min rollups instead
    assert source_for(now - 3600, now, now, live_since=now - 600) == FINE_RES
    assert source_for(now - 900, now, now, live_since=now - 1000) == LIVE
    # a fixed range already loaded is not asked for again; a wider one is, with room to pan
    rng = TimeRange.fixed(now - 7200, now - 3600)
    assert plan(rng, now, (FINE_RES, now - 10_800, now)) == (FINE_RES, None)
    assert plan(rng, now, None) == (FINE_RES, (now - 9000, now - 1800))


def test_custom_range_comes_from_the_dialog(qtbot):
    bar = TimeRangeBar(SEOUL)
    qtbot.addWidget(bar)
    asked = []
    bar.ask_custom = lambda parent, tz, t0, t1: asked.append((t0, t1)) or (1000.0, 5000.0)
    with qtbot.waitSignal(bar.range_chosen) as blocker:
        bar.buttons["custom"].click()
    assert blocker.args[0] == TimeRange.fixed(1000.0, 5000.0)
    assert bar.buttons["custom"].isChecked() and len(asked) == 1
    bar.ask_custom = lambda *_: None  # cancelled: the range stays
    bar.buttons["custom"].click()
    assert bar.current == TimeRange.fixed(1000.0, 5000.0)


# -- the sector plot --------------------------------------------------------------------------


def test_range_switches_between_memory_and_sqlite(qtbot, console):
    frontend, services = console
    plot = frontend.window.plot
    snap = wait_for_data(qtbot, services)
    assert plot.source == LIVE and plot.loaded is None
    assert plot.arrays.t[-1] >= snap.t - 1  # the live series, up to now

    plot.ranges.buttons["24h"].click()
    assert plot.source == FINE_RES
    qtbot.waitUntil(lambda: loaded(plot, FINE_RES), timeout=TIMEOUT_MS)
    assert set(np.diff(plot.arrays.t)) == {60.0}
    assert plot.arrays.t[0] <= time.time() - 2.5 * 3600  # simulated, before this console ran
    curve = plot.curves["in_use", SECTORS[0]]
    np.testing.assert_array_equal(curve.xData, plot.arrays.t)

    plot.ranges.buttons["30d"].click()
    assert plot.source == COARSE_RES
    qtbot.waitUntil(lambda: loaded(plot, COARSE_RES), timeout=TIMEOUT_MS)
    assert set(np.diff(plot.arrays.t)) == {900.0}
    assert plot.arrays.t[0] <= time.time() - 2.9 * 86400
    x0, x1 = plot.visible_range()
    assert x1 - x0 == pytest.approx(30 * 86400, rel=1e-3)

    # the operator clicks on before the first answer came: it arrives stale and is dropped
    dropped = plot.queries.dropped
    plot.ranges.buttons["24h"].click()
    plot.ranges.buttons["7d"].click()
    qtbot.waitUntil(lambda: not plot.queries.busy("sector-plot"), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: plot.queries.dropped > dropped, timeout=TIMEOUT_MS)
    assert plot.arrays.source == COARSE_RES and plot.range.key == "7d"

    plot.ranges.buttons["15m"].click()
    assert plot.source == LIVE and not plot.queries.busy("sector-plot")
    qtbot.waitUntil(lambda: plot.arrays.source == LIVE, timeout=TIMEOUT_MS)


def test_zooming_out_with_the_wheel_moves_to_rollups(qtbot, console):
    frontend, services = console
    plot = frontend.window.plot
    wait_for_data(qtbot, services)
    plot.ranges.buttons["1h"].click()
    assert plot.source == LIVE
    viewport = plot.view.viewport()
    box = plot.gpu_plot.getViewBox()
    centre = plot.view.mapFromScene(box.mapToScene(box.boundingRect().center()))
    for _ in range(3):  # three notches out: 1 h × 1.02^45 ≈ 2.4 h
        event = QWheelEvent(
            QPointF(centre),
            QPointF(viewport.mapToGlobal(centre)),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)
    # the view stops following at once; when zoom settles the source follows the new span
    assert plot.range.key == "custom"
    qtbot.waitUntil(lambda: plot.source == FINE_RES, timeout=5000)
    x0, x1 = plot.visible_range()
    assert x1 - x0 > 3600
    assert plot.ranges.buttons["custom"].isChecked()
    qtbot.waitUntil(lambda: loaded(plot, FINE_RES), timeout=TIMEOUT_MS)
    assert plot.arrays.t[0] <= x0  # asked with room to pan
    assert plot.arrays.t[-1] >= min(x1, time.time()) - 180  # up to the last minute written


def test_plot_csv_holds_what_the_curves_show(qtbot, console, tmp_path):
    frontend, services = console
    plot = frontend.window.plot
    wait_for_data(qtbot, services)
    written: list[Path] = []
    plot.ask_save_path = saver(tmp_path, written)
    for key, res in (("15m", LIVE), ("24h", FINE_RES)):
        plot.ranges.buttons[key].click()
        qtbot.waitUntil(lambda res=res: plot.arrays.source == res, timeout=TIMEOUT_MS)
        if res != LIVE:
            qtbot.waitUntil(lambda res=res: loaded(plot, res), timeout=TIMEOUT_MS)
        plot.export_button.click()
        csv = pd.read_csv(written[-1])
        assert written[-1].name.startswith("hangang-sectors-")
        assert list(csv.columns) == [
            "time",
            "t",
            "sector",
            "allocated_gpus",
            "in_use_gpus",
            "entitled_gpus",
            "util_pct",
        ]
        assert csv["time"].iloc[0].endswith("+09:00")  # Seoul time
        x0, x1 = plot.visible_range()
        for sector in SECTORS:
            rows = csv[csv["sector"] == sector.value]
            assert len(rows) > 0
            for field, column in (("in_use", "in_use_gpus"), ("util", "util_pct")):
                curve = plot.curves[field, sector]
                x, y = curve.xData, curve.yData
                keep = (x >= x0) & (x <= x1) & np.isfinite(y)
                shown = pd.Series(y[keep], index=np.round(x[keep], 3))
                exported = rows.set_index("t")[column].dropna()
                assert len(exported) == len(shown)
                np.testing.assert_allclose(exported.index, shown.index, atol=1e-3)
                np.testing.assert_allclose(exported.to_numpy(), shown.to_numpy(), atol=1e-3)


# -- node detail ------------------------------------------------------------------------------


def test_node_detail_opens_on_double_click_with_processes(qtbot, console, tmp_path):
    frontend, services = console
    window = frontend.window
    snap = wait_for_data(qtbot, services)
    busy = np.nansum(snap.gpu_util > 3, axis=1) * (snap.node_status == NodeStatus.LIVE)
    name = snap.node_names[int(np.argmax(busy))]
    table = window.table
    table.search.setText(name)
    index = table.proxy.index(0, Col.NODE)
    assert table.proxy.data(index) == name
    double_click(qtbot, table.view.viewport(), table.view.visualRect(index).center())
    dialog = frontend.details[name]
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.proc_note.text() == "Waiting for the node's next sample…"

    qtbot.waitUntil(lambda: dialog.processes.rowCount() > 0, timeout=TIMEOUT_MS)
    inventory = services.inventory
    node_org = next(n.organisation for n in inventory.nodes if n.name == name)
    frame = dialog.processes.frame
    for row in range(dialog.processes.rowCount()):
        user = dialog.processes.data(dialog.processes.index(row, 2))
        org = dialog.processes.data(dialog.processes.index(row, 3))
        expected = inventory.organisation_of_user(user) or node_org
        assert org == expected.name_en, (user, org)
    assert set(frame["pid"]) and frame["user"].str.len().min() > 0
    assert dialog.gpus.rowCount() == 8
    assert "processes" in dialog.proc_note.text()

    written: list[Path] = []
    dialog.set_ask_save_path(saver(tmp_path, written))
    dialog.proc_export.click()
    csv = pd.read_csv(written[-1])
    assert list(csv["organisation"]) == list(frame["organisation"])
    assert list(csv["pid"]) == list(frame["pid"])
    dialog.gpu_export.click()
    check_csv_matches_table(written[-1], dialog.gpus)

    # its history: the console started seconds ago, so its memory does not reach back an hour
    # and "1 h" reads the 1-min rollups; the last minute is in memory, every GPU at full rate
    history = dialog.history
    assert history.range.key == "1h" and history.source == FINE_RES
    qtbot.waitUntil(lambda: len(history.t) > 30, timeout=TIMEOUT_MS)
    now = services.bridge.latest.t
    history.set_range(TimeRange.fixed(now - 60, now))
    assert history.source == LIVE
    qtbot.waitUntil(lambda: len(history.t) > 3, timeout=TIMEOUT_MS)
    assert set(history.lines) == {f"gpu{g}" for g in range(8)}
    dialog.history.ranges.buttons["24h"].click()
    qtbot.waitUntil(
        lambda: dialog.history.source == FINE_RES and len(dialog.history.t) > 60,
        timeout=TIMEOUT_MS,
    )
    assert set(dialog.history.lines) == {"mean", "max"}
    dialog.history.export_button.click()
    csv = pd.read_csv(written[-1])
    shown = dialog.history.lines["mean"]
    assert np.nanmean(csv["mean"]) == pytest.approx(np.nanmean(shown), abs=1e-2)

    dialog.close()
    assert name not in frontend.details
    assert services.node_detail(name) is None  # no longer watched


def test_heatmap_double_click_opens_the_cells_node(qtbot, console):
    frontend, services = console
    heatmap = frontend.window.heatmap
    snap = wait_for_data(qtbot, services)
    qtbot.waitUntil(lambda: heatmap.layout_ is not None, timeout=5000)
    lay = heatmap.layout_
    ys, xs = np.nonzero(lay.cell_node == 0)
    scene = heatmap.box.mapViewToScene(QPointF(xs[0] + 0.5, ys[0] + 0.5))
    pos = heatmap.view.mapFromScene(scene)
    double_click(qtbot, heatmap.view.viewport(), pos)
    name = snap.node_names[0]
    qtbot.waitUntil(lambda: name in frontend.details, timeout=5000)
    assert frontend.details[name].isVisible()


# -- accounting -------------------------------------------------------------------------------


def test_accounting_table_and_csv(qtbot, console, tmp_path):
    frontend, services = console
    window = frontend.window
    wait_for_data(qtbot, services)
    view = window.accounting
    window.accounting_action.trigger()
    assert window.tabs.currentWidget() is view
    assert view.preset.currentData() == "month"  # this month by default
    assert view.period()[0].day == 1
    today = date.today()
    view.set_period(today - timedelta(days=4), today)
    qtbot.waitUntil(
        lambda: view.result is not None and view.result.t0 < time.time() - 3 * 86400,
        timeout=TIMEOUT_MS,
    )
    model = view.model
    assert model.rowCount() == 4  # three sectors and the total
    names = [model.data(model.index(r, 0)) for r in range(4)]
    assert names == ["Public", "Public-interest", "Private", "Total"]
    used = [model.data(model.index(r, 5), VALUE_ROLE) for r in range(4)]
    assert all(u > 0 for u in used)
    assert used[3] == pytest.approx(sum(used[:3]), abs=0.2)  # rounded as shown

    written: list[Path] = []
    view.ask_save_path = saver(tmp_path, written)
    view.export_button.click()
    check_csv_matches_table(written[-1], model)

    view.by.setCurrentIndex(1)  # by organisation
    qtbot.waitUntil(lambda: view.result is not None and view.result.by == "org", timeout=TIMEOUT_MS)
    orgs = {model.data(model.index(r, 1)) for r in range(model.rowCount() - 1)}
    known = {o.name_en for o in services.inventory.organisations}
    assert orgs and orgs <= known
    view.export_button.click()
    csv = check_csv_matches_table(written[-1], model)
    assert "org" in csv.columns and csv["sector"].iloc[-1] == "total"


def check_csv_matches_table(path: Path, model) -> pd.DataFrame:
    csv = pd.read_csv(path, keep_default_na=False, na_values=[""])
    assert len(csv) == model.rowCount()
    locale = QLocale.system()
    for col, column in enumerate(model.columns):
        for row in range(model.rowCount()):
            shown = model.data(model.index(row, col))
            value = csv[column.key].iloc[row]
            if column.digits is None:
                assert ("" if pd.isna(value) else str(value)) == shown
            elif isinstance(value, float) and math.isnan(value):
                assert shown == "–"
            else:
                assert value == pytest.approx(model.data(model.index(row, col), VALUE_ROLE))
                assert shown == number_text(value, column.digits)
                assert shown == locale.toString(float(value), "f", column.digits)
    return csv


def test_history_widgets_follow_the_language(qtbot, console):
    frontend, services = console
    window = frontend.window
    snap = wait_for_data(qtbot, services)
    dialog = frontend.open_node(snap.node_names[0])
    window.language_actions["ko"].trigger()
    qtbot.waitUntil(lambda: window.plot.title.text() == "부문별 GPU 수와 사용률", timeout=5000)
    assert window.plot.ranges.buttons["24h"].text() == "24시간"
    assert window.tabs.tabText(1) == "사용량 정산"
    assert window.accounting.by.currentText() == "부문별"
    qtbot.waitUntil(lambda: dialog.windowTitle() == f"노드 {snap.node_names[0]}", timeout=5000)
    assert dialog.gpus.headerData(6, Qt.Orientation.Horizontal) == "사용 기관"
    window.language_actions["en"].trigger()
    qtbot.waitUntil(lambda: window.plot.title.text() == "GPUs and utilisation per sector")


# -- the status bar ---------------------------------------------------------------------------


def test_status_bar_says_when_history_is_not_saved(qtbot, tmp_path):
    (tmp_path / "history.sqlite").mkdir()  # a directory where the database should be
    frontend, services = start_console(qtbot, tmp_path)
    try:
        status = frontend.window.status
        qtbot.waitUntil(lambda: status.history.isVisible(), timeout=TIMEOUT_MS)
        assert status.history.toolTip().startswith("History not saved: ")
        assert "history.sqlite" in status.history.toolTip()
        before = status.clock.text()
        qtbot.waitUntil(lambda: status.clock.text() != before, timeout=5000)  # still polling
        assert "live" in status.nodes.text()
    finally:
        services.stop()
        frontend.window.close()
