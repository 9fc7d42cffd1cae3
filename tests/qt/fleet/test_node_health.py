"""A node window's memory-health columns: single-bit and double-bit ECC counts and retired pages
or row remaps, from the whole sample (demo with its faults), or, in Prometheus mode, asked of the
room off the GUI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from console.app import build_services
from console.cli import parse_args
from console.sources.demo.faults import ECC
from tests.qt.waiting import wait_for_data
from widgets.fleet.node_health import RoomHealth
from widgets.history.query import HistoryQueries
from widgets.window.frontend import WindowFrontend

TIMEOUT_MS = 15_000


@pytest.fixture
def faulty(qtbot, tmp_path):
    options = parse_args(
        [
            "--demo",
            "12",
            "--interval",
            "0.2",
            "--lang",
            "en",
            "--scenario",
            "faults",
            "--data-dir",
            str(tmp_path),
        ]
    )
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options)
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    yield frontend, services
    services.stop()
    frontend.window.close()


def column(model, key):
    frame = model.frame
    return frame.set_index("gpu")[key]


def test_the_node_window_shows_ecc_and_pages_from_the_sample(qtbot, faulty):
    frontend, services = faulty
    snap = wait_for_data(qtbot, services)
    name = snap.node_names[ECC % len(snap.node_names)]
    dialog = frontend.open_node(name)
    qtbot.waitUntil(
        lambda: dialog.sample is not None and dialog.gpus.rowCount() == 8, timeout=TIMEOUT_MS
    )
    qtbot.waitUntil(lambda: column(dialog.gpus, "ecc_sbe").get(1) == 7, timeout=TIMEOUT_MS)
    assert column(dialog.gpus, "ecc_dbe")[1] == 2
    assert column(dialog.gpus, "ecc_sbe_total")[1] == 19
    pages = column(dialog.gpus, "pages")
    assert pages[4] == "retired 3 SBE · 1 DBE · pending reboot"
    assert pages[2] == "row remap pending (reset)" and pages[3] == "row remap failed"
    headers = [
        dialog.gpus.headerData(c, Qt.Orientation.Horizontal)
        for c in range(dialog.gpus.columnCount())
    ]
    assert {"ECC SBE", "ECC DBE", "Pages · rows"} <= set(headers)
    frontend.translations.set_language("ko")
    try:
        qtbot.waitUntil(lambda: column(dialog.gpus, "pages")[4] != pages[4], timeout=5000)
        assert "3" in column(dialog.gpus, "pages")[4]  # said in Korean, the counts kept
    finally:
        frontend.translations.set_language("en")


class RoomStandIn:
    """A room history whose node_health records the thread it ran on."""

    def __init__(self):
        self.threads = []

    def node_health(self, node):
        self.threads.append(threading.current_thread())
        return {0: {"ecc_corrected_volatile": 4.0, "retired_pages_sbe": 0.0}}


def test_in_prometheus_mode_the_room_is_asked_off_the_gui_thread_and_seldom(qtbot):
    room = RoomStandIn()
    queries = HistoryQueries(room)
    now = [100.0]
    arrived = []
    health = RoomHealth(queries, "gpu01", lambda: arrived.append(1), clock=lambda: now[0])
    assert health.room
    health.maybe_ask()
    qtbot.waitUntil(lambda: len(arrived) == 1, timeout=5000)
    assert health.health[0]["ecc_corrected_volatile"] == 4.0
    assert room.threads[0] is not threading.main_thread()
    health.maybe_ask()  # within HEALTH_EVERY_S: not asked again
    now[0] += 16.0
    health.maybe_ask()
    qtbot.waitUntil(lambda: len(arrived) == 2, timeout=5000)
    assert len(room.threads) == 2
    queries.shutdown()
