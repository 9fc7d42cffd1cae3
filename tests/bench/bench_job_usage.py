"""Per-job GPU books at 2,000 nodes × 8 GPUs (`make bench` style; nothing is asserted).

Prints the cost of: parsing `scontrol show job -d` for 3,000 running jobs (the captured 22.05
text's blocks repeated with new ids, nodes and indices), handing the holders to the tracker, the
first snapshot after that (places the held GPUs), a steady snapshot, the running list, the idle
list and a drain to the store; beside FleetState.snapshot at the same size (what the console
already pays once a second).

Run: .venv/bin/python -m tests.bench.bench_job_usage
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import numpy as np

from console.fleet.job_usage import JobUsageTracker
from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.history.job_usage_db import JobUsageStore
from console.inventory.model import Inventory, NodeSpec
from console.scheduler.holders import parse_show_job_text

NODES, GPUS, JOBS = 2000, 8, 3000
CAPTURE = Path(__file__).parents[1] / "unit" / "scheduler" / "scontrol-job-d-22.05.txt"


def ms(fn, repeat: int = 1) -> float:
    t = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t) * 1e3 / repeat


def show_job_text(names: list[str]) -> str:
    """JOBS blocks like the capture's first (one node, contiguous GPUs), 1-7 GPUs each."""
    block = CAPTURE.read_text().split("\n\n")[0]
    rng = np.random.default_rng(1)
    out, node, free = [], 0, GPUS
    for i in range(JOBS):
        want = int(rng.integers(1, 8))
        if want > free:
            node, free = node + 1, GPUS
        first = GPUS - free
        free -= want
        b = re.sub(r"JobId=\d+", f"JobId={1000 + i}", block)
        b = b.replace("Nodes=n05", f"Nodes={names[node]}")
        b = b.replace("GRES=gpu:2(IDX:0-1)", f"GRES=gpu:{want}(IDX:{first}-{first + want - 1})")
        out.append(b)
    return "\n\n".join(out) + "\n"


def main() -> None:
    names = [f"g{i:04d}" for i in range(NODES)]
    inv = Inventory(
        tuple(NodeSpec(n, Sector.PUBLIC, None, GPUS) for n in names),
        {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2},
    )
    state = FleetState(inv, default_registry())
    rng = np.random.default_rng(2)

    def feed(t: float) -> None:
        util = rng.choice([0.0, 0.0, 35.0, 100.0], size=(NODES, GPUS))
        state.apply(
            PollBatch(
                t,
                samples=tuple(
                    NodeSample(
                        n,
                        t,
                        tuple(
                            GpuSample(g, util_gpu=float(util[r, g]), mem_used_mib=3.0)
                            for g in range(GPUS)
                        ),
                    )
                    for r, n in enumerate(names)
                ),
            )
        )

    text = show_job_text(names)
    parse = ms(lambda: parse_show_job_text(text, 0.0))
    jobs = parse_show_job_text(text, 0.0)
    tracker = JobUsageTracker()
    feed(0.0)
    snapshot = ms(lambda: state.snapshot(0.0), 5)
    tracker.update(state.snapshot(0.0))
    set_jobs = ms(lambda: tracker.set_jobs(jobs))
    snaps = []
    for t in (1.0, 2.0, 3.0, 4.0, 5.0, 6.0):
        feed(t)
        snaps.append(state.snapshot(t))
    first = ms(lambda: tracker.update(snaps[0]))
    steady = sum(ms(lambda s=s: tracker.update(s)) for s in snaps[1:]) / (len(snaps) - 1)
    listing = ms(tracker.usage)
    idle = ms(lambda: tracker.idle_now(1.0))
    with tempfile.TemporaryDirectory() as d:
        store = JobUsageStore(Path(d) / "job-usage.sqlite")
        drain = ms(lambda: store.write(*tracker.drain()))
        totals = ms(lambda: store.totals(0.0, 3600.0))
        store.close()
    held = len(jobs.holders)
    print(f"{NODES} nodes × {GPUS} GPUs, {len(jobs.jobs)} jobs holding {held} GPUs")
    print(f"  parse scontrol show job -d text   {parse:8.1f} ms ({len(text) / 1e6:.1f} MB)")
    print(f"  tracker.set_jobs (a new read)     {set_jobs:8.1f} ms")
    print(f"  first update after it (placing)   {first:8.1f} ms")
    print(f"  steady update per snapshot        {steady:8.2f} ms")
    print(f"  usage() list of all jobs          {listing:8.1f} ms")
    print(f"  idle_now()                        {idle:8.1f} ms")
    print(f"  drain + store.write               {drain:8.1f} ms")
    print(f"  store.totals(one hour)            {totals:8.1f} ms")
    print(f"  baseline FleetState.snapshot      {snapshot:8.1f} ms")


if __name__ == "__main__":
    main()
