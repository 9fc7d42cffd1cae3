"""History at scale (`make bench`): 2,048 nodes × 8 GPUs = 16,384 GPUs sampled every 2 s.

Prints, each beside a baseline measured in the same run (nothing is asserted):
- memory of the last hour at full rate (goal < 500 MB): the ring's arrays, and the process RSS
  growth when it is filled;
- rollup cost per minute of fleet time (30 frames accumulated + one flush written to SQLite),
  against making those 30 snapshots, which the console does anyway;
- time to query 30 days of per-node 15-min rollups for 2,048 nodes (goal < 2 s), against fetching
  the same rows from SQLite without decoding them;
- the time `simulate` took to make those 30 days.

Run: .venv/bin/python tests/bench/bench_history.py [--nodes 2048] [--days 30]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

from console.commands.simulate import FrameMaker, simulate
from console.history.database import HistoryDB
from console.history.store import HistoryStore
from console.sources.demo.fleet import SimFleet

STEP_S = 2.0
END = 1_795_964_400  # 2026-11-30 00:00 Asia/Seoul


def machine() -> str:
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}"
    )


def median_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_ring_and_rollups(sim: SimFleet, data: Path) -> None:
    maker = FrameMaker(sim)
    frames = [maker.at(END - 3600 + i * STEP_S) for i in range(30)]
    rss0 = psutil.Process().memory_info().rss
    store = HistoryStore(data / "live.sqlite", sim.inventory, frame_step_s=STEP_S)
    store.start()
    # fill the hour: the ring is preallocated, so this is its whole footprint
    store.observe(frames[0])
    ring_mb = store.ring.nbytes / 2**20
    rss_mb = (psutil.Process().memory_info().rss - rss0) / 2**20
    print(
        f"last hour at full rate: ring arrays {ring_mb:.0f} MB for {store.ring.capacity} frames "
        f"(goal < 500 MB); process RSS grew {rss_mb:.0f} MB"
    )

    t = [END]

    def one_minute() -> None:
        for f in frames:
            t[0] += STEP_S
            store.observe(_at(f, t[0]))
        store.flush(t[0])
        store.writer.wait_idle(30)

    def baseline() -> None:
        for i in range(30):
            maker.at(END + i * STEP_S)

    ours = median_time(one_minute)
    base = median_time(baseline)
    print(
        f"rollup per minute of fleet time (30 frames + ring + SQLite write): {ours * 1e3:.0f} ms;"
        f" baseline (making the 30 snapshots) {base * 1e3:.0f} ms; ratio {ours / base:.2f}"
    )
    store.close()


def _at(frame, t: float):
    from dataclasses import replace

    return replace(frame, t=t)


def bench_query(sim: SimFleet, data: Path, days: float) -> None:
    path = data / "month.sqlite"
    db = HistoryDB(path)
    start = time.perf_counter()
    frames = simulate(db, sim, END - days * 86400, END, 300.0, fine_from=END)
    made = time.perf_counter() - start
    db.close()
    size = path.stat().st_size / 2**20
    print(
        f"simulate: {days:g} days × {len(sim.inventory.nodes)} nodes, {frames} frames in "
        f"{made:.1f} s; file {size:.0f} MB"
    )

    reader = HistoryDB(path, readonly=True)

    def query() -> None:
        _times, nodes, sums = reader.node_rollups(END - days * 86400, END, 900)
        assert sums.shape[1] == int(days * 96) and len(nodes) == len(sim.inventory.nodes)

    def baseline() -> None:
        rows = reader.db.execute(
            "SELECT t, layout, data FROM node_rollup WHERE res=900 AND t>=? AND t<?",
            (END - days * 86400, END),
        ).fetchall()
        assert rows

    ours = median_time(query, 3)
    base = median_time(baseline, 3)
    print(
        f"query {days:g} days of per-node 15-min rollups for {len(sim.inventory.nodes)} nodes: "
        f"{ours:.2f} s (goal < 2 s); baseline (fetch the rows undecoded) {base:.2f} s; "
        f"ratio {ours / base:.2f}"
    )
    reader.close()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=2048)
    p.add_argument("--days", type=float, default=30)
    args = p.parse_args()
    print(f"history benchmark on {machine()}")
    sim = SimFleet.build(args.nodes)
    with tempfile.TemporaryDirectory(prefix="hangang-bench-") as tmp:
        bench_ring_and_rollups(sim, Path(tmp))
        bench_query(sim, Path(tmp), args.days)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
