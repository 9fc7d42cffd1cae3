"""Replaying every sector's arrivals on one shared partition under QOS caps, with borrowing.

Quota mode (console/capacity/quota) runs all sectors in one partition; a sector's capacity is its
QOS's GPU cap (GrpTRES). The replay approximates what Slurm does there:

- Owner jobs, in submit order across sectors (the sectors' QOS have the same priority, so age
  decides), start when their sector's own jobs hold no more than its cap with them and the
  partition has the GPUs. A job held back by its cap does not hold back the others (Slurm skips
  a job pending on QOSGrpGRES); the first job held back by the partition's GPUs gets a
  reservation at its shadow time and later jobs backfill around it, as in replay.py.
- With a borrow QOS, a job waiting at its cap runs on GPUs nobody holds, as a borrower: it does
  not count against the cap, it is tried after every owner job (its QOS's priority is lower),
  and it is preempted when an owner job within its cap needs those GPUs. Preemption is
  requeue: the borrower stops `grace_s` later (GraceTime), the owner starts then, and the
  borrower goes back to the queue with its first submit time and starts its run from zero. A
  job's wait is from its submit to the start of the run that finishes (what its user waited);
  the GPU-seconds of runs cut short count as lost work.
  Which borrowers go first: the youngest (latest started), as Slurm's preempt/qos picks among
  equal-priority preemptees. That a site submits at-cap work to the borrow QOS (a submit filter,
  or users who do) is the approximation: jobs submitted straight to the borrow QOS are not told
  apart in the history.

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
) -> QuotaReplay:
    """Schedule `jobs` (every sector, sorted by submit) on a partition of `capacity` GPUs.
    `caps`: each sector's GPU cap (None: no limit but the partition's). `borrow`: a borrow QOS
    is configured; `grace_s` its GraceTime; `dispatch_s` as in replay.replay."""
    return replay_columns(Columns.of(jobs), capacity, caps, start, horizon, borrow, grace_s,
                          dispatch_s)


@dataclass(frozen=True, slots=True)
class Columns:
    """The jobs as the replay reads them, one list per field, sorted by submit; `sec` numbers
    the sectors as SECTORS orders them. The bootstrap builds these straight from a history's
    (quota_predict.py) without making a Job per resampled job."""

    sec: list[int]
    gpus: list[int]
    submit: list[float]
    run_s: list[float]
    limit_s: list[float]

    @classmethod
    def of(cls, jobs: Sequence[Job]) -> Columns:
        index = {s: k for k, s in enumerate(SECTORS)}
        return cls([index[j.sector] for j in jobs], [j.gpus for j in jobs],
                   [j.submit for j in jobs], [j.run_s for j in jobs], [j.limit_s for j in jobs])


def replay_columns(
    jobs: Columns,
    capacity: int,
    caps: Mapping[Sector, int | None],
    start: float,
    horizon: float,
    borrow: bool = False,
    grace_s: float = 0.0,
    dispatch_s: float = 0.0,
) -> QuotaReplay:
    """quota_replay on jobs already in columns."""
    limit = {s: capacity if caps.get(s) is None else max(0, int(caps[s])) for s in SECTORS}
    return _Run(jobs, capacity, limit, start, horizon, borrow, grace_s, dispatch_s).go()


class _Run:
    """One replay, over plain lists with the sectors numbered: reading Job attributes and
    Sector-keyed dicts once per event was most of the replay's time (the quota forecast runs
    26 replays of ~10,000 jobs)."""

    def __init__(self, jobs: Columns, capacity, limit, start, horizon, borrow, grace_s,
                 dispatch_s):
        self.n, self.capacity = len(jobs.submit), capacity
        self.sec, self.gpus, self.submit = jobs.sec, jobs.gpus, jobs.submit
        self.run_s, self.limit_s = jobs.run_s, jobs.limit_s
        self.cap = [limit[s] for s in SECTORS]
        # held by its cap while its sector's own GPUs exceed this (cap - ask): one comparison
        # per queued job and pass, and most queued jobs are held
        self.held_above = [self.cap[s] - g for s, g in zip(self.sec, self.gpus, strict=True)]
        self.start_t, self.horizon = start, horizon
        self.borrow, self.grace_s, self.dispatch_s = borrow, grace_s, dispatch_s
        n, k = self.n, len(SECTORS)
        self.started = [-1.0] * n  # start of the run that counts (the last one)
        self.how = [_OWN] * n
        self.ends: list[tuple[float, int, int]] = []  # heap (end, job, run number)
        self.run_no = [0] * n  # a run cut short leaves its end in the heap: stale by number
        self.running: dict[int, float] = {}  # job → when its time limit ends
        self.free = capacity
        self.own = [0] * k  # GPUs held under each sector's own QOS
        self.reclaimable = 0  # GPUs borrowers hold (an owner's job may take them back)
        self.waiting = [0] * k  # jobs in the queue, per sector
        self.busy = [0.0] * k
        self.borrowed = [0.0] * k
        self.preempted = [0] * k
        self.lost = 0.0
        self.queue_area = [0.0] * k

    def go(self) -> QuotaReplay:
        n, submit, gpus, sec = self.n, self.submit, self.gpus, self.sec
        room = self.capacity if self.borrow else None
        fits = [g <= (room if room is not None else self.cap[s]) and g <= self.capacity
                for g, s in zip(gpus, sec, strict=True)]
        queue: list[int] = []
        ends, waiting, area, horizon = self.ends, self.waiting, self.queue_area, self.horizon
        sectors = range(len(waiting))
        next_arrival, now, inf = 0, self.start_t, float("inf")
        while True:
            t = submit[next_arrival] if next_arrival < n else inf
            if ends and ends[0][0] < t:
                t = ends[0][0]
            span = (t if t < horizon else horizon) - now
            for s in sectors:
                if waiting[s]:  # a sector with none waiting adds 0.0: skipping it is exact
                    area[s] += waiting[s] * span
            if t >= horizon:
                break
            now = t
            if ends and ends[0][0] <= t:
                self._finish_until(t)
            while next_arrival < n and submit[next_arrival] <= t:
                if fits[next_arrival]:
                    queue.append(next_arrival)
                    waiting[sec[next_arrival]] += 1
                next_arrival += 1
            if queue and (self.free > 0 or self.reclaimable > 0):
                queue = self._schedule(queue, t)
        return self._result(fits)

    # -- the pool ---------------------------------------------------------------------------------

    def _start(self, i: int, t: float, how: int, delay: float = 0.0) -> None:
        if self.submit[i] < t:  # it waited: it starts once the scheduler has noticed the room
            delay = max(delay, self.dispatch_s)
        begin = t + delay
        self.started[i], self.how[i] = begin, how
        s, g = self.sec[i], self.gpus[i]
        self.waiting[s] -= 1
        self.free -= g
        if how == _OWN:
            self.own[s] += g
        else:
            self.reclaimable += g
        self.run_no[i] += 1
        self.running[i] = begin + self.limit_s[i]
        heapq.heappush(self.ends, (begin + self.run_s[i], i, self.run_no[i]))

    def _finish_until(self, t: float) -> None:
        # _account and _release inlined: a job ends at about every other event
        ends, run_no, running, pop = self.ends, self.run_no, self.running, heapq.heappop
        started, how, gpus, sec, own = self.started, self.how, self.gpus, self.sec, self.own
        busy, borrowed, horizon = self.busy, self.borrowed, self.horizon
        while ends and ends[0][0] <= t:
            end, i, number = pop(ends)
            if number != run_no[i] or i not in running:
                continue  # a run cut short by preemption meanwhile
            g, s, begun = gpus[i], sec[i], started[i]
            gpu_s = g * max(0.0, min(end, horizon) - min(begun, horizon))
            del running[i]
            self.free += g
            if how[i] == _OWN:
                busy[s] += gpu_s
                own[s] -= g
            else:
                borrowed[s] += gpu_s
                self.reclaimable -= g

    def _release(self, i: int) -> None:
        del self.running[i]
        g = self.gpus[i]
        self.free += g
        if self.how[i] == _OWN:
            self.own[self.sec[i]] -= g
        else:
            self.reclaimable -= g

    def _account(self, i: int, end: float) -> None:
        begun, horizon = self.started[i], self.horizon
        gpu_s = self.gpus[i] * max(0.0, min(end, horizon) - min(begun, horizon))
        (self.borrowed if self.how[i] == _BORROW else self.busy)[self.sec[i]] += gpu_s

    def _borrowers(self) -> list[int]:
        return [i for i in self.running if self.how[i] == _BORROW]

    def _preempt(self, gpus: int, t: float, requeued: list[int]) -> None:
        """Requeue the youngest borrowers until `gpus` more are free. Their GPUs go to the
        owner job that asked (it starts after the grace time); any beyond that are free now."""
        for i in sorted(self._borrowers(), key=lambda i: -self.started[i]):
            if gpus <= 0:
                break
            stop = t + self.grace_s
            self._account(i, stop)
            self.lost += self.gpus[i] * max(0.0, min(stop, self.horizon) - self.started[i])
            self._release(i)
            self.preempted[self.sec[i]] += 1
            self.started[i] = -1.0
            self.waiting[self.sec[i]] += 1
            gpus -= self.gpus[i]
            requeued.append(i)

    # -- the policy -------------------------------------------------------------------------------

    def _schedule(self, queue: list[int], t: float) -> list[int]:
        # _start inlined, the pool's counters in locals (written back before any call that
        # reads them): this loop runs at every event
        gpus, sec, limit_s, own = self.gpus, self.sec, self.limit_s, self.own
        submit, run_s, started, how, run_no = (self.submit, self.run_s, self.started, self.how,
                                               self.run_no)
        waiting, running, ends, dispatch_s = self.waiting, self.running, self.ends, self.dispatch_s
        free, reclaimable, push = self.free, self.reclaimable, heapq.heappush
        kept: list[int] = []
        requeued: list[int] = []
        shadow, spare, reserved = float("inf"), 0, False
        tried = 0  # jobs held by their cap are skipped at once (the main scheduling loop
        # sees past them to every job), so they do not use up the backfill depth
        held_above = self.held_above
        for at, i in enumerate(queue):
            if free == 0 and (reserved or reclaimable == 0):
                # nothing more can start or preempt in this pass (the first job not held by
                # its cap would only take the reservation, which no later job could use)
                kept += queue[at:]
                break
            s = sec[i]
            if own[s] > held_above[i] or tried >= BACKFILL_DEPTH:
                kept.append(i)  # held by its cap (QOSGrpGRES): the borrow pass may run it
                continue
            g = gpus[i]
            tried += 1
            if g <= free:
                ends_in_time = t + limit_s[i] <= shadow
                if not reserved or ends_in_time or g <= spare:
                    begin = t + dispatch_s if submit[i] < t else t  # as _start does
                    started[i], how[i] = begin, _OWN
                    waiting[s] -= 1
                    free -= g
                    own[s] += g
                    run_no[i] += 1
                    running[i] = begin + limit_s[i]
                    push(ends, (begin + run_s[i], i, run_no[i]))
                    if reserved and not ends_in_time:
                        spare -= g
                    continue
            elif not reserved and g <= free + reclaimable:
                self.free = free
                self._preempt(g - free, t, requeued)
                self._start(i, t, _OWN, delay=self.grace_s)
                free, reclaimable = self.free, self.reclaimable
                continue
            if not reserved:
                self.free = free
                shadow, spare = self._shadow(g, t)
                reserved = True
            kept.append(i)
        self.free = free
        if requeued:  # back in the queue by their first submit time
            kept += requeued
            kept.sort(key=lambda i: (submit[i], i))
        if self.borrow and free > 0:
            kept = self._borrow_pass(kept, t)
        return kept

    def _borrow_pass(self, queue: list[int], t: float) -> list[int]:
        """Jobs held by their cap run on GPUs nobody holds, preemptible (the borrow QOS)."""
        gpus, sec, own, held_above = self.gpus, self.sec, self.own, self.held_above
        kept: list[int] = []
        for at, i in enumerate(queue):
            if self.free == 0:  # no GPU left for any borrower in this pass
                kept += queue[at:]
                break
            if own[sec[i]] > held_above[i] and gpus[i] <= self.free:
                self._start(i, t, _BORROW)
            else:
                kept.append(i)
        return kept

    def _shadow(self, gpus: int, t: float) -> tuple[float, int]:
        """When `gpus` would be free if every owner job ran to its limit (borrowers can be
        preempted, so their GPUs count as free), and the GPUs beyond those then."""
        avail = self.free + self.reclaimable
        ends = sorted(
            (end, self.gpus[i]) for i, end in self.running.items() if self.how[i] == _OWN
        )
        for end, held in ends:
            avail += held
            if avail >= gpus:
                return max(end, t), avail - gpus
        return float("inf"), 0

    def _result(self, fits: list[bool]) -> QuotaReplay:
        span, horizon = self.horizon - self.start_t, self.horizon
        for i in list(self.running):
            self._account(i, horizon)
        k = len(SECTORS)
        waits: list[list[float]] = [[] for _ in range(k)]
        unstarted, too_big = [0] * k, [0] * k
        for i in range(self.n):  # in submit order, as the waits are kept
            s = self.sec[i]
            if not fits[i]:
                too_big[s] += 1
                continue
            begun = self.started[i]
            waits[s].append((begun if 0 <= begun < horizon else horizon) - self.submit[i])
            if begun < 0:
                unstarted[s] += 1
        out = {
            sector: Replay(tuple(waits[s]), unstarted[s], too_big[s], self.busy[s],
                           self.queue_area[s], span, self.cap[s])
            for s, sector in enumerate(SECTORS)
        }
        return QuotaReplay(
            out,
            {sector: self.preempted[s] for s, sector in enumerate(SECTORS)},
            {sector: self.borrowed[s] for s, sector in enumerate(SECTORS)},
            self.lost,
        )


def fit_quota_dispatch(
    jobs: Sequence[Job],
    capacity: int,
    caps: Mapping[Sector, int | None],
    start: float,
    horizon: float,
    measured: Mapping[Sector, Sequence[float]],
    step_s: float = 0.25,
    most_s: float = 6.0,
) -> float:
    """The dispatch delay that makes the replay of a recorded run reproduce its own measured
    waits best (the sum over sectors of the p50 and p90 errors), as replay.fit_dispatch does
    for one partition: fitted on the run the model learns from, never on the one it predicts."""
    import numpy as np

    best, best_error = 0.0, float("inf")
    for k in range(int(most_s / step_s) + 1):
        delay = k * step_s
        got = quota_replay(jobs, capacity, caps, start, horizon, dispatch_s=delay).sectors
        error = 0.0
        for sector, waits in measured.items():
            if waits and got[sector].waits_s:
                want = np.percentile(waits, [50, 90])
                error += float(np.abs(np.percentile(got[sector].waits_s, [50, 90]) - want).sum())
        if error < best_error - 1e-9:
            best, best_error = delay, error
    return best
