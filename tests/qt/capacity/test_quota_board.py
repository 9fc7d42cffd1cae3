"""The quota board on a real local quota store: move cap, preview, apply, undo, roles, failures."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from console.access import AccessDenied
from console.capacity.validation import Code
from console.fleet.model import Sector
from tests.qt.capacity.quota_setup import (
    VIEWER,
    FailingBackend,
    quota_audit_entries,
    quota_service,
)
from widgets.capacity.audit_view import AuditView
from widgets.capacity.quota_board import QuotaBoard
from widgets.capacity.quota_column import cap_mime

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
TZ = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 15_000


@pytest.fixture
def make_board(qtbot):
    boards = []

    def make(service) -> QuotaBoard:
        board = QuotaBoard(service, TZ)
        qtbot.addWidget(board)
        board.resize(1400, 700)
        board.show()
        boards.append(board)
        return board

    yield make
    for board in boards:
        board.shutdown()


def read_once(qtbot, board: QuotaBoard) -> None:
    qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)


def choose(combo, sector: Sector) -> None:
    combo.setCurrentIndex(combo.findData(sector))


def drop_cap(board: QuotaBoard, source: Sector, target: Sector) -> None:
    """What a drag of a cap bar does: the target column receives enter and drop events."""
    mime = cap_mime(source)
    dst = board.columns[target]
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.MoveAction, mime, buttons, mods)
    QApplication.sendEvent(dst, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.MoveAction, mime, buttons, mods)
    QApplication.sendEvent(dst, drop)
    assert drop.isAccepted()


def confirm(qtbot, board: QuotaBoard, reason: str, button=None) -> None:
    qtbot.mouseClick(button or board.apply_button, Qt.MouseButton.LeftButton)
    dialog = board.apply_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # no reason, no apply
    dialog.reason_edit.setText(reason)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_moving_8_gpus_of_cap_from_the_board_changes_the_caps_and_logs_it(
    qtbot, tmp_path, make_board
):
    service, backend = quota_service(tmp_path)
    board = make_board(service)
    read_once(qtbot, board)
    before = backend.read().caps()
    assert not board.apply_button.isEnabled()  # nothing to apply yet

    # the keyboard row: 8 GPUs of cap from public to private
    board.step.setValue(8)
    choose(board.source, P)
    choose(board.target, V)
    qtbot.mouseClick(board.move_button, Qt.MouseButton.LeftButton)
    assert board.plan is not None
    assert board.plan.caps_after == {P: before[P] - 8, V: before[V] + 8}
    assert board.preview is not None and board.preview.ok, board.preview.problems
    cap_cell = board.preview_panel.caps.item(0, 1).text()
    assert cap_cell == f"{before[P]} → {before[P] - 8} (-8)"
    assert board.columns[V].values["cap"].text() == f"{before[V]} → {before[V] + 8}"
    assert board.apply_button.isEnabled()

    with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS):
        confirm(qtbot, board, "flood model needs the private cap")
    after = backend.read().caps()
    assert after == {**before, P: before[P] - 8, V: before[V] + 8}
    entries = quota_audit_entries(service)
    assert [e.action for e in entries] == ["quota-apply"]
    assert entries[0].reason == "flood model needs the private cap"
    assert entries[0].user == "kim"
    qtbot.waitUntil(lambda: board.state is not None and board.state.caps() == after,
                    timeout=TIMEOUT_MS)
    assert board.plan is None and not board.apply_button.isEnabled()
    # the audit tab lists it as a cap change and offers its undo
    audit = AuditView(service.audit, TZ, service.policy)
    qtbot.addWidget(audit)
    audit.refresh()
    assert audit.table.item(0, 6).text() == (
        f"Public {before[P]}→{before[P] - 8}; Private {before[V]}→{before[V] + 8}"
    )
    audit.table.selectRow(0)
    assert audit.undo_button.isEnabled()
    assert f"Public {before[P]}→{before[P] - 8}" in audit.details.toPlainText()

    # a drag of the private column's cap onto interest moves the step there; undo first
    assert board.undo_button.isEnabled()
    with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS):
        confirm(qtbot, board, "back as it was", button=board.undo_button)
    assert backend.read().caps() == before
    assert [e.action for e in quota_audit_entries(service)] == ["quota-apply", "quota-undo"]
    qtbot.waitUntil(lambda: board.state.caps() == before, timeout=TIMEOUT_MS)
    drop_cap(board, V, N)
    assert board.plan is not None
    assert board.plan.caps_after == {V: before[V] - 8, N: before[N] + 8}


def test_the_viewer_sees_the_caps_and_cannot_change_them(qtbot, tmp_path, make_board):
    service, backend = quota_service(tmp_path, identity=VIEWER)
    board = make_board(service)
    read_once(qtbot, board)
    before = backend.read().caps()
    assert board.columns[P].values["cap"].text() == str(before[P])
    assert "own store" in board.about.text()  # what the backend is, read off the GUI thread
    assert board.read_only.isVisible() and "lee" in board.read_only.text()
    for control in (board.apply_button, board.move_button, board.undo_button, board.step):
        assert not control.isVisible()
    assert not board.columns[P].new_cap.isEnabled()
    assert not board.columns[V].acceptDrops()
    board.move(P, V, 8)  # even asked directly, the board drafts nothing
    assert board.plan is None
    assert board.ask_apply() is None
    # and the core refuses whatever the widgets do
    plan = service.plan({P: before[P] - 8, V: before[V] + 8}, backend.read())
    with pytest.raises(AccessDenied):
        service.apply(plan, "lee", "trying anyway")
    assert backend.read().caps() == before
    assert quota_audit_entries(service) == []


def test_preview_blocks_a_cap_below_the_running_gpus_without_override(
    qtbot, tmp_path, make_board
):
    service, backend = quota_service(tmp_path, running={P: 56})
    board = make_board(service)
    read_once(qtbot, board)
    state = board.state
    assert state.sectors[P].running == 56
    assert board.columns[P].values["running"].text() == "56"
    guarantee = service.entitlements[P].guarantee(state.capacity)
    assert guarantee <= 48 < 56 <= state.sectors[P].cap  # below running, not the guarantee
    board.columns[P].new_cap.setValue(48)
    assert board.plan is not None and board.plan.caps_after == {P: 48}
    assert board.preview is not None and not board.preview.ok
    assert [p.code for p in board.preview.problems] == [Code.BELOW_RUNNING]
    assert not board.apply_button.isEnabled()
    assert "56" in board.preview_panel.problems.item(0).text()
    assert board.preview_panel.caps.item(0, 1).foreground().color().name() == "#ff5630"
    assert board.ask_apply() is None

    board.preview_panel.override.setChecked(True)
    board.preview_panel.justification.setText("storm response, public jobs can wait")
    assert board.plan.override and board.plan.justification
    assert board.preview.ok
    assert board.apply_button.isEnabled()
    with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS):
        confirm(qtbot, board, "storm response")
    assert backend.read().caps()[P] == 48
    entry = quota_audit_entries(service)[-1]
    assert entry.body["plan"]["override"] is True


def test_a_read_failure_shows_the_banner_and_the_board_still_answers(
    qtbot, tmp_path, make_board
):
    service, backend = quota_service(tmp_path, wrap=FailingBackend)
    board = make_board(service)
    read_once(qtbot, board)
    assert not board.banner.isVisible()
    caps = board.state.caps()

    backend.down = True  # slurmdbd stops answering
    board.refresh()
    qtbot.waitUntil(board.banner.isVisible, timeout=TIMEOUT_MS)
    assert "slurmdbd" in board.banner.text()
    assert board.state is not None and board.state.caps() == caps  # the last read stays
    board.move(P, N, 8)  # the board still plans on the last read
    assert board.plan is not None and board.plan.caps_after[N] == caps[N] + 8
    assert board.preview.ok and not board.apply_button.isEnabled()  # not on a failed read

    # a read that hangs does not hang the board: the GUI thread keeps answering
    backend.down, backend.gate = False, threading.Event()
    board.refresh()
    qtbot.waitUntil(lambda: backend.waiting.is_set(), timeout=TIMEOUT_MS)
    board.clear_plan()
    assert board.plan is None
    qtbot.mouseClick(board.move_button, Qt.MouseButton.LeftButton)
    assert board.plan is not None
    backend.gate.set()
    qtbot.waitUntil(lambda: not board.banner.isVisible(), timeout=TIMEOUT_MS)


def test_undo_below_what_runs_now_asks_for_the_override(qtbot, tmp_path, make_board):
    running = {N: 40}
    service, backend = quota_service(tmp_path, running=running)
    board = make_board(service)
    read_once(qtbot, board)
    before = backend.read().caps()
    board.move(P, N, 8)
    with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS):
        confirm(qtbot, board, "interest's flood model")
    running[N] = before[N] + 4  # interest now runs above the cap it had
    board.refresh()
    qtbot.waitUntil(lambda: board.state.sectors[N].running == before[N] + 4, timeout=TIMEOUT_MS)

    qtbot.mouseClick(board.undo_button, Qt.MouseButton.LeftButton)
    assert board.apply_dialog is None  # refused before asking: it needs the override
    assert str(before[N] + 4) in board.result.text() and "Override" in board.result.text()
    board.preview_panel.override.setChecked(True)
    board.preview_panel.justification.setText("its running jobs may finish above the cap")
    with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS):
        confirm(qtbot, board, "back as it was", button=board.undo_button)
    assert backend.read().caps() == before
    entry = quota_audit_entries(service)[-1]
    assert entry.action == "quota-undo" and entry.body["plan"]["override"] is True
    assert not board.undo_button.isEnabled()  # nothing left to undo
