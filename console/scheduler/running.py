"""The scheduler's running jobs as SchedulerJobs (console/fleet/jobs.py), from squeue, and a
thread that reads them every so often and hands them on (the console's FleetState charges a
GPU's use to its job's account with them).

Holders (which GPU each job holds) are not in squeue's listing; `scontrol show job -d`
(console/scheduler/holders.py) fills them. Without holders, a GPU's job is the one the probe
read from its process (cgroup or environment).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from console.capacity.backends.slurm_parse import ParseError
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.capacity.backends.slurm_squeue import (
    SQUEUE_FORMAT,
    JobInfo,
    parse_squeue_json,
    parse_squeue_text,
)
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.inventory.model import Inventory

log = logging.getLogger(__name__)
INTERVAL_S = 30.0  # a job's account does not change; new jobs are charged from the next read


def scheduler_jobs(jobs: Iterable[JobInfo], read_at: float) -> SchedulerJobs:
    """The running jobs of a squeue listing (pending and finished ones left out)."""
    running = {
        j.job_id: RunningJob(
            job_id=j.job_id,
            account=j.account.lower(),
            user=j.user,
            partition=j.partitions[0] if j.partitions else "",
            gpus=j.gpus,
        )
        for j in jobs
        if j.running and j.job_id
    }
    return SchedulerJobs(read_at, running)


class RunningReader:
    """`squeue --json` where it works (decided at the first read), else the -O text."""

    def __init__(self, runner: Runner, clock: Callable[[], float] = time.time) -> None:
        self.runner = runner
        self.clock = clock
        self.json: bool | None = None  # None: not tried yet

    def read(self) -> SchedulerJobs:
        at = self.clock()
        if self.json is not False:
            try:
                jobs = parse_squeue_json(self.runner.run(["squeue", "--json"], timeout=30))
            except (CommandFailed, ParseError):
                if self.json:  # it worked before: a real failure, not a missing form
                    raise
                self.json = False
            else:
                self.json = True
                return scheduler_jobs(jobs, at)
        out = self.runner.run(["squeue", "-h", "-t", "RUNNING", "-O", SQUEUE_FORMAT], timeout=30)
        return scheduler_jobs(parse_squeue_text(out), at)


class RunningJobsFeed:
    """Calls `read` every `interval_s` on its own thread and hands each result to `deliver`
    (a thread-safe callback, e.g. Bridge.submit_scheduler_jobs). A failed read keeps the last
    jobs where they are and says why in `problem`."""

    def __init__(
        self,
        read: Callable[[], SchedulerJobs],
        deliver: Callable[[SchedulerJobs], None],
        interval_s: float = INTERVAL_S,
    ) -> None:
        self.read = read
        self.deliver = deliver
        self.interval_s = interval_s
        self.latest: SchedulerJobs | None = None
        self.problem: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="scheduler-jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=35)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                jobs = self.read()
            except Exception as exc:  # a scheduler that does not answer must not end the loop
                self.problem = str(exc) or type(exc).__name__
                log.warning("scheduler jobs: %s", self.problem)
            else:
                self.problem = None
                self.latest = jobs
                self.deliver(jobs)
            self._stop.wait(self.interval_s)


def feed_for(
    inventory: Inventory,
    deliver: Callable[[SchedulerJobs], None],
    read: Callable[[], SchedulerJobs] | None = None,
) -> RunningJobsFeed:
    """The feed of a fleet file with [slurm]: squeue where its [slurm] says (here, or over SSH
    to the controller); `read` replaces the squeue reader (one with holders, or a test's)."""
    if read is None:
        from console.capacity.backends.slurm_setup import slurm_options_for, slurm_runner

        read = RunningReader(slurm_runner(slurm_options_for(inventory))).read
    return RunningJobsFeed(read, deliver)
