"""Quota mode's replay: QOS caps over one shared partition, borrowing and its requeue, worked out
by hand; the forecast before → after with its range, deterministic, and too little history."""

from __future__ import annotations

import pytest

from console.fleet.model import SECTORS, Sector
from console.sources.demo.job_history import demo_job_history
from console.whatif.jobs import Job, JobHistory
from console.whatif.quota_predict import QuotaScene, compare_quota, quota_forecasts
from console.whatif.quota_replay import (
    PREEMPT_S,
    TIME_LIMIT_PASS_S,
    fit_quota_dispatch,
    quota_replay,
)
from console.whatif.replay import replay

H = 3600.0
P, N, R = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
# a GraceTime that stops a preempted job 0.1 h after it was preempted: Slurm ends it at the
# first time-limit check after its grace, half a check period later on average
GRACE = 0.1 * H - TIME_LIMIT_PASS_S / 2


def job(sector, submit_h, gpus, run_h, limit_h=None):
    return Job(sector, submit_h * H, gpus, run_h * H, (limit_h or run_h) * H)


def waits_h(result, sector):
    return [round(w / H, 3) for w in result.sectors[sector].waits_s]


def run(jobs, capacity, caps, **kw):
    return quota_replay(sorted(jobs, key=lambda j: j.submit), capacity, caps, 0.0, 100 * H, **kw)


def test_a_job_at_its_cap_waits_although_the_partition_has_idle_gpus():
    # public's cap is 4: its second 4-GPU job waits for the first, with 12 GPUs idle
    jobs = [job(P, 0, 4, 2), job(P, 0.5, 4, 1), job(N, 1, 4, 1)]
    r = run(jobs, 16, {P: 4, N: 8, R: 4})
    assert waits_h(r, P) == [0.0, 1.5]
    assert waits_h(r, N) == [0.0]
    assert r.preempted == {P: 0, N: 0, R: 0}


def test_a_job_at_its_cap_does_not_hold_back_another_sectors_job():
    # public's head waits on its cap; interest's later job starts at once on the free GPUs
    jobs = [job(P, 0, 8, 5), job(P, 1, 8, 1), job(N, 2, 8, 1)]
    r = run(jobs, 16, {P: 8, N: 8, R: 0})
    assert waits_h(r, P) == [0.0, 4.0] and waits_h(r, N) == [0.0]


def test_the_partition_binds_when_caps_add_up_to_more_than_its_gpus():
    # caps 8 + 8 on a 12-GPU partition: interest's 8-GPU job waits for public's to end
    jobs = [job(P, 0, 8, 3), job(N, 1, 8, 1)]
    r = run(jobs, 12, {P: 8, N: 8, R: 8})
    assert waits_h(r, N) == [2.0]


def test_with_one_sector_and_no_caps_it_schedules_as_the_partition_replay():
    history = demo_job_history({P: 0, N: 32, R: 0}, 1_790_000_000.0, days=10)
    jobs = history.of_sector(N)
    alone = replay(jobs, 32, history.start, history.end)
    shared = quota_replay(jobs, 32, {}, history.start, history.end).sectors[N]
    assert shared.waits_s == pytest.approx(alone.waits_s)


def test_a_borrower_runs_above_its_cap_and_is_requeued_when_the_owner_needs_the_gpus():
    # public's cap is 4 on an 8-GPU partition; its second job borrows interest's idle 4 GPUs at
    # 0.5 h; interest's job at 1 h needs them: the borrower is requeued after the grace time
    # (0.1 h), interest starts then; public's borrower starts again from zero when public's
    # first job ends (2 h), still a borrower (its QOS was chosen at submit), and its wait
    # counts until then
    jobs = [job(P, 0, 4, 2), job(P, 0.5, 4, 3), job(N, 1, 4, 1)]
    r = run(jobs, 8, {P: 4, N: 4, R: 0}, borrow=True, grace_s=GRACE)
    assert waits_h(r, N) == [0.1]
    assert waits_h(r, P) == [0.0, 1.5]
    assert r.preempted[P] == 1
    assert r.lost_gpu_s == pytest.approx(4 * 0.6 * H)  # from 0.5 h to the grace end at 1.1 h
    assert r.borrowed_gpu_s[P] == pytest.approx(4 * (0.6 + 3) * H)  # both its runs


