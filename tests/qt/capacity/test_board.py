"""The rebalance board on a real local store: drag, preview, apply, roles, overrides, conflicts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from console.capacity.model import MoveState
from console.capacity.validation import Code
from console.fleet.model import Sector
from tests.qt.capacity.setup import VIEWER, capacity_service
from tests.unit.capacity.helpers import ScriptedWorkload
from widgets.capacity.board import RebalanceBoard
from widgets.capacity.node_chips import MIME_TYPE
from widgets.capacity.sector_column import NO_TARGET

P, N, V = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
TZ = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 15_000


def names_in(board: RebalanceBoard, sector: Sector) -> list[str]:
    model = board.columns[sector].view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def drag(board: RebalanceBoard, node: str, source: Sector, target: Sector) -> None:
    """What a drag does: the source view's model makes the MIME data of the chip, the target
    view's viewport receives enter and drop events (Qt dispatches them to dropEvent)."""
    src = board.columns[source].view
    index = next(
        src.model().index(r, 0)
        for r in range(src.model().rowCount())
        if src.model().index(r, 0).data() == node
    )
    mime = src.model().mimeData([index])
    assert mime.hasFormat(MIME_TYPE)
    dst = board.columns[target].view.viewport()
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.MoveAction, mime, buttons, mods)
    QApplication.sendEvent(dst, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.MoveAction, mime, buttons, mods)
    QApplication.sendEvent(dst, drop)
    assert drop.isAccepted()


def confirm(qtbot, board: RebalanceBoard, reason: str) -> None:
    qtbot.mouseClick(board.apply_button, Qt.MouseButton.LeftButton)
    dialog = board.apply_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # no reason, no apply
    dialog.reason_edit.setText(reason)
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_drag_a_busy_node_and_apply_it_drain_first(qtbot, tmp_path, make_board):
    work = ScriptedWorkload(busy={"pri00"})
    service = capacity_service(tmp_path, work)
    board = make_board(service)
    assert "pri00" in names_in(board, V)
    assert not board.apply_button.isEnabled()

    drag(board, "pri00", V, P)
    assert "pri00" in names_in(board, P) and "pri00" not in names_in(board, V)
    preview = board.preview
    assert preview is not None and preview.ok
    assert preview.after[P] == preview.before[P].allocated + 8
    assert [r.name for r in preview.drains] == ["pri00"]  # it has a job: it drains first
    assert board.preview_panel.drains.item(0, 0).text() == "pri00"
    assert board.preview_panel.sectors.item(0, 1).text() == "48 → 56 (+8)"
    assert board.apply_button.isEnabled()

    with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS) as applied:
        confirm(qtbot, board, "flood model needs GPUs")
        qtbot.waitUntil(
            lambda: board.progress.states.get("pri00") == MoveState.DRAINING, timeout=TIMEOUT_MS
        )
        assert service.state().nodes["pri00"].sector == V  # still running its job
        work.finish("pri00")
    result = applied.args[0]
    assert result.outcome.applied
    assert board.progress.states == {"pri00": MoveState.DONE}
    assert service.state().nodes["pri00"].sector == P
    assert not board.moves  # the draft is done
    qtbot.waitUntil(lambda: board.state.nodes["pri00"].sector == P, timeout=TIMEOUT_MS)
    assert "pri00" in names_in(board, P)
    entry = service.audit.entries()[-1]
    assert entry.reason == "flood model needs GPUs" and entry.user == "kim"


def test_dragging_a_chip_home_cancels_its_move(qtbot, tmp_path, make_board):
    board = make_board(capacity_service(tmp_path))
    drag(board, "pri00", V, P)
    assert board.moves == {"pri00": P}
    drag(board, "pri00", P, V)
    assert board.moves == {} and board.plan is None
    assert not board.apply_button.isEnabled()


def test_moved_chips_come_first_and_selections_survive_the_reorder(qtbot, tmp_path, make_board):
    board = make_board(capacity_service(tmp_path))
    public = names_in(board, P)
    assert public == sorted(public) and len(public) > 2
    view = board.columns[P].view
    last = view.model().index(len(public) - 1, 0)
    view.selectionModel().select(last, view.selectionModel().SelectionFlag.Select)
    drag(board, "pri01", V, P)
    drag(board, "pri00", V, P)
    assert names_in(board, P) == ["pri00", "pri01", *public]  # the draft's moves, then by name
    assert view.selected_names() == [public[-1]]  # the chip, not its old row
    board.search.setText("pri01")
    assert names_in(board, P) == ["pri01"] and names_in(board, V) == []
    board.search.setText("")
    drag(board, "pri00", P, V)
    assert names_in(board, P) == ["pri01", *public]
    private = names_in(board, V)  # pri00 home again: among the unmoved, by name
    assert "pri00" in private and private == sorted(private)


