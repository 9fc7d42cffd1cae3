"""Replaying a sector's job arrivals against a GPU capacity, as Slurm would schedule them.

The policy is approximated as Slurm's default backfill scheduler runs it: jobs in priority order
(submit order: the age factor, with the same QOS and fair share inside one sector), the first
job that does not fit gets a reservation at the earliest time enough GPUs free up if every running
job ran to its time limit (its "shadow time"), and a later job may start now if it fits in the
free GPUs and either ends (by its time limit) before that shadow time or uses only GPUs the
reserved job will not need then. Like bf_max_job_test, only the first BACKFILL_DEPTH waiting jobs
are tried. Jobs really end after their run time, so early ends open room as they do in Slurm.

One sector is one pool (its partition's GPUs, or its QOS cap): pools do not share GPUs. The replay
starts empty, so the first hours wait less than they would behind work already running; the
prediction (predict.py) says so.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from console.whatif.jobs import Job

BACKFILL_DEPTH = 100


@dataclass(frozen=True, slots=True)
class Replay:
    waits_s: tuple[float, ...]  # per job in submit order (cut at the horizon if never started)
    unstarted: int  # jobs still waiting at the horizon
    too_big: int  # jobs asking more GPUs than the capacity: they can never start
    busy_gpu_s: float  # GPU-seconds of work run inside [start, horizon)
    queue_job_s: float  # integral of waiting jobs over time (mean queue length = / span)
    span_s: float
    capacity: int

    @property
    def utilisation(self) -> float:
        if self.capacity <= 0 or self.span_s <= 0:
            return 0.0
        return self.busy_gpu_s / (self.capacity * self.span_s)

    @property
    def mean_queue(self) -> float:
        return self.queue_job_s / self.span_s if self.span_s > 0 else 0.0


def replay(
    jobs: Sequence[Job], capacity: int, start: float, horizon: float, dispatch_s: float = 0.0
) -> Replay:
    """Schedule `jobs` (sorted by submit) on `capacity` GPUs from `start` until `horizon`.
    `dispatch_s`: how long after room opens a waiting job really starts (dispatch_latency())."""
    n = len(jobs)
    started = [-1.0] * n
    fits = [j.gpus <= capacity for j in jobs]
    pool = _Pool(jobs, capacity, horizon, started, dispatch_s)
    queue: list[int] = []  # waiting job indices, priority order
    queue_area, next_arrival, now = 0.0, 0, start
    inf = float("inf")
    while True:
        arrival_t = jobs[next_arrival].submit if next_arrival < n else inf
        t = min(arrival_t, pool.next_end())
        if t >= horizon:
            queue_area += len(queue) * max(0.0, horizon - now)
            break
        queue_area += len(queue) * (t - now)
        now = t
        pool.finish_until(t)
        while next_arrival < n and jobs[next_arrival].submit <= t:
            if fits[next_arrival]:
                queue.append(next_arrival)
            next_arrival += 1
        if queue and pool.free > 0:
            queue = _schedule(jobs, queue, pool, t)
    waits = tuple(
        (started[i] if started[i] >= 0 else horizon) - jobs[i].submit for i in range(n) if fits[i]
    )
    unstarted = sum(1 for i in range(n) if started[i] < 0 and fits[i])
    too_big = n - sum(fits)
    return Replay(waits, unstarted, too_big, pool.busy, queue_area, horizon - start, capacity)


class _Pool:
    """The GPUs of one sector: what runs, until when (really, and by its time limit)."""

    def __init__(
        self, jobs, capacity: int, horizon: float, started: list[float], dispatch_s: float
    ) -> None:
        self.jobs, self.horizon, self.started = jobs, horizon, started
        self.dispatch_s = dispatch_s
        self.free = capacity
        self.busy = 0.0
        self.ends: list[tuple[float, int]] = []  # heap of (real end, job)
        self.by_limit: list[tuple[float, int]] = []  # sorted (limit end, job) of running jobs

    def next_end(self) -> float:
        return self.ends[0][0] if self.ends else float("inf")

    def start(self, i: int, t: float) -> None:
        job = self.jobs[i]
        if job.submit < t:  # it waited: it starts once the scheduler has noticed the room
            t += self.dispatch_s
        self.started[i] = t
        self.free -= job.gpus
        end = t + job.run_s
        self.busy += job.gpus * max(0.0, min(end, self.horizon) - t)
        heapq.heappush(self.ends, (end, i))
        bisect.insort(self.by_limit, (t + job.limit_s, i))

    def finish_until(self, t: float) -> None:
        while self.ends and self.ends[0][0] <= t:
            _, i = heapq.heappop(self.ends)
            self.free += self.jobs[i].gpus
            limit_end = self.started[i] + self.jobs[i].limit_s
            at = bisect.bisect_left(self.by_limit, (limit_end, i))
            del self.by_limit[at]

    def shadow(self, gpus: int, t: float) -> tuple[float, int]:
        """When `gpus` would be free if every running job used its whole limit, and how many
        GPUs beyond those would be free then."""
        avail = self.free
        for limit_end, i in self.by_limit:
            avail += self.jobs[i].gpus
            if avail >= gpus:
                return max(limit_end, t), avail - gpus
        return float("inf"), 0


def _schedule(jobs, queue: list[int], pool: _Pool, t: float) -> list[int]:
    """Start what the policy starts at time t; returns the jobs still waiting."""
    first = 0
    while first < len(queue) and jobs[queue[first]].gpus <= pool.free:
        pool.start(queue[first], t)
        first += 1
    queue = queue[first:]
    if not queue or pool.free <= 0:
        return queue
    shadow, spare = pool.shadow(jobs[queue[0]].gpus, t)
    kept = [queue[0]]
    tried = queue[1 : BACKFILL_DEPTH + 1]
    for i in tried:
        job = jobs[i]
        if job.gpus <= pool.free:
            ends_in_time = t + job.limit_s <= shadow
            if ends_in_time or job.gpus <= spare:
                pool.start(i, t)
                if not ends_in_time:
                    spare -= job.gpus
                continue
        kept.append(i)
    kept.extend(queue[BACKFILL_DEPTH + 1 :])
    return kept


def dispatch_latency(
    submits: Sequence[float], starts: Sequence[float], ends: Sequence[float]
) -> float:
    """The scheduler's delay between room opening and a waiting job starting, from a record of
    real jobs (sacct or scontrol: submit, start, end): for each job that waited, the time from
    the last end before its start to its start; the median. Hours-long jobs make it negligible;
    a test workload of seconds does not."""
    gaps = []
    ordered_ends = sorted(ends)
    for submit, start in zip(submits, starts, strict=True):
        if start - submit < 1.0:
            continue
        at = bisect.bisect_right(ordered_ends, start) - 1
        if at >= 0 and ordered_ends[at] >= submit:
            gaps.append(start - ordered_ends[at])
    gaps.sort()
    return gaps[len(gaps) // 2] if gaps else 0.0


def fit_dispatch(
    jobs: Sequence[Job],
    capacity: int,
    start: float,
    horizon: float,
    measured_waits: Sequence[float],
    step_s: float = 0.25,
    most_s: float = 10.0,
) -> float:
    """The dispatch delay that makes the replay of a recorded run reproduce its own measured
    waits best (the sum of the p50 and p90 errors), from 0 to `most_s`. A loaded controller
    starts jobs seconds after room opens, and which end opened the room is not in the record,
    so dispatch_latency() can see zero where the delay is real; fitting it on the run the model
    learns from (never on the one it predicts) measures it where it matters."""
    want = np.percentile(measured_waits, [50, 90])
    best, best_error = 0.0, float("inf")
    for k in range(int(most_s / step_s) + 1):
        delay = k * step_s
        got = np.percentile(replay(jobs, capacity, start, horizon, delay).waits_s, [50, 90])
        error = float(np.abs(got - want).sum())
        if error < best_error - 1e-9:
            best, best_error = delay, error
    return best
