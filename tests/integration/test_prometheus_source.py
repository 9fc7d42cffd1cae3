"""The console on a Prometheus source: a site-style exporter pair (the fixture dcgm-exporter serving
real captures, and a real prometheus-node-exporter) scraped by real Prometheus, then by
VictoriaMetrics; the window's FleetState, the banner when the server goes away, no freeze."""

from __future__ import annotations

import contextlib
import math
import shutil
import socket
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import NodeStatus, Sector
from console.fleet_choice import load_inventory_for
from console.sources.prometheus.client import PrometheusError
from tests.integration import fixture_exporter
from tests.integration.fixture_exporter import FixtureExporter
from tests.integration.prometheus_testbed import (
    PrometheusTestbed,
    VictoriaMetricsTestbed,
    free_port,
)
from tests.peers import require_peer
from widgets.window.frontend import WindowFrontend

NODE_EXPORTER = "prometheus-node-exporter"
PROF, UTIL = "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "DCGM_FI_DEV_GPU_UTIL"


def need(engine) -> None:
    why = engine.missing()
    if why:
        require_peer(engine.binary, why)
    if not fixture_exporter.exists():
        require_peer("dcgm-exporter captures", f"{fixture_exporter.CAPTURES} missing")


@contextlib.contextmanager
def node_exporter():
    """A real node_exporter on a free port, only the collectors the source reads."""
    if shutil.which(NODE_EXPORTER) is None:
        require_peer(NODE_EXPORTER, "not installed (bash packaging/debian-packages.sh test)")
    port = free_port()
    proc = subprocess.Popen(
        [NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{port}", "--collector.disable-defaults",
         "--collector.cpu", "--collector.filesystem", "--collector.uname",
         "--collector.meminfo", "--collector.loadavg"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            break
        time.sleep(0.1)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def site(tmp_path):
    """gpu01: Hostname label, PROF_GR_ENGINE_ACTIVE and GPU_UTIL both exported (they differ);
    gpu02: the `hostname` spelling, GPU_UTIL only; a real node_exporter beside gpu01."""
    a = FixtureExporter(["gpu01"], gpus=8, overrides={PROF: 0.73, UTIL: 20}).start()
    b = FixtureExporter(["gpu02"], gpus=4, hostname_label="hostname", overrides={UTIL: 55},
                        drop=[PROF]).start()
    with node_exporter() as ne:
        yield {"gpu01": a, "gpu02": b, "node": ne}
    a.stop()
    b.stop()


def fleet_file(tmp_path: Path, url: str, node_target: str) -> Path:
    path = tmp_path / "fleet.toml"
    path.write_text(f"""
[sectors]
public = "50%"
interest = "30%"
private = "20%"

[[organisations]]
id = "snu"
sector = "interest"
name_ko = "SNU"
name_en = "Seoul National University"

[[nodes]]
name = "gpu01"
sector = "interest"
organisation = "snu"
gpus = 8

[[nodes]]
name = "gpu02"
sector = "private"
gpus = 4

[prometheus]
url = "{url}"
interval = 1.0
timeout = 2.0

[prometheus.hosts]
"{node_target}" = "gpu01"
""", encoding="utf-8")
    return path


@pytest.fixture
def window_on(qtbot, tmp_path):
    running = []

    def start(fleet: Path):
        options = parse_args(["--inventory", str(fleet), "--lang", "en",
                              "--data-dir", str(tmp_path / "data")])
        frontend = WindowFrontend()
        frontend.create_application([])
        services = build_services(options, load_inventory_for(options))
        frontend.open(services, options, started_at=0.0)
        qtbot.addWidget(frontend.window)
        services.start()
        running.append(services)
        return frontend, services

    yield start
    for services in running:
        services.stop()


def wait_snapshot(qtbot, services, predicate, timeout_ms=60_000):
    with qtbot.waitSignal(services.bridge.snapshot_ready, timeout=timeout_ms,
                          check_params_cb=predicate) as blocker:
        pass
    return blocker.args[0]


def row(snap, name):
    return snap.node_names.index(name)


def live(snap, *names):
    return all(snap.node_status[row(snap, n)] == NodeStatus.LIVE for n in names)


def test_site_exporters_through_prometheus_show_in_the_window(site, window_on, qtbot, tmp_path):
    need(PrometheusTestbed)
    prom = PrometheusTestbed(tmp_path, interval_s=1.0, jobs={
        "dcgm": [site["gpu01"].target, site["gpu02"].target], "node": [site["node"]],
    }).start()
    try:
        prom.wait_for("up == 1", 3)
        frontend, services = window_on(fleet_file(tmp_path, prom.url, site["node"]))
        assert services.sources[0].kind == "prometheus"
        snap = wait_snapshot(qtbot, services, lambda s: live(s, "gpu01", "gpu02")
                             and not math.isnan(s.node_cpu_percent[row(s, "gpu01")]))
        a, b = row(snap, "gpu01"), row(snap, "gpu02")
        # the fleet file's sectors and organisation, not anything from PromQL
        assert snap.sector_of(a) == Sector.INTEREST and snap.node_org[a].id == "snu"
        assert snap.sector_of(b) == Sector.PRIVATE
        # PROF_GR_ENGINE_ACTIVE (ratio → %) wins over GPU_UTIL; gpu02 (hostname) has GPU_UTIL
        assert np.allclose(snap.gpu_util[a, :8], 73.0)
        assert np.allclose(snap.gpu_util[b, :4], 55.0)
        assert np.all(snap.gpu_mem_total_mib[a, :8] > snap.gpu_mem_used_mib[a, :8])
        # node_exporter's CPU and disk reach gpu01 through [prometheus.hosts]
        assert 0.0 <= snap.node_cpu_percent[a] <= 100.0
        assert 0.0 <= snap.node_disk_pct[a] <= 100.0
        assert "Prometheus" in frontend.window.status.source.text()
        # the history plots ask the room's Prometheus (range queries), the rest the local store
        assert type(frontend.queries.history).__name__ == "PrometheusHistory"
        assert frontend.queries.history.reader is not None
        interest = next(s for s in snap.sectors if s.sector == Sector.INTEREST)
        assert interest.reporting_gpus == 8 and interest.used_gpus == 8

        # one exporter stops: its node is UNREACHABLE (up == 0), the other stays live
        site["gpu02"].stop()
        snap = wait_snapshot(qtbot, services, lambda s: s.node_status[row(s, "gpu02")]
                             in (NodeStatus.UNREACHABLE, NodeStatus.STALE))
        snap = wait_snapshot(qtbot, services, lambda s: s.node_status[row(s, "gpu02")]
                             == NodeStatus.UNREACHABLE)
        assert "down" in snap.node_reason[row(snap, "gpu02")]
        assert snap.node_status[row(snap, "gpu01")] == NodeStatus.LIVE
        site["gpu02"].start()
        wait_snapshot(qtbot, services, lambda s: live(s, "gpu01", "gpu02"))

        # Prometheus goes away: one banner, the last values kept and marked stale, the GUI
        # thread keeps running (a QTimer keeps ticking while the worker waits on the network)
        ticks = []
        timer = QTimer(interval=50)
        timer.timeout.connect(lambda: ticks.append(time.monotonic()))
        timer.start()
        prom.stop()
        banner = frontend.window.banner
        qtbot.waitUntil(lambda: banner.isVisible(), timeout=30_000)
        assert "cannot reach Prometheus" in banner.text()
        snap = wait_snapshot(qtbot, services, lambda s: s.counts.get(NodeStatus.STALE) == 2)
        assert np.allclose(snap.gpu_util[row(snap, "gpu01"), :8], 73.0)  # last values kept
        qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=30_000)
        timer.stop()
        gaps = np.diff(ticks)
        assert gaps.max() < 2.0, f"GUI thread stalled {gaps.max():.2f} s"  # loose, not timing

        prom.start()  # the same port and storage: the console comes back by itself
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=60_000)
        wait_snapshot(qtbot, services, lambda s: live(s, "gpu01", "gpu02"))
    finally:
        prom.stop()


