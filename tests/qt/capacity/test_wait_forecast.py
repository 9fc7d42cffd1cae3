"""The board shows what a drafted plan does to each sector's predicted wait, before Apply."""

from __future__ import annotations

from console.access import AccessPolicy
from console.capacity.setup import local_capacity
from console.fleet.model import Sector
from console.settings import RoleSettings
from console.sources.demo.fleet import SimFleet
from tests.qt.capacity.setup import OPERATOR, capacity_service

TIMEOUT_MS = 60_000


def demo_service(tmp_path):
    sim = SimFleet.build(24, seed=5)
    policy = AccessPolicy.for_session(RoleSettings(), OPERATOR)
    return local_capacity(tmp_path, sim.inventory, policy, sim=sim)


def public_nodes(board, count):
    return [n for n, r in board.state.nodes.items() if r.sector is Sector.PUBLIC][:count]


def test_a_drag_shows_every_sectors_wait_before_and_after(make_board, qtbot, tmp_path):
    board = make_board(demo_service(tmp_path))
    forecast = board.wait_forecast
    assert "Make a plan" in forecast.body.text()
    board.move_nodes(public_nodes(board, 2), Sector.INTEREST)
    qtbot.waitUntil(lambda: forecast._state == "shown", timeout=TIMEOUT_MS)
    text = forecast.body.text()
    for sector in ("Public", "Public-interest", "Private"):
        assert f"{sector}: p90 wait" in text, text
    assert "backfill" in forecast.toolTip()  # the method and its blind spots


def test_only_the_latest_drafts_answer_is_shown(make_board, qtbot, tmp_path):
    board = make_board(demo_service(tmp_path))
    forecast = board.wait_forecast
    board.move_nodes(public_nodes(board, 1), Sector.INTEREST)
    first = forecast.generation
    board.move_nodes(public_nodes(board, 3), Sector.PRIVATE)
    assert forecast.generation > first
    qtbot.waitUntil(lambda: forecast._state == "shown", timeout=TIMEOUT_MS)
    after = forecast.effect
    assert after[Sector.PRIVATE].after.capacity > after[Sector.PRIVATE].before.capacity


def test_a_fleet_without_history_says_there_is_no_prediction(make_board, qtbot, tmp_path):
    board = make_board(capacity_service(tmp_path))
    node = next(n for n, r in board.state.nodes.items() if r.sector is Sector.PUBLIC)
    board.move_nodes([node], Sector.PRIVATE)
    assert "No job history" in board.wait_forecast.body.text()
