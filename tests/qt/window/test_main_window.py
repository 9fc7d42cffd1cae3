"""The real window on the real demo pipeline: sim → poller → bridge → fleet → widgets."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import SECTORS, NodeStatus
from tests.qt.waiting import wait_for_data
from widgets.fleet.node_table import Col
from widgets.fleet.sector_energy import kw_text, kwh_text, sector_power_kw
from widgets.window.frontend import WindowFrontend

SNAPSHOT_TIMEOUT_MS = 15_000


@pytest.fixture
def console(qtbot):
    options = parse_args(["--demo", "48", "--interval", "0.2", "--lang", "en"])
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options)
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    yield frontend, services
    services.stop()
    frontend.translations.set_language("en")


def test_window_shows_sector_cards_from_live_data(qtbot, console):
    frontend, services = console
    window = frontend.window
    assert window.isVisible()
    snap = wait_for_data(qtbot, services)
    for summary in snap.sectors:
        card = window.cards.cards[summary.sector]
        assert card.used.text() == f"{summary.used_gpus} / {summary.allocated_gpus}"
        assert card.util.text() == f"{summary.avg_util:.0f} %"
        assert card.entitled.text().startswith(f"{summary.entitled_gpus:.0f} (")
    assert window.cards.cards[SECTORS[0]].title.text() == "Public"
    assert "live" in window.status.nodes.text()


def test_cards_show_power_now_and_todays_energy_from_the_history(qtbot, console):
    frontend, services = console
    cards = frontend.window.cards
    locale = cards.locale()

    def shown() -> bool:  # the history has counted some of today's joules, and the cards show it
        today = cards.today.value
        return today is not None and sum(today.values()) > 0

    wait_for_data(qtbot, services)
    qtbot.wait(500)  # a few frames metered
    # the store reads today's rows once its writer has a delta (at the next minute): hand it one
    services.history.flush()
    qtbot.waitUntil(shown, timeout=SNAPSHOT_TIMEOUT_MS)
    snap = services.bridge.latest
    cards.show_snapshot(snap)
    today = cards.today.value
    kw = sector_power_kw(snap)
    for i, sector in enumerate(SECTORS):
        card = cards.cards[sector]
        assert card.today.text() == kwh_text(today.get(sector.value, 0.0), locale)
        assert card.power.text() == kw_text(float(kw[i]), locale) and kw[i] > 0
    assert cards.today.source == services.history.energy_today


def test_heatmap_draws_every_gpu_and_updates(qtbot, console):
    frontend, services = console
    heatmap = frontend.window.heatmap
    first = wait_for_data(qtbot, services)
    image_a = heatmap.rgba.copy()
    assert (image_a[..., 3] > 0).sum() == 48 * 8  # one opaque cell per GPU, nothing else
    assert len(np.unique(image_a.reshape(-1, 4), axis=0)) > 5  # a picture, not a flat fill
    cards = frontend.window.cards.cards.values()
    cards_a = [c.used.text() + c.util.text() for c in cards]

    # The demo fleet's load moves at minute boundaries: let its clock run 5 minutes a second.
    sim = services.sources[0]
    start, real = sim.clock(), time.time()
    sim.clock = lambda: start + 300 * (time.time() - real)

    def moved(snap) -> bool:
        return not np.array_equal(snap.gpu_util, first.gpu_util)

    with qtbot.waitSignal(
        services.bridge.snapshot_ready, timeout=SNAPSHOT_TIMEOUT_MS, check_params_cb=moved
    ):
        pass
    qtbot.waitUntil(lambda: not np.array_equal(heatmap.rgba, image_a), timeout=5000)
    qtbot.waitUntil(
        lambda: cards_a != [c.used.text() + c.util.text() for c in cards],
        timeout=SNAPSHOT_TIMEOUT_MS,
    )


def test_heatmap_tooltip_names_node_gpu_and_values(qtbot, console):
    frontend, services = console
    heatmap = frontend.window.heatmap
    snap = wait_for_data(qtbot, services)
    lay = heatmap.layout_
    live_row = int(np.flatnonzero(snap.node_status == NodeStatus.LIVE)[0])
    ys, xs = np.nonzero((lay.cell_node == live_row) & (lay.cell_gpu == 3))
    text = heatmap.tooltip_at(int(xs[0]), int(ys[0]))
    node = heatmap.snapshot.node_names[live_row]
    assert f"<b>{node}</b> · GPU 3" in text
    for word in ("utilisation", "memory", "temperature", "power", "status: live"):
        assert word in text
    org = heatmap.snapshot.node_org[live_row]
    assert org.name_en in text
    assert heatmap.tooltip_at(-1, -1) == ""


def test_table_sorts_and_filters(qtbot, console):
    frontend, services = console
    table = frontend.window.table
    wait_for_data(qtbot, services)
    for source in services.sources:
        source.pause()  # values hold still while the sorted column is read row by row
    proxy = table.proxy
    assert proxy.rowCount() == 48

    table.view.sortByColumn(Col.UTIL, Qt.SortOrder.DescendingOrder)
    keys = [proxy.data(proxy.index(r, Col.UTIL), Qt.ItemDataRole.UserRole) for r in range(48)]
    assert keys == sorted(keys, reverse=True)

    table.search.setText("hg-r01n1")
    assert proxy.rowCount() == 1
    assert proxy.data(proxy.index(0, Col.NODE)) == "hg-r01n1"
    table.search.setText("seoul national")
    names = {proxy.data(proxy.index(r, Col.ORG)) for r in range(proxy.rowCount())}
    assert names == {"Seoul National University"}
    table.search.clear()

    table.sector_filter.setCurrentIndex(1 + SECTORS.index(SECTORS[2]))  # Private
    assert proxy.rowCount() == 12
    assert {proxy.data(proxy.index(r, Col.SECTOR)) for r in range(12)} == {"Private"}
    table.sector_filter.setCurrentIndex(0)
    assert proxy.rowCount() == 48


def test_switching_language_changes_visible_labels(qtbot, console):
    frontend, services = console
    window = frontend.window
    wait_for_data(qtbot, services)
    assert window.windowTitle().startswith("Hangang Console")
    window.language_actions["ko"].trigger()
    # Qt posts LanguageChange to every widget: wait for the window to take it
    qtbot.waitUntil(lambda: window.windowTitle().startswith("한강 콘솔"), timeout=5000)
    assert window.cards.cards[SECTORS[0]].title.text() == "공공"
    assert window.cards.cards[SECTORS[0]].used_caption.text() == "사용 중 GPU"
    assert window.table.model.headerData(Col.NODE, Qt.Orientation.Horizontal) == "노드"
    assert window.table.sector_filter.itemText(0) == "전체 부문"
    assert window.language_actions["ko"].isChecked()
    # Qt's own buttons speak Korean too (its shipped qtbase catalogue)
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, "", "", QMessageBox.StandardButton.Yes)
    assert box.button(QMessageBox.StandardButton.Yes).text() != "&Yes"
    box.deleteLater()
    snap = wait_for_data(qtbot, services)
    row = int(np.flatnonzero(snap.node_status == NodeStatus.LIVE)[0])
    assert snap.node_org[row].name_ko in window.table.model.data(
        window.table.model.index(row, Col.ORG)
    )
    window.language_actions["en"].trigger()
    qtbot.waitUntil(lambda: window.cards.cards[SECTORS[0]].title.text() == "Public", timeout=5000)
    assert window.table.model.headerData(Col.NODE, Qt.Orientation.Horizontal) == "Node"