def test_victoria_metrics_gives_the_same_snapshot(site, tmp_path):
    need(PrometheusTestbed)
    need(VictoriaMetricsTestbed)
    from console.fleet.metrics import default_registry
    from console.fleet.poller import Poller
    from console.fleet.state import FleetState
    from console.inventory.loader import load_inventory
    from console.sources.prometheus.setup import RoomSettings
    from console.sources.prometheus.source import PrometheusSource

    jobs = {"dcgm": [site["gpu01"].target, site["gpu02"].target], "node": [site["node"]]}
    snaps = {}
    for engine in (PrometheusTestbed, VictoriaMetricsTestbed):
        with engine(tmp_path, interval_s=1.0, jobs=jobs) as server:
            server.wait_for("up == 1", 3)
            server.wait_for(UTIL, 12)
            inventory = load_inventory(fleet_file(tmp_path, server.url, site["node"]))
            room = RoomSettings.of(None, inventory.prometheus)
            source = PrometheusSource(room.client(), inventory, room.interval, room.hosts)
            fleet = FleetState(inventory, default_registry(), stale_after_s=3 * room.interval + 1)
            poller = Poller([source], on_batch=fleet.apply)
            result = source.refresh()
            source.stop()
            poller.receive_packed(result.packed)
            poller.flush()
            snaps[engine.binary] = fleet.snapshot(time.time())
    p, v = snaps.values()
    assert p.node_names == v.node_names
    assert list(p.node_status) == list(v.node_status) == [NodeStatus.LIVE] * 2
    for field in ("gpu_util", "gpu_mem_used_mib", "gpu_mem_total_mib", "gpu_temp_c",
                  "gpu_power_w", "gpu_temp_mem_c", "gpu_energy_j", "gpu_energy_estimated",
                  "node_cpu_energy_j"):
        assert np.array_equal(getattr(p, field), getattr(v, field), equal_nan=True), field
    # the captures' energy counters (float64 joules) from both servers alike
    assert np.isfinite(p.gpu_energy_j[:, :4]).all() and p.gpu_energy_j.dtype == np.float64
    assert [s.used_gpus for s in p.sectors] == [s.used_gpus for s in v.sectors]


