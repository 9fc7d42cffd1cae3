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
    """At a 5 s interval a refresh asks the busy figures' inputs, and at most one slower value;
    the values not asked are the last answer's, for the nodes this answer has."""
    slow, static = round(queries.SLOW_S / 5), round(queries.STATIC_S / 5)
    have = set(queries.SLOW + queries.STATIC)
    asked = [queries.due(r, 5.0, have) for r in range(static)]
    heavy = set(queries.SLOW + queries.STATIC) - {queries.JOBS}
    assert all(set(queries.EVERY) <= set(a) for a in asked)
    assert max(len(heavy & set(a)) for a in asked) == 1
    for metric in queries.SLOW:
        assert sum(metric in a for a in asked) == static // slow
    for metric in queries.STATIC:
        assert sum(metric in a for a in asked) == 1
    assert set(queries.due(7, 5.0, set())) >= have  # never answered: asked at once
    assert set(queries.due(3, 300.0, have)) >= have  # a slow interval: everything, every time

    need(PrometheusTestbed)
    exporter = FixtureExporter(["gpu01", "gpu02"], gpus=2).start()
    nodes = (NodeSpec("gpu01", Sector.PUBLIC, None, 2), NodeSpec("gpu02", Sector.PUBLIC, None, 2))
    inventory = Inventory(nodes, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.3})
    try:
        with PrometheusTestbed(tmp_path, [exporter.target], interval_s=1.0) as prom:
            prom.wait_for(n.DCGM_TEMP, 4)
            source = PrometheusSource(PrometheusClient(prom.url), inventory, interval=5.0)
            first = source.refresh()  # everything
            second = source.refresh()  # refresh 1: no GPU temperature, no framebuffer size
            source.stop()
    finally:
        exporter.stop()
    assert not {n.DCGM_TEMP, queries.FB_TOTAL} & set(queries.due(1, 5.0, have))
    for name in ("temp_c", "mem_total_mib", "util_gpu"):
        a, b = first.packed.field(name), second.packed.field(name)
        assert np.isfinite(a).all() and np.array_equal(a, b), name
