"""The board after a crash mid-apply: a banner says so and offers both ways out, to operators
only; choosing one runs the recovery on the board's worker (real store, journal and audit)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from console.capacity.audit import AuditLog
from console.capacity.model import SchedState
from console.fleet.model import Sector
from tests.qt.capacity.setup import VIEWER
from tests.unit.capacity.test_recovery import crash, service
from widgets.capacity.board import RebalanceBoard

TZ = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 15_000


@pytest.fixture
def interrupted(tmp_path):
    """A store whose apply of pri00→public, pub00→private died after pri00 moved."""
    before = service(tmp_path).state().allocation()
    crash(tmp_path, "pri00", "moved", method="spawn")
    return before


def board_for(qtbot, svc) -> RebalanceBoard:
    board = RebalanceBoard(svc, TZ)
    qtbot.addWidget(board)
    board.resize(1400, 700)
    board.show()
    qtbot.waitUntil(lambda: board.state is not None, timeout=TIMEOUT_MS)
    return board


@pytest.mark.parametrize("choice", ["rollback", "finish"])
def test_the_banner_offers_both_ways_and_recovers(qtbot, tmp_path, interrupted, choice):
    svc = service(tmp_path)
    [run] = svc.interrupted()
    board = board_for(qtbot, svc)
    try:
        banner = board.recovery
        assert banner.isVisible() and banner.pending
        assert run.plan.plan_id in banner.text.text() and "1 of 2 moves" in banner.text.text()
        assert banner.finish_button.isEnabled() and banner.rollback_button.isEnabled()
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
        state = svc.state()
        assert all(r.state == SchedState.UP for r in state.nodes.values())
        moved = state.nodes["pri00"].sector == Sector.PUBLIC
        assert moved == (choice == "finish")
        if choice == "rollback":
            assert state.allocation() == interrupted
        entries = AuditLog(tmp_path / "audit.sqlite").entries()
        assert [(e.action, e.result) for e in entries] == [("interrupted", "interrupted"),
                                                           ("apply", wanted)]
        qtbot.waitUntil(lambda: board.apply_refusal() != board.tr(
            "Finish or roll back the interrupted apply first."), timeout=TIMEOUT_MS)
    finally:
        board.shutdown()


def test_no_means_nothing_happens(qtbot, tmp_path, interrupted):
    svc = service(tmp_path)
    board = board_for(qtbot, svc)
    try:
        box = board.recovery.choose("rollback")
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
        assert not board.worker.applying and board.recovery.pending
        assert len(svc.interrupted()) == 1
    finally:
        board.shutdown()


def test_viewers_see_the_banner_but_cannot_choose(qtbot, tmp_path, interrupted):
    svc = service(tmp_path, identity=VIEWER)
    board = board_for(qtbot, svc)
    try:
        banner = board.recovery
        assert banner.isVisible()
        assert not banner.finish_button.isEnabled() and not banner.rollback_button.isEnabled()
        assert "lee is a viewer" in banner.note.text()
        assert banner.choose("rollback") is None and not board.worker.applying
        assert len(svc.interrupted()) == 1
    finally:
        board.shutdown()


def _die_mid_demo_apply(data, nodes: int, node: str, target: str) -> None:
    """In a child process: the demo console's own store, an apply that dies once `node` moved."""
    import dataclasses
    import os

    from console.access import AccessPolicy, Identity
    from console.capacity.model import MoveState
    from console.capacity.setup import local_capacity
    from console.settings import RoleSettings
    from console.sources.demo.fleet import SimFleet

    sim = SimFleet.build(nodes)
    policy = AccessPolicy.for_session(RoleSettings(), Identity("kim", ("hangang-operators",)))
    svc = local_capacity(data, sim.inventory, policy, sim=sim, poll_s=0.05)

    def progress(event):
        if event.state == MoveState.MOVED:
            os._exit(9)

    plan = svc.plan_moves([(node, Sector(target))], svc.state())
    plan = dataclasses.replace(plan, override=True, justification="a small demo fleet")
    svc.apply(plan, "demo move", progress)
    os._exit(0)


def test_the_console_starts_on_the_board_when_an_apply_was_interrupted(qtbot, tmp_path):
    import multiprocessing

    from console.access import AccessPolicy, Identity
    from console.app import build_services
    from console.capacity.setup import local_capacity
    from console.cli import parse_args
    from console.settings import RoleSettings, Settings
    from console.sources.demo.fleet import SimFleet
    from widgets.window.frontend import WindowFrontend

    sim = SimFleet.build(12)
    policy = AccessPolicy.for_session(RoleSettings(), Identity("kim", ("hangang-operators",)))
    store = local_capacity(tmp_path, sim.inventory, policy, sim=sim)
    # an idle node if the demo's hour has one (it moves at once), else one that drains first
    # (the demo's jobs end within 20 s of a drain): the demo's load follows the clock
    candidates = [r for r in store.state().nodes.values() if r.sector != Sector.PUBLIC]
    node = min(candidates, key=lambda r: (not r.idle, r.name)).name
    child = multiprocessing.get_context("spawn").Process(
        target=_die_mid_demo_apply, args=(tmp_path, 12, node, "public"))
    child.start()
    child.join(60)
    assert child.exitcode == 9

    options = parse_args(["--demo", "12", "--lang", "en", "--data-dir", str(tmp_path)])
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options, settings=Settings(path=tmp_path / "settings.toml"))
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    try:
        window = frontend.window
        assert window.tabs.currentWidget() is window.board
        banner = window.board.recovery
        qtbot.waitUntil(banner.isVisible, timeout=TIMEOUT_MS)
        assert node in banner.text.text() and "1 of 1 moves" in banner.text.text()
    finally:
        window.board.shutdown()
        services.stop()