def room_series() -> bytes:
    """What `serve` exports about its nodes beside the DCGM series (ROOM.md names)."""
    lines = [
        "# TYPE hangang_node_info gauge",
        'hangang_node_info{node="r01",Hostname="r01",sector="public",organisation="seoul-u",'
        'model="Tesla T4",gpus="8"} 1',
        'hangang_node_info{node="r02",Hostname="r02",sector="interest",organisation="",'
        'model="A100-SXM4-40GB",gpus="1"} 1',
        'hangang_node_info{node="r03",Hostname="r03",sector="private",organisation="",'
        'model="Tesla T4",gpus="8"} 1',
        "# TYPE hangang_node_status gauge",
        'hangang_node_status{node="r01",status="live"} 0',
        'hangang_node_status{node="r02",status="live"} 0',
        f'hangang_node_status{{node="r03",status="stale"}} {int(NodeStatus.STALE)}',
        "# TYPE hangang_node_cpu_percent gauge",
        'hangang_node_cpu_percent{node="r01"} 37',
        "# TYPE hangang_sector_gpus_entitled gauge",
        'hangang_sector_gpus_entitled{sector="public"} 40',
        'hangang_sector_gpus_entitled{sector="interest"} 30',
        'hangang_sector_gpus_entitled{sector="private"} 30',
    ]
    return ("\n".join(lines) + "\n").encode()


