"""`hangang-console simulate`: backfill history from the demo fleet, as fast as the machine can.

The demo fleet is a pure function of (seed, time), so its past can be computed instead of waited
for. Older days are sampled every `--step` seconds and kept as 15-min rollups; the last
`--fine-hours` are sampled every minute and kept at 1-min resolution too, as a running console
would have left them. Frames go through the same RollupAccumulator as the live console.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from console.fleet.metrics import default_registry
from console.fleet.model import FleetSnapshot, NodeStatus
from console.fleet.state import FleetState
from console.history.database import HistoryDB, HistoryError, bucket, default_history_path
from console.history.rollup import RollupAccumulator, RollupDelta, layout_of
from console.paths import data_dir
from console.sources.demo.fleet import ORGANISATIONS, SimFleet

WRITE_BATCH = 96  # deltas per transaction


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console simulate",
        description="Fill the history store with the demo fleet's past (no waiting in real time).",
    )
    p.add_argument("--nodes", type=int, default=48, help="demo fleet size (default 48)")
    p.add_argument("--days", type=float, default=7.0, help="days of history to make (default 7)")
    p.add_argument(
        "--data-dir", type=Path, metavar="DIR", help="history store (default: the demo's, XDG)"
    )
    p.add_argument("--seed", type=int, default=20261124, help="seed of the demo fleet")
    p.add_argument(
        "--end", type=float, metavar="EPOCH", help="last moment to simulate (default: now)"
    )
    p.add_argument(
        "--step", type=float, default=300.0, help="seconds between samples of older days (300)"
    )
    p.add_argument(
        "--fine-hours",
        type=float,
        default=24.0,
        help="hours before the end sampled each minute and kept at 1-min resolution (24)",
    )
    return p


class FrameMaker:
    """FleetSnapshots of a SimFleet at any time, built straight from its arrays."""

    def __init__(self, sim: SimFleet) -> None:
        self.sim = sim
        fleet = FleetState(sim.inventory, default_registry())
        self.template = fleet.snapshot(0.0)
        index = {spec.name: i for i, spec in enumerate(sim.inventory.nodes)}
        # snapshot rows are in display order; the sim's arrays in inventory order
        self.rows = np.array([index[name] for name in self.template.node_names], dtype=np.intp)
        assert fleet.org_ids == tuple(o.id for o in ORGANISATIONS)
        self.models = tuple(sim.inventory.nodes[i].gpu_model for i in self.rows)

    def at(self, t: float) -> FleetSnapshot:
        a = self.sim.arrays(t)
        gpu_j, cpu_j = self.sim.energy.at(t)
        r = self.rows
        status = np.full(len(r), NodeStatus.LIVE, dtype=np.int8)
        down = self.sim.unreachable(t)
        if down is not None:
            status[np.flatnonzero(r == down)] = NodeStatus.UNREACHABLE
        return replace(
            self.template,
            t=t,
            node_status=status,
            node_age_s=np.zeros(len(r)),  # sampled at t: the energy meter counts between frames
            node_cpu_percent=a["cpu"][r],
            gpu_util=a["util"][r],
            gpu_mem_used_mib=a["mem"][r],
            gpu_mem_total_mib=np.full_like(a["mem"][r], 81559.0),
            gpu_temp_c=a["temp"][r],
            gpu_power_w=a["power"][r],
            gpu_org=self.sim.work_org(t)[r].astype(np.int16),
            gpu_rule=None,  # the demo runs no Slurm: the rollup infers user map or node
            # the demo's counters, as a live console reads them: frames only go forward in time
            # (the counters integrate from the first frame)
            gpu_energy_j=gpu_j[r],
            gpu_energy_estimated=np.zeros(gpu_j[r].shape, dtype=bool),
            node_cpu_energy_j=cpu_j[r],
        )


def simulate(
    db: HistoryDB,
    sim: SimFleet,
    start: float,
    end: float,
    step: float,
    fine_from: float,
    progress=None,
) -> int:
    """Write rollups for [start, end); returns the number of frames computed."""
    maker = FrameMaker(sim)
    busy = default_registry().busy_threshold
    layout = layout_of(maker.template, maker.models)
    db.write_organisations(sim.inventory.organisations)
    frames = 0
    for fine in (False, True):
        t0, t1 = (start, min(fine_from, end)) if not fine else (max(fine_from, start), end)
        if t1 <= t0:
            continue
        dt = 60.0 if fine else step
        res = 60 if fine else 900
        acc = RollupAccumulator(layout, max_gap_s=dt, busy_threshold=busy)
        acc.last_t = t0 - dt  # the first frame counts for its whole step
        pending: list[RollupDelta] = []
        for t in np.arange(t0 + dt, t1 + dt / 2, dt):
            if acc.minute is not None and bucket(int(t - 1), res) != bucket(acc.minute, res):
                pending.append(acc.take())
                if len(pending) >= WRITE_BATCH:
                    db.write(pending, (60, 900) if fine else (900,))
                    pending = []
                    if progress:
                        progress(t)
            # a frame at t covers (t - dt, t]: count it for the minute it ends in
            acc.add(maker.at(float(t)))
            acc.minute = int((t - 1) // 60) * 60
            frames += 1
        last = acc.take()
        pending += [last] if last is not None else []
        db.write(pending, (60, 900) if fine else (900,))
    return frames


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.nodes < 3:
        sys.stderr.write("hangang-console simulate: --nodes must be at least 3\n")
        return 2
    if args.days <= 0 or args.step < 60 or args.fine_hours < 0:
        sys.stderr.write("hangang-console simulate: --days > 0, --step ≥ 60, --fine-hours ≥ 0\n")
        return 2
    end = bucket(int(args.end if args.end is not None else time.time()), 60)
    start = bucket(int(end - args.days * 86400), 900)
    path = default_history_path(args.data_dir or data_dir() / "demo")
    began = time.perf_counter()

    def progress(t: float) -> None:
        done = (t - start) / (end - start)
        sys.stderr.write(f"\r{done:6.1%}  {time.perf_counter() - began:6.1f} s")
        sys.stderr.flush()

    try:
        db = HistoryDB(path)
        sim = SimFleet.build(args.nodes, seed=args.seed)
        frames = simulate(
            db, sim, start, end, args.step, end - args.fine_hours * 3600, progress=progress
        )
        db.prune(now=end)
        db.close()
    except HistoryError as exc:
        sys.stderr.write(f"\nhangang-console simulate: {exc}\n")
        return 1
    elapsed = time.perf_counter() - began
    gpus = sum(n.gpu_count for n in sim.inventory.nodes)
    sys.stderr.write(
        f"\r{args.nodes} nodes ({gpus} GPUs), {args.days:g} days, {frames} frames "
        f"in {elapsed:.1f} s → {path}\n"
    )
    return 0
