"""Moving nodes on the rebalance board without dragging: "Move to → <sector>" in the chips'
context menu, and Ctrl+1/2/3 on selected chips (which outrank the window's tab keys only while
chips are selected)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtTest import QTest

from console.fleet.model import Sector
from tests.qt.capacity.setup import capacity_service
from widgets.capacity.board import RebalanceBoard

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
TIMEOUT_MS = 15_000


@pytest.fixture
def board(qtbot, tmp_path):
    board = RebalanceBoard(capacity_service(tmp_path), ZoneInfo("Asia/Seoul"))
    qtbot.addWidget(board)
    board.resize(1400, 700)
    board.show()
    qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)
    yield board
    board.shutdown()


def select(board: RebalanceBoard, sector: Sector, *names: str):
    view = board.columns[sector].view
    view.clearSelection()
    for name in names:
        view.selectionModel().select(view.index_of(name), QItemSelectionModel.SelectionFlag.Select)
    view.setFocus()
    return view


def test_ctrl_number_moves_selected_chips(qtbot, board):
    tab_key = QAction(board, shortcut=QKeySequence("Ctrl+1"))  # as the main window has
    board.addAction(tab_key)
    fired = []
    tab_key.triggered.connect(lambda: fired.append(True))
    view = select(board, V, "pri00", "pri01")
    QTest.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert board.moves == {"pri00": P, "pri01": P} and not fired
    assert board.plan is not None and {m.node for m in board.plan.moves} == {"pri00", "pri01"}

    view = select(board, P, "pri00")  # planned into Public, so shown there; Ctrl+3: back home
    QTest.keyClick(view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert board.moves == {"pri01": P}

    view.clearSelection()  # nothing selected: the key is the window's again
    QTest.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert fired and board.moves == {"pri01": P}


def test_context_menu_move_to(qtbot, board):
    view = select(board, V, "pri02")
    menu = board.move_keys.build_menu(view)
    sub = menu.actions()[0].menu()
    assert menu.actions()[0].text() == "Move to" and sub.isEnabled()
    items = {a.text().split("\t")[0]: a for a in sub.actions()}
    assert list(items) == ["Public", "Public-interest", "Private"]
    assert not items["Private"].isEnabled()  # where it already is
    assert sub.actions()[1].text().endswith("\tCtrl+2")
    items["Public-interest"].trigger()
    assert board.moves == {"pri02": N}

    view.clearSelection()
    assert not board.move_keys.build_menu(view).actions()[0].menu().isEnabled()
