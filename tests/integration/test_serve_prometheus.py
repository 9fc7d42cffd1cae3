"""A real Prometheus, and VictoriaMetrics behind the same API, scraping a real `serve`."""

from __future__ import annotations

import pytest

from console.room import names as n
from tests.integration.prometheus_testbed import PrometheusTestbed, VictoriaMetricsTestbed
from tests.integration.serve_process import ServeProcess
from tests.integration.sshd_testbed import wait_until


@pytest.fixture
def room(tmp_path):
    made = []

    def start(engine: type[PrometheusTestbed], source=("--demo", "8")):
        serve = ServeProcess(tmp_path / "serve", list(source))
        made.append(serve)
        serve.start()
        tb = engine(tmp_path, interval_s=1.0, jobs={"hangang": [f"127.0.0.1:{serve.port}"]})
        made.append(tb)
        return serve, tb.start()

    yield start
    for thing in reversed(made):
        thing.stop()


def _scraped_fleet(tb: PrometheusTestbed) -> None:
    tb.wait_up("hangang")
    # every live demo GPU under its DCGM name, with the exporter's labels
    wait_until(lambda: (tb.value(f'count({n.DCGM_UTIL}{{job="hangang"}})') or 0) >= 56, 60,
               interval=0.2, message="GPU series never arrived")
    hosts = tb.query(f'count by (Hostname) ({n.DCGM_UTIL}{{UUID=~"GPU-.+", modelName!=""}})')
    assert len(hosts) >= 7 and all(r["value"][1] == "8" for r in hosts)
    sectors = tb.query(f"{n.SECTOR_ALLOCATED}")
    assert {r["metric"]["sector"] for r in sectors} == {"public", "interest", "private"}
    assert tb.value(f"sum({n.SECTOR_ALLOCATED})") == 64
    assert tb.value(f"count({n.NODE_INFO})") == 8
    assert tb.value(f"{n.SERVE_UP}") == 1


def test_prometheus_scrapes_serve_and_sees_it_go(room):
    serve, tb = room(PrometheusTestbed)
    _scraped_fleet(tb)
    assert serve.terminate() == 0
    wait_until(lambda: tb.query('up{job="hangang"} == 0'), 30, interval=0.2,
               message="Prometheus never saw serve go down")


def test_victoria_metrics_scrapes_serve_behind_the_same_api(room):
    _, tb = room(VictoriaMetricsTestbed)
    _scraped_fleet(tb)