def test_targets_let_the_planner_pick_idle_nodes_first(qtbot, tmp_path, make_board):
    work = ScriptedWorkload(busy={"pri00", "pri01"})
    board = make_board(capacity_service(tmp_path, work))
    board.columns[P].target.setValue(64)
    board.columns[V].target.setValue(32)
    qtbot.mouseClick(board.plan_button, Qt.MouseButton.LeftButton)
    assert set(board.moves.values()) == {P} and len(board.moves) == 2
    assert not {"pri00", "pri01"} & set(board.moves)  # busy nodes are the last resort
    assert len(names_in(board, P)) == 8 and len(names_in(board, V)) == 4
    assert board.preview.after[P] == 64 and board.preview.ok
    board.columns[P].target.setValue(60)  # not a whole number of nodes
    board.columns[V].target.setValue(NO_TARGET)  # "auto": gives what the others need
    qtbot.mouseClick(board.plan_button, Qt.MouseButton.LeftButton)
    assert "whole nodes" in board.preview_panel.notes_label.text()
    assert board.preview.after[P] in (56, 64)


@pytest.mark.parametrize("kiosk", [False, True])
def test_viewer_and_kiosk_see_apply_greyed_with_the_reason(qtbot, tmp_path, make_board, kiosk):
    board = make_board(capacity_service(tmp_path, identity=VIEWER, kiosk=kiosk))
    drag(board, "pri00", V, P)
    assert board.preview.ok
    assert not board.apply_button.isEnabled()
    tip = board.apply_button.toolTip()
    assert ("kiosk" in tip) if kiosk else ("lee" in tip and "viewer" in tip)
    assert board.ask_apply() is None


def test_below_guarantee_blocks_apply_until_override_with_justification(
    qtbot, tmp_path, make_board
):
    board = make_board(capacity_service(tmp_path))
    for node in ("pri00", "pri01", "pri02"):  # private 48 → 24 GPUs, guarantee 27
        drag(board, node, V, P)
    problems = board.preview_panel.problems
    codes = [problems.item(i).data(Qt.ItemDataRole.UserRole) for i in range(problems.count())]
    assert Code.BELOW_GUARANTEE.value in codes
    assert problems.item(codes.index(Code.BELOW_GUARANTEE.value)).foreground().color().name() == (
        "#ff5630"
    )
    assert not board.apply_button.isEnabled()
    panel = board.preview_panel
    panel.override.setChecked(True)
    panel.justification.setText("short")
    assert not board.apply_button.isEnabled()  # a justification of a few letters is not one
    panel.justification.setText("flood warning: public models first")
    assert board.plan.override and board.plan.justification.startswith("flood")
    assert board.preview.ok and board.apply_button.isEnabled()
    assert problems.item(0).foreground().color().name() == "#ffab00"  # now a warning


def test_someone_else_applying_first_is_a_conflict_and_replan_fixes_it(
    qtbot, tmp_path, make_board
):
    board = make_board(capacity_service(tmp_path))
    board.refresh_timer.stop()  # the race: no read between the other console's apply and ours
    drag(board, "pri00", V, P)
    other = capacity_service(tmp_path)
    other.apply(other.plan_moves([("pri01", N)], other.state()), "the other console")

    confirm(qtbot, board, "mine")
    qtbot.waitUntil(lambda: board.last_result == "conflict", timeout=TIMEOUT_MS)
    assert "Someone else applied first" in board.progress.result.text()
    # it re-reads: the plan is now stale, and Apply waits for a re-plan
    qtbot.waitUntil(lambda: board.state.nodes["pri01"].sector == N, timeout=TIMEOUT_MS)
    assert Code.STALE_VERSION in {p.code for p in board.preview.problems}
    assert not board.apply_button.isEnabled() and board.replan_button.isVisible()
    qtbot.mouseClick(board.replan_button, Qt.MouseButton.LeftButton)
    assert board.preview.ok and board.apply_button.isEnabled()
    assert board.service.state().nodes["pri00"].sector == V  # nothing of ours was applied


def test_cancel_while_draining_rolls_back(qtbot, tmp_path, make_board):
    work = ScriptedWorkload(busy={"pri00"})
    service = capacity_service(tmp_path, work)
    board = make_board(service)
    drag(board, "pri00", V, P)
    with qtbot.waitSignal(board.applied, timeout=TIMEOUT_MS) as applied:
        confirm(qtbot, board, "try")
        qtbot.waitUntil(
            lambda: board.progress.states.get("pri00") == MoveState.DRAINING, timeout=TIMEOUT_MS
        )
        qtbot.mouseClick(board.progress.cancel_button, Qt.MouseButton.LeftButton)
    assert applied.args[0].outcome.result == "cancelled"
    assert board.progress.states["pri00"] == MoveState.CANCELLED
    assert service.state().nodes["pri00"].sector == V
    assert board.moves == {"pri00": P}  # the draft stays, to try again later


def test_window_has_capacity_and_audit_tabs_on_the_demo(qtbot):
    from console.app import build_services
    from console.cli import parse_args
    from widgets.window.frontend import WindowFrontend

    options = parse_args(["--demo", "48", "--interval", "0.2", "--lang", "en"])
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options)
    frontend.open(services, options, started_at=0.0)
    window = frontend.window
    qtbot.addWidget(window)
    services.start()
    try:
        tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
        assert tabs[-2:] == ["Capacity", "Audit"]
        window.board_action.trigger()
        board = window.board
        qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)
        assert len(board.state.nodes) == 48 and not window.upper.isVisible()
        model_rows = sum(c.view.model().rowCount() for c in board.columns.values())
        assert model_rows == 48
        assert board.apply_button.toolTip()  # says why it is off (no plan, or the role)
        window.nodes_action.trigger()
        assert window.upper.isVisible()
    finally:
        window.close()  # stops the board's threads (the leak check looks)
        services.stop()
