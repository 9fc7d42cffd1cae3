"""Benchmarks (`make bench`): each prints its time and the ratio to a baseline run beside it.

Nothing here asserts a time: a slow machine must never fail a build. The numbers go in the notes.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene, QGraphicsView

from console.fleet.metrics import default_registry
from console.fleet.model import NodeEvent, NodeSample, PollBatch
from console.fleet.packing import pack
from console.fleet.state import FleetState
from console.sources.demo.fleet import SimFleet
from widgets.fleet.heatmap import FleetHeatmap

T0 = 1_795_968_000.0


def best_of(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, ours: float, baseline: float, baseline_name: str) -> None:
    print(
        f"\n{name}: {ours * 1e3:.2f} ms; baseline ({baseline_name}) {baseline * 1e3:.2f} ms; "
        f"ratio {ours / baseline:.2f}"
    )


def batch_for(fleet: SimFleet, t: float) -> PollBatch:
    items = fleet.sample(t)
    return PollBatch(
        t,
        samples=tuple(i for i in items if isinstance(i, NodeSample)),
        events=tuple(i for i in items if isinstance(i, NodeEvent)),
    )


@pytest.mark.parametrize("nodes", [48, 2000])
def test_bench_gui_thread_tick(nodes):
    """The GUI thread's work per batch: apply a batch packed by the poller, build a snapshot.
    Baseline: the same with the samples unpacked, as if the packing ran on the GUI thread."""
    fleet = SimFleet.build(nodes)
    state = FleetState(fleet.inventory, default_registry())
    raw = batch_for(fleet, T0)
    packed = PollBatch(raw.t, raw.samples, raw.events, packed=pack(raw.samples))
    ticks = iter(range(10**9))

    def tick(batch: PollBatch) -> None:
        state.apply(batch)
        state.snapshot(T0 + next(ticks))

    report(
        f"GUI-thread tick (apply + snapshot), {nodes} nodes",
        best_of(lambda: tick(packed)),
        best_of(lambda: tick(raw)),
        "samples packed on the GUI thread",
    )
    print(f"packing in the poller thread: {best_of(lambda: pack(raw.samples)) * 1e3:.2f} ms")


def test_bench_heatmap_update_2000_nodes(qtbot):
    """Our one-ImageItem heatmap against one QGraphicsRectItem per GPU (DESIGN.md §8)."""
    fleet = SimFleet.build(2000)
    state = FleetState(fleet.inventory, default_registry())
    state.apply(batch_for(fleet, T0))
    snaps = [state.snapshot(T0 + k) for k in range(2)]
    heatmap = FleetHeatmap()
    qtbot.addWidget(heatmap)
    heatmap.resize(900, 600)
    heatmap.show()
    heatmap.show_snapshot(snaps[0])
    flip = iter(range(10**9))

    def ours() -> None:
        heatmap.show_snapshot(snaps[next(flip) % 2])
        heatmap.view.viewport().repaint()

    scene = QGraphicsScene()
    view = QGraphicsView(scene)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    util = snaps[0].gpu_util
    rects = []
    for n in range(util.shape[0]):
        for g in range(util.shape[1]):
            rects.append(scene.addRect(n % 160, (n // 160) * 9 + g, 1, 1))
    colours = [QBrush(QColor.fromHsv(int(2.4 * v) % 360, 200, 200)) for v in range(101)]
    values = np.nan_to_num(util.ravel()).astype(int)

    def baseline() -> None:
        for rect, v in zip(rects, values, strict=True):
            rect.setBrush(colours[v])
        view.viewport().repaint()

    assert isinstance(rects[0], QGraphicsRectItem)
    report(
        "heatmap update, 16,000 GPUs", best_of(ours), best_of(baseline, 3), "a rect item per GPU"
    )
