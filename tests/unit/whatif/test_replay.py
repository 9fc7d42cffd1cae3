"""The replay schedules as Slurm's backfill does, on cases small enough to work out by hand."""

from __future__ import annotations

import pytest

from console.fleet.model import Sector
from console.whatif.jobs import Job
from console.whatif.replay import replay

H = 3600.0


def job(submit_h: float, gpus: int, run_h: float, limit_h: float | None = None, name=""):
    limit = (limit_h if limit_h is not None else run_h) * H
    return Job(Sector.PUBLIC, submit_h * H, gpus, run_h * H, limit, name)


def waits_h(jobs, capacity, horizon_h=100.0):
    r = replay(jobs, capacity, 0.0, horizon_h * H)
    return [round(w / H, 3) for w in r.waits_s], r


def test_jobs_that_fit_start_at_once_and_the_rest_wait_in_submit_order():
    jobs = [job(0, 4, 2), job(0.5, 4, 1), job(1, 4, 1)]
    waits, _ = waits_h(jobs, 8)
    # the third waits for the first GPUs to free: the second ends at 1.5 h
    assert waits == [0.0, 0.0, 0.5]


def test_a_short_job_backfills_before_the_blocked_head_without_delaying_it():
    # 8 GPUs: a 6-GPU job runs until 10 h (limit 10 h); the head asks 8 and must wait until 10 h;
    # a 2-GPU job with a 5 h limit fits in the free 2 GPUs and ends before 10 h: it backfills
    jobs = [job(0, 6, 10, 10), job(1, 8, 1, 1), job(2, 2, 5, 5)]
    waits, _ = waits_h(jobs, 8)
    assert waits == [0.0, 9.0, 0.0]


def test_a_long_job_does_not_backfill_if_it_would_delay_the_reservation():
    # same, but the small job's limit (20 h) runs past the head's reservation at 10 h and the
    # head needs every GPU then: it must wait behind the head
    jobs = [job(0, 6, 10, 10), job(1, 8, 1, 1), job(2, 2, 5, 20)]
    waits, _ = waits_h(jobs, 8)
    assert waits == [0.0, 9.0, 9.0]


def test_backfill_may_use_gpus_the_reservation_leaves_spare():
    # head asks 4 of 8: at its reservation (10 h) 2 GPUs stay spare, so a long 2-GPU job fits now
    jobs = [job(0, 6, 10, 10), job(1, 4, 1, 1), job(2, 2, 30, 30)]
    waits, _ = waits_h(jobs, 8)
    assert waits == [0.0, 9.0, 0.0]


def test_early_ends_open_room_before_the_time_limit():
    # the first job asked 10 h but ran 3 h: the head starts at 3 h, not 10 h
    jobs = [job(0, 8, 3, 10), job(1, 8, 1, 1)]
    waits, _ = waits_h(jobs, 8)
    assert waits == [0.0, 2.0]


def test_jobs_larger_than_the_pool_are_counted_not_waited_for():
    jobs = [job(0, 16, 1), job(0, 2, 1)]
    waits, r = waits_h(jobs, 8)
    assert waits == [0.0] and r.too_big == 1


def test_waits_of_jobs_never_started_are_cut_at_the_horizon_and_counted():
    jobs = [job(0, 8, 50), job(1, 8, 1)]
    waits, r = waits_h(jobs, 8, horizon_h=10)
    assert waits == [0.0, 9.0] and r.unstarted == 1


def test_utilisation_and_queue_length_are_time_weighted():
    # 4 of 8 GPUs busy for 5 of 10 hours: 25 %; one job waits 1 h of 10: mean queue 0.1
    jobs = [job(0, 8, 1), job(0, 4, 4)]  # the second waits 1 h, then runs 4 h
    _, r = waits_h(jobs, 8, horizon_h=10)
    assert r.utilisation == pytest.approx((8 * 1 + 4 * 4) / (8 * 10))
    assert r.mean_queue == pytest.approx(0.1)


def test_invalid_jobs_are_refused_with_their_id():
    with pytest.raises(ValueError, match="job x"):
        Job(Sector.PUBLIC, 0.0, 0, 1.0, 1.0, "x")


def test_dispatch_latency_delays_only_jobs_that_waited_and_is_learned_from_a_record():
    from console.whatif.replay import dispatch_latency

    jobs = [job(0, 8, 1), job(0.5, 8, 1)]
    r = replay(jobs, 8, 0.0, 100 * H, dispatch_s=600.0)
    assert [w / H for w in r.waits_s] == [0.0, 0.5 + 600 / H]
    # a record: the second job started 2 s after the first ended; the first never waited
    assert dispatch_latency([0.0, 10.0], [0.0, 102.0], [100.0, 150.0]) == 2.0
    assert dispatch_latency([0.0], [0.0], [5.0]) == 0.0


def test_the_dispatch_delay_fitted_on_a_run_is_the_one_that_made_it():
    import random

    from console.whatif.replay import fit_dispatch

    rng = random.Random(3)
    t, jobs = 0.0, []
    for _ in range(40):
        t += rng.uniform(0, 2)
        sleep = rng.randint(2, 9)
        jobs.append(Job(Sector.PUBLIC, t, rng.choice((1, 2, 4, 8)), sleep, 60.0))
    made = replay(jobs, 8, 0.0, 3600.0, dispatch_s=1.5).waits_s
    assert fit_dispatch(jobs, 8, 0.0, 3600.0, made) == 1.5
    assert fit_dispatch(jobs, 8, 0.0, 3600.0, replay(jobs, 8, 0.0, 3600.0).waits_s) == 0.0
