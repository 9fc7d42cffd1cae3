"""The what-if's honest bar in quota mode: one arrival sequence under two sets of QOS caps.

Every sector submits to the quota testbed's one shared partition (slurm_quota.py: eight nodes ×
8 GPUs, one QOS per sector with a GrpTRES gres/gpu cap) with its own account and QOS; the caps
are set with sacctmgr before a run; the waits are read from Slurm's books with the console's
own sacct argv (console/scheduler/sacct.py), as in whatif_workload.py for node partitions.

Time is scaled so that the controller's own delay stays small beside the waits: jobs sleep 4 to
12 s (a second of dispatch delay is a tenth of a run, not half of it), the scheduler runs every
second (sched_interval=1, bf_interval=1 in slurm_quota.py), and the nodes get 16 CPUs each so
that CPUs never limit a node before its GPUs do.
"""

from __future__ import annotations

import random
import time

from console.fleet.model import Sector
from console.scheduler.sacct import parse_sacct_text, sacct_argv
from tests.integration.slurm_quota import SHARED, QuotaTestbed, qos_of
from tests.integration.slurm_testbed import wait_for
from tests.integration.whatif_workload import Planned, Ran

# half a node at most: the model sees the partition's GPUs as one pool, and a job asking for a
# whole node's 8 GPUs waits in Slurm for one node to empty (a blind spot the method text names)
SIZES = (1, 2, 4, 4)
SECTORS = {"public": Sector.PUBLIC, "interest": Sector.INTEREST, "private": Sector.PRIVATE}


class WhatIfQuota(QuotaTestbed):
    """The quota testbed with nodes that GPUs limit, not CPUs."""

    def _write_files(self) -> None:
        super()._write_files()
        text = self.conf.read_text()
        text = text.replace("CPUs=2 RealMemory=1000", "CPUs=16 RealMemory=1000")
        text = text.replace(
            "SchedulerType=sched/backfill\n",
            "SchedulerType=sched/backfill\nSlurmdParameters=config_overrides\n",
        )
        self.conf.write_text(text)


def quota_workload(jobs: int = 12, span_s: float = 16.0, seed: int = 7) -> list[Planned]:
    """Bursty arrivals of 1-4 GPU jobs lasting 4-12 s, with 1-2 minute limits (over-asked)."""
    rng = random.Random(seed)
    offsets = sorted(rng.uniform(0, span_s) ** 1.3 / span_s**0.3 for _ in range(jobs))
    return [
        Planned(o, rng.choice(SIZES), rng.randint(4, 12), rng.choice((1, 1, 2))) for o in offsets
    ]


def run_caps(
    tb: QuotaTestbed, plans: dict[str, list[Planned]], caps: dict[str, int], timeout: float = 180
) -> dict[str, list[Ran]]:
    """Set `caps`, submit every sector's plan at its offsets to the shared partition under its
    own QOS, wait until all ended and are in the books, read them back from sacct."""
    tb.cancel_all()
    tb.set_caps(caps)
    wait_for(lambda: tb.caps() == caps, 30, f"the caps did not become {caps}")
    t0 = time.time() - 5
    arrivals = sorted((job.offset_s, part, job) for part, plan in plans.items() for job in plan)
    ids: dict[str, list[str]] = {part: [] for part in plans}
    start = time.monotonic()
    for offset, part, job in arrivals:
        delay = start + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # the arrival schedule of the workload, not a wait for a result
        ids[part].append(
            tb.sbatch(
                "-p",
                SHARED,
                f"--account={part}",
                f"--qos={qos_of(part)}",
                f"--gres=gpu:{job.gpus}",
                "-n1",
                "-c1",
                f"--time={job.limit_min}",
                "--wrap",
                f"sleep {job.sleep_s}",
            )
        )
    wait_for(
        lambda: not tb.run("squeue", "-h", "-o", "%i", check=False, timeout=60).strip(),
        timeout,
        "the workload did not finish",
    )
    wanted = {job_id for part in ids.values() for job_id in part}
    found: dict = {}

    def complete() -> bool:
        argv = sacct_argv(t0, time.time() + 60, use_json=False)
        records = parse_sacct_text(tb.run(*argv, timeout=30))  # the console's own argv
        found.update({r.job_id: r for r in records if r.job_id in wanted and r.end is not None})
        return set(found) >= wanted

    wait_for(complete, 60, "slurmdbd did not record every job")
    return {
        part: [
            Ran(found[i].submit, found[i].start, found[i].end, job.gpus, job.limit_min * 60.0)
            for i, job in zip(ids[part], plans[part], strict=True)
        ]
        for part in plans
    }


def sector_records(ran: dict[str, list[Ran]]) -> dict[Sector, list[Ran]]:
    return {SECTORS[part]: runs for part, runs in ran.items()}
