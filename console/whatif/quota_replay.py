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

from collections.abc import Mapping, Sequence

from console.fleet.model import SECTORS, Sector
from console.whatif.jobs import Job
from console.whatif.quota_run import PREEMPT_S, TIME_LIMIT_PASS_S, Columns, QuotaReplay, Run

__all__ = ["PREEMPT_S", "TIME_LIMIT_PASS_S", "Columns", "QuotaReplay", "fit_quota_dispatch",
           "quota_replay", "replay_columns"]


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
    return replay_columns(Columns.of(jobs), capacity, caps, start, horizon, borrow, grace_s,
                          dispatch_s, requeue_s)


def replay_columns(
    jobs: Columns,
    capacity: int,
    caps: Mapping[Sector, int | None],
    start: float,
    horizon: float,
    borrow: bool = False,
    grace_s: float = 0.0,
    dispatch_s: float = 0.0,
    requeue_s: float = 0.0,
) -> QuotaReplay:
    """quota_replay on jobs already in columns."""
    limit = {s: capacity if caps.get(s) is None else max(0, int(caps[s])) for s in SECTORS}
    return Run(jobs, capacity, limit, start, horizon, borrow, grace_s, dispatch_s,
                requeue_s).go()


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
