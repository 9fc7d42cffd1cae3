"""The what-if's honest bar in quota mode: one arrival sequence under two sets of QOS caps.

Every sector submits to the quota testbed's one shared partition (slurm_quota.py: eight nodes ×
8 GPUs, one QOS per sector with a GrpTRES gres/gpu cap) with its own account and QOS; the caps
are set with sacctmgr before a run; the waits are read from Slurm's books with the console's
own sacct argv (console/scheduler/sacct.py), as in whatif_workload.py for node partitions.

Time is scaled so that the controller's own delay stays small beside the waits: jobs sleep 4 to
12 s (a second of dispatch delay is a tenth of a run, not half of it), the scheduler runs every
second (sched_interval=1, bf_interval=1 in slurm_quota.py), and the nodes get 16 CPUs each so
that CPUs never limit a node before its GPUs do.

Borrowing (`borrow=True`): Slurm has no fallback QOS, so the site's rule is played by the
submitter, as a submit filter would: a job whose sector's own-QOS jobs, pending or running,
hold its cap already with it goes to the borrow QOS (--qos=hangang_borrow), else to its
sector's own (the rule console/whatif/quota_replay.py replays). Jobs ignore SIGTERM, so a
preempted borrower runs out its GraceTime and is then requeued (one that died of the
SIGTERM would end FAILED, not requeued). A requeued job is a new record in Slurm's books with
a new submit time: the runs are read with `sacct -D` (every run of a job), the first submit
is the job's, the last run is the one that finished, and the runs before it (PREEMPTED,
REQUEUED) are its preemptions.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from console.fleet.model import Sector
from console.scheduler.sacct import parse_sacct_text, sacct_argv
from tests.integration.slurm_quota import BORROW_QOS, SHARED, QuotaTestbed, qos_of
from tests.integration.slurm_testbed import wait_for
from tests.integration.whatif_workload import Planned, Ran

CUT_SHORT = ("PREEMPTED", "REQUEUED")  # how sacct -D shows a run that was requeued

# half a node at most: the model sees the partition's GPUs as one pool, and a job asking for a
# whole node's 8 GPUs waits in Slurm for one node to empty (a blind spot the method text names)
SIZES = (1, 2, 4, 4)
SECTORS = {"public": Sector.PUBLIC, "interest": Sector.INTEREST, "private": Sector.PRIVATE}


@dataclass(frozen=True, slots=True)
class QuotaRan(Ran):
    """A job's record: `submit` its first, `start`/`end` those of the run that finished."""

    preempted: int = 0  # its runs cut short (requeued)
    borrowed: bool = False  # submitted to the borrow QOS


def quota_workload(
    jobs: int = 12,
    span_s: float = 16.0,
    seed: int = 7,
    sizes: tuple[int, ...] = SIZES,
    after_s: float = 0.0,
    sleep_s: tuple[int, int] = (4, 12),
) -> list[Planned]:
    """Bursty arrivals over `span_s` from `after_s` of jobs of `sizes` GPUs lasting `sleep_s`
    seconds, with 1-2 minute limits (over-asked)."""
    rng = random.Random(seed)
    offsets = sorted(rng.uniform(0, span_s) ** 1.3 / span_s**0.3 for _ in range(jobs))
    return [
        Planned(after_s + o, rng.choice(sizes), rng.randint(*sleep_s), rng.choice((1, 1, 2)))
        for o in offsets
    ]


def run_caps(
    tb: QuotaTestbed,
    plans: dict[str, list[Planned]],
    caps: dict[str, int],
    timeout: float = 180,
    borrow: bool = False,
) -> dict[str, list[QuotaRan]]:
    """Set `caps`, submit every sector's plan at its offsets to the shared partition under its
    own QOS (`borrow`: at-cap jobs under the borrow QOS), wait until all ended and are in the
    books, read every run back from sacct."""
    tb.cancel_all()
    tb.set_caps(caps)
    wait_for(lambda: tb.caps() == caps, 30, f"the caps did not become {caps}")
    t0 = time.time() - 5
    arrivals = sorted((job.offset_s, part, job) for part, plan in plans.items() for job in plan)
    ids: dict[str, list[str]] = {part: [] for part in plans}
    gpus_of: dict[str, int] = {}
    lent: set[str] = set()
    start = time.monotonic()
    for offset, part, job in arrivals:
        delay = start + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # the arrival schedule of the workload, not a wait for a result
        qos = qos_of(part)
        if borrow and _held(tb, qos, gpus_of) + job.gpus > caps[part]:
            qos = BORROW_QOS
        job_id = tb.sbatch(
            "-p",
            SHARED,
            f"--account={part}",
            f"--qos={qos}",
            f"--gres=gpu:{job.gpus}",
            "-n1",
            "-c1",
            f"--time={job.limit_min}",
            "--wrap",
            f"trap '' TERM; sleep {job.sleep_s}",  # runs out its GraceTime when preempted
        )
        ids[part].append(job_id)
        gpus_of[job_id] = job.gpus
        if qos == BORROW_QOS:
            lent.add(job_id)
    wait_for(
        lambda: not tb.run("squeue", "-h", "-o", "%i", check=False, timeout=60).strip(),
        timeout,
        "the workload did not finish",
    )
    wanted = {job_id for part in ids.values() for job_id in part}
    runs: dict = {}

    def complete() -> bool:
        argv = sacct_argv(t0, time.time() + 60, use_json=False)
        argv.insert(argv.index("-X") + 1, "-D")  # the console's own argv, every run of a job
        runs.clear()
        for r in parse_sacct_text(tb.run(*argv, timeout=30)):
            if r.job_id in wanted:
                runs.setdefault(r.job_id, []).append(r)
        done = {i for i, rs in runs.items() if any(_finished(r) for r in rs)}
        return done >= wanted

    wait_for(complete, 60, "slurmdbd did not record every job")
    return {
        part: [_record(runs[i], job, i in lent) for i, job in zip(ids[part], plans[part],
                                                                   strict=True)]
        for part in plans
    }


def _held(tb: QuotaTestbed, qos: str, gpus_of: dict[str, int]) -> int:
    """GPUs of the jobs under `qos` that are pending or running (what counts against its cap
    or waits for it): what a submit filter would look at."""
    out = tb.run("squeue", "-h", "-q", qos, "-t", "PENDING,RUNNING", "-o", "%i", check=False)
    return sum(gpus_of.get(line.strip(), 0) for line in out.splitlines())


def _finished(r) -> bool:
    return r.end is not None and r.state not in CUT_SHORT


def _record(runs: list, job: Planned, borrowed: bool) -> QuotaRan:
    runs = sorted(runs, key=lambda r: r.submit)
    last = next(r for r in reversed(runs) if _finished(r))
    assert last.state == "COMPLETED", f"job {last.job_id} ended {last.state}"
    cut = sum(1 for r in runs if r.state in CUT_SHORT)
    return QuotaRan(runs[0].submit, last.start, last.end, job.gpus, job.limit_min * 60.0, cut,
                    borrowed)


def sector_records(ran: dict[str, list[QuotaRan]]) -> dict[Sector, list[QuotaRan]]:
    return {SECTORS[part]: runs for part, runs in ran.items()}
