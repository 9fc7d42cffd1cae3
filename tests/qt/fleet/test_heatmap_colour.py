"""The heatmap's cell colours from its lookup table are the rules' colours: utilisation of live
GPUs on viridis, grey for no data (stale, waiting, live without a value), dark red for nodes that
cannot be read, transparent where there is no cell; and they follow a new layout."""

from __future__ import annotations

import numpy as np

from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeEvent, NodeSample, NodeStatus, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from widgets.common.theme import colours
from widgets.fleet.heatmap import BROKEN, FleetHeatmap, compute_layout

SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}


def by_the_rules(heatmap: FleetHeatmap, snap, lay) -> np.ndarray:
    """The colours as the rules say them, one pass over the grid per rule."""
    valid = lay.cell_node >= 0
    node = np.where(valid, lay.cell_node, 0)
    gpu = np.where(valid, lay.cell_gpu, 0)
    live = snap.node_status == NodeStatus.LIVE
    value = np.where(live[node], snap.gpu_util[node, gpu], np.nan)
    rgba = heatmap.lut[np.clip(np.nan_to_num(value, nan=0.0) * 2.55, 0, 255).astype(np.intp)]
    rgba[np.isnan(value)] = colours().no_data.getRgb()
    rgba[np.isin(snap.node_status[node], BROKEN)] = colours().unreachable.getRgb()
    rgba[~valid] = 0
    return rgba


def test_cell_colours_follow_status_and_utilisation(qtbot):
    rng = np.random.default_rng(7)
    sectors = list(Sector)
    specs = tuple(NodeSpec(f"n{i:02d}", sectors[i % 3], None, 1 + i % 4) for i in range(30))
    state = FleetState(Inventory(specs, SHARES), default_registry(), stale_after_s=10)
    samples = []
    for spec in specs[:24]:
        utils = rng.uniform(0, 100, spec.gpu_count)
        utils[rng.random(spec.gpu_count) < 0.2] = np.nan  # a GPU that reported no value
        gpus = tuple(GpuSample(g, util_gpu=float(u)) for g, u in enumerate(utils))
        samples.append(NodeSample(spec.name, 1.0, gpus))
    state.apply(PollBatch(1.0, samples=tuple(samples)))
    broken = [NodeStatus.UNREACHABLE, NodeStatus.AUTH_FAILED, NodeStatus.PROBE_ERROR]
    events = tuple(NodeEvent(specs[i].name, 2.0, broken[i % 3], "x") for i in range(0, 24, 5))
    state.apply(PollBatch(2.0, events=events))
    heatmap = FleetHeatmap()
    qtbot.addWidget(heatmap)
    seen: set[int] = set()
    for t in (3.0, 30.0):  # at 30 s the nodes that still answer are stale
        snap = state.snapshot(t)
        seen |= set(snap.node_status.tolist())
        for size in ((800, 500), (300, 700)):
            lay = compute_layout(snap.node_sector, snap.node_gpu_count, *size)
            expected = by_the_rules(heatmap, snap, lay)
            assert np.array_equal(heatmap.colour(snap, lay), expected)
    # every kind of cell was drawn: live, waiting, stale, unreachable and the other two
    assert {NodeStatus.LIVE, NodeStatus.STALE, NodeStatus.WAITING, *broken} <= seen
