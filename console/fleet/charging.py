"""Whose account a GPU's use is charged to, and by which rule (FleetSnapshot.gpu_org/gpu_rule).

The order, first that applies:
2. the GPU's Slurm job (its main process's job as the probe read it, else the job the scheduler
   says holds the GPU) runs under an account the fleet file gives an organisation
   (inventory.org_accounts; a sector's own account names no organisation, so the next rule);
1. the GPU's main process's user is in the inventory's user map;
0. the node's organisation (today's default: whoever owns the node);
-1: no use to charge (no value, no process, no job and 0 %), the GPU stays the node's.
Arrays are (nodes, GPUs) and kept per GPU as samples and scheduler reads arrive, so a snapshot
costs a few np.where calls; only GPUs with a user or a job are looked up in dicts.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from console.fleet.jobs import SchedulerJobs

RULE_NONE, RULE_NODE, RULE_USER, RULE_JOB = -1, 0, 1, 2
RULE_NAMES = {RULE_NODE: "node", RULE_USER: "user", RULE_JOB: "job"}


class Charging:
    """Per-GPU user-map and job organisations of one FleetState (GUI thread only)."""

    def __init__(
        self,
        shape: tuple[int, int],
        row_of: Mapping[str, int],
        user_org: Mapping[str, int],
        account_org: Mapping[str, int],
    ) -> None:
        self._row_of = row_of
        self._user_org = user_org  # login → org index
        self._account_org = account_org  # Slurm account (lower case) → org index
        self._user = np.full(shape, -1, dtype=np.int16)  # org by the user map, -1 none
        self._has_process = np.zeros(shape, dtype=bool)
        self.job: np.ndarray | None = None  # (nodes, GPUs) object: the probe's (or label's) job
        self._has_job = np.zeros(shape, dtype=bool)  # job is not None
        self._probe_job_org = np.full(shape, -1, dtype=np.int16)
        self._holder_org = np.full(shape, -1, dtype=np.int16)
        self._holder_job: np.ndarray | None = None  # object, the scheduler's holder job ids
        self._job_org: dict[str, int] = {}  # running job id → org index (mapped accounts only)
        self.scheduler: SchedulerJobs | None = None

    def apply(self, rows: np.ndarray, known: np.ndarray, width: int, users, jobs) -> None:
        """A packed batch's users and jobs ((samples, width') arrays or None) for `rows`."""
        self._user[rows, :] = -1
        self._has_process[rows, :] = False
        if users is not None:
            u = users[known, :width]
            named = np.not_equal(u, None)
            self._has_process[rows, :width] = named
            if named.any() and self._user_org:
                r, c = np.nonzero(named)
                org = np.array([self._user_org.get(x, -1) for x in u[r, c]], dtype=np.int16)
                self._user[rows[r], c] = org
        if jobs is not None or self.job is not None:
            if self.job is None:
                self.job = np.full(self._user.shape, None, dtype=object)
            new = np.full((len(rows), self._user.shape[1]), None, dtype=object)
            if jobs is not None:  # else a sample without jobs ends the node's
                new[:, :width] = jobs[known, :width]
            # jobs run for hours: look up only the nodes whose jobs changed since their last
            # sample (comparing strings is C work, a dict lookup per GPU is Python work)
            changed = ~(self.job[rows] == new).all(axis=1)
            if changed.any():
                moved = rows[changed]
                self.job[moved] = new[changed]
                self._has_job[moved] = np.not_equal(new[changed], None)
                self._map_jobs(moved)

    def _map_jobs(self, rows: np.ndarray | None = None) -> None:
        """The organisation of the probe's job of each GPU in `rows` (None: every row)."""
        job = self.job if rows is None else self.job[rows]
        r, c = np.nonzero(self._has_job if rows is None else self._has_job[rows])
        if rows is None:
            self._probe_job_org[:] = -1
        else:
            self._probe_job_org[rows] = -1
        if not len(r):
            return
        org = np.array([self._job_org.get(j, -1) for j in job[r, c]], dtype=np.int16)
        self._probe_job_org[r if rows is None else rows[r], c] = org

    def set_scheduler_jobs(self, jobs: SchedulerJobs) -> None:
        """The scheduler's running jobs (accounts) and GPU holders, replacing the last read."""
        self.scheduler = jobs
        self._job_org = {}
        for job_id, job in jobs.jobs.items():
            org = self._account_org.get(job.account.lower(), -1)
            if org >= 0:
                self._job_org[str(job_id)] = org
        self._holder_org[:] = -1
        self._holder_job = None
        shape = self._user.shape
        for (node, gpu), job_id in jobs.holders.items():
            row = self._row_of.get(node)
            if row is None or not 0 <= gpu < shape[1]:
                continue
            if self._holder_job is None:
                self._holder_job = np.full(shape, None, dtype=object)
            self._holder_job[row, gpu] = job_id
            self._holder_org[row, gpu] = self._job_org.get(job_id, -1)
        if self.job is not None:
            self._map_jobs()

    def gpu_job(self) -> np.ndarray | None:
        """Each GPU's job: the probe's, else the scheduler's holder; None when neither knows."""
        if self._holder_job is None:
            return self.job
        if self.job is None:
            return self._holder_job
        return np.where(self._has_job, self.job, self._holder_job)

    def resolve(self, node_org: np.ndarray, util: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(gpu_org int16, gpu_rule int8), both (nodes, GPUs)."""
        job_org = self._probe_job_org
        if self._holder_job is not None:
            # the probe's job wins even when its account maps nowhere: then the next rule, not
            # the holder's (the probe saw the process; holders are the scheduler's plan)
            job_org = np.where(self._has_job, self._probe_job_org, self._holder_org)
        org = np.broadcast_to(node_org[:, None], util.shape)
        with np.errstate(invalid="ignore"):
            in_use = (util > 0) | self._has_process
        rule = np.where(in_use, RULE_NODE, RULE_NONE).astype(np.int8)
        by_user = self._user >= 0
        rule[by_user] = RULE_USER
        by_job = job_org >= 0
        rule[by_job] = RULE_JOB
        org = np.where(by_job, job_org, np.where(by_user, self._user, org)).astype(np.int16)
        return org, rule
