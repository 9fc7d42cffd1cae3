"""Replaying every sector's arrivals on one shared partition under QOS caps, with borrowing.

Quota mode (console/capacity/quota) runs all sectors in one partition; a sector's capacity is its
QOS's GPU cap (GrpTRES). The replay approximates what Slurm does there:

- Owner jobs, in submit order across sectors (the sectors' QOS have the same priority, so age
  decides), start when their sector's own jobs hold no more than its cap with them and the
  partition has the GPUs. A job held back by its cap does not hold back the others (Slurm skips
  a job pending on QOSGrpGRES); the first job held back by the partition's GPUs gets a
  reservation at its shadow time and later jobs backfill around it, as in replay.py.
- With a borrow QOS, a site sends at-cap work there: a job whose sector's own jobs (running or
  waiting) hold its cap already, with it, is submitted to the borrow QOS (a submit filter, or
  users who do) and stays a borrower for good. A borrower runs only on GPUs nobody holds, does
  not count against the cap, is tried after every owner job (its QOS's priority is lower), and
  is preempted when an owner job within its cap needs those GPUs, unless runs ending by
  themselves free them as soon (a preemption takes effect PREEMPT_S later: the pass that
  decides it, the requeue's kill; measured on Slurm, owners then start on those ends). The
  borrower stops `grace_s` later (GraceTime; Slurm ends it at its next time-limit check after
  that, TIME_LIMIT_PASS_S), the owner starts then, and the borrower is
  eligible again `requeue_s` after it stopped (Slurm holds a requeued job back for the launch
  credential's lifetime plus a second: AuthInfo cred_expire, 120 s unless set), keeps its
  place by first submit, and starts its run from zero. A job's wait is from its first submit to
  the start of the run that finishes (what its user waited); the GPU-seconds of runs cut short
  count as lost work. Which borrowers go first: the youngest (latest started), as Slurm's
  preempt/qos picks among equal-priority preemptees. Jobs submitted straight to the borrow QOS
  are not told apart in the history: that the site's rule decides, under the caps replayed, is
  the approximation (checked against Slurm in tests/integration/test_whatif_quota_slurm.py).

Deterministic (no randomness); the replay starts with an empty partition.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from console.fleet.model import SECTORS, Sector
from console.whatif.jobs import Job
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


def fit_quota_dispatch(
    jobs: Sequence[Job],
    capacity: int,
    caps: Mapping[Sector, int | None],
    start: float,
    horizon: float,
    measured: Mapping[Sector, Sequence[float]],
    step_s: float = 0.25,
    most_s: float = 6.0,
    borrow: bool = False,
    grace_s: float = 0.0,
    requeue_s: float = 0.0,
) -> float:
    """The dispatch delay that makes the replay of a recorded run reproduce its own measured
    waits best (the sum over sectors of the p50 and p90 errors), as replay.fit_dispatch does
    for one partition: fitted on the run the model learns from, never on the one it predicts.
    `borrow`, `grace_s`, `requeue_s`: the recorded run's borrowing, as quota_replay takes them."""
    import numpy as np

    best, best_error = 0.0, float("inf")
    for k in range(int(most_s / step_s) + 1):
        delay = k * step_s
        got = quota_replay(jobs, capacity, caps, start, horizon, borrow, grace_s, delay,
                           requeue_s).sectors
        error = 0.0
        for sector, waits in measured.items():
            if waits and got[sector].waits_s:
                want = np.percentile(waits, [50, 90])
                error += float(np.abs(np.percentile(got[sector].waits_s, [50, 90]) - want).sum())
        if error < best_error - 1e-9:
            best, best_error = delay, error
    return best
