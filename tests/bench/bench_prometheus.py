"""The Prometheus source at fleet size: N nodes × 8 GPUs in dcgm-exporter format (the fixture
exporter serving a real T4 capture, scaled), scraped by real Prometheus every 5 s; the source's
refresh (its queries + decoding, on its worker) timed per snapshot, and Prometheus's own CPU and
memory. Nothing is asserted (a slow machine must not fail a build); the goal is < 200 ms.

    .venv/bin/python -m tests.bench.bench_prometheus [--nodes 500 2000] [--large] [--refreshes 12]

One table row per fleet size (default 500 and 2,000 nodes; --large adds 10,000 nodes, 80,000
GPUs), so the cost per GPU and where one Prometheus stops being enough are measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from console.fleet.metrics import default_registry
from console.fleet.model import SECTORS, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.sources.prometheus.client import PrometheusClient, PrometheusError
from console.sources.prometheus.history import PrometheusHistory
from console.sources.prometheus.queries import GPU_METRICS
from console.sources.prometheus.source import PrometheusSource
from tests.integration.fixture_exporter import FixtureExporter
from tests.integration.prometheus_testbed import PrometheusTestbed

GPUS = 8


def point(nodes: int, targets: int, refreshes: int, interval: float) -> dict:
    """One fleet size: exporters, a Prometheus scraping them, `refreshes` refreshes timed."""
    import psutil

    names = [f"gpu{i:05d}" for i in range(nodes)]
    specs = tuple(NodeSpec(n, SECTORS[i % 3], None, GPUS) for i, n in enumerate(names))
    inventory = Inventory(specs, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.3})
    per = -(-nodes // targets)
    t0 = time.perf_counter()
    exporters = [FixtureExporter(names[i:i + per], gpus=GPUS, only=GPU_METRICS).start()
                 for i in range(0, nodes, per)]
    size = sum(len(e.body) for e in exporters)
    print(f"{nodes} nodes: {len(exporters)} exporters × {per} nodes, {size / 2**20:.1f} MiB per "
          f"scrape round, rendered in {time.perf_counter() - t0:.1f} s", flush=True)
    try:
        with tempfile.TemporaryDirectory() as tmp, PrometheusTestbed(
            Path(tmp), [e.target for e in exporters], interval_s=interval
        ) as prom:
            prom.wait_for("count(DCGM_FI_DEV_GPU_UTIL)", 1, timeout_s=300)  # a loaded box
            deadline = time.monotonic() + 300
            while (prom.value("count(DCGM_FI_DEV_GPU_UTIL)") or 0) < nodes * GPUS:
                if time.monotonic() > deadline:
                    raise AssertionError(f"{nodes} nodes: not all scraped in 300 s")
                time.sleep(1)
            source = PrometheusSource(PrometheusClient(prom.url, timeout_s=60), inventory,
                                      interval=interval)
            proc = psutil.Process(prom.proc.pid)
            cpu0, wall0 = proc.cpu_times(), time.monotonic()
            times, decode, cpu, gui, rows = [], [], [], [], 0
            fleet = FleetState(inventory, default_registry(), stale_after_s=3 * interval + 1)
            for _ in range(refreshes):
                result = source.refresh()
                times.append(result.seconds * 1000)
                decode.append(result.decode_seconds * 1000)
                cpu.append(result.cpu_seconds * 1000)
                rows = len(result.packed.hosts) if result.packed is not None else 0
                t = time.perf_counter()  # what the GUI thread then does with it (bridge → state)
                fleet.apply(PollBatch(time.time(), packed=result.packed, events=result.events))
                fleet.snapshot(time.time())
                gui.append((time.perf_counter() - t) * 1000)
                time.sleep(max(0.0, interval - result.seconds))
            cpu1, wall1 = proc.cpu_times(), time.monotonic()
            source.stop()
            history = PrometheusHistory(source.client, inventory, None, busy_threshold=10.0)
            t = time.perf_counter()  # the sector plot's 6 h range (60 s buckets), on a pool thread
            try:
                history.sector_series(time.time() - 6 * 3600, time.time(), 60)
                history_ms = (time.perf_counter() - t) * 1000
            except PrometheusError as exc:  # a loaded box: keep the refresh figures
                print(f"  ! {nodes} nodes: history 6h: {exc}", flush=True)
                history_ms = float("nan")
            busy = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / (wall1 - wall0)
            rss = proc.memory_info().rss / 2**20
    finally:
        for e in exporters:
            e.stop()
    times.sort()
    return {"nodes": nodes, "gpus": nodes * GPUS, "rows": rows,
            "median": statistics.median(times), "p90": times[int(0.9 * (len(times) - 1))],
            "max": times[-1], "decode": statistics.median(decode),
            "cpu": statistics.median(cpu),
            "gui": statistics.median(gui), "history": history_ms,
            "prom_cpu": busy * 100, "prom_rss": rss, "load": os.getloadavg()[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, nargs="+", default=[500, 2000],
                    help="fleet sizes, one row each (10000: --large)")
    ap.add_argument("--large", action="store_true",
                    help="add the 10,000-node (80,000 GPU) row: ~5 min more on 2 cores, "
                    "where its 112 MiB scrape rounds outrun a 5 s interval")
    ap.add_argument("--targets", type=int, default=4, help="exporters the nodes are split over")
    ap.add_argument("--refreshes", type=int, default=12)
    ap.add_argument("--interval", type=float, default=5.0)
    args = ap.parse_args(argv)
    sizes = sorted(set(args.nodes) | ({10000} if args.large else set()))
    rows = [point(n, args.targets, args.refreshes, args.interval) for n in sizes]
    print(f"\nPrometheus source, {GPUS} GPUs a node, scraped every {args.interval:g} s, "
          f"{args.refreshes} refreshes; refresh = queries + decode on the worker "
          f"(goal < 200 ms at 2,000 nodes)")
    head = ("nodes", "GPUs", "refresh med", "p90", "max", "decode", "console CPU", "µs/GPU",
            "GUI apply",
            "history 6h", "prom CPU", "prom RSS", "load")
    print(" | ".join(head))
    for r in rows:
        print(" | ".join((
            f"{r['nodes']:,}", f"{r['gpus']:,}", f"{r['median']:.0f} ms", f"{r['p90']:.0f} ms",
            f"{r['max']:.0f} ms", f"{r['decode']:.0f} ms", f"{r['cpu']:.0f} ms",
            f"{r['median'] * 1000 / r['gpus']:.1f}", f"{r['gui']:.1f} ms",
            f"{r['history']:.0f} ms", f"{r['prom_cpu']:.0f}% of a core",
            f"{r['prom_rss']:.0f} MiB", f"{r['load']:.1f}",
        )))
        if r["rows"] != r["nodes"]:
            print(f"  ! {r['nodes']} nodes: only {r['rows']} decoded")
    print(f"({os.cpu_count()} CPUs; prom CPU: Prometheus's own, scraping + answering, over "
          "the refreshes; console CPU: the source's worker and query threads' CPU time per "
          "refresh, so refresh less it is mostly the server's evaluation)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
