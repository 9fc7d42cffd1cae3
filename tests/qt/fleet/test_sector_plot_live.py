"""The live sector plot redraws its curves only when the series gained a point, and follows now
by whole pixels; what it draws is still the newest series."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np

from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from widgets.fleet.utilization_plot import SectorPlot

T0 = 1_795_968_000.0
SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}


def test_curves_redraw_when_a_point_is_added_and_the_view_follows_now(qtbot):
    inv = Inventory(tuple(NodeSpec(f"n{i}", Sector.PUBLIC, None, 1) for i in range(3)), SHARES)
    state = FleetState(inv, default_registry())
    plot = SectorPlot(ZoneInfo("Asia/Seoul"))
    qtbot.addWidget(plot)
    plot.resize(700, 400)
    plot.show()

    def snap(t: float):
        samples = tuple(NodeSample(f"n{i}", t, (GpuSample(0, util_gpu=50.0),)) for i in range(3))
        state.apply(PollBatch(t, samples=samples))
        return state.snapshot(t)

    plot.show_snapshot(snap(T0))
    drawn = plot.arrays
    plot.show_snapshot(snap(T0 + 0.25))  # no new point (one a second): nothing redrawn
    assert plot.arrays is drawn
    plot.show_snapshot(snap(T0 + 1.0))
    assert plot.arrays is not drawn and plot.arrays.t[-1] == T0 + 1.0
    curve = plot.curves["util", Sector.PUBLIC]
    np.testing.assert_array_equal(curve.xData, plot.arrays.t)
    for k in range(2, 40):  # the view's right edge keeps up with now, within a pixel
        plot.show_snapshot(snap(T0 + k))
    x0, x1 = plot.visible_range()
    pixel = (x1 - x0) / plot.gpu_plot.getViewBox().width()
    assert abs(x1 - (T0 + 39)) <= pixel
