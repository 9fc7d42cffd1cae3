"""The audit view: entries as applied, details, chain verification (ok and broken), undo."""

from __future__ import annotations

import sqlite3
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from console.capacity.model import MoveState
from console.fleet.model import Sector
from tests.qt.capacity.setup import VIEWER, capacity_service
from widgets.capacity.audit_view import AuditView
from widgets.capacity.board import RebalanceBoard

P, V = Sector.PUBLIC, Sector.PRIVATE
TZ = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 15_000


def view_of(qtbot, service) -> AuditView:
    view = AuditView(service.audit, TZ, service.policy)
    qtbot.addWidget(view)
    view.resize(1200, 500)
    view.show()
    return view


def test_entries_details_and_verify_ok(qtbot, tmp_path):
    service = capacity_service(tmp_path)
    service.apply(service.plan_moves([("pri00", P), ("pri01", P)], service.state()), "flood")
    view = view_of(qtbot, service)
    assert view.table.rowCount() == 1
    cells = [view.table.item(0, c).text() for c in range(view.table.columnCount())]
    assert cells[1:4] == ["kim", "operator", "apply"] and cells[5] == "flood"
    assert "pri00" in cells[6] and cells[7] == "applied"
    view.table.selectRow(0)
    details = view.details.toPlainText()
    assert "Public: 6 → 8 (+16 GPU)" in details and "Private: 6 → 4 (-16 GPU)" in details
    assert "pri01 done" in details
    verification = view.verify()
    assert verification.ok and verification.head in view.verdict.text()
    assert "intact" in view.verdict.text()


def test_a_changed_entry_is_named_in_red(qtbot, tmp_path):
    service = capacity_service(tmp_path)
    for node in ("pri00", "pri01"):
        service.apply(service.plan_moves([(node, P)], service.state()), f"move {node}")
    con = sqlite3.connect(tmp_path / "audit.sqlite")  # someone edits the file by hand
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("UPDATE audit SET reason='nothing to see' WHERE id=1")
    con.commit()
    con.close()
    view = view_of(qtbot, service)
    verification = view.verify()
    assert not verification.ok and verification.broken_id == 1
    assert "entry 1" in view.verdict.text() and "#ff5630" in view.verdict.styleSheet()
    oldest = view.table.rowCount() - 1  # newest first
    assert view.table.item(oldest, 5).foreground().color().name() == "#ff5630"


def test_undo_from_the_audit_view_runs_through_the_board(qtbot, tmp_path):
    service = capacity_service(tmp_path)
    before = service.state().allocation()
    service.apply(service.plan_moves([("pri00", P)], service.state()), "try")
    board = RebalanceBoard(service, TZ)
    qtbot.addWidget(board)
    board.show()
    view = view_of(qtbot, service)
    view.undo_requested.connect(board.ask_undo)
    board.applied.connect(lambda _: view.refresh())
    try:
        qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)
        view.table.selectRow(0)
        assert view.undo_button.isEnabled()
        qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton)
        dialog = board.apply_dialog
        assert dialog is not None and "pri00" in dialog.summary.text()
        dialog.reason_edit.setText("did not help")
        with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS) as applied:
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert applied.args[0].entry.action == "undo"
        assert board.progress.states == {"pri00": MoveState.DONE}
        assert service.state().allocation() == before
        assert view.table.rowCount() == 2 and view.table.item(0, 3).text() == "undo"
        view.table.selectRow(0)
        assert not view.undo_button.isEnabled()  # an undo is not undone from here
        view.table.selectRow(1)
        board.ask_undo(view.selected_entry().plan_id)  # already undone: said, not run
        assert "already undone" in board.progress.result.text()
        assert view.verify().ok
    finally:
        board.shutdown()


def test_viewer_cannot_undo(qtbot, tmp_path):
    operator = capacity_service(tmp_path)
    operator.apply(operator.plan_moves([("pri00", P)], operator.state()), "try")
    view = view_of(qtbot, capacity_service(tmp_path, identity=VIEWER))
    view.table.selectRow(0)
    assert not view.undo_button.isEnabled() and "viewer" in view.undo_button.toolTip()
