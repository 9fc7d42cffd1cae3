"""Per Slurm job: the GPU-seconds it held, used (utilisation-weighted) and left at ~0 %, and how
long all its GPUs have been idle now, from fleet snapshots and the scheduler's GPU holders.

The holders (console/fleet/jobs.py, read from `scontrol show job -d`) say which GPUs a job holds
even when nothing runs on them; the snapshot says how busy each GPU is. A GPU is at ~0 % when
its utilisation is under `idle_util_pct` and its memory under `idle_mem_mib` (a GPU no process
touches shows a few MiB). A GPU without a value counts as held but neither used nor idle, and a
job whose GPUs all lack values keeps its idle streak as it was: unknown is not idle.

Vectorised: the held GPUs are one index array (rebuilt when the holders or the node order
change), so a snapshot costs a gather and a few bincounts, whatever the number of jobs.
Time is the snapshots' own: a gap longer than `max_gap_s` (the console was down) counts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.model import FleetSnapshot, NodeStatus
from console.history.job_usage_db import HOUR_S, IDLE_MEM_MIB, IDLE_UTIL_PCT, JobHour, JobMeta

__all__ = ["IDLE_MEM_MIB", "IDLE_UTIL_PCT", "JobUsage", "JobUsageTracker"]
MAX_GAP_S = 120.0
MAX_JOBS_AGE_S = 300.0  # holders older than this are not trusted to say who holds what


@dataclass(frozen=True, slots=True)
class JobUsage:
    job: RunningJob
    places: tuple[tuple[str, int], ...]  # (node, GPU index) it holds
    first_seen: float
    last_seen: float
    held_gpu_s: float
    used_gpu_s: float
    zero_gpu_s: float
    idle_s: float  # seconds with all its GPUs at ~0 %
    streak_s: float  # the current such stretch
    longest_idle_s: float

    @property
    def efficiency(self) -> float | None:
        return self.used_gpu_s / self.held_gpu_s if self.held_gpu_s > 0 else None


_TOTALS = ("held", "used", "zero", "idle", "streak", "longest")  # float per job
_HOURLY = ("h_held", "h_used", "h_zero", "h_idle")  # since the last drain, this hour
_ARRAYS = (*_TOTALS, *_HOURLY, "first", "last")  # first/last: epoch s seen, NaN not yet


class JobUsageTracker:
    def __init__(
        self,
        idle_util_pct: float = IDLE_UTIL_PCT,
        idle_mem_mib: float = IDLE_MEM_MIB,
        max_gap_s: float = MAX_GAP_S,
    ) -> None:
        self.idle_util_pct = idle_util_pct
        self.idle_mem_mib = idle_mem_mib
        self.max_gap_s = max_gap_s
        self._jobs: SchedulerJobs | None = None
        self._ids: list[str] = []  # job order of the per-job arrays
        self._index: dict[str, int] = {}
        self._places: dict[str, tuple[tuple[str, int], ...]] = {}
        self._arr = {name: np.zeros(0) for name in _ARRAYS}
        self._names: tuple[str, ...] | None = None
        self._rows = self._cols = self._job_of = np.zeros(0, dtype=np.intp)
        self._count = np.zeros(0)
        self._t: float | None = None
        self._hour: int | None = None
        self._ended: list[JobUsage] = []
        self._pending_hours: list[JobHour] = []

    # -- input ------------------------------------------------------------------------------

    def set_jobs(self, jobs: SchedulerJobs) -> None:
        """A new read of the holders: jobs gone since the last are over (kept for the store)."""
        old_index, old_arr = self._index, self._arr
        for job_id, i in old_index.items():
            if job_id not in jobs.jobs:
                self._ended.append(self._usage(job_id, i))
                self._pending_hours.extend(self._hours_of([i]))
        ids = list(jobs.jobs)
        places: dict[str, list[tuple[str, int]]] = {j: [] for j in ids}
        for place, job_id in jobs.holders.items():
            if job_id in places:
                places[job_id].append(place)
        self._places = {j: tuple(sorted(p)) for j, p in places.items()}
        self._jobs, self._ids = jobs, ids
        self._index = {j: i for i, j in enumerate(ids)}
        pairs = [(i, old_index[j]) for i, j in enumerate(ids) if j in old_index]
        keep = np.array([p[0] for p in pairs], dtype=np.intp)
        src = np.array([p[1] for p in pairs], dtype=np.intp)
        arr = {name: np.zeros(len(ids)) for name in _ARRAYS}
        arr["first"][:] = np.nan
        for name in arr:
            arr[name][keep] = old_arr[name][src]
        self._arr = arr
        self._names = None  # the places change with the holders

    def update(self, snap: FleetSnapshot) -> None:
        """Add the time since the previous snapshot to every job's books."""
        t, before = snap.t, self._t
        self._t = t
        jobs = self._jobs
        if jobs is None or before is None or not self._ids:
            return
        dt = t - before
        if dt <= 0 or dt > self.max_gap_s or t - jobs.read_at > MAX_JOBS_AGE_S:
            return
        if snap.node_names is not self._names:
            self._place(snap)
        n = len(self._ids)
        rows, cols, job_of = self._rows, self._cols, self._job_of
        util = snap.gpu_util[rows, cols]
        mem = snap.gpu_mem_used_mib[rows, cols]
        # a node that is not live says nothing now: its last values are not this moment's
        known = ~np.isnan(util) & (snap.node_status[rows] == NodeStatus.LIVE)
        with np.errstate(invalid="ignore"):
            zero = known & (util < self.idle_util_pct) & ~(mem >= self.idle_mem_mib)
        zeros = np.bincount(job_of, zero, n)
        knowns = np.bincount(job_of, known, n)
        all_idle = (self._count > 0) & (zeros == self._count)
        busy = knowns > zeros  # some GPU with a value works
        # per second of the step: held GPUs, used GPUs, GPUs at ~0 %, all idle (0 or 1)
        rates = (
            self._count,
            np.bincount(job_of, np.where(known, util, 0.0) / 100.0, n),
            zeros,
            all_idle.astype(float),
        )
        a = self._arr
        for name, rate in zip(("held", "used", "zero", "idle"), rates, strict=True):
            a[name] += rate * dt
        a["streak"] = np.where(busy, 0.0, a["streak"] + all_idle * dt)
        np.maximum(a["longest"], a["streak"], out=a["longest"])
        # the hour rows: a step across the hour is split at it
        hour, prev = int(t // HOUR_S * HOUR_S), int(before // HOUR_S * HOUR_S)
        if self._hour is not None and self._hour != prev:  # rows of an earlier hour (a gap)
            self._pending_hours.extend(self._hours_of(range(n)))
        self._hour = prev
        if hour != prev:
            self._add_hourly(rates, hour - before)
            self._pending_hours.extend(self._hours_of(range(n)))
            self._hour = hour
            dt = t - hour
        self._add_hourly(rates, dt)
        a["first"] = np.where(np.isnan(a["first"]), before, a["first"])
        a["last"][:] = t

    def _add_hourly(self, rates: tuple[np.ndarray, ...], seconds: float) -> None:
        for name, rate in zip(_HOURLY, rates, strict=True):
            self._arr[name] += rate * seconds

    def _place(self, snap: FleetSnapshot) -> None:
        """(row, column, job) of every held GPU the snapshot has."""
        self._names = snap.node_names
        row_of = {name: i for i, name in enumerate(snap.node_names)}
        width = snap.gpu_util.shape[1] if snap.gpu_util.ndim == 2 else 0
        rows, cols, job_of = [], [], []
        for (node, gpu), job_id in self._jobs.holders.items():
            row, i = row_of.get(node), self._index.get(job_id)
            if row is None or i is None or not 0 <= gpu < width:
                continue  # a node this console does not watch
            rows.append(row)
            cols.append(gpu)
            job_of.append(i)
        self._rows = np.array(rows, dtype=np.intp)
        self._cols = np.array(cols, dtype=np.intp)
        self._job_of = np.array(job_of, dtype=np.intp)
        self._count = np.bincount(self._job_of, minlength=len(self._ids)).astype(float)

    # -- output -----------------------------------------------------------------------------

    def usage(self) -> list[JobUsage]:
        """Every running job's books so far, most seconds idle now first."""
        found = [self._usage(j, i) for i, j in enumerate(self._ids)]
        return sorted(found, key=lambda u: (-u.streak_s, u.job.job_id))

    def idle_now(self, min_s: float = 0.0) -> list[tuple[JobUsage, float]]:
        """(job, streak) for jobs whose GPUs have all been at ~0 % for at least `min_s`."""
        streak = self._arr["streak"]
        hits = np.nonzero((streak > 0) & (streak >= min_s))[0]
        return [(self._usage(self._ids[i], int(i)), float(streak[i])) for i in hits]

    def drain(self) -> tuple[list[JobMeta], list[JobHour]]:
        """What to write since the last drain: every job's meta and its hour rows; the hourly
        counters start again from zero."""
        hours = self._pending_hours + self._hours_of(range(len(self._ids)))
        metas = [self._meta(u, True) for u in self._ended]
        seen = ~np.isnan(self._arr["first"])
        metas += [self._meta(self._usage(j, i), False) for i, j in enumerate(self._ids) if seen[i]]
        self._ended, self._pending_hours = [], []
        return metas, hours

    def _hours_of(self, indices) -> list[JobHour]:
        a, out = self._arr, []
        hour = self._hour if self._hour is not None else 0
        for i in indices:
            if a["h_held"][i] <= 0:
                continue
            job = self._jobs.jobs[self._ids[i]]
            out.append(
                JobHour(
                    job.job_id,
                    int(job.start or 0),
                    hour,
                    float(a["h_held"][i]),
                    float(a["h_used"][i]),
                    float(a["h_zero"][i]),
                    float(a["h_idle"][i]),
                )
            )
            for name in _HOURLY:
                a[name][i] = 0.0
        return out

    def _usage(self, job_id: str, i: int) -> JobUsage:
        a = self._arr
        first = float(a["first"][i])
        return JobUsage(
            self._jobs.jobs[job_id],
            self._places.get(job_id, ()),
            0.0 if first != first else first,
            float(a["last"][i]),
            float(a["held"][i]),
            float(a["used"][i]),
            float(a["zero"][i]),
            float(a["idle"][i]),
            float(a["streak"][i]),
            float(a["longest"][i]),
        )

    @staticmethod
    def _meta(u: JobUsage, ended: bool) -> JobMeta:
        j = u.job
        nodes = ",".join(dict.fromkeys(node for node, _ in u.places))
        return JobMeta(
            j.job_id,
            int(j.start or 0),
            j.account,
            j.user,
            j.partition,
            j.qos,
            j.gpus,
            nodes,
            u.first_seen,
            u.last_seen,
            u.longest_idle_s,
            ended,
        )
