"""The rebalance board at 2,000 nodes (`make bench`): GUI-thread cost of what an operator does.

Prints, beside a baseline measured in the same run (nothing is asserted): showing a backend read,
showing it again (a refresh), dropping three nodes (preview included), planning to targets,
painting and searching; the baseline is a plain QListView of the same 2,000 names filled and
painted (the least any list of nodes costs).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.bench_board
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QListView

from console.fleet.model import Sector
from tests.qt.capacity.setup import capacity_service
from tests.unit.capacity.helpers import ScriptedWorkload, small_inventory
from widgets.capacity.board import RebalanceBoard
from widgets.common.application import qt_application


def ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1e3


def main() -> None:
    app = qt_application([], "dark")
    inv = small_inventory((800, 700, 500))
    work = ScriptedWorkload(busy={n.name for n in inv.nodes[::3]})
    svc = capacity_service(Path(tempfile.mkdtemp()), work, inventory=inv)
    read = ms(svc.state)
    state = svc.state()

    view = QListView()
    view.resize(1440, 700)
    view.show()

    def baseline() -> None:
        model = QStandardItemModel()
        for name in state.nodes:
            model.appendRow(QStandardItem(name))
        view.setModel(model)
        app.processEvents()
        view.grab()

    base = ms(baseline)
    board = RebalanceBoard(svc, ZoneInfo("Asia/Seoul"))
    board.resize(1440, 700)
    board.show()
    board.refresh_timer.stop()

    def show() -> None:
        board.show_state(state)
        app.processEvents()

    def drop() -> None:
        board.move_nodes(["pri000", "pri001", "pri002"], Sector.PUBLIC)
        app.processEvents()

    def plan() -> None:
        board.columns[Sector.PUBLIC].target.setValue(800 * 8 + 400)
        board.plan_to_targets()
        app.processEvents()

    def search() -> None:
        board.search.setText("pub07")
        app.processEvents()

    rows = [
        ("backend read (worker thread, local store)", read),
        ("show a read of 2,000 nodes", ms(show)),
        ("show it again (refresh)", ms(show)),
        ("drop 3 nodes + preview", ms(drop)),
        ("plan to targets + preview", ms(plan)),
        ("paint the board", ms(board.grab)),
        ("search", ms(search)),
    ]
    print(f"rebalance board, {len(state.nodes)} nodes; baseline: plain list view filled and "
          f"painted {base:.0f} ms")
    for label, value in rows:
        print(f"  {label:<44} {value:7.0f} ms  ratio {value / base:5.2f}")
    board.shutdown()
    view.close()


if __name__ == "__main__":
    main()
