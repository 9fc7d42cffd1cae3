"""Planning a rebalance over 2,000 nodes (`make bench`; goal < 100 ms).

Prints, beside a baseline measured in the same run (nothing is asserted):
- plan_for_targets on 2,000 nodes (mixed idle/busy, some down or drained by others) asking to
  move about a tenth of the fleet, against sorting the same node records by move cost once
  (the least any planner must do);
- validating that plan, and a full preview (figures + validation + drain list);
- recommendations from queued demand.

Run: .venv/bin/python tests/bench/bench_capacity.py [--nodes 2000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import psutil

from console.access import AccessPolicy, Identity
from console.capacity.audit import AuditLog
from console.capacity.model import ClusterState, NodeRecord, SchedState, entitlements_from_shares
from console.capacity.planner import move_cost, plan_for_targets, recommend
from console.capacity.service import CapacityService
from console.capacity.validation import validate
from console.fleet.model import SECTORS, Sector
from console.settings import RoleSettings

SHARES = {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25}


def fleet(n: int, seed: int = 7) -> ClusterState:
    rng = np.random.default_rng(seed)
    nodes = {}
    now = time.time()
    for i in range(n):
        sector = SECTORS[0 if i < 0.4 * n else 1 if i < 0.75 * n else 2]
        busy = int(rng.integers(0, 9)) if rng.random() < 0.7 else 0
        state, reason = SchedState.UP, ""
        roll = rng.random()
        if roll < 0.01:
            state = SchedState.DOWN
        elif roll < 0.02:
            state, reason = SchedState.DRAINED, "bad DIMM"
        ends = now + float(rng.integers(60, 86400)) if busy and rng.random() < 0.8 else None
        name = f"gpu{i:05d}"
        nodes[name] = NodeRecord(name, sector, 8, state, reason, int(busy > 0), busy, ends)
    demand = {Sector.PUBLIC: 0, Sector.INTEREST: 0, Sector.PRIVATE: 160}
    return ClusterState("1", nodes, demand, now)


def timed(fn, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=2000)
    args = p.parse_args()
    state = fleet(args.nodes)
    ents = entitlements_from_shares(SHARES)
    total = sum(r.gpus for r in state.nodes.values())
    targets = {
        Sector.PUBLIC: int(0.35 * total),
        Sector.INTEREST: int(0.30 * total),
        Sector.PRIVATE: None,
    }
    records = list(state.nodes.values())
    baseline = timed(lambda: sorted(records, key=move_cost))
    plan_s = timed(lambda: plan_for_targets(state, targets, ents))
    draft = plan_for_targets(state, targets, ents)
    validate_s = timed(lambda: validate(draft.plan, state, ents))
    policy = AccessPolicy.for_session(RoleSettings(), Identity("bench", ("root",)))
    svc = CapacityService(None, ents, policy, AuditLog("/nonexistent/audit.sqlite"))
    preview_s = timed(lambda: svc.preview(draft.plan, state))
    recommend_s = timed(lambda: recommend(state, ents))
    cpu = platform.processor() or platform.machine()
    mem = psutil.virtual_memory().total / 2**30
    print(
        f"capacity planning, {args.nodes} nodes × 8 GPUs "
        f"({cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()})"
    )
    print(
        f"  plan moves {len(draft.plan.moves)} nodes; GPUs after "
        f"{ {s.value: v for s, v in draft.after.items()} }"
    )
    print(f"  baseline: sort records by move cost      {baseline * 1e3:8.2f} ms")
    print(
        f"  plan_for_targets (goal < 100 ms)          {plan_s * 1e3:8.2f} ms  "
        f"ratio {plan_s / baseline:6.1f}"
    )
    print(
        f"  validate                                  {validate_s * 1e3:8.2f} ms  "
        f"ratio {validate_s / baseline:6.1f}"
    )
    print(
        f"  preview (figures + validate + drains)     {preview_s * 1e3:8.2f} ms  "
        f"ratio {preview_s / baseline:6.1f}"
    )
    print(
        f"  recommend                                 {recommend_s * 1e3:8.2f} ms  "
        f"ratio {recommend_s / baseline:6.1f}"
    )


if __name__ == "__main__":
    main()
