"""What-if benchmark: every sector's predicted wait before → after a plan, against reading the jobs.

The demo fleet's 30-day history (48 nodes, about 10,000 jobs) is built ("read"), then one
forecast per sector under today's GPUs and under a plan that moves two nodes, with the bootstrap
ranges, exactly as the board and `rebalance --dry-run` compute them. Goal: under 2 s here. Then
quota mode: every sector together on one 384-GPU shared partition, caps before → after with the
borrow QOS on (console/whatif/quota_predict.py), as the quota board and `--mode quota` do,
beside the straightforward reference replay (tests/unit/whatif/quota_replay_reference.py).

    .venv/bin/python -m tests.bench.bench_whatif [--days 30] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from console.fleet.model import Sector
from console.sources.demo.job_history import demo_job_history
from console.whatif.predict import compare
from console.whatif.quota_predict import QuotaScene, compare_quota
from tests.unit.whatif.quota_replay_reference import reference_forecasts

CAPACITY = {Sector.PUBLIC: 152, Sector.INTEREST: 136, Sector.PRIVATE: 96}
PLAN = {Sector.PUBLIC: 136, Sector.INTEREST: 152, Sector.PRIVATE: 96}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    end = 1764700000.0
    read, predict = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        history = demo_job_history(CAPACITY, end, days=args.days)
        t1 = time.perf_counter()
        compare(history, CAPACITY, PLAN, seed=0)
        t2 = time.perf_counter()
        read.append(t1 - t0)
        predict.append(t2 - t1)
    r, p = min(read), min(predict)
    print(
        f"what-if over {args.days} days, {len(history.jobs)} jobs, 3 sectors before → after: "
        f"predict {p:.2f} s (best of {args.repeat}), reading the jobs {r * 1e3:.0f} ms, "
        f"ratio {p / r:.0f}×; goal < 2 s"
    )
    scene = QuotaScene(sum(CAPACITY.values()), borrow=True, grace_s=120)
    # wall time is the goal; CPU time (process_time) as well, since on a box shared with other
    # work the wall time says as much about the others as about the replay
    quota, straight, quota_cpu, straight_cpu = [], [], [], []
    for _ in range(args.repeat):  # interleaved, so a load that comes and goes hits both
        t0, c0 = time.perf_counter(), time.process_time()
        fast = compare_quota(history, scene, CAPACITY, PLAN, seed=0)
        t1, c1 = time.perf_counter(), time.process_time()
        # what compare_quota computes, the straightforward way
        slow = [reference_forecasts(history, scene, caps, seed=0) for caps in (CAPACITY, PLAN)]
        quota.append(t1 - t0)
        quota_cpu.append(c1 - c0)
        straight.append(time.perf_counter() - t1)
        straight_cpu.append(time.process_time() - c1)
        same = all(fast[x].before == slow[0][x] and fast[x].after == slow[1][x] for x in fast)
        if not same:
            sys.exit("the fast quota forecast differs from the reference's")
    q, s, qc, sc = min(quota), min(straight), min(quota_cpu), min(straight_cpu)
    print(
        f"quota what-if, the same jobs on one {scene.capacity}-GPU partition under caps, with "
        f"borrowing, before → after: predict {q:.2f} s ({qc:.2f} s CPU, best of {args.repeat}); "
        f"goal < 2 s; the straightforward replay (tests/unit/whatif/quota_replay_reference.py) "
        f"{s:.2f} s ({sc:.2f} s CPU): {sc / qc:.1f}× the CPU time, forecasts identical"
    )

if __name__ == "__main__":
    main()
