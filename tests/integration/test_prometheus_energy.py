"""Energy through a real Prometheus: dcgm-exporter's counter (real captures, MIG and the two host
label spellings), node_exporter's RAPL packages, serve's estimated flag; and serve --demo's
counters round-tripped serve → Prometheus → the Prometheus source → the snapshot."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest

from console.fleet.metrics import default_registry
from console.fleet.model import PollBatch
from console.fleet.state import FleetState
from console.room import names as n
from tests.integration import fixture_exporter
from tests.integration.fixture_exporter import (
    CaptureExporter,
    FixtureExporter,
    parse_capture,
    render_node,
)
from tests.integration.prometheus_testbed import PrometheusTestbed
from tests.integration.serve_process import ServeProcess
from tests.integration.sshd_testbed import wait_until
from tests.integration.test_prometheus_source import need

MIG_CAPTURE = "fake-gpu-operator__a100-mig__4-active-workloads.prom"
T4_CAPTURE = fixture_exporter.DEFAULT_CAPTURE
RAPL = (n.NODE_RAPL_PACKAGE, "node_rapl_core_joules_total")


def captured_mj(capture: str) -> list[list[float]]:
    """Each captured GPU's counter rows as the capture has them (in the exporter's GPU order):
    a MIG GPU has one per instance, all with the GPU's value."""
    _, samples = parse_capture((fixture_exporter.CAPTURES / capture).read_text("utf-8"))
    rows: dict[tuple[str, str], list[float]] = {}
    for name, labels, value in samples:
        if name == n.DCGM_ENERGY:
            rows.setdefault((labels.get("Hostname", ""), labels["gpu"]), []).append(float(value))
    return list(rows.values())


def captured_package_joules() -> float:
    _, samples = parse_capture(fixture_exporter.NODE_CAPTURE.read_text("utf-8"))
    (value,) = [float(v) for name, _, v in samples if name == n.NODE_RAPL_PACKAGE]
    return value


def fleet_file(tmp_path: Path, url: str, rapl_target: str) -> Path:
    path = tmp_path / "fleet.toml"
    path.write_text(
        f"""
[sectors]
public = "50%"
interest = "30%"
private = "20%"

[[nodes]]
name = "gpu01"
sector = "interest"
gpus = 2

[[nodes]]
name = "gpu02"
sector = "private"
gpus = 4

[prometheus]
url = "{url}"
interval = 1.0
timeout = 5.0

[prometheus.hosts]
"{rapl_target}" = "gpu01"
""",
        encoding="utf-8",
    )
    return path


def snapshot_of(source, inventory):
    fleet = FleetState(inventory, default_registry(), stale_after_s=60)
    result = source.refresh()
    fleet.apply(PollBatch(time.time(), packed=result.packed, events=result.events))
    return fleet.snapshot(time.time()), result


def test_dcgm_counters_rapl_packages_and_the_flag_come_through_prometheus(tmp_path):
    need(PrometheusTestbed)
    if not fixture_exporter.NODE_CAPTURE.is_file():
        from tests.peers import require_peer

        require_peer("node_exporter capture", f"{fixture_exporter.NODE_CAPTURE} missing")
    from console.inventory.loader import load_inventory
    from console.sources.prometheus.setup import RoomSettings
    from console.sources.prometheus.source import PrometheusSource

    # gpu01: a MIG A100 (four instance rows per GPU, all with the GPU's counter), Hostname
    mig = FixtureExporter(["gpu01"], capture=MIG_CAPTURE, gpus=2).start()
    # gpu02: the T4 capture, `hostname` spelling; serve's flag on its GPU 1 (integrated power)
    t4 = FixtureExporter(["gpu02"], gpus=4, hostname_label="hostname").start()
    t4.body += (
        f"# TYPE {n.GPU_ENERGY_ESTIMATED} gauge\n"
        f'{n.GPU_ENERGY_ESTIMATED}{{gpu="1",hostname="gpu02"}} 1\n'
        f'{n.GPU_ENERGY_ESTIMATED}{{gpu="2",hostname="gpu02"}} 0\n'
    ).encode()
    # node_exporter's RAPL zones for gpu01's two sockets (package and core of each)
    rapl = CaptureExporter(render_node(RAPL, packages=2)).start()
    try:
        jobs = {"dcgm": [mig.target, t4.target], "node": [rapl.target]}
        with PrometheusTestbed(tmp_path, interval_s=1.0, jobs=jobs) as prom:
            prom.wait_up("dcgm")
            prom.wait_up("node")
            (mig_rows,), (t4_rows,) = captured_mj(MIG_CAPTURE), captured_mj(T4_CAPTURE)
            assert len(mig_rows) > 1 and len(set(mig_rows)) == 1  # the case this is about
            prom.wait_for(n.DCGM_ENERGY, 2 * len(mig_rows) + 4 * len(t4_rows))  # all stored
            prom.wait_for(n.NODE_RAPL_PACKAGE, 2)
            prom.wait_for(n.GPU_ENERGY_ESTIMATED, 2)
            inventory = load_inventory(fleet_file(tmp_path, prom.url, rapl.target))
            room = RoomSettings.of(None, inventory.prometheus)
            source = PrometheusSource(room.client(), inventory, room.interval, room.hosts)
            try:
                snap, result = snapshot_of(source, inventory)
            finally:
                source.stop()
    finally:
        for exporter in (mig, t4, rapl):
            exporter.stop()
    a, b = snap.node_names.index("gpu01"), snap.node_names.index("gpu02")
    mig_mj, t4_mj = mig_rows[0], max(t4_rows)
    assert result.packed.energy_j.dtype == np.float64
    # one counter per GPU (not the sum of its MIG rows), mJ → J
    assert snap.gpu_energy_j[a, :2].tolist() == [mig_mj / 1000] * 2
    assert snap.gpu_energy_j[b, :4].tolist() == [t4_mj / 1000] * 4
    assert np.isnan(snap.gpu_energy_j[a, 2:]).all()
    assert snap.gpu_energy_estimated[b, :4].tolist() == [False, True, False, False]
    assert not snap.gpu_energy_estimated[a].any()  # a dcgm-exporter's counter is measured
    # packages summed (the core subzones are parts of them, not added); no RAPL for gpu02
    assert snap.node_cpu_energy_j[a] == pytest.approx(2 * captured_package_joules(), rel=1e-12)
    assert math.isnan(snap.node_cpu_energy_j[b])


