"""The window picks its board by the capacity mode: node moves, or the sectors' GPU caps."""

from __future__ import annotations

import dataclasses

import pytest

from console.app import build_services, capacity_mode
from console.capacity.quota.local import LocalQuotaBackend
from console.cli import parse_args
from tests.unit.capacity.helpers import small_inventory
from widgets.capacity.board import RebalanceBoard
from widgets.capacity.quota_board import QuotaBoard
from widgets.window.frontend import WindowFrontend

TIMEOUT_MS = 15_000


@pytest.fixture
def window_for(qtbot, tmp_path):
    made = []

    def start(*argv: str):
        options = parse_args(["--demo", "12", "--interval", "0.5", "--lang", "en",
                              "--data-dir", str(tmp_path), *argv])
        frontend = WindowFrontend()
        frontend.create_application([])
        services = build_services(options)
        frontend.open(services, options, started_at=0.0)
        qtbot.addWidget(frontend.window)
        services.start()
        made.append(services)
        return frontend, services

    yield start
    for services in made:
        services.stop()


def test_the_demo_in_quota_mode_shows_the_cap_board_on_the_demo_load(qtbot, window_for):
    frontend, services = window_for("--capacity-mode", "quota")
    board = frontend.window.board
    assert isinstance(board, QuotaBoard)
    frontend.window.tabs.setCurrentWidget(board)
    qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)
    caps = services.quota.read().caps()
    assert sum(caps.values()) == board.state.capacity == 12 * 8  # the whole fleet, shared
    for sector, column in board.columns.items():
        assert column.values["cap"].text() == str(caps[sector])
    # the demo's load runs under the caps: some sector runs something
    assert sum(q.running + q.borrowed for q in board.state.sectors.values()) > 0
    # the board's forecast and the report's appendix learn from the demo's synthetic jobs
    assert board.preview_panel.wait_forecast.history_source is services.quota.job_history
    report = frontend.open_report()
    assert report.job_history is services.quota.job_history
    assert report.job_history().source == "demo"
    report.close()
    frontend.window.close()  # the board's threads stop with the window


def test_without_a_mode_the_demo_keeps_the_node_board(window_for):
    frontend, services = window_for()
    assert services.quota is None
    assert isinstance(frontend.window.board, RebalanceBoard)
    frontend.window.close()


def test_the_mode_comes_from_the_option_then_the_fleet_file():
    plain = small_inventory()
    quota = dataclasses.replace(plain, slurm={"mode": "quota"})
    assert capacity_mode(parse_args(["--demo", "12"]), None) == "nodes"
    assert capacity_mode(parse_args(["--demo", "12"]), plain) == "nodes"
    assert capacity_mode(parse_args(["--demo", "12"]), quota) == "quota"
    nodes = parse_args(["--demo", "12", "--capacity-mode", "nodes"])
    assert capacity_mode(nodes, quota) == "nodes"


def test_a_fleet_without_slurm_in_quota_mode_keeps_its_caps_in_the_local_store(tmp_path):
    options = parse_args(["--inventory", "resources/examples/fleet.toml", "--capacity-mode",
                          "quota", "--data-dir", str(tmp_path)])
    inventory = dataclasses.replace(small_inventory(), slurm=None)
    services = build_services(options, inventory)
    assert services.capacity is None  # no node moves in quota mode
    assert isinstance(services.quota.backend, LocalQuotaBackend)
    assert sum(services.quota.read().caps().values()) == inventory.gpu_total
