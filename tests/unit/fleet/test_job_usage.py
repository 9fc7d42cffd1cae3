"""The per-job books: GPU-seconds held, used and at ~0 %, and the idle streak, from real fleet
snapshots (FleetState fed NodeSamples) and the scheduler's holders."""

from __future__ import annotations

import pytest

from console.fleet.job_usage import JobUsageTracker
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.history.job_usage_db import JobUsageStore
from console.inventory.model import Inventory, NodeSpec

SHARES = {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2}
NODES = ("n01", "n02")


def fleet() -> FleetState:
    inv = Inventory(tuple(NodeSpec(n, Sector.PUBLIC, None, 4) for n in NODES), SHARES)
    return FleetState(inv, default_registry())


def snap(state: FleetState, t: float, util: dict[tuple[str, int], float], mem: float = 3.0):
    """Every GPU at 0 % and `mem` MiB except those in `util`."""
    samples = tuple(
        NodeSample(
            n,
            t,
            tuple(
                GpuSample(
                    g, util_gpu=util.get((n, g), 0.0), mem_used_mib=mem, mem_total_mib=81920.0
                )
                for g in range(4)
            ),
        )
        for n in NODES
    )
    state.apply(PollBatch(t, samples=samples))
    return state.snapshot(t)


def holders(t: float, **jobs: tuple[tuple[str, int], ...]) -> SchedulerJobs:
    running = {
        j: RunningJob(j, "acme", "kim", "public", "", len(p), 1000.0) for j, p in jobs.items()
    }
    return SchedulerJobs(t, running, {place: j for j, p in jobs.items() for place in p})


def test_held_used_and_zero_seconds_per_job():
    state, tracker = fleet(), JobUsageTracker()
    tracker.set_jobs(holders(0.0, a=(("n01", 0), ("n01", 1)), b=(("n02", 3),)))
    busy = {("n01", 0): 50.0, ("n02", 3): 100.0}
    for t in range(0, 11):  # ten 1-s steps
        tracker.update(snap(state, float(t), busy))
    by = {u.job.job_id: u for u in tracker.usage()}
    a, b = by["a"], by["b"]
    assert a.held_gpu_s == pytest.approx(20.0)  # 2 GPUs × 10 s
    assert a.used_gpu_s == pytest.approx(5.0)  # one GPU at 50 %
    assert a.zero_gpu_s == pytest.approx(10.0)  # the other at 0 %
    assert a.idle_s == 0.0 and a.streak_s == 0.0  # not all its GPUs idle
    assert a.efficiency == pytest.approx(0.25)
    assert b.used_gpu_s == pytest.approx(10.0) and b.efficiency == pytest.approx(1.0)
    assert (a.first_seen, a.last_seen) == (0.0, 10.0)
    assert a.places == (("n01", 0), ("n01", 1))


def test_idle_streak_grows_resets_when_used_and_ignores_unknowns():
    state, tracker = fleet(), JobUsageTracker()
    tracker.set_jobs(holders(0.0, a=(("n01", 0), ("n01", 1))))
    for t in range(0, 61, 10):
        tracker.update(snap(state, float(t), {}))
    ((usage, streak),) = tracker.idle_now(60.0)
    assert usage.job.job_id == "a" and streak == pytest.approx(60.0)
    assert tracker.idle_now(61.0) == []
    # memory in use (a model loaded) is not ~0 %, even at 0 % utilisation
    tracker.update(snap(state, 70.0, {}, mem=20000.0))
    assert tracker.idle_now() == []
    assert tracker.usage()[0].longest_idle_s == pytest.approx(60.0)
    # a node that says nothing (no values): neither idle nor busy, the streak waits
    for t in (80.0, 90.0):
        tracker.update(snap(state, t, {}))
    state.apply(PollBatch(95.0, samples=(NodeSample("n01", 95.0, ()),)))
    tracker.update(state.snapshot(100.0))
    assert tracker.idle_now()[0][1] == pytest.approx(20.0)
    tracker.update(snap(state, 110.0, {("n01", 1): 30.0}))
    assert tracker.idle_now() == []


def test_a_long_gap_counts_nothing_and_stale_holders_stop_the_books():
    state, tracker = fleet(), JobUsageTracker(max_gap_s=60.0)
    tracker.set_jobs(holders(0.0, a=(("n01", 0),)))
    tracker.update(snap(state, 0.0, {}))
    tracker.update(snap(state, 30.0, {}))
    tracker.update(snap(state, 500.0, {}))  # console down for 470 s
    assert tracker.usage()[0].held_gpu_s == pytest.approx(30.0)
    tracker.update(snap(state, 520.0, {}))  # holders read at 0: too old to trust
    assert tracker.usage()[0].held_gpu_s == pytest.approx(30.0)


def test_ended_jobs_and_hours_reach_the_store(tmp_path):
    state, tracker = fleet(), JobUsageTracker()
    store = JobUsageStore(tmp_path / "job-usage.sqlite")
    tracker.set_jobs(holders(3590.0, a=(("n01", 0),), b=(("n02", 0), ("n02", 1))))
    for t in range(3590, 3611, 10):  # crosses the hour at 3,600
        tracker.update(snap(state, float(t), {("n02", 0): 100.0}))
    store.write(*tracker.drain())
    tracker.set_jobs(holders(3611.0, b=(("n02", 0), ("n02", 1))))  # a ended
    tracker.update(snap(state, 3620.0, {("n02", 0): 100.0}))
    metas, hours = tracker.drain()
    assert [m.job_id for m in metas if m.ended] == ["a"]
    store.write(metas, hours)
    store.write(*tracker.drain())  # nothing new: adds nothing
    totals = {t.meta.job_id: t for t in store.totals(0.0, 7200.0)}
    assert totals["a"].held_gpu_s == pytest.approx(20.0) and totals["a"].meta.ended
    assert totals["a"].zero_gpu_s == pytest.approx(20.0)
    assert totals["b"].held_gpu_s == pytest.approx(2 * 30.0)
    assert totals["b"].efficiency == pytest.approx(0.5)
    assert totals["b"].meta.nodes == "n02"
    # only the hour from 3,600: a's 10 s before it are left out
    assert {t.meta.job_id: t.held_gpu_s for t in store.totals(3600.0, 7200.0)}[
        "a"
    ] == pytest.approx(10.0)
    store.close()
    reread = JobUsageStore(tmp_path / "job-usage.sqlite", readonly=True)
    assert len(reread.totals(0.0, 7200.0)) == 2
    reread.close()
