"""What-if against the real scheduler, every sector, longer than the test: predicted vs measured.

The Slurm sandbox with its books (MariaDB + slurmdbd, tests/integration/slurm_accounting.py)
runs three sectors' workloads together under capacity A, then the same arrivals under capacity
B (one sector gains a node, one loses one, one gains one); the model learns from A's sacct
records (and fits the controller's dispatch delay on A's own waits) and predicts B; the table
is B's p50 and p90 wait per sector, predicted against measured in sacct, with the test's error
band (±30 % or ±6 s, whichever is larger). Needs root and the Slurm and MariaDB packages.

Then the quota case: the quota testbed's one shared partition (tests/integration/slurm_quota.py),
every sector under its QOS cap, caps A then caps B over the same arrivals, longer than
tests/integration/test_whatif_quota_slurm.py's smoke (the same comparison, the ±6 s band). And
the borrow case on the same testbed: public's burst beyond its cap goes to the borrow QOS, the
other sectors' later jobs preempt it; waits and requeues of B predicted from A (borrow=True,
the requeue hold), with the replay without the hold beside it, for what the hold is worth.
The tests' smokes are short pairs of these; here they run at length and print their tables.

    .venv/bin/python -m tests.bench.bench_whatif_slurm [--jobs 60] [--span 50] [--quota-jobs 40]
        [--borrow-jobs 40] [--only nodes|quota|borrow]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration.whatif_workload import (
    SECTOR_OF,
    WhatIfAccounting,
    histories_of,
    percentile,
    records,
    run_books,
    workload,
)
from tests.paths import REPO

A = {"public": ["n01"], "interest": ["n04", "n05"], "private": ["n07"]}
B = {"public": ["n01", "n02"], "interest": ["n04"], "private": ["n07", "n08"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=60, help="per sector")
    parser.add_argument("--span", type=float, default=50.0, help="seconds of arrivals")
    parser.add_argument("--quota-jobs", type=int, default=40, help="per sector, quota case")
    parser.add_argument("--quota-span", type=float, default=40.0, help="quota case's arrivals")
    parser.add_argument("--borrow-jobs", type=int, default=40, help="public's, borrow case")
    parser.add_argument("--only", choices=("nodes", "quota", "borrow"))
    args = parser.parse_args()
    bad = nodes_case(args) if args.only in (None, "nodes") else 0
    if args.only != "nodes":
        bad += quota_cases(args)
    return 1 if bad else 0


def quota_cases(args) -> int:
    """On one quota testbed: caps A then B, then the same with borrowing; B predicted from A's
    books, per sector."""
    from tests.integration.slurm_quota import QuotaTestbed

    with tempfile.TemporaryDirectory(prefix="whatif-quota-bench-") as scratch:
        tb = QuotaTestbed(Path(scratch)).start()
        try:
            bad = quota_case(tb, args) if args.only in (None, "quota") else 0
            return bad + (borrow_case(tb, args) if args.only in (None, "borrow") else 0)
        finally:
            tb.stop(check=False)


def quota_case(tb, args) -> int:
    from tests.integration.test_whatif_quota_slurm import CAPS_A, CAPS_B, caps_plans, compare
    from tests.integration.whatif_quota_workload import run_caps, sector_records

    plans = caps_plans(args.quota_jobs, args.quota_span, seed=7, sleep_s=(4, 12))
    ran_a = sector_records(run_caps(tb, plans, CAPS_A, timeout=900))
    ran_b = sector_records(run_caps(tb, plans, CAPS_B, timeout=900))
    rows, failures = compare(ran_a, ran_b)
    print(f"\nquota mode: what-if vs Slurm (sacct), {args.quota_jobs} jobs per sector over "
          f"{args.quota_span:.0f} s on one shared partition; caps A {CAPS_A}, B {CAPS_B}")
    print("\n".join(rows + [f"outside the band: {f}" for f in failures]))
    return len(failures)


def borrow_case(tb, args) -> int:
    from tests.integration.test_whatif_quota_slurm import (
        BORROW_A,
        BORROW_B,
        borrow_plans,
        borrow_runs,
        compare,
    )

    public = args.borrow_jobs
    plans = borrow_plans(public, public // 2, after_s=4.0, seed=11, sleep_s=(4, 10))
    for part in ("public", "interest", "private"):  # spread over more seconds than the smoke
        plans[part] = [type(j)(j.offset_s * 3, j.gpus, j.sleep_s, j.limit_min)
                       for j in plans[part]]
    ran_a, ran_b = borrow_runs(tb, plans, timeout=900)
    records(  # every run, to study a miss without running Slurm again
        REPO / "test-artifacts" / "whatif-borrow-bench-records.json",
        {f"{k}-{s.value}": v for k, run in (("A", ran_a), ("B", ran_b)) for s, v in run.items()},
    )
    rows, failures = compare(ran_a, ran_b, BORROW_A, BORROW_B, True)
    _, unheld = compare(ran_a, ran_b, BORROW_A, BORROW_B, True, requeue_s=0.0)
    print(f"\nquota mode with borrowing: what-if vs Slurm (sacct -D), public {public} jobs, "
          f"interest and private {public // 2} each; caps A {BORROW_A}, B {BORROW_B}")
    print("\n".join(rows + [f"outside the band: {f}" for f in failures]))
    print("the replay without the requeue hold, outside the band: "
          + ("; ".join(unheld) or "nothing"))
    return len(failures)


def nodes_case(args) -> int:
    from console.whatif.replay import fit_dispatch, replay

    plans = {p: workload(args.jobs, args.span, seed=i + 4) for i, p in enumerate(A)}
    with tempfile.TemporaryDirectory(prefix="whatif-bench-") as scratch:
        tb = WhatIfAccounting(Path(scratch)).start()
        try:
            ran_a = run_books(tb, plans, A, timeout=900)
            ran_b = run_books(tb, plans, B, timeout=900)
        finally:
            tb.stop(check=False)
    history = histories_of({SECTOR_OF[p]: r for p, r in ran_a.items()})
    horizon = history.end + 3600
    print(f"what-if vs Slurm (sacct), {args.jobs} jobs per sector over {args.span:.0f} s")
    print("sector     A→B GPUs  dispatch  q    predicted_s  measured_s  band_s  ok")
    bad = 0
    for part in A:
        jobs = history.of_sector(SECTOR_OF[part])
        gpus_a, gpus_b = 8 * len(A[part]), 8 * len(B[part])
        waits_a = [r.wait_s for r in ran_a[part]]
        delay = fit_dispatch(jobs, gpus_a, history.start, horizon, waits_a)
        predicted = replay(jobs, gpus_b, history.start, horizon, delay).waits_s
        measured = [r.wait_s for r in ran_b[part]]
        for q in (50, 90):
            p, m = percentile(predicted, q), percentile(measured, q)
            band = max(0.3 * m, 6.0)
            ok = abs(p - m) <= band
            bad += not ok
            print(
                f"{part:<10} {gpus_a:>3}→{gpus_b:<3}   {delay:>6.2f}  p{q}  {p:>10.1f}  "
                f"{m:>10.1f}  {band:>6.1f}  {'yes' if ok else 'NO'}"
            )
    return bad


if __name__ == "__main__":
    sys.exit(main())