def test_status_reads_the_room_from_prometheus_without_a_node(room, capsys):
    """`status --prometheus`: the sector figures as the room's Prometheus has them, from serve's
    series alone (no fleet file, no SSH); the figures match what serve itself exports."""
    import json

    from console.commands import status

    _, tb = room(PrometheusTestbed)
    _scraped_fleet(tb)
    code = status.main(["--prometheus", tb.url, "--format", "json", "--timeout", "60"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = {row["sector"]: row for row in json.loads(out)["sectors"]}
    assert sum(r["allocated"] for r in rows.values()) == 64
    for sector, row in rows.items():
        exported = tb.value(f'{n.SECTOR_ALLOCATED}{{sector="{sector}"}}')
        assert row["allocated"] == exported, (sector, row, exported)


def test_memory_health_goes_round_the_room(room):
    """serve exports the probe's corrected ECC counts and retired pages under dcgm-exporter's
    names; the node window's reader (PrometheusHistory.node_health) reads the same back."""
    from console.sources.prometheus.client import PrometheusClient
    from console.sources.prometheus.node_history import node_health

    serve, tb = room(PrometheusTestbed, ("--demo", "12", "--scenario", "faults"))
    tb.wait_up("hangang")
    wait_until(lambda: tb.query(f"{n.DCGM_RETIRED_PENDING} == 1"), 60, interval=0.2,
               message="no retired-pages series arrived")
    node = tb.query(f"{n.DCGM_ECC_SBE} > 0")[0]["metric"]["Hostname"]
    exported = serve.families()
    health = node_health(PrometheusClient(tb.url, timeout_s=5.0), node)

    def served(name: str, gpu: int) -> float:
        return next(s.value for s in exported[name].samples
                    if s.labels.get("Hostname") == node and s.labels.get("gpu") == str(gpu))

    assert health[1]["ecc_corrected_volatile"] == served(n.DCGM_ECC_SBE, 1) == 7
    assert health[1]["ecc_corrected_aggregate"] == served(n.DCGM_ECC_SBE_AGG, 1) == 19
    assert health[1]["ecc_uncorrected_volatile"] == 2
    assert (health[4]["retired_pages_sbe"], health[4]["retired_pages_dbe"]) == (3, 1)
    assert health[4]["retired_pages_pending"] == 1 and health[2]["remapped_rows_pending"] == 1
    assert "retired_pages_sbe" not in health.get(0, {})  # only where the sample has them


def test_pending_retirement_reaches_the_alerts_through_the_prometheus_source(room):
    """serve's DCGM_FI_DEV_RETIRED_PENDING (and row remap, uncorrected ECC) read back by the
    Prometheus source as health facts: the console in Prometheus mode alerts on them."""
    from console.alerts.engine import AlertEngine
    from console.fleet.health import Fact
    from console.fleet.metrics import default_registry
    from console.fleet.model import PollBatch, Sector
    from console.fleet.state import FleetState
    from console.inventory.model import Inventory, NodeSpec
    from console.settings import AlertSettings
    from console.sources.prometheus.client import PrometheusClient
    from console.sources.prometheus.source import PrometheusSource

    _, tb = room(PrometheusTestbed, ("--demo", "12", "--scenario", "faults"))
    tb.wait_up("hangang")
    wait_until(lambda: tb.query(f"{n.DCGM_RETIRED_PENDING} == 1"), 60, interval=0.2,
               message="no retired-pages series arrived")
    wait_until(lambda: (tb.value(f"count({n.NODE_INFO})") or 0) == 12, 60, interval=0.2,
               message="serve's node list never arrived")
    pending = {(r["metric"]["Hostname"], int(r["metric"]["gpu"]))
               for r in tb.query(f"{n.DCGM_RETIRED_PENDING} == 1")}
    remap = {(r["metric"]["Hostname"], int(r["metric"]["gpu"]))
             for r in tb.query(f"{n.DCGM_ROW_REMAP_PENDING} == 1")}
    info = [r["metric"] for r in tb.query(n.NODE_INFO)]
    inventory = Inventory(
        tuple(NodeSpec(m["node"], Sector(m["sector"]), None, int(m["gpus"])) for m in info),
        {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.3})
    source = PrometheusSource(PrometheusClient(tb.url, timeout_s=30), inventory, interval=1.0)
    try:
        result = source.refresh()
    finally:
        source.stop()
    assert result.cpu_seconds > 0  # the console's own part of the refresh is measured
    facts = {(host, gpu, fact) for host, found in zip(result.packed.hosts, result.packed.health,
                                                      strict=True) for gpu, fact, _ in found}
    assert pending and {(h, g, Fact.RETIRE_PENDING) for h, g in pending} <= facts
    assert remap and {(h, g, Fact.REMAP_PENDING) for h, g in remap} <= facts
    assert all(f[2] != Fact.RETIRE_PENDING or (f[0], f[1]) in pending for f in facts)
    fleet = FleetState(inventory, default_registry(), stale_after_s=30)
    fleet.apply(PollBatch(result.packed.t.max(), packed=result.packed, events=result.events))
    engine = AlertEngine(default_registry(), AlertSettings(), min_interval_s=0.0)
    opened = engine.evaluate(fleet.snapshot(result.packed.t.max())).opened
    assert {(i.node, i.gpu) for i in opened if i.rule == "retire_pending"} == pending
