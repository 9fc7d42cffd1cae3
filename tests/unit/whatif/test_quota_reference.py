"""The fast quota replay and bootstrap (console/whatif/quota_replay.py, quota_predict.py) give
exactly what the straightforward ones do (quota_replay_reference.py, main's replay on the fixed
semantics, kept verbatim): the same waits, GPU-seconds, preemptions and forecast ranges for the
same seed, on the demo's jobs, with and without borrowing, GraceTime or none (PREEMPT_S), the
requeue hold or none, caps that bind and caps that do not."""

from __future__ import annotations

import pytest

from console.fleet.model import Sector
from console.sources.demo.job_history import demo_job_history
from console.whatif.quota_predict import QuotaScene, quota_forecasts
from console.whatif.quota_replay import quota_replay
from tests.unit.whatif import quota_replay_reference as reference

CAPACITY = {Sector.PUBLIC: 152, Sector.INTEREST: 136, Sector.PRIVATE: 96}
TIGHT = {Sector.PUBLIC: 60, Sector.INTEREST: 40, Sector.PRIVATE: 30}
UNEVEN = {Sector.PUBLIC: None, Sector.INTEREST: 8, Sector.PRIVATE: 0}
END = 1764700000.0


@pytest.fixture(scope="module")
def history():
    return demo_job_history(CAPACITY, END, days=12)


@pytest.mark.parametrize(("caps", "borrow", "grace_s", "dispatch_s", "requeue_s"), [
    (CAPACITY, True, 120.0, 0.0, 121.0),
    (TIGHT, True, 600.0, 0.0, 121.0),  # borrowers preempted often, with GraceTime
    (TIGHT, True, 0.0, 0.5, 121.0),  # preempted without GraceTime (PREEMPT_S)
    (TIGHT, True, 30.0, 0.0, 0.0),  # requeued jobs eligible at once
    (TIGHT, False, 0.0, 1.5, 121.0),
    (UNEVEN, True, 30.0, 0.5, 121.0),
])
def test_replay_equals_the_reference(history, caps, borrow, grace_s, dispatch_s, requeue_s):
    capacity = sum(CAPACITY.values()) // (2 if caps is TIGHT else 1)
    args = (history.jobs, capacity, caps, history.start, history.end, borrow, grace_s,
            dispatch_s, requeue_s)
    fast, slow = quota_replay(*args), reference.quota_replay(*args)
    assert fast.sectors == slow.sectors
    assert fast.preempted == slow.preempted and fast.lost_gpu_s == slow.lost_gpu_s
    assert fast.borrowed_gpu_s == slow.borrowed_gpu_s
    if caps is TIGHT and borrow:  # the case exercises preemption at all
        assert sum(fast.preempted.values()) > 0 and fast.lost_gpu_s > 0
    if borrow:
        assert sum(fast.borrowed_gpu_s.values()) > 0
    assert any(r.waits_s and max(r.waits_s) > 0 for r in fast.sectors.values())


@pytest.mark.parametrize(("seed", "scene"), [
    (0, QuotaScene(sum(TIGHT.values()) * 2, borrow=True, grace_s=120)),
    (7, QuotaScene(sum(TIGHT.values()) * 2, borrow=True)),
    (3, QuotaScene(sum(TIGHT.values()) * 2, borrow=False)),
])
def test_forecasts_equal_the_reference_for_the_same_seed(history, seed, scene):
    fast = quota_forecasts(history, scene, TIGHT, seed=seed, resamples=4)
    slow = reference.reference_forecasts(history, scene, TIGHT, seed=seed, resamples=4)
    assert fast == slow
    assert all(f.p90_range is not None for f in fast.values())
