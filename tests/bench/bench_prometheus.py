"""The Prometheus source at fleet size: N nodes × 8 GPUs in dcgm-exporter format (the fixture
exporter serving a real T4 capture, scaled), scraped by real Prometheus every 5 s; the source's
refresh (its queries + decoding, on its worker) timed per snapshot, and Prometheus's own CPU and
memory. Nothing is asserted (a slow machine must not fail a build); the goal is < 200 ms.

    .venv/bin/python -m tests.bench.bench_prometheus [--nodes 2000] [--targets 4] [--refreshes 10]
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
from console.sources.prometheus.client import PrometheusClient
from console.sources.prometheus.history import PrometheusHistory
from console.sources.prometheus.queries import GPU_METRICS
from console.sources.prometheus.source import PrometheusSource
from tests.integration.fixture_exporter import FixtureExporter
from tests.integration.prometheus_testbed import PrometheusTestbed

GPUS = 8


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=2000)
    ap.add_argument("--targets", type=int, default=4, help="exporters the nodes are split over")
    ap.add_argument("--refreshes", type=int, default=10)
    ap.add_argument("--interval", type=float, default=5.0)
    args = ap.parse_args(argv)
    import psutil

    names = [f"gpu{i:05d}" for i in range(args.nodes)]
    nodes = tuple(NodeSpec(n, SECTORS[i % 3], None, GPUS) for i, n in enumerate(names))
    inventory = Inventory(nodes, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.3})
    per = -(-args.nodes // args.targets)
    t0 = time.perf_counter()
    exporters = [FixtureExporter(names[i:i + per], gpus=GPUS, only=GPU_METRICS).start()
                 for i in range(0, args.nodes, per)]
    size = sum(len(e.body) for e in exporters)
    print(f"fixture exporters: {len(exporters)} × {per} nodes, {size / 2**20:.1f} MiB per scrape "
          f"round, rendered in {time.perf_counter() - t0:.1f} s", flush=True)
    with tempfile.TemporaryDirectory() as tmp, PrometheusTestbed(
        Path(tmp), [e.target for e in exporters], interval_s=args.interval
    ) as prom:
        prom.wait_for("DCGM_FI_DEV_GPU_UTIL", args.nodes * GPUS, timeout_s=180)
        source = PrometheusSource(PrometheusClient(prom.url, timeout_s=30), inventory,
                                  interval=args.interval)
        proc = psutil.Process(prom.proc.pid)
        cpu0, wall0 = proc.cpu_times(), time.monotonic()
        times, decode, gui, rows = [], [], [], 0
        fleet = FleetState(inventory, default_registry(), stale_after_s=3 * args.interval + 1)
        for _ in range(args.refreshes):
            result = source.refresh()
            times.append(result.seconds * 1000)
            decode.append(result.decode_seconds * 1000)
            rows = len(result.packed.hosts) if result.packed is not None else 0
            t = time.perf_counter()  # what the GUI thread then does with it (bridge → state)
            fleet.apply(PollBatch(time.time(), packed=result.packed, events=result.events))
            fleet.snapshot(time.time())
            gui.append((time.perf_counter() - t) * 1000)
            time.sleep(max(0.0, args.interval - result.seconds))
        cpu1, wall1 = proc.cpu_times(), time.monotonic()
        source.stop()
        history = PrometheusHistory(source.client, inventory, None, busy_threshold=10.0)
        t = time.perf_counter()  # the sector plot's 6 h range (60 s buckets), on a pool thread
        frame = history.sector_series(time.time() - 6 * 3600, time.time(), 60)
        history_ms = (time.perf_counter() - t) * 1000
        busy = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / (wall1 - wall0)
        rss = proc.memory_info().rss / 2**20
    for e in exporters:
        e.stop()
    times.sort()
    print(f"nodes {args.nodes} × {GPUS} GPUs ({rows} decoded), scrape every {args.interval:g} s")
    print(f"refresh (queries + decode, worker): median {statistics.median(times):.0f} ms, "
          f"p90 {times[int(0.9 * (len(times) - 1))]:.0f} ms, max {times[-1]:.0f} ms "
          f"(goal < 200 ms)")
    print(f"  of which decoding after the last answer: median {statistics.median(decode):.0f} ms;"
          f" GUI thread apply + snapshot: median {statistics.median(gui):.1f} ms")
    print(f"history plot, 6 h at 60 s (range queries, 3 sectors): {history_ms:.0f} ms, "
          f"{len(frame)} rows")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"prometheus: {busy * 100:.0f}% of one core while scraping + answering, "
          f"RSS {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
