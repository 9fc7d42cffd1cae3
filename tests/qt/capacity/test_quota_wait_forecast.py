"""The quota board shows what a cap plan does to each sector's predicted wait, before Apply: the
demo's synthetic job history replayed under the caps on the shared partition, off the GUI thread."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from console.access import AccessPolicy
from console.capacity.quota.setup import demo_quota_capacity
from console.fleet.model import Sector
from console.settings import RoleSettings
from console.sources.demo.fleet import SimFleet
from tests.qt.capacity.quota_setup import quota_service
from tests.qt.capacity.setup import OPERATOR
from widgets.capacity.quota_board import QuotaBoard

TIMEOUT_MS = 60_000
P, N = Sector.PUBLIC, Sector.INTEREST


@pytest.fixture
def make_board(qtbot):
    boards = []

    def make(service) -> QuotaBoard:
        board = QuotaBoard(service, ZoneInfo("Asia/Seoul"))
        qtbot.addWidget(board)
        board.resize(1400, 760)
        board.show()
        boards.append(board)
        qtbot.waitUntil(lambda: board.state is not None, timeout=15_000)
        return board

    yield make
    for board in boards:
        board.shutdown()


def demo_service(tmp_path):
    sim = SimFleet.build(24, seed=5)
    policy = AccessPolicy.for_session(RoleSettings(), OPERATOR)
    return demo_quota_capacity(tmp_path, sim, policy)


def test_a_cap_move_shows_every_sectors_wait_before_and_after(make_board, qtbot, tmp_path):
    board = make_board(demo_service(tmp_path))
    forecast = board.preview_panel.wait_forecast
    assert "Make a plan" in forecast.body.text()
    board.move(N, P, 8)
    qtbot.waitUntil(lambda: forecast._state == "shown", timeout=TIMEOUT_MS)
    text = forecast.body.text()
    for sector in ("Public", "Public-interest", "Private"):
        assert f"{sector}: p90 wait" in text, text
    effect = forecast.effect
    caps = board.state.caps()
    assert effect[P].after.capacity == caps[P] + 8 and effect[N].after.capacity == caps[N] - 8
    tip = forecast.toolTip()
    assert "QOS cap" in tip and "borrow QOS" in tip and "requeued" in tip  # the demo borrows
    board.clear_plan()
    assert forecast._state == "idle"


def test_a_quota_fleet_without_history_says_there_is_no_prediction(make_board, tmp_path):
    board = make_board(quota_service(tmp_path)[0])
    board.move(N, P, 4)
    assert "No job history" in board.preview_panel.wait_forecast.body.text()


def test_a_re_read_of_the_same_caps_does_not_replay_again(make_board, qtbot, tmp_path):
    board = make_board(demo_service(tmp_path))
    forecast = board.preview_panel.wait_forecast
    board.move(N, P, 8)
    qtbot.waitUntil(lambda: forecast._state == "shown", timeout=TIMEOUT_MS)
    shown = forecast.generation
    board.show_state(board.state)  # what the 5 s refresh does with unchanged caps
    assert forecast.generation == shown and forecast._state == "shown"
    board.move(N, P, 4)  # a new draft is replayed
    assert forecast.generation > shown and forecast._state == "computing"
