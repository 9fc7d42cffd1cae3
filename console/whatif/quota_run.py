"""The quota replay's event loop (what console/whatif/quota_replay.py describes), over the jobs
in plain per-field lists with the sectors numbered; quota_replay.py is its interface.
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


class Run:
    """One replay, over plain lists with the sectors numbered: reading Job attributes and
    Sector-keyed dicts once per event was most of the replay's time (the quota forecast runs
    26 replays of ~10,000 jobs). Every float is summed in the same order as the straightforward
    replay did (tests/unit/whatif/test_quota_reference.py pins exact equality)."""

    def __init__(self, jobs: Columns, capacity, limit, start, horizon, borrow, grace_s,
                 dispatch_s, requeue_s):
        self.n, self.capacity = len(jobs.submit), capacity
        self.sec, self.gpus, self.submit = jobs.sec, jobs.gpus, jobs.submit
        self.run_s, self.limit_s = jobs.run_s, jobs.limit_s
        self.cap = [limit[s] for s in SECTORS]
        # an owner job is held by its cap while its sector's own GPUs exceed this (cap - ask):
        # one comparison per queued job and pass, and most queued jobs are held; a borrower
        # gets -1 on arrival, so the owner pass passes it over with the same comparison
        self.held_above = [self.cap[s] - g for s, g in zip(self.sec, self.gpus, strict=True)]
        self.start_t, self.horizon = start, horizon
        self.borrow, self.grace_s, self.dispatch_s = borrow, grace_s, dispatch_s
        self.requeue_s = requeue_s
        n, k = self.n, len(SECTORS)
        self.started = [-1.0] * n  # start of the run that counts (the last one)
        self.how = [_OWN] * n  # the QOS it was submitted to (decided on arrival)
        self.back: list[tuple[float, int]] = []  # heap (eligible again, job): requeued jobs
        self.asked = [0] * k  # GPUs of owner jobs waiting, per sector
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
        ends, back, waiting, area = self.ends, self.back, self.waiting, self.queue_area
        own, asked, cap, how, held_above = self.own, self.asked, self.cap, self.how, self.held_above
        horizon, borrow, pop = self.horizon, self.borrow, heapq.heappop
        sectors = range(len(waiting))
        next_arrival, now, inf = 0, self.start_t, float("inf")
        while True:
            t = submit[next_arrival] if next_arrival < n else inf
            if ends and ends[0][0] < t:
                t = ends[0][0]
            if back and back[0][0] < t:
                t = back[0][0]
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
                i = next_arrival
                next_arrival += 1
                if not fits[i]:
                    continue
                # its QOS: the borrow QOS when its sector's own jobs, running or waiting, hold
                # the cap already with it (what the site's rule sees at submit)
                s, g = sec[i], gpus[i]
                waiting[s] += 1
                if borrow and own[s] + asked[s] + g > cap[s]:
                    how[i] = _BORROW
                    held_above[i] = -1
                else:
                    asked[s] += g
                queue.append(i)
            if back and back[0][0] <= t:
                while back and back[0][0] <= t:
                    queue.append(pop(back)[1])
                queue.sort(key=lambda i: (submit[i], i))  # back in its first place
            if queue and (self.free > 0 or self.reclaimable > 0):
                queue = self._schedule(queue, t)
        return self._result(fits)

    # -- the pool ---------------------------------------------------------------------------------

    def _start(self, i: int, t: float, how: int, delay: float = 0.0) -> None:
        if self.submit[i] < t:  # it waited: it starts once the scheduler has noticed the room
            delay = max(delay, self.dispatch_s)
        begin = t + delay
        self.started[i] = begin
        s, g = self.sec[i], self.gpus[i]
        self.waiting[s] -= 1
        self.free -= g
        if how == _OWN:
            self.own[s] += g
            self.asked[s] -= g
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

    def _stop_s(self) -> float:
        """From an owner's need to the preempted borrower's GPUs free: its GraceTime (ended at
        a time-limit check), else the pass that decides it and the requeue's kill."""
        return self.grace_s + TIME_LIMIT_PASS_S / 2 if self.grace_s > 0 else PREEMPT_S

    def _ending(self, t: float) -> int:
        """GPUs that runs ending by themselves before a preemption would take effect free."""
        by, started, run_s, gpus = t + self._stop_s(), self.started, self.run_s, self.gpus
        return sum(gpus[i] for i in self.running if started[i] + run_s[i] <= by)

    def _preempt(self, gpus: int, t: float, requeued: list[int]) -> float:
        """Requeue the youngest borrowers until `gpus` more are free. Their GPUs go to the
        owner job that asked, which starts when the last of them has stopped (returned: the
        delay); any beyond that are free now. A borrower whose run ends before its grace time
        does just finish (Slurm records it TIMEOUT, not requeued)."""
        stop = t + self._stop_s()
        last = t
        how, started = self.how, self.started
        borrowers = [i for i in self.running if how[i] == _BORROW]
        for i in sorted(borrowers, key=lambda i: -started[i]):
            if gpus <= 0:
                break
            g, s = self.gpus[i], self.sec[i]
            gpus -= g
            end = started[i] + self.run_s[i]
            if end <= stop:
                self._account(i, end)
                self._release(i)
                last = max(last, end)
                continue
            last = stop
            self._account(i, stop)
            self.lost += g * max(0.0, min(stop, self.horizon) - started[i])
            self._release(i)
            self.preempted[s] += 1
            started[i] = -1.0
            self.waiting[s] += 1
            if self.requeue_s > 0:  # held back a while (BeginTime), then in the queue again
                heapq.heappush(self.back, (stop + self.requeue_s, i))
            else:
                requeued.append(i)
        return last - t

    # -- the policy -------------------------------------------------------------------------------

    def _schedule(self, queue: list[int], t: float) -> list[int]:
        # _start inlined, the pool's counters in locals (written back before any call that
        # reads them): this loop runs at every event
        gpus, sec, limit_s, own, asked = self.gpus, self.sec, self.limit_s, self.own, self.asked
        submit, run_s, started, run_no = self.submit, self.run_s, self.started, self.run_no
        waiting, running, ends, push = self.waiting, self.running, self.ends, heapq.heappush
        held_above, dispatch_s = self.held_above, self.dispatch_s
        waited = max(0.0, dispatch_s)  # _start's delay for a job that waited
        free, reclaimable = self.free, self.reclaimable
        kept: list[int] = []
        requeued: list[int] = []
        shadow, spare, reserved = float("inf"), 0, False
        ending = -1  # GPUs of runs that end before a preemption would, not yet waited for
        tried = 0  # jobs held by their cap are skipped at once (the main scheduling loop
        # sees past them to every job), so they do not use up the backfill depth
        for at, i in enumerate(queue):
            if tried >= BACKFILL_DEPTH or (free == 0 and (reserved or reclaimable == 0)):
                # nothing more can start or preempt in this pass (past the depth every job is
                # kept; with no GPU free the first job not held by its cap would only take the
                # reservation, which no later job could use)
                kept += queue[at:]
                break
            s = sec[i]
            if own[s] > held_above[i]:
                kept.append(i)  # a borrower (the borrow pass's), or held by its cap
                continue  # (QOSGrpGRES)
            g = gpus[i]
            tried += 1
            if g <= free:
                ends_in_time = t + limit_s[i] <= shadow
                if not reserved or ends_in_time or g <= spare:
                    begin = t + waited if submit[i] < t else t  # as _start does
                    started[i] = begin
                    waiting[s] -= 1
                    free -= g
                    own[s] += g
                    asked[s] -= g
                    run_no[i] += 1
                    running[i] = begin + limit_s[i]
                    push(ends, (begin + run_s[i], i, run_no[i]))
                    if reserved and not ends_in_time:
                        spare -= g
                    continue
            elif not reserved and reclaimable > 0 and g <= free + reclaimable:
                if ending < 0:
                    ending = self._ending(t)
                if g <= free + ending:  # runs ending anyway free its GPUs as soon as a requeue
                    ending -= max(0, g - free)  # this job waits for them
                    kept.append(i)
                    continue
                self.free = free
                stopped = self._preempt(g - free, t, requeued)
                self._start(i, t, _OWN, delay=stopped + dispatch_s)
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
        """Borrow-QOS jobs run on GPUs nobody holds, preemptible."""
        gpus, how = self.gpus, self.how
        kept: list[int] = []
        for at, i in enumerate(queue):
            if self.free == 0:  # no GPU left for any borrower in this pass (every job asks one)
                kept += queue[at:]
                break
            if how[i] == _BORROW and gpus[i] <= self.free:
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
