"""What-if against the real scheduler, every sector, longer than the test: predicted vs measured.

The Slurm sandbox with its books (MariaDB + slurmdbd, tests/integration/slurm_accounting.py)
runs three sectors' workloads together under capacity A, then the same arrivals under capacity
B (one sector gains a node, one loses one, one gains one); the model learns from A's sacct
records (and fits the controller's dispatch delay on A's own waits) and predicts B; the table
is B's p50 and p90 wait per sector, predicted against measured in sacct, with the test's error
band (±30 % or ±6 s, whichever is larger). Needs root and the Slurm and MariaDB packages.

Then the quota case: the quota testbed's one shared partition (tests/integration/slurm_quota.py),
every sector under its QOS cap, caps A then caps B over the same arrivals, longer than
tests/integration/test_whatif_quota_slurm.py (the same comparison, the same band).

    .venv/bin/python -m tests.bench.bench_whatif_slurm [--jobs 60] [--span 50] [--quota-jobs 40]
        [--only nodes|quota]
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
    run_books,
    workload,
)

A = {"public": ["n01"], "interest": ["n04", "n05"], "private": ["n07"]}
B = {"public": ["n01", "n02"], "interest": ["n04"], "private": ["n07", "n08"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=60, help="per sector")
    parser.add_argument("--span", type=float, default=50.0, help="seconds of arrivals")
    parser.add_argument("--quota-jobs", type=int, default=40, help="per sector, quota case")
    parser.add_argument("--quota-span", type=float, default=40.0, help="quota case's arrivals")
    parser.add_argument("--only", choices=("nodes", "quota"))
    args = parser.parse_args()
    bad = 0 if args.only == "quota" else nodes_case(args)
    if args.only != "nodes":
        bad += quota_case(args)
    return 1 if bad else 0


def quota_case(args) -> int:
    """Caps A then caps B on the shared partition; B predicted from A's books, per sector."""
    from tests.integration.test_whatif_quota_slurm import CAPS_A, CAPS_B, compare
    from tests.integration.whatif_quota_workload import (
        WhatIfQuota,
        quota_workload,
        run_caps,
        sector_records,
    )

    plans = {
        name: quota_workload(args.quota_jobs, args.quota_span, seed=7 + i)
        for i, name in enumerate(CAPS_A)
    }
    with tempfile.TemporaryDirectory(prefix="whatif-quota-bench-") as scratch:
        tb = WhatIfQuota(Path(scratch)).start()
        try:
            ran_a = sector_records(run_caps(tb, plans, CAPS_A, timeout=900))
            ran_b = sector_records(run_caps(tb, plans, CAPS_B, timeout=900))
        finally:
            tb.stop(check=False)
    rows, failures = compare(ran_a, ran_b)
    print(f"\nquota mode: what-if vs Slurm (sacct), {args.quota_jobs} jobs per sector over "
          f"{args.quota_span:.0f} s on one shared partition; caps A {CAPS_A}, B {CAPS_B}")
    print("\n".join(rows + [f"outside the band: {f}" for f in failures]))
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
