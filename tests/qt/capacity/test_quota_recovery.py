"""The quota board after a crash mid cap-apply: a banner says so and offers finish or roll back
to operators only; viewers see it read-only (real local store, quota journal and audit log)."""

from __future__ import annotations

import multiprocessing
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console.capacity.quota.outcome import APPLY, INTERRUPTED
from console.fleet.model import Sector
from tests.unit.capacity.test_quota_service import DIED, VIEWER, DyingBackend, _child, service
from widgets.capacity.quota_board import QuotaBoard

P, N, R = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
TZ = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 15_000
BEFORE = {P: 58, N: 50, R: 36}


@pytest.fixture
def interrupted(tmp_path):
    """A store whose move of 8 GPUs of cap public → interest died after the first sacctmgr."""
    child = multiprocessing.get_context("spawn").Process(
        target=_child, args=(tmp_path, DyingBackend)
    )
    child.start()
    child.join(60)
    assert child.exitcode == DIED
    return tmp_path


def board_for(qtbot, svc) -> QuotaBoard:
    board = QuotaBoard(svc, TZ)
    qtbot.addWidget(board)
    board.resize(1400, 700)
    board.show()
    qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)
    return board


@pytest.mark.parametrize(
    ("choice", "caps"), [("finish", {P: 50, N: 58, R: 36}), ("rollback", BEFORE)]
)
def test_the_banner_finishes_or_rolls_back_the_interrupted_cap_change(
    qtbot, interrupted, choice, caps
):
    svc = service(interrupted)
    [run] = svc.unfinished()
    assert svc.read().caps() not in (BEFORE, {P: 50, N: 58, R: 36})  # half set
    board = board_for(qtbot, svc)
    try:
        banner = board.recovery
        assert banner.isVisible() and banner.pending
        assert (
            run.plan.plan_id in banner.text.text() and "move before the crash" in banner.text.text()
        )
        assert "public 58 → 50" in banner.text.text().lower()
        assert banner.finish_button.isEnabled() and banner.rollback_button.isEnabled()
        board.move(R, P, 1)  # a new plan waits for the recovery
        assert not board.apply_button.isEnabled()
        assert "interrupted" in board.apply_refusal()
        button = banner.finish_button if choice == "finish" else banner.rollback_button
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        box = banner.confirm
        assert box is not None and box.isVisible() and run.plan.plan_id in box.text()
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
        wanted = "applied" if choice == "finish" else "rolled back"
        qtbot.waitUntil(lambda: board.last_result == wanted, timeout=TIMEOUT_MS)
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=TIMEOUT_MS)
        assert svc.read().caps() == caps
        assert svc.unfinished() == []
        entries = svc.audit.entries()
        assert [e.action for e in entries] == [INTERRUPTED, APPLY]
        assert entries[-1].body["recovery"]["choice"] == choice
        assert entries[-1].reason == "move before the crash"
        said = "Finished" if choice == "finish" else "Rolled back"
        assert board.result.text().startswith(said)
    finally:
        board.shutdown()


def test_a_viewer_sees_the_banner_read_only(qtbot, interrupted):
    svc = service(interrupted, VIEWER)
    board = board_for(qtbot, svc)
    try:
        banner = board.recovery
        assert banner.isVisible() and banner.pending
        assert not banner.finish_button.isEnabled() and not banner.rollback_button.isEnabled()
        assert "lee is a viewer" in banner.note.text()
        assert banner.choose("finish") is None  # no question, nothing run
        assert len(svc.unfinished()) == 1 and svc.audit.entries() == []
    finally:
        board.shutdown()