def serve_energy(serve: ServeProcess) -> tuple[dict, dict, dict, dict]:
    """What serve exports now: per (node, gpu) mJ and flag, per node CPU J, and its raw text."""
    fams = serve.families()
    mj = {(s.labels["Hostname"], s.labels["gpu"]): s.value for s in fams[n.DCGM_ENERGY].samples}
    flags = {
        (s.labels["Hostname"], s.labels["gpu"]): s.value
        for s in fams[n.GPU_ENERGY_ESTIMATED].samples
    }
    cpu = {s.labels["node"]: s.value for s in fams["hangang_node_cpu_energy_joules"].samples}
    return mj, flags, cpu, {s.labels["sector"]: s.value for s in fams[n.SECTOR_POWER].samples}


def test_serve_demo_energy_round_trips_through_prometheus(tmp_path):
    """serve --demo (a new sample every 10 s, so its answer holds still between them) scraped
    each second: the source's snapshot has exactly the counters serve exported."""
    need(PrometheusTestbed)
    from console.cli import parse_args
    from console.fleet_choice import load_inventory_for, prometheus_room
    from console.sources.prometheus.source import PrometheusSource

    serve = ServeProcess(tmp_path / "serve", ["--demo", "8", "--interval", "10"]).start()
    try:
        jobs = {"hangang": [f"127.0.0.1:{serve.port}"]}
        with PrometheusTestbed(tmp_path, interval_s=1.0, jobs=jobs) as prom:
            prom.wait_up("hangang")
            prom.wait_for(n.DCGM_ENERGY, 56)  # 7 or 8 live nodes × 8 GPUs
            options = parse_args(["--prometheus", prom.url, "--interval", "1"])
            inventory = load_inventory_for(options)
            room = prometheus_room(options, inventory)
            source = PrometheusSource(room.client(), inventory, room.interval)
            try:
                for _ in range(8):  # until serve's answer held still across a scrape
                    before = serve_energy(serve)
                    asked = time.time()
                    wait_until(
                        lambda asked=asked: (
                            (prom.value(f"timestamp({n.SERVE_UP})") or 0) > asked + 0.05
                        ),
                        10,
                        interval=0.1,
                        message="no scrape after the read",
                    )
                    snap, _ = snapshot_of(source, inventory)
                    if serve_energy(serve) == before:
                        break
                else:
                    pytest.fail("serve's counters never held still across a scrape")
            finally:
                source.stop()
    finally:
        serve.stop()
    mj, flags, cpu, power = before
    assert len(mj) >= 56 and set(flags.values()) == {0.0}
    got = {}
    for row, node in enumerate(snap.node_names):
        for g in range(8):
            if not math.isnan(snap.gpu_energy_j[row, g]):
                got[(node, str(g))] = snap.gpu_energy_j[row, g]
    assert got == {key: value / 1000 for key, value in mj.items()}  # exactly, every GPU
    assert not snap.gpu_energy_estimated.any()
    cpu_got = {
        node: snap.node_cpu_energy_j[row]
        for row, node in enumerate(snap.node_names)
        if not math.isnan(snap.node_cpu_energy_j[row])
    }
    assert cpu_got == cpu and len(cpu) >= 7
    # the sectors' power is what the live GPUs draw
    assert sum(power.values()) == pytest.approx(
        float(np.nansum(np.where(np.isnan(snap.gpu_energy_j), np.nan, snap.gpu_power_w))), abs=1.0
    )
