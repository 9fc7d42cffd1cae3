"""The node table sorts in numpy and keeps the selection on its node when rows move."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt

from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from widgets.fleet.node_table import Col, NodeTable

SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}


def snapshot(state: FleetState, t: float, utils: dict[str, float]):
    state.apply(
        PollBatch(
            t,
            samples=tuple(NodeSample(h, t, (GpuSample(0, util_gpu=u),)) for h, u in utils.items()),
        )
    )
    return state.snapshot(t)


def test_sorted_rows_follow_the_data_and_the_selection_follows_its_node(qtbot):
    names = [f"n{i}" for i in range(6)]
    inv = Inventory(tuple(NodeSpec(n, Sector.PUBLIC, None, 1) for n in names), SHARES)
    state = FleetState(inv, default_registry())
    table = NodeTable()
    qtbot.addWidget(table)
    table.show_snapshot(snapshot(state, 1.0, {n: 10.0 * i for i, n in enumerate(names)}))
    table.view.sortByColumn(Col.UTIL, Qt.SortOrder.DescendingOrder)

    def column(col: Col) -> list:
        p = table.proxy
        return [p.data(p.index(r, col)) for r in range(p.rowCount())]

    assert column(Col.NODE) == ["n5", "n4", "n3", "n2", "n1", "n0"]
    selection = table.view.selectionModel()
    selection.select(
        table.proxy.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    # n5 drops to the bottom, n0 rises to the top
    table.show_snapshot(snapshot(state, 2.0, {n: 10.0 * (5 - i) for i, n in enumerate(names)}))
    assert column(Col.NODE) == ["n0", "n1", "n2", "n3", "n4", "n5"]
    selected = {table.proxy.data(i) for i in selection.selectedRows(Col.NODE)}
    assert selected == {"n5"}
    table.view.sortByColumn(Col.NODE, Qt.SortOrder.AscendingOrder)
    assert column(Col.NODE) == names
    assert table.model.snapshot_row(0) == 0