def test_a_requeued_borrower_is_eligible_again_only_after_the_requeue_delay():
    # as above, but Slurm holds the requeued job back 1.5 h (the credential's lifetime): the
    # GPUs public's first job frees at 2 h stay idle until 1.1 + 1.5 = 2.6 h
    jobs = [job(P, 0, 4, 2), job(P, 0.5, 4, 3), job(N, 1, 4, 1)]
    r = run(jobs, 8, {P: 4, N: 4, R: 0}, borrow=True, grace_s=GRACE, requeue_s=1.5 * H)
    assert waits_h(r, P) == [0.0, 2.1] and waits_h(r, N) == [0.1]
    assert r.preempted[P] == 1


def test_the_qos_is_chosen_at_submit_and_a_borrower_stays_one():
    # public's cap 4 on 12 GPUs; its job at 0.25 h finds its first job running under the cap:
    # a borrower; its third at 0.5 h finds the cap held too. Interest takes 8 at 1 h: the
    # two borrowers go (interest starts after the grace time); at 2 h public's first job ends
    # and the first requeued borrower (0.25 h's, by submit) runs on those GPUs, still a
    # borrower, so interest's third job at 2.5 h preempts it again
    jobs = [job(P, 0, 4, 2), job(P, 0.25, 4, 6), job(P, 0.5, 4, 6), job(N, 1, 4, 3),
            job(N, 1, 4, 3), job(N, 2.5, 4, 1, 3)]
    r = run(jobs, 12, {P: 4, N: 12, R: 0}, borrow=True, grace_s=GRACE)
    assert r.preempted[P] == 3
    assert waits_h(r, N) == [0.1, 0.1, 0.1]


def test_a_borrower_that_ends_within_the_grace_time_just_finishes():
    # public's borrower (0.5 h, 0.55 h long) would end at 1.05 h, before the grace ends at
    # 1.1 h: it finishes, is not requeued, and interest's job starts when it has ended
    jobs = [job(P, 0, 4, 2), job(P, 0.5, 4, 0.55), job(N, 1, 4, 1)]
    r = run(jobs, 8, {P: 4, N: 4, R: 0}, borrow=True, grace_s=GRACE)
    assert r.preempted[P] == 0 and r.lost_gpu_s == 0
    assert waits_h(r, N) == [0.05] and waits_h(r, P) == [0.0, 0.0]


def test_without_a_grace_time_the_borrower_is_requeued_at_once():
    # at once: the scheduler's pass and the kill, PREEMPT_S
    jobs = [job(P, 0, 4, 2), job(P, 0.5, 4, 3), job(N, 1, 4, 1)]
    r = run(jobs, 8, {P: 4, N: 4, R: 0}, borrow=True)
    assert r.sectors[N].waits_s == pytest.approx([PREEMPT_S]) and r.preempted[P] == 1
    assert r.lost_gpu_s == pytest.approx(4 * (0.5 * H + PREEMPT_S))


def test_an_owner_waits_for_a_run_that_ends_before_a_preemption_would_free_its_gpus():
    # a preemption takes PREEMPT_S (1 s) to free GPUs; public's borrower ends 0.5 s after
    # interest's job comes, by itself, so interest's job waits for that end and nobody is
    # requeued; a borrower ending 5 s after it is requeued, and interest starts PREEMPT_S later
    for ends_s, wait_s, requeued in ((0.5, 0.5, 0), (5.0, PREEMPT_S, 1)):
        borrower = Job(P, 0.5 * H, 4, 0.5 * H + ends_s, H)
        jobs = [job(P, 0, 4, 2), borrower, job(N, 1, 4, 1)]
        r = run(jobs, 8, {P: 4, N: 4, R: 0}, borrow=True)
        assert r.sectors[N].waits_s == pytest.approx([wait_s]) and r.preempted[P] == requeued


