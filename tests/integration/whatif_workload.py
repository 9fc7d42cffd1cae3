"""The what-if's honest bar: a real Slurm runs one arrival sequence under two capacities.

A short synthetic workload (real `sbatch --gres=gpu:N --time=… --wrap 'sleep S'` jobs, seconds
instead of hours) is submitted to each sector's partition with capacity A (its nodes × 8 GPUs),
recorded in Slurm's accounting (sacct through slurmdbd and MariaDB, read with
console/scheduler/sacct.py: submit, start, end to the second), then the same sequence again with
capacity B. The model (console/whatif) learns from A's books (submit offsets, GPUs, elapsed
run times, time limits) and predicts B; the test compares that with what sacct says Slurm did
under B. The partitions are plain ones here (the accounting testbed's site settings, such as
the public-interest QOS cap and its CPUs per node, would limit them before their GPUs do).

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
from console.scheduler.sacct import parse_sacct_text, sacct_argv
from console.whatif.jobs import Job, JobHistory
from tests.integration.slurm_accounting import AccountingTestbed
from tests.integration.slurm_testbed import LAYOUT, SlurmTestbed, wait_for

PARTITION = "interest"
SECTOR_OF = {"public": Sector.PUBLIC, "interest": Sector.INTEREST, "private": Sector.PRIVATE}


def _quick(conf: Path) -> None:
    text = conf.read_text()
    text = text.replace("CPUs=2 RealMemory=1000", "CPUs=16 RealMemory=1000")
    text = text.replace(
        "SchedulerType=sched/backfill\n",
        "SchedulerType=sched/backfill\nSchedulerParameters=bf_interval=1\n"
        "SlurmdParameters=config_overrides\n",
    )
    conf.write_text(text)


class WhatIfSlurm(SlurmTestbed):
    """The loopback cluster, with nodes that GPUs limit (not CPUs) and a quick backfill."""

    def _write_files(self) -> None:
        super()._write_files()
        _quick(self.conf)


class WhatIfAccounting(AccountingTestbed):
    """The same, with its books (slurmdbd and MariaDB): the waits are read from sacct."""

    def _write_files(self) -> None:
        super()._write_files()
        _quick(self.conf)

    def _write_include(self) -> None:
        default = {"public": " Default=YES"}
        lines = [
            f"PartitionName={p} Nodes={LAYOUT[p]}{default.get(p, '')} MaxTime=INFINITE State=UP\n"
            for p in LAYOUT
        ]
        self.include.write_text("".join(lines))


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
    """Submit `plan` to PARTITION on `nodes` (the capacity), wait until all ended, read back
    from `scontrol show job` (a testbed without accounting)."""
    ids = submit(tb, {PARTITION: plan}, {PARTITION: nodes}, timeout)[PARTITION]
    return [read_job(tb, job_id, job) for job_id, job in zip(ids, plan, strict=True)]


def run_books(
    tb: AccountingTestbed,
    plans: dict[str, list[Planned]],
    nodes: dict[str, list[str]],
    timeout: float = 300,
) -> dict[str, list[Ran]]:
    """Submit each partition's plan on its nodes, all together; wait until every job ended and
    is in the books; read them back from sacct, per partition."""
    t0 = time.time() - 5
    ids = submit(tb, plans, nodes, timeout)
    wanted = {job_id for part in ids.values() for job_id in part}

    def books() -> dict:
        argv = sacct_argv(t0, time.time() + 60, use_json=False)
        records = parse_sacct_text(tb.run(*argv, timeout=30))  # the console's own argv
        return {r.job_id: r for r in records if r.job_id in wanted and r.end is not None}

    found: dict = {}

    def complete() -> bool:
        found.update(books())
        return set(found) >= wanted

    wait_for(complete, 60, "slurmdbd did not record every job")
    out = {}
    for part, part_ids in ids.items():
        out[part] = [
            Ran(r.submit, r.start, r.end, job.gpus, job.limit_min * 60.0)
            for r, job in ((found[i], job) for i, job in zip(part_ids, plans[part], strict=True))
        ]
    return out


def submit(tb, plans: dict[str, list[Planned]], nodes: dict[str, list[str]], timeout) -> dict:
    """Each partition on its nodes, then every plan's jobs at their offsets, interleaved."""
    tb.cancel_all()
    for part, hosts in nodes.items():
        tb.run("scontrol", "update", f"PartitionName={part}", f"Nodes={','.join(hosts)}")
    arrivals = sorted((job.offset_s, part, job) for part, plan in plans.items() for job in plan)
    ids: dict[str, list[str]] = {part: [] for part in plans}
    t0 = time.monotonic()
    for offset, part, job in arrivals:
        delay = t0 + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # the arrival schedule of the workload, not a wait for a result
        ids[part].append(
            tb.sbatch(
                "-p", part, f"--gres=gpu:{job.gpus}", "-n1", "-c1",
                f"--time={job.limit_min}", "--wrap", f"sleep {job.sleep_s}",
            )
        )
    wait_for(
        lambda: not tb.run("squeue", "-h", "-o", "%i", check=False, timeout=60).strip(),
        timeout,
        "the workload did not finish",
    )
    return ids


def read_job(tb: SlurmTestbed, job_id: str, job: Planned) -> Ran:
    fields = dict(
        w.split("=", 1) for w in tb.run("scontrol", "show", "job", job_id, "-o").split() if "=" in w
    )
    stamp = lambda key: datetime.fromisoformat(fields[key]).timestamp()  # noqa: E731
    return Ran(stamp("SubmitTime"), stamp("StartTime"), stamp("EndTime"), job.gpus,
               job.limit_min * 60.0)


def history_of(ran: list[Ran], source: str = "scontrol", sector=Sector.INTEREST) -> JobHistory:
    """What the model learns from: one sector's record of a run (the partition's jobs)."""
    return histories_of({sector: ran}, source)


def histories_of(ran: dict[Sector, list[Ran]], source: str = "sacct") -> JobHistory:
    """Every sector's record of one run, as one history."""
    every = [r for part in ran.values() for r in part]
    start = min(r.submit for r in every) - 1
    end = max(r.end for r in every) + 1
    jobs = [
        Job(sector, r.submit, r.gpus, max(0.0, r.end - r.start), r.limit_s, f"{sector.value}-{i}")
        for sector, part in ran.items()
        for i, r in enumerate(part)
    ]
    return JobHistory.of(start, end, jobs, source=source)


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(values, q))


def artifacts(path: Path, rows: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")


def records(path: Path, runs: dict[str, list[Ran]]) -> None:
    """The raw submit/start/end of each run, to study a failure without running Slurm again."""
    import json
    from dataclasses import asdict

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: [asdict(r) for r in v] for k, v in runs.items()}, indent=1))