def test_prometheus_url_alone_reads_the_fleet_from_serves_series(tmp_path):
    """`--prometheus URL` and no fleet file: nodes, sectors and organisations from
    hangang_node_info, shares from the entitlement series; serve's node status and CPU; a MIG
    node (no GPU_UTIL, only the profiling ratio) still has utilisation and a sample time."""
    need(PrometheusTestbed)
    from console.fleet_choice import prometheus_room
    from console.sources.prometheus.source import PrometheusSource

    serve = FixtureExporter(["r01"], gpus=8, overrides={PROF: 0.5}).start()
    serve.body += room_series()
    mig = FixtureExporter(["r02"], capture="fake-gpu-operator__a100-mig__active-1g.5gb.prom",
                          overrides={PROF: 0.25}).start()
    try:
        with PrometheusTestbed(tmp_path, [serve.target, mig.target], interval_s=1.0) as prom:
            prom.wait_for("hangang_node_info", 3)
            prom.wait_for("DCGM_FI_DEV_GPU_TEMP", 9)
            options = parse_args(["--prometheus", prom.url, "--interval", "1"])
            inventory = load_inventory_for(options)
            by_name = {n.name: n for n in inventory.nodes}
            assert {n: s.sector for n, s in by_name.items()} == {
                "r01": Sector.PUBLIC, "r02": Sector.INTEREST, "r03": Sector.PRIVATE}
            assert by_name["r01"].organisation.id == "seoul-u" and by_name["r01"].gpu_count == 8
            assert inventory.entitlements[Sector.PUBLIC] == pytest.approx(0.4)
            room = prometheus_room(options, inventory)
            assert room.interval == 1.0  # --interval: the scrape interval, stale after 3
            source = PrometheusSource(room.client(), inventory, room.interval)
            result = source.refresh()
            rows = {h: i for i, h in enumerate(result.packed.hosts)}
            util = result.packed.field("util_gpu")
            assert set(rows) == {"r01", "r02"}  # r03 has no live GPU series: serve says stale
            assert np.allclose(util[rows["r01"], :8], 50.0)
            assert util[rows["r02"], 0] == pytest.approx(25.0)
            assert np.all(time.time() - result.packed.t < 30)  # from GPU_TEMP's scrape time
            assert result.packed.cpu_percent[rows["r01"]] == pytest.approx(37.0)
            events = {e.host: e for e in result.events}
            assert set(events) == {"r03"} and events["r03"].status == NodeStatus.STALE
            assert "stale" in events["r03"].message

            # serve itself goes away: its nodes are not each "unreachable" (one target served
            # them all); their series end, so they go stale by age, as ROOM.md says
            serve.stop()
            prom.wait_for(f'up{{instance="{serve.target}"}} == 0')
            result = source.refresh()
            assert result.packed is not None and result.packed.hosts == ("r02",)
            assert not any(e.host == "r01" for e in result.events)
            source.stop()
    finally:
        serve.stop()
        mig.stop()


@pytest.mark.parametrize("engine", [PrometheusTestbed, VictoriaMetricsTestbed],
                         ids=["prometheus", "victoria-metrics"])
