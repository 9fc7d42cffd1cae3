"""The live sector plot redraws its curves only when the series gained a point, and follows now
by whole pixels; what it draws is still the newest series."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

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


def test_a_following_view_holds_what_it_shows_and_a_zoom_shows_the_rest(qtbot):
    """The live view that follows now is fed only the points it shows (and a few left of it):
    the view moving by a pixel re-cuts no curve. A wheel zoom out shows the whole hour at once."""
    inv = Inventory(tuple(NodeSpec(f"n{i}", Sector.PUBLIC, None, 1) for i in range(3)), SHARES)
    state = FleetState(inv, default_registry())
    t = T0 - np.arange(3000, 0, -1.0)  # 50 minutes of points before now
    ramp = np.vstack([np.linspace(10, 90, len(t))] * 3)
    state.preload_series(t, ramp, np.ones_like(ramp))
    plot = SectorPlot(ZoneInfo("Asia/Seoul"))
    qtbot.addWidget(plot)
    plot.resize(700, 400)
    plot.show()
    samples = tuple(NodeSample(f"n{i}", T0, (GpuSample(0, util_gpu=50.0),)) for i in range(3))
    state.apply(PollBatch(T0, samples=samples))
    plot.show_snapshot(state.snapshot(T0))
    curve = plot.curves["util", Sector.PUBLIC]
    x0, x1 = plot.visible_range()
    assert x1 - x0 == 15 * 60
    shown = plot.arrays.t[plot.arrays.t >= x0]
    assert curve.xData[0] < x0 and curve.xData[0] > plot.arrays.t[0]  # cut left of the view
    np.testing.assert_array_equal(curve.xData[-len(shown) :], shown)  # all it shows, to now
    np.testing.assert_array_equal(curve.yData, plot.arrays.values["util"][0, -len(curve.xData) :])

    viewport = plot.view.viewport()
    box = plot.gpu_plot.getViewBox()
    centre = plot.view.mapFromScene(box.mapToScene(box.boundingRect().center()))
    for _ in range(3):  # three notches out
        event = QWheelEvent(
            QPointF(centre),
            QPointF(viewport.mapToGlobal(centre)),
            QPoint(0, 0),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(viewport, event)
    assert not plot.range.following
    assert plot.visible_range()[0] < x0
    np.testing.assert_array_equal(curve.xData, plot.arrays.t)  # the whole hour, before settling
