"""A quota move versus a node move on the same Slurm testbed: how long until the waiting job runs.

The quota testbed (tests/integration/slurm_quota.py: accounting, shared partition over all eight
nodes beside the three sector partitions, sector QOS with GrpTRES caps) is started once; each
case fills a sector, leaves one 8-GPU job waiting and moves 8 GPUs to it, timing plan → applied
(the console's part) and plan → the waiting job RUNNING (what the operator sees):

- quota: 8 GPUs of cap public → interest (`sacctmgr modify qos`), interest's job waits on
  QOSGrpGRES in the shared partition;
- node, idle: node n01 public → private (no work on it: no drain wait), private's job waits on
  Resources in partition private (the interest partition has a partition QOS of its own);
- node, busy: the same with a public job on n01 that ends after --job-s seconds: the node drains
  first, so the move takes as long as the job has left (hours on a real site).

Both go through the console's own services (QuotaService, CapacityService) with the default
poll interval. Needs root and the Slurm and MariaDB packages.

    .venv/bin/python -m tests.bench.bench_quota_move [--repeat 3] [--job-s 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration.slurm_quota import BORROW_QOS, SHARED, QuotaTestbed
from tests.integration.slurm_testbed import wait_for


def _policy():
    from console.access import AccessPolicy, Identity, Role

    return AccessPolicy(Identity("root", ("root",)), Role.OPERATOR)


def quota_case(tb, data: Path) -> tuple[float, float]:
    from console.capacity.audit import AuditLog, audit_path
    from console.capacity.backends.slurm_runner import LocalRunner
    from console.capacity.backends.slurm_setup import DEFAULT_SHARES
    from console.capacity.model import entitlements_from_shares
    from console.capacity.quota.model import QuotaSettings
    from console.capacity.quota.service import QuotaService
    from console.capacity.quota.slurm import SlurmQuotaBackend
    from console.fleet.model import Sector

    accounts = {"int_flood": Sector.INTEREST, "pub_transit": Sector.PUBLIC}
    backend = SlurmQuotaBackend(
        LocalRunner(tb.env),
        QuotaSettings(SHARED, borrow_qos=BORROW_QOS),
        sector_of_account=accounts,
    )
    svc = QuotaService(
        backend, entitlements_from_shares(DEFAULT_SHARES), _policy(), AuditLog(audit_path(data))
    )
    jobs = [
        tb.sbatch("-p", SHARED, "--account=int_flood", "--gres=gpu:8", "--wrap", "sleep 600")
        for _ in range(3)
    ]
    wait_for(lambda: tb.jobs().get(jobs[-1]) == ("PENDING", "QOSGrpGRES"), 30, "not at cap")
    t0 = time.monotonic()
    plan = svc.plan_move(Sector.PUBLIC, Sector.INTEREST, 8)
    svc.apply(plan, reason="bench: quota move")
    applied = time.monotonic() - t0
    wait_for(lambda: tb.jobs().get(jobs[-1], ("",))[0] == "RUNNING", 120, "job did not start")
    return applied, time.monotonic() - t0


def node_case(tb, data: Path, busy_s: float | None) -> tuple[float, float]:
    import dataclasses

    from console.capacity.backends.slurm_setup import SlurmOptions, slurm_capacity
    from console.fleet.model import Sector

    options = SlurmOptions(include_file=str(tb.include), slurm_conf=str(tb.conf))
    svc = slurm_capacity(data, None, _policy(), options)
    if busy_s is not None:
        busy = tb.sbatch(
            "-p",
            "public",
            "-w",
            "n01",
            "--account=pub_transit",
            "--gres=gpu:8",
            "--wrap",
            f"sleep {busy_s}",
        )
        wait_for(lambda: tb.job_state(busy) == "RUNNING", 30, "public job did not start")
    jobs = [
        tb.sbatch(
            "-p",
            "private",
            "--account=prv_chip",
            "--qos=normal",
            "--gres=gpu:8",
            "--wrap",
            "sleep 600",
        )
        for _ in range(3)
    ]
    wait_for(
        lambda: (
            tb.jobs().get(jobs[-1], ("",))[0] == "PENDING"
            and all(tb.jobs().get(j, ("",))[0] == "RUNNING" for j in jobs[:2])
        ),
        30,
        "private not full",
    )
    t0 = time.monotonic()
    state = svc.state()
    plan = svc.plan_moves([("n01", Sector.PRIVATE)], state)
    # public drops below its node-mode guarantee (24 → 16 of 19): the bench overrides that
    plan = dataclasses.replace(plan, override=True, justification="bench: a node move timed")
    result = svc.apply(plan, "bench: node move")
    assert result.outcome.applied, result.outcome
    applied = time.monotonic() - t0
    wait_for(lambda: tb.jobs().get(jobs[-1], ("",))[0] == "RUNNING", 120, "job did not start")
    return applied, time.monotonic() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--job-s", type=float, default=20.0, help="seconds the busy node's job has left"
    )
    args = parser.parse_args()
    rows: dict[str, list[tuple[float, float]]] = {"quota": [], "node, idle": [], "node, busy": []}
    with tempfile.TemporaryDirectory(prefix="bench-quota-") as tmp:
        tb = QuotaTestbed(Path(tmp) / "tb").start()
        try:
            for i in range(args.repeat):
                for name, run in (
                    ("quota", lambda d: quota_case(tb, d)),
                    ("node, idle", lambda d: node_case(tb, d, None)),
                    ("node, busy", lambda d: node_case(tb, d, args.job_s)),
                ):
                    tb.reset()
                    data = Path(tmp) / f"{name.replace(', ', '-')}-{i}"
                    rows[name].append(run(data))
                    print(
                        f"{name:<11} #{i + 1}: applied {rows[name][-1][0]:6.2f} s, "
                        f"waiting job running {rows[name][-1][1]:6.2f} s",
                        flush=True,
                    )
        finally:
            tb.stop()
    print(f"\nmedian of {args.repeat} (Slurm testbed, busy job {args.job_s:g} s left):")
    print(f"{'move':<11} {'plan→applied':>13} {'plan→job running':>17}")
    for name, values in rows.items():
        print(
            f"{name:<11} {statistics.median(v[0] for v in values):>12.2f}s "
            f"{statistics.median(v[1] for v in values):>16.2f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