def test_history_plot_reads_range_queries(site, tmp_path, engine):
    """The sector plot's series from range queries, sectors from the fleet file: the frame
    HistoryStore.sector_series gives, with the server's past in it."""
    need(engine)
    from console.inventory.loader import load_inventory
    from console.sources.prometheus.history import COLUMNS, PrometheusHistory
    from console.sources.prometheus.setup import RoomSettings

    jobs = {"dcgm": [site["gpu01"].target, site["gpu02"].target]}
    with engine(tmp_path, interval_s=1.0, jobs=jobs) as server:
        server.wait_for(UTIL, 12)
        started = time.time()
        inventory = load_inventory(fleet_file(tmp_path, server.url, site["node"]))
        history = PrometheusHistory(RoomSettings.of(None, inventory.prometheus).client(),
                                    inventory, local=None, busy_threshold=10.0)
        # a node window's lines past its memory, by the same server's range queries
        # (widgets/history/query.node_rollups picks the room's over the local store)
        from widgets.history.query import node_rollups

        def scraped_points(rollups) -> int:
            return int(np.isfinite(rollups.values["util_mean"]).sum())

        deadline = time.monotonic() + 60
        while True:  # until a few scrapes of every target are in the range
            frame = history.sector_series(started - 30, time.time(), 2)
            one = node_rollups(history, "gpu01", started - 30, time.time(), 2)
            two = node_rollups(history, "gpu02", started - 30, time.time(), 2)
            enough = min(scraped_points(one), scraped_points(two)) >= 3
            if (enough and len(frame[frame["sector"] == "private"]) >= 3) \
                    or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    for rollups, util in ((one, 73.0), (two, 55.0)):  # both label spellings
        scraped = np.isfinite(rollups.values["util_mean"])
        assert scraped.sum() >= 3 and rollups.res == 2 and (rollups.t % 2 == 0).all()
        assert np.allclose(rollups.values["util_mean"][scraped], util)
        assert np.allclose(rollups.values["util_max"][scraped], util)
        for line in ("mem_pct", "temp_max", "power_w"):
            got = rollups.values[line][scraped]
            assert np.isfinite(got).all() and (got > 0).all(), line
        assert (rollups.values["mem_pct"][scraped] <= 100).all()
        assert np.isnan(rollups.values["cpu_pct"]).all()  # no serve: no CPU series for it
    with pytest.raises(PrometheusError):  # the server is gone: the window says why
        node_rollups(history, "gpu01", started - 30, time.time(), 2)
    assert list(frame.columns) == COLUMNS
    assert set(frame["sector"]) == {"interest", "private"}  # public has no node
    interest = frame[frame["sector"] == "interest"]
    private = frame[frame["sector"] == "private"]
    assert len(private) >= 3
    assert np.allclose(interest["util"], 73.0) and np.allclose(interest["busy"], 8)
    assert np.allclose(interest["used"], 8 * 0.73) and np.allclose(interest["allocated"], 8)
    assert np.allclose(private["util"], 55.0) and np.allclose(private["used"], 4 * 0.55)
    assert np.allclose(private["entitled"], 0.2 * 12)
    assert (frame["t"] % 2 == 0).all()  # buckets on the grid the plot draws on


def test_gzip_answers_decode_to_the_same_columns(site, tmp_path):
    """A client that asks for gzip (the default off loopback: answers shrink ~30x) reads the
    same cells as one that does not; Prometheus does compress when asked."""
    import urllib.parse
    import urllib.request

    need(PrometheusTestbed)
    from console.sources.prometheus import queries
    from console.sources.prometheus.client import PrometheusClient, is_loopback

    assert is_loopback("http://127.0.0.1:9090") and is_loopback("http://localhost:9090")
    assert is_loopback("http://[::1]:9090") and not is_loopback("http://prom.site:9090")
    assert PrometheusClient("prom.site:9090").compress
    assert not PrometheusClient("127.0.0.1:9090").compress
    jobs = {"dcgm": [site["gpu01"].target, site["gpu02"].target]}
    with PrometheusTestbed(tmp_path, interval_s=1.0, jobs=jobs) as server:
        server.wait_for(UTIL, 12)
        query = queries.gpu_values(UTIL)
        asked = urllib.request.Request(
            f"{server.url}/api/v1/query?query={urllib.parse.quote(query)}",
            headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked, timeout=30) as answer:
            assert answer.headers.get("Content-Encoding") == "gzip"
        plain = PrometheusClient(server.url, timeout_s=30, compress=False)
        packed = PrometheusClient(server.url, timeout_s=30, compress=True)
        a, b = plain.instant_columns(query), packed.instant_columns(query)
        assert len(a[0]) == 12 and a == b
        assert {s.labels["instance"] for s in packed.instant("up")} == set(jobs["dcgm"])
        with pytest.raises(PrometheusError, match="refused the query"):
            packed.instant("max by (")  # the 400's JSON error, gzipped too, still read
