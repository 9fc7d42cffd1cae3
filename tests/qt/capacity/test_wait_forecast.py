"""The board shows what a drafted plan does to each sector's predicted wait, before Apply."""

from __future__ import annotations

import pytest

from console.access import AccessPolicy
from console.capacity.setup import local_capacity
from console.fleet.model import Sector
from console.scheduler.books import AccountMap
from console.scheduler.job_history import SacctHistory
from console.scheduler.reader import SacctReader
from console.settings import RoleSettings
from console.sources.demo.fleet import SimFleet
from console.whatif.effect import CachedHistory
from tests.qt.capacity.setup import OPERATOR, capacity_service
from tests.unit.scheduler.test_job_history import DOWN, fake_sacct

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


@pytest.mark.parametrize(("body", "said"), [(DOWN, "Connection refused"),
                                            ("exec sleep 30", "timed out")])
def test_a_slurmdbd_down_or_hanging_is_said_and_the_board_stays_live(
        make_board, qtbot, tmp_path, body, said):
    """A real fleet's history comes from sacct on a worker thread: slurmdbd down (sacct's own
    error) or hanging (past the reader's timeout) is said in the forecast and the
    recommendations, instead of a prediction, and the board answers meanwhile."""
    service = capacity_service(tmp_path)
    reader = SacctReader(fake_sacct(tmp_path, body), timeout=1.0)
    service.job_history = CachedHistory(SacctHistory(reader, AccountMap.from_inventory(None, {})))
    board = make_board(service)
    node = next(n for n, r in board.state.nodes.items() if r.sector is Sector.PUBLIC)
    board.move_nodes([node], Sector.PRIVATE)
    forecast = board.wait_forecast
    assert forecast._state == "computing"  # the read runs on the worker, not here
    qtbot.waitUntil(lambda: forecast._state == "no-history", timeout=TIMEOUT_MS)
    text = forecast.body.text()
    assert "Slurm's accounting could not be read" in text and said in text, text
