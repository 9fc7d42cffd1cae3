"""The node table sorts in numpy and keeps the selection on its node when rows move."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt

from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeEvent, NodeSample, NodeStatus, PollBatch, Sector
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


def test_sorting_keeps_the_text_and_sector_filter_across_snapshots(qtbot):
    """Clicking a header once cleared the proxy's filter: the next snapshot showed every row while
    the search box still held the text."""
    names = ["ax1", "ax2", "by1", "by2", "cz1"]
    sectors = [Sector.PUBLIC, Sector.PUBLIC, Sector.INTEREST, Sector.INTEREST, Sector.PRIVATE]
    specs = tuple(NodeSpec(n, s, None, 1) for n, s in zip(names, sectors, strict=True))
    inv = Inventory(specs, SHARES)
    state = FleetState(inv, default_registry())
    table = NodeTable()
    qtbot.addWidget(table)
    table.show()
    table.show_snapshot(snapshot(state, 1.0, {n: 10.0 * i for i, n in enumerate(names)}))

    def shown() -> list[str]:
        p = table.proxy
        return [p.data(p.index(r, Col.NODE)) for r in range(p.rowCount())]

    table.search.setText("ax")
    assert sorted(shown()) == ["ax1", "ax2"]
    header = table.view.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionViewportPosition(Col.UTIL) >= 0 and header.isVisible())
    # a real click on the header, as the operator sorts: Qt calls the proxy's sort()
    x = header.sectionViewportPosition(Col.UTIL) + header.sectionSize(Col.UTIL) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == Col.UTIL
    assert sorted(shown()) == ["ax1", "ax2"]
    table.show_snapshot(snapshot(state, 2.0, {n: 50.0 - 10.0 * i for i, n in enumerate(names)}))
    assert table.search.text() == "ax"
    assert sorted(shown()) == ["ax1", "ax2"]

    table.search.clear()
    table.sector_filter.setCurrentIndex(table.sector_filter.findData(1))  # the interest sector
    assert sorted(shown()) == ["by1", "by2"]
    table.view.sortByColumn(Col.NODE, Qt.SortOrder.DescendingOrder)
    table.show_snapshot(snapshot(state, 3.0, {n: 1.0 for n in names}))
    assert shown() == ["by2", "by1"]


def test_a_status_filter_follows_status_changes_and_clearing_it_shows_every_node(qtbot):
    """The proxy filters again at each snapshot only while a filter is set (with none every row
    passes): a node that becomes unreachable must still join the rows of that filter."""
    names = ["a1", "a2", "a3"]
    inv = Inventory(tuple(NodeSpec(n, Sector.PUBLIC, None, 1) for n in names), SHARES)
    state = FleetState(inv, default_registry())
    table = NodeTable()
    qtbot.addWidget(table)
    table.show_snapshot(snapshot(state, 1.0, {n: 10.0 for n in names}))

    def shown() -> list[str]:
        p = table.proxy
        return [p.data(p.index(r, Col.NODE)) for r in range(p.rowCount())]

    assert not table.proxy.dynamicSortFilter()
    table.search.setText("unreachable")
    assert shown() == []
    state.apply(PollBatch(2.0, events=(NodeEvent("a2", 2.0, NodeStatus.UNREACHABLE, "down"),)))
    table.show_snapshot(snapshot(state, 2.0, {"a1": 10.0, "a3": 10.0}))
    assert shown() == ["a2"]
    table.show_snapshot(snapshot(state, 3.0, {n: 10.0 for n in names}))  # a2 is back
    assert shown() == []
    table.search.clear()
    assert shown() == names and not table.proxy.dynamicSortFilter()
