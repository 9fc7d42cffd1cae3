"""The quota replay and bootstrap as they were before the speed-up on the fixed semantics
(main after the h1-borrow merge: QOS chosen at submit, requeue hold, GraceTime ended at the
time-limit check, PREEMPT_S), kept verbatim as the reference test_quota_reference.py compares
the fast ones with: the straightforward version, one Job and one Sector-keyed dict at a time
(fit_quota_dispatch left out: it only calls the replay).

What it replays (the semantics): the docstring of console/whatif/quota_replay.py.
Deterministic (no randomness); the replay starts with an empty partition.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import translate
from console.whatif.jobs import DAY_S, Job, JobHistory
from console.whatif.predict import (
    BLOCK_DAYS,
    MIN_DAYS,
    MIN_JOBS,
    RESAMPLES,
    Forecast,
    _moved,
    _spread,
)
from console.whatif.quota_predict import QuotaScene
from console.whatif.replay import BACKFILL_DEPTH, Replay

_OWN, _BORROW = 0, 1
# slurmctld checks time limits, and so the end of a preempted job's GraceTime, every 30 s
# (PERIODIC_TIMEOUT): a borrower stops at the first check after its grace, half a period late
# on average; with no GraceTime it is requeued at once
TIME_LIMIT_PASS_S = 30.0
# without GraceTime: from an owner job's arrival to its preempted borrowers' GPUs free, the
# scheduling pass that decides it and the requeue's kill (about a second, measured on the
# quota testbed; fitting it together with the dispatch delay on one run over-fits)
PREEMPT_S = 1.0


@dataclass(frozen=True, slots=True)
class QuotaReplay:
    sectors: Mapping[Sector, Replay]  # per sector: waits, utilisation of its cap, queue
    preempted: Mapping[Sector, int]  # runs of its borrowing jobs cut short (requeued)
    borrowed_gpu_s: Mapping[Sector, float]  # GPU-seconds its jobs ran as borrowers
    lost_gpu_s: float  # GPU-seconds of borrowing runs that were requeued (work redone)


def quota_replay(
    jobs: Sequence[Job],
    capacity: int,
    caps: Mapping[Sector, int | None],
    start: float,
    horizon: float,
    borrow: bool = False,
    grace_s: float = 0.0,
    dispatch_s: float = 0.0,
    requeue_s: float = 0.0,
) -> QuotaReplay:
    """Schedule `jobs` (every sector, sorted by submit) on a partition of `capacity` GPUs.
    `caps`: each sector's GPU cap (None: no limit but the partition's). `borrow`: a borrow QOS
    is configured; `grace_s` its GraceTime; `requeue_s` how long a requeued job waits before
    it is eligible again; `dispatch_s` as in replay.replay."""
    limit = {s: capacity if caps.get(s) is None else max(0, int(caps[s])) for s in SECTORS}
    run = _Run(jobs, capacity, limit, start, horizon, borrow, grace_s, dispatch_s)
    run.requeue_s = requeue_s
    return run.go()


class _Run:
    def __init__(self, jobs, capacity, limit, start, horizon, borrow, grace_s, dispatch_s):
        self.jobs, self.capacity, self.limit = jobs, capacity, limit
        self.start_t, self.horizon = start, horizon
        self.borrow, self.grace_s, self.dispatch_s = borrow, grace_s, dispatch_s
        n = len(jobs)
        self.started = [-1.0] * n  # start of the run that counts (the last one)
        self.how = [_OWN] * n  # the QOS it was submitted to (decided on arrival)
        self.requeue_s = 0.0
        self.back: list[tuple[float, int]] = []  # heap (eligible again, job): requeued jobs
        self.asked = {s: 0 for s in SECTORS}  # GPUs of owner jobs waiting, per sector
        self.ends: list[tuple[float, int, int]] = []  # heap (end, job, run number)
        self.run_no = [0] * n  # a run cut short leaves its end in the heap: stale by number
        self.running: dict[int, float] = {}  # job → when its time limit ends
        self.free = capacity
        self.own = {s: 0 for s in SECTORS}  # GPUs held under each sector's own QOS
        self.reclaimable = 0  # GPUs borrowers hold (an owner's job may take them back)
        self.waiting = {s: 0 for s in SECTORS}  # jobs in the queue, per sector
        self.busy = {s: 0.0 for s in SECTORS}
        self.borrowed = {s: 0.0 for s in SECTORS}
        self.preempted = {s: 0 for s in SECTORS}
        self.lost = 0.0
        self.queue_area = {s: 0.0 for s in SECTORS}

    def go(self) -> QuotaReplay:
        jobs, n = self.jobs, len(self.jobs)
        fits = [j.gpus <= (self.capacity if self.borrow else self.limit[j.sector]) for j in jobs]
        fits = [f and j.gpus <= self.capacity for f, j in zip(fits, jobs, strict=True)]
        queue: list[int] = []
        next_arrival, now, inf = 0, self.start_t, float("inf")
        while True:
            arrival_t = jobs[next_arrival].submit if next_arrival < n else inf
            t = min(arrival_t, self.ends[0][0] if self.ends else inf)
            t = min(t, self.back[0][0] if self.back else inf)
            until = min(t, self.horizon)
            for s, count in self.waiting.items():
                self.queue_area[s] += count * (until - now)
            if t >= self.horizon:
                break
            now = t
            self._finish_until(t)
            while next_arrival < n and jobs[next_arrival].submit <= t:
                if fits[next_arrival]:
                    self._arrive(next_arrival)
                    queue.append(next_arrival)
                next_arrival += 1
            if self.back and self.back[0][0] <= t:
                while self.back and self.back[0][0] <= t:
                    queue.append(heapq.heappop(self.back)[1])
                queue.sort(key=lambda i: (jobs[i].submit, i))  # back in its first place
            if queue and (self.free > 0 or self.reclaimable > 0):
                queue = self._schedule(queue, t)
        return self._result(fits)

    # -- the pool ---------------------------------------------------------------------------------

    def _arrive(self, i: int) -> None:
        """Its QOS: the borrow QOS when its sector's own jobs, running or waiting, hold the cap
        already with it (what the site's rule sees at submit), else its sector's own."""
        job = self.jobs[i]
        self.waiting[job.sector] += 1
        held = self.own[job.sector] + self.asked[job.sector] + job.gpus
        if self.borrow and held > self.limit[job.sector]:
            self.how[i] = _BORROW
        else:
            self.how[i] = _OWN
            self.asked[job.sector] += job.gpus

    def _start(self, i: int, t: float, how: int, delay: float = 0.0) -> None:
        job = self.jobs[i]
        if job.submit < t:  # it waited: it starts once the scheduler has noticed the room
            delay = max(delay, self.dispatch_s)
        self.started[i] = t + delay
        self.waiting[job.sector] -= 1
        self.free -= job.gpus
        if how == _OWN:
            self.own[job.sector] += job.gpus
            self.asked[job.sector] -= job.gpus
        else:
            self.reclaimable += job.gpus
        self.run_no[i] += 1
        self.running[i] = t + delay + job.limit_s
        heapq.heappush(self.ends, (t + delay + job.run_s, i, self.run_no[i]))

    def _finish_until(self, t: float) -> None:
        while self.ends and self.ends[0][0] <= t:
            end, i, number = heapq.heappop(self.ends)
            if number != self.run_no[i] or i not in self.running:
                continue  # a run cut short by preemption meanwhile
            self._account(i, end)
            self._release(i)

    def _release(self, i: int) -> None:
        del self.running[i]
        self.free += self.jobs[i].gpus
        if self.how[i] == _OWN:
            self.own[self.jobs[i].sector] -= self.jobs[i].gpus
        else:
            self.reclaimable -= self.jobs[i].gpus

    def _account(self, i: int, end: float) -> None:
        job, begun = self.jobs[i], self.started[i]
        gpu_s = job.gpus * max(0.0, min(end, self.horizon) - min(begun, self.horizon))
        (self.borrowed if self.how[i] == _BORROW else self.busy)[job.sector] += gpu_s

    def _borrowers(self) -> list[int]:
        return [i for i in self.running if self.how[i] == _BORROW]

    def _stop_s(self) -> float:
        """From an owner's need to the preempted borrower's GPUs free: its GraceTime (ended at
        a time-limit check), else the pass that decides it and the requeue's kill."""
        return self.grace_s + TIME_LIMIT_PASS_S / 2 if self.grace_s > 0 else PREEMPT_S

    def _ending(self, t: float) -> int:
        """GPUs that runs ending by themselves before a preemption would take effect free."""
        by = t + self._stop_s()
        return sum(self.jobs[i].gpus for i in self.running
                   if self.started[i] + self.jobs[i].run_s <= by)

    def _preempt(self, gpus: int, t: float, requeued: list[int]) -> float:
        """Requeue the youngest borrowers until `gpus` more are free. Their GPUs go to the
        owner job that asked, which starts when the last of them has stopped (returned: the
        delay); any beyond that are free now. A borrower whose run ends before its grace time
        does just finish (Slurm records it TIMEOUT, not requeued)."""
        stop = t + self._stop_s()
        last = t
        for i in sorted(self._borrowers(), key=lambda i: -self.started[i]):
            if gpus <= 0:
                break
            job = self.jobs[i]
            gpus -= job.gpus
            end = self.started[i] + job.run_s
            if end <= stop:
                self._account(i, end)
                self._release(i)
                last = max(last, end)
                continue
            last = stop
            self._account(i, stop)
            self.lost += job.gpus * max(0.0, min(stop, self.horizon) - self.started[i])
            self._release(i)
            self.preempted[job.sector] += 1
            self.started[i] = -1.0
            self.waiting[job.sector] += 1
            if self.requeue_s > 0:  # held back a while (BeginTime), then in the queue again
                heapq.heappush(self.back, (stop + self.requeue_s, i))
            else:
                requeued.append(i)
        return last - t

    # -- the policy -------------------------------------------------------------------------------

    def _schedule(self, queue: list[int], t: float) -> list[int]:
        jobs, kept, requeued = self.jobs, [], []
        shadow, spare, reserved = float("inf"), 0, False
        ending = []  # GPUs of runs that end before a preemption would, not yet waited for

        def soon(gpus: int) -> int:
            if not ending:
                ending.append(self._ending(t))
            if gpus <= self.free + ending[0]:
                ending[0] -= max(0, gpus - self.free)  # this job waits for them
                return gpus
            return 0

        tried = 0  # jobs held by their cap are skipped at once (the main scheduling loop
        # sees past them to every job), so they do not use up the backfill depth
        for i in queue:
            job = jobs[i]
            if self.how[i] == _BORROW:
                kept.append(i)  # the borrow pass's
                continue
            if self.own[job.sector] + job.gpus > self.limit[job.sector] or tried >= BACKFILL_DEPTH:
                kept.append(i)  # held by its cap (QOSGrpGRES)
                continue
            tried += 1
            if job.gpus <= self.free:
                ends_in_time = t + job.limit_s <= shadow
                if not reserved or ends_in_time or job.gpus <= spare:
                    self._start(i, t, _OWN)
                    if reserved and not ends_in_time:
                        spare -= job.gpus
                    continue
            elif not reserved and self.reclaimable > 0 and job.gpus <= self.free + self.reclaimable:
                if soon(job.gpus):  # runs ending anyway free its GPUs as soon as a requeue
                    kept.append(i)
                    continue
                stopped = self._preempt(job.gpus - self.free, t, requeued)
                self._start(i, t, _OWN, delay=stopped + self.dispatch_s)
                continue
            if not reserved:
                shadow, spare = self._shadow(job.gpus, t)
                reserved = True
            kept.append(i)
        if requeued:  # back in the queue by their first submit time
            kept += requeued
            kept.sort(key=lambda i: (jobs[i].submit, i))
        if self.borrow and self.free > 0:
            kept = self._borrow_pass(kept, t)
        return kept

    def _borrow_pass(self, queue: list[int], t: float) -> list[int]:
        """Borrow-QOS jobs run on GPUs nobody holds, preemptible."""
        kept = []
        for i in queue:
            job = self.jobs[i]
            if self.how[i] == _BORROW and job.gpus <= self.free:
                self._start(i, t, _BORROW)
            else:
                kept.append(i)
        return kept

    def _shadow(self, gpus: int, t: float) -> tuple[float, int]:
        """When `gpus` would be free if every owner job ran to its limit (borrowers can be
        preempted, so their GPUs count as free), and the GPUs beyond those then."""
        avail = self.free + self.reclaimable
        ends = sorted(
            (end, self.jobs[i].gpus) for i, end in self.running.items() if self.how[i] == _OWN
        )
        for end, held in ends:
            avail += held
            if avail >= gpus:
                return max(end, t), avail - gpus
        return float("inf"), 0

    def _result(self, fits: list[bool]) -> QuotaReplay:
        jobs, span = self.jobs, self.horizon - self.start_t
        for i in list(self.running):
            self._account(i, self.horizon)
        out = {}
        for s in SECTORS:
            mine = [i for i in range(len(jobs)) if jobs[i].sector is s]
            waits = tuple(
                (self.started[i] if 0 <= self.started[i] < self.horizon else self.horizon)
                - jobs[i].submit
                for i in mine
                if fits[i]
            )
            unstarted = sum(1 for i in mine if fits[i] and self.started[i] < 0)
            out[s] = Replay(
                waits,
                unstarted,
                sum(1 for i in mine if not fits[i]),
                self.busy[s],  # under its own QOS: utilisation is of its cap
                self.queue_area[s],
                span,
                self.limit[s],
            )
        return QuotaReplay(out, dict(self.preempted), dict(self.borrowed), self.lost)


def reference_forecasts(
    history: JobHistory,
    scene: QuotaScene,
    caps: Mapping[Sector, int | None],
    seed: int = 0,
    resamples: int = RESAMPLES,
) -> dict[Sector, Forecast]:
    def run(jobs) -> QuotaReplay:
        return quota_replay(
            jobs, scene.capacity, caps, history.start, history.end, scene.borrow, scene.grace_s,
            requeue_s=scene.requeue_s,
        )

    cap_of = {s: scene.capacity if caps.get(s) is None else int(caps[s]) for s in SECTORS}
    point = run(history.jobs)
    key = ",".join(f"{s.value}={cap_of[s]}" for s in SECTORS)
    rng = random.Random(f"{seed}:quota:{key}:{scene.capacity}:{scene.borrow}")
    samples = [run(_resampled(history, rng)) for _ in range(resamples)]
    out = {}
    for s in SECTORS:
        jobs = len(history.of_sector(s))
        if jobs < MIN_JOBS or history.days < MIN_DAYS:
            why = translate("WhatIf", "{jobs} jobs in {days} days").fill(
                jobs=jobs, days=history.days
            )
            out[s] = Forecast(s, cap_of[s], jobs, insufficient=why)
            continue
        r = point.sectors[s]
        waits = [x.sectors[s].waits_s for x in samples if x.sectors[s].waits_s]
        out[s] = Forecast(
            s,
            cap_of[s],
            jobs,
            p50_wait_s=float(np.percentile(r.waits_s, 50)) if r.waits_s else None,
            p90_wait_s=float(np.percentile(r.waits_s, 90)) if r.waits_s else None,
            p50_range=_spread([float(np.percentile(w, 50)) for w in waits]),
            p90_range=_spread([float(np.percentile(w, 90)) for w in waits]),
            utilisation=r.utilisation,
            mean_queue=r.mean_queue,
            too_big=r.too_big,
        )
    return out


def _resampled(history: JobHistory, rng: random.Random) -> list[Job]:
    """The period again, in runs of BLOCK_DAYS consecutive days drawn at random, the same days
    for every sector (a moving-block bootstrap over the whole partition)."""
    days = [[] for _ in range(history.days)]
    for job in history.jobs:
        days[min(history.days - 1, int((job.submit - history.start) // DAY_S))].append(job)
    out: list[Job] = []
    block = min(BLOCK_DAYS, len(days))
    for slot in range(0, len(days), block):
        source = rng.randrange(len(days) - block + 1)
        shift = (slot - source) * DAY_S
        for offset in range(min(block, len(days) - slot)):
            out.extend(_moved(j, shift) for j in days[source + offset])
    out.sort(key=lambda j: j.submit)
    return out
