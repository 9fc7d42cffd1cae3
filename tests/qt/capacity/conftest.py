"""The rebalance board on a given capacity service, shown, read once, and shut down after."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from widgets.capacity.board import RebalanceBoard

BOARD_TIMEOUT_MS = 60_000


@pytest.fixture
def make_board(qtbot):
    boards = []

    def make(service) -> RebalanceBoard:
        board = RebalanceBoard(service, ZoneInfo("Asia/Seoul"))
        qtbot.addWidget(board)
        board.resize(1400, 700)
        board.show()
        qtbot.waitUntil(lambda: board.state is not None, timeout=BOARD_TIMEOUT_MS)
        boards.append(board)
        return board

    yield make
    for board in boards:
        board.shutdown()
