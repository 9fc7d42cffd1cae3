"""dcgm-exporter's job mapping through Prometheus: a capture line with the `hpc_job` label (a
variant of the real T4 capture written in the test's tmp dir) reaches the snapshot and the node
window's GPU table; and the refresh's lanes ask slow values less often but keep them shown."""

from __future__ import annotations

import time

import numpy as np

from console.fleet.metrics import default_registry
from console.fleet.model import PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.room import names as n
from console.sources.prometheus import queries
from console.sources.prometheus.client import PrometheusClient
from console.sources.prometheus.source import PrometheusSource
from tests.integration import fixture_exporter
from tests.integration.fixture_exporter import FixtureExporter
from tests.integration.prometheus_testbed import PrometheusTestbed
from tests.integration.test_prometheus_source import need

JOB = "slurm-4242"


def job_capture(tmp_path) -> str:
    """The T4 capture with hpc_job on its GPU's series, as dcgm-exporter writes it when its
    job mapping directory names the job for that GPU."""
    source = fixture_exporter.CAPTURES / fixture_exporter.DEFAULT_CAPTURE
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#") and 'gpu="0"' in line:
            line = line.replace('gpu="0",', f'gpu="0",hpc_job="{JOB}",', 1)
        lines.append(line)
    path = tmp_path / "t4-with-job.prom"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)  # absolute: the exporter's CAPTURES / it is this path


def test_hpc_job_reaches_the_snapshot_and_the_node_window(tmp_path):
    need(PrometheusTestbed)
    from widgets.fleet.node_detail import gpu_frame

    with_job = FixtureExporter(["gpu01"], capture=job_capture(tmp_path), gpus=1).start()
    plain = FixtureExporter(["gpu02"], gpus=1).start()
    nodes = (NodeSpec("gpu01", Sector.PUBLIC, None, 1), NodeSpec("gpu02", Sector.PUBLIC, None, 1))
    inventory = Inventory(nodes, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.3})
    try:
        with PrometheusTestbed(tmp_path, [with_job.target, plain.target], interval_s=1.0) as prom:
            prom.wait_for(f'{n.DCGM_TEMP}{{hpc_job="{JOB}"}}')
            prom.wait_for(n.DCGM_TEMP, 2)
            source = PrometheusSource(PrometheusClient(prom.url), inventory, interval=1.0)
            fleet = FleetState(inventory, default_registry(), stale_after_s=10)
            result = source.refresh()
            source.stop()
    finally:
        with_job.stop()
        plain.stop()
    rows = {h: i for i, h in enumerate(result.packed.hosts)}
    assert result.packed.job is not None
    assert result.packed.job[rows["gpu01"], 0] == JOB
    assert result.packed.job[rows["gpu02"], 0] is None  # no label: no job, never a guess
    fleet.apply(PollBatch(time.time(), packed=result.packed, events=result.events))
    snap = fleet.snapshot(time.time())
    row = snap.node_names.index("gpu01")
    assert snap.gpu_job[row, 0] == JOB
    assert gpu_frame(snap, row, {})["job"].tolist() == [JOB]
    assert gpu_frame(snap, snap.node_names.index("gpu02"), {})["job"].tolist() == [""]


def test_slow_values_are_asked_less_often_and_kept_meanwhile(tmp_path):
    """At a 5 s interval a refresh asks the busy figures' inputs, and one slower value at most,
    each within twice its period; the values not asked are the last answer's."""
    last: dict[str, int] = {}
    gaps: dict[str, list[float]] = {m: [] for m in queries.LANES}
    assert set(queries.due(0, 5.0, last)) == set(queries.EVERY) | set(queries.LANES)
    for r in range(200):
        asked = queries.due(r, 5.0, last)
        assert set(queries.EVERY) <= set(asked)
        lanes = [m for m in asked if m in queries.LANES]
        if r:
            assert len(set(lanes) - {queries.JOBS}) <= 1, (r, lanes)
        for m in lanes:
            if m in last:
                gaps[m].append((r - last[m]) * 5.0)
            last[m] = r
    for metric, period in queries.LANES.items():
        assert gaps[metric] and period <= min(gaps[metric]) <= max(gaps[metric]) <= 1.5 * period
    every = {m: 0 for m in queries.LANES}  # a long interval: every value, every refresh
    assert set(queries.due(5, 300.0, every)) == set(queries.EVERY) | set(queries.LANES)

    need(PrometheusTestbed)
    exporter = FixtureExporter(["gpu01", "gpu02"], gpus=2).start()
    nodes = (NodeSpec("gpu01", Sector.PUBLIC, None, 2), NodeSpec("gpu02", Sector.PUBLIC, None, 2))
    inventory = Inventory(nodes, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.3})
    try:
        with PrometheusTestbed(tmp_path, [exporter.target], interval_s=1.0) as prom:
            prom.wait_for(n.DCGM_TEMP, 4)
            source = PrometheusSource(PrometheusClient(prom.url), inventory, interval=5.0)
            assert not source.lanes  # 4 GPUs: everything, every refresh, unless told
            source.lanes = True
            first = source.refresh()  # everything
            second = source.refresh()  # refresh 1: no GPU temperature, no framebuffer size
            source.stop()
    finally:
        exporter.stop()
    asked_second = {m for m, r in source._asked_at.items() if r == 1}
    assert asked_second and not {n.DCGM_TEMP, queries.FB_TOTAL} & asked_second
    for name in ("temp_c", "mem_total_mib", "util_gpu"):
        a, b = first.packed.field(name), second.packed.field(name)
        assert np.isfinite(a).all() and np.array_equal(a, b), name
