"""Forecasts: deterministic, honest about too little history, ranges that hold the estimate,
and the demo's history shaped like the demo's load."""

from __future__ import annotations

from console.fleet.model import SECTORS, Sector
from console.sources.demo.job_history import demo_job_history
from console.whatif.jobs import DAY_S, Job, JobHistory
from console.whatif.predict import MIN_JOBS, compare, forecast

END = 1764700000.0
CAPACITY = {Sector.PUBLIC: 152, Sector.INTEREST: 136, Sector.PRIVATE: 96}


def history():
    return demo_job_history(CAPACITY, END, days=30, seed=7)


def test_the_same_seed_gives_the_same_forecast_and_another_seed_other_ranges():
    h = history()
    a = forecast(h, Sector.INTEREST, 136, seed=1)
    assert a == forecast(h, Sector.INTEREST, 136, seed=1)
    assert a.p90_range != forecast(h, Sector.INTEREST, 136, seed=2).p90_range


def test_too_little_history_says_so_instead_of_guessing():
    jobs = [Job(Sector.PRIVATE, END - 3600 * i, 1, 600, 3600) for i in range(1, MIN_JOBS)]
    h = JobHistory.of(END - 10 * DAY_S, END, jobs)
    f = forecast(h, Sector.PRIVATE, 8)
    assert f.p90_wait_s is None and f.insufficient == f"{MIN_JOBS - 1} jobs in 10 days"


def test_more_gpus_never_lengthen_the_demo_waits_and_fewer_lengthen_them():
    h = history()
    for sector in SECTORS:
        base = forecast(h, sector, CAPACITY[sector], resamples=0)
        more = forecast(h, sector, CAPACITY[sector] + 16, resamples=0)
        fewer = forecast(h, sector, CAPACITY[sector] - 16, resamples=0)
        assert more.p90_wait_s <= base.p90_wait_s <= fewer.p90_wait_s, sector


def test_the_range_holds_the_estimate_for_every_demo_sector():
    h = history()
    for sector in SECTORS:
        f = forecast(h, sector, CAPACITY[sector], seed=3, resamples=16)
        assert f.p90_range.low <= f.p90_range.high
        # the estimate may sit at the edge of its bootstrap range, not far outside it
        assert f.p90_range.low * 0.8 <= f.p90_wait_s <= f.p90_range.high * 1.25 + 60, (sector, f)


def test_compare_leaves_unchanged_sectors_as_they_are():
    h = history()
    after = {Sector.PUBLIC: 136, Sector.INTEREST: 152, Sector.PRIVATE: 96}
    effect = compare(h, CAPACITY, after, seed=0)
    assert effect[Sector.PRIVATE].before == effect[Sector.PRIVATE].after
    assert effect[Sector.INTEREST].p90_saved_s > 0 > effect[Sector.PUBLIC].p90_saved_s


def test_the_demo_history_follows_the_demo_shapes():
    h = history()
    public = h.of_sector(Sector.PUBLIC)
    interest = h.of_sector(Sector.INTEREST)
    # public submits mostly in Seoul office hours; public-interest runs long jobs
    from datetime import datetime
    from zoneinfo import ZoneInfo

    seoul = ZoneInfo("Asia/Seoul")
    office = [j for j in public if 9 <= datetime.fromtimestamp(j.submit, seoul).hour < 18]
    assert len(office) > 0.6 * len(public)
    mean_run_h = sum(j.run_s for j in interest) / len(interest) / 3600
    assert mean_run_h > 8
    offered = sum(j.gpus * j.run_s for j in interest) / (CAPACITY[Sector.INTEREST] * 30 * DAY_S)
    assert 0.7 < offered < 1.05  # about the sector's typical use of its GPUs
    assert all(h.start <= j.submit < h.end for j in h.jobs)
