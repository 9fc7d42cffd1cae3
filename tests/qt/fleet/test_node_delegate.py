"""The node table's own cell delegate draws exactly what Qt's delegate drew from the model's
roles: text, colours (status, sector, grey for old values), alignment, elision, selection."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QStyledItemDelegate

from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeEvent, NodeSample, NodeStatus, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from widgets.fleet.node_delegate import NodeCellDelegate
from widgets.fleet.node_table import Col, NodeTable

SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 4].copy()


def mixed_table(qtbot) -> NodeTable:
    names = ["alpha-node-with-a-long-name", "b1", "c2", "d3"]
    sectors = [Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE, Sector.PUBLIC]
    specs = tuple(NodeSpec(n, s, None, 2) for n, s in zip(names, sectors, strict=True))
    state = FleetState(Inventory(specs, SHARES), default_registry(), stale_after_s=10)
    gpus = (GpuSample(0, util_gpu=37.0, temp_c=55.0), GpuSample(1, util_gpu=81.0, temp_c=61.0))
    state.apply(PollBatch(1.0, samples=tuple(NodeSample(n, 1.0, gpus) for n in names[:3])))
    # b1 cannot be reached any more: its old values are shown grey; d3 never answered
    state.apply(PollBatch(2.0, events=(NodeEvent("b1", 2.0, NodeStatus.UNREACHABLE, "refused"),)))
    table = NodeTable()
    qtbot.addWidget(table)
    table.resize(900, 240)
    table.show()
    table.show_snapshot(state.snapshot(3.0))
    table.view.setColumnWidth(Col.NODE, 70)  # the long name is elided
    return table


def test_the_cell_delegate_paints_what_qts_delegate_painted(qtbot):
    table = mixed_table(qtbot)
    view = table.view
    assert isinstance(view.itemDelegate(), NodeCellDelegate)
    view.selectionModel().select(
        table.proxy.index(2, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    ours = pixels(view.grab().toImage())
    view.setItemDelegate(QStyledItemDelegate(view))
    theirs = pixels(view.grab().toImage())
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs), f"{int((ours != theirs).sum())} bytes differ"


def test_a_cell_is_the_models_display_foreground_and_alignment(qtbot):
    table = mixed_table(qtbot)
    model = table.model
    for row in range(model.rowCount()):
        for col in Col:
            index = model.index(row, col)
            text, colour, right = model.cell(row, col)
            assert text == model.data(index)
            assert colour == model.data(index, Qt.ItemDataRole.ForegroundRole)
            assert right == (model.data(index, Qt.ItemDataRole.TextAlignmentRole) is not None)