def test_an_owner_job_waiting_at_its_cap_sends_the_next_one_to_borrow():
    # interest fills the 8-GPU partition; public's 4-GPU job (cap 4) waits for GPUs as an
    # owner; its 1-GPU job sees 4 of its cap asked for already: a borrower. At 1 h both start,
    # the borrower beside the owner (as an owner it would wait at the cap until 3 h)
    jobs = [job(N, 0, 8, 1), job(P, 0.1, 4, 2), job(P, 0.2, 1, 1)]
    r = run(jobs, 8, {P: 4, N: 8, R: 0}, borrow=True)
    assert waits_h(r, P) == [0.9, 0.8]
    assert r.borrowed_gpu_s[P] == pytest.approx(1 * H)


def test_without_a_borrow_qos_nobody_runs_above_its_cap():
    jobs = [job(P, 0, 4, 2), job(P, 0.5, 4, 3), job(N, 1, 4, 1)]
    r = run(jobs, 8, {P: 4, N: 4, R: 0})
    assert waits_h(r, P) == [0.0, 1.5] and waits_h(r, N) == [0.0]
    assert r.borrowed_gpu_s[P] == 0 and r.lost_gpu_s == 0


def test_a_job_larger_than_its_cap_never_starts_unless_it_may_borrow():
    jobs = [job(R, 0, 8, 1)]
    assert run(jobs, 16, {P: 4, N: 4, R: 4}).sectors[R].too_big == 1
    borrowing = run(jobs, 16, {P: 4, N: 4, R: 4}, borrow=True)
    assert borrowing.sectors[R].too_big == 0 and waits_h(borrowing, R) == [0.0]


def test_the_fitted_dispatch_delay_reproduces_a_run_that_started_jobs_late():
    jobs = [job(P, 0, 4, 1 / 360), job(P, 0, 4, 1 / 360), job(P, 0, 4, 1 / 360)]
    measured = {P: [0.0, 0.0, 12.0]}  # the third started 2 s after the first ended (10 s)
    got = fit_quota_dispatch(jobs, 16, {P: 8}, 0.0, H, measured)
    assert got == pytest.approx(2.0)


def history(days=10, caps=None):
    return demo_job_history(caps or {P: 24, N: 48, R: 16}, 1_790_000_000.0, days=days)


def test_forecasts_are_deterministic_with_a_range_around_them_and_compare_before_after():
    h = history()
    scene = QuotaScene(88, borrow=False)
    caps = {P: 24, N: 48, R: 16}
    one = quota_forecasts(h, scene, caps, seed=3, resamples=6)
    assert one == quota_forecasts(h, scene, caps, seed=3, resamples=6)
    f = one[N]
    assert f.p90_range is not None and f.p90_range.low <= f.p90_range.high
    more = dict(caps) | {N: 32, P: 40}
    effect = compare_quota(h, scene, caps, more, seed=3)
    assert effect[N].after.p90_wait_s > effect[N].before.p90_wait_s
    assert effect[P].after.p90_wait_s < effect[P].before.p90_wait_s
    assert effect[N].after.capacity == 32
    # the caps leave the partition room for every cap: private's queue does not move
    assert effect[R].after.p90_wait_s == effect[R].before.p90_wait_s


def test_borrowing_shortens_the_waits_of_a_sector_at_its_cap():
    h = history()
    caps = {P: 8, N: 48, R: 16}
    without = quota_forecasts(h, QuotaScene(88), caps, resamples=2)
    with_borrow = quota_forecasts(h, QuotaScene(88, borrow=True, grace_s=120), caps, resamples=2)
    assert with_borrow[P].p90_wait_s < without[P].p90_wait_s


def test_too_little_history_says_so_per_sector_instead_of_guessing():
    few = JobHistory.of(0.0, 2 * 86400.0, [job(P, 1, 1, 1), job(N, 2, 1, 1)])
    out = quota_forecasts(few, QuotaScene(16), {s: 8 for s in SECTORS})
    assert all(out[s].p90_wait_s is None and out[s].insufficient for s in SECTORS)
