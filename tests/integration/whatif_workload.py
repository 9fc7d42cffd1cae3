"""The what-if's honest bar: a real Slurm runs one arrival sequence under two capacities.

A short synthetic workload (real `sbatch --gres=gpu:N --time=… --wrap 'sleep S'` jobs, seconds
instead of hours) is submitted to one partition with capacity A (its nodes × 8 GPUs), recorded
from `scontrol show job` (submit, start, end to the second), then the same sequence again with
capacity B. The model (console/whatif) learns from A's record (submit offsets, GPUs, elapsed
run times, time limits) and predicts B; the test compares that with what Slurm did under B.

The testbed's nodes get 16 CPUs each (SlurmdParameters=config_overrides) so that CPUs never
limit a node before its GPUs do, and the backfill scheduler runs every second (bf_interval=1),
since the jobs last seconds, not hours.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.fleet.model import Sector
from console.whatif.jobs import Job, JobHistory
from tests.integration.slurm_testbed import SlurmTestbed, wait_for

PARTITION = "interest"


class WhatIfSlurm(SlurmTestbed):
    """The loopback cluster, with nodes that GPUs limit (not CPUs) and a quick backfill."""

    def _write_files(self) -> None:
        super()._write_files()
        text = self.conf.read_text()
        text = text.replace("CPUs=2 RealMemory=1000", "CPUs=16 RealMemory=1000")
        text = text.replace(
            "SchedulerType=sched/backfill\n",
            "SchedulerType=sched/backfill\nSchedulerParameters=bf_interval=1\n"
            "SlurmdParameters=config_overrides\n",
        )
        self.conf.write_text(text)


@dataclass(frozen=True, slots=True)
class Planned:
    offset_s: float  # submit this long after the run starts
    gpus: int
    sleep_s: int
    limit_min: int


@dataclass(frozen=True, slots=True)
class Ran:
    submit: float
    start: float
    end: float
    gpus: int
    limit_s: float

    @property
    def wait_s(self) -> float:
        return self.start - self.submit


def workload(jobs: int = 28, span_s: float = 24.0, seed: int = 4) -> list[Planned]:
    """Bursty arrivals of 1-8 GPU jobs lasting 2-9 s, with 1-2 minute limits (over-asked)."""
    rng = random.Random(seed)
    offsets = sorted(rng.uniform(0, span_s) ** 1.3 / span_s**0.3 for _ in range(jobs))
    return [
        Planned(o, rng.choice((1, 2, 4, 4, 8)), rng.randint(2, 9), rng.choice((1, 1, 2)))
        for o in offsets
    ]


def run(tb: SlurmTestbed, plan: list[Planned], nodes: list[str], timeout: float = 240) -> list:
    """Submit `plan` to PARTITION on `nodes` (the capacity), wait until all ended, read back."""
    tb.cancel_all()
    tb.run("scontrol", "update", f"PartitionName={PARTITION}", f"Nodes={','.join(nodes)}")
    t0 = time.monotonic()
    ids = []
    for job in plan:
        delay = t0 + job.offset_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # the arrival schedule of the workload, not a wait for a result
        ids.append(
            tb.sbatch(
                "-p", PARTITION, f"--gres=gpu:{job.gpus}", "-n1", "-c1",
                f"--time={job.limit_min}", "--wrap", f"sleep {job.sleep_s}",
            )
        )
    wait_for(
        lambda: not tb.run("squeue", "-h", "-o", "%i", check=False).strip(),
        timeout,
        "the workload did not finish",
    )
    return [read_job(tb, job_id, job) for job_id, job in zip(ids, plan, strict=True)]


def read_job(tb: SlurmTestbed, job_id: str, job: Planned) -> Ran:
    fields = dict(
        w.split("=", 1) for w in tb.run("scontrol", "show", "job", job_id, "-o").split() if "=" in w
    )
    stamp = lambda key: datetime.fromisoformat(fields[key]).timestamp()  # noqa: E731
    return Ran(stamp("SubmitTime"), stamp("StartTime"), stamp("EndTime"), job.gpus,
               job.limit_min * 60.0)


def history_of(ran: list[Ran]) -> JobHistory:
    """What the model learns from: one sector's record of a run (the partition's jobs)."""
    start = min(r.submit for r in ran) - 1
    end = max(r.end for r in ran) + 1
    jobs = [
        Job(Sector.INTEREST, r.submit, r.gpus, max(0.0, r.end - r.start), r.limit_s, str(i))
        for i, r in enumerate(ran)
    ]
    return JobHistory.of(start, end, jobs, source="scontrol")


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q))


def artifacts(path: Path, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")
