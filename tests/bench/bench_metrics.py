"""serve's /metrics at scale (`make bench`): one snapshot of 2,000 nodes × 8 GPUs, exposed.

Prints, beside a baseline measured in the same run (nothing is asserted):
- ms per scrape in the Prometheus text format and in OpenMetrics (the collector reading the
  snapshot + prometheus_client writing the text), and the size of one answer, plain and gzipped;
- the collector alone (families built, no text), to show where the time goes;
- a gzipped answer (what Prometheus asks for), and a second scraper asking for the same view
  (served from the answer rendered for the first);
- baseline: making that snapshot from the FleetState, which serve does anyway up to 4 times a
  second.

Run: .venv/bin/python -m tests.bench.bench_metrics [--nodes 2000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gzip

from prometheus_client import generate_latest
from prometheus_client.openmetrics.exposition import generate_latest as generate_openmetrics

from console.fleet.metrics import default_registry
from console.fleet.model import NodeSample, PollBatch
from console.fleet.state import FleetState
from console.room.exposition import FleetCollector, RoomView, registry_for
from console.room.http import Exposition
from console.sources.demo.fleet import SimFleet
from tests.bench.bench_history import machine, median_time

T = 1_796_000_000.0


def view_of(nodes: int) -> tuple[RoomView, FleetState]:
    sim = SimFleet.build(nodes)
    fleet = FleetState(sim.inventory, default_registry(), stale_after_s=10)
    samples = tuple(i for i in sim.sample(T) if isinstance(i, NodeSample))
    fleet.apply(PollBatch(T, samples=samples))
    snap = fleet.snapshot(T + 1)
    models = {s.name: s.gpu_model for s in sim.inventory.nodes}
    return RoomView(snap, {s.host: s for s in samples}, models, {}), fleet


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=2000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    view, fleet = view_of(args.nodes)
    registry = registry_for(lambda: view)
    text = generate_latest(registry)
    series = sum(1 for line in text.splitlines() if line and not line.startswith(b"#"))
    gpus = int(view.snapshot.node_gpu_count.sum())
    plain_s = median_time(lambda: generate_latest(registry), args.repeat)
    om_s = median_time(lambda: generate_openmetrics(registry), args.repeat)
    collect_s = median_time(lambda: list(FleetCollector(lambda: view).collect()), args.repeat)
    snap_s = median_time(lambda: fleet.snapshot(T + 2), args.repeat)
    om = "application/openmetrics-text; version=1.0.0"

    def fresh_gzip():
        Exposition(lambda: view).answer(om, "gzip")

    gzip_s = median_time(fresh_gzip, args.repeat)
    shared = Exposition(lambda: view)
    shared.answer(om, "gzip")
    again_s = median_time(lambda: shared.answer(om, "gzip"), args.repeat)
    gz = len(gzip.compress(text, 6))
    print(f"bench_metrics: {args.nodes} nodes, {gpus} GPUs, {series} series; {machine()}")
    print(f"  scrape, Prometheus text   {plain_s * 1e3:8.1f} ms   ({len(text) / 2**20:.1f} MiB, "
          f"{gz / 2**20:.1f} MiB gzipped)")
    print(f"  scrape, OpenMetrics       {om_s * 1e3:8.1f} ms")
    print(f"  collector only (families) {collect_s * 1e3:8.1f} ms")
    print(f"  OpenMetrics + gzip        {gzip_s * 1e3:8.1f} ms   (what Prometheus asks for)")
    print(f"  same view, second scraper {again_s * 1e3:8.3f} ms")
    print(f"  baseline: one snapshot    {snap_s * 1e3:8.1f} ms")
    print(f"  per series (text)         {plain_s / series * 1e6:8.2f} µs")


if __name__ == "__main__":
    main()
