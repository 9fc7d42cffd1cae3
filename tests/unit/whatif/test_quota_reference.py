"""The fast quota replay and bootstrap (console/whatif/quota_replay.py, quota_predict.py) give
exactly what the straightforward ones did (quota_replay_reference.py, kept from before the
speed-up): the same waits, GPU-seconds, preemptions and forecast ranges for the same seed, on
the demo's month of jobs, with and without borrowing, caps that bind and caps that do not."""

from __future__ import annotations

import pytest

from console.fleet.model import Sector
from console.sources.demo.job_history import demo_job_history
from console.whatif.quota_predict import QuotaScene, quota_forecasts
from console.whatif.quota_replay import quota_replay
from tests.unit.whatif import quota_replay_reference as reference

CAPACITY = {Sector.PUBLIC: 152, Sector.INTEREST: 136, Sector.PRIVATE: 96}
TIGHT = {Sector.PUBLIC: 60, Sector.INTEREST: 40, Sector.PRIVATE: 30}
END = 1764700000.0


@pytest.fixture(scope="module")
def history():
    return demo_job_history(CAPACITY, END, days=12)


@pytest.mark.parametrize(("caps", "borrow", "grace_s", "dispatch_s"), [
    (CAPACITY, True, 120.0, 0.0),
    (TIGHT, True, 600.0, 0.0),  # borrowers preempted often
    (TIGHT, False, 0.0, 1.5),
    ({Sector.PUBLIC: None, Sector.INTEREST: 8, Sector.PRIVATE: 0}, True, 30.0, 0.5),
])
def test_replay_equals_the_reference(history, caps, borrow, grace_s, dispatch_s):
    capacity = sum(CAPACITY.values()) // (2 if caps is TIGHT else 1)
    args = (history.jobs, capacity, caps, history.start, history.end, borrow, grace_s,
            dispatch_s)
    fast, slow = quota_replay(*args), reference.quota_replay(*args)
    assert fast.sectors == slow.sectors
    assert fast.preempted == slow.preempted and fast.lost_gpu_s == slow.lost_gpu_s
    assert fast.borrowed_gpu_s == slow.borrowed_gpu_s
    if caps is TIGHT and borrow:
        assert sum(fast.preempted.values()) > 0  # the case exercises preemption at all
    assert any(r.waits_s and max(r.waits_s) > 0 for r in fast.sectors.values())


@pytest.mark.parametrize("seed", [0, 7])
def test_forecasts_equal_the_reference_for_the_same_seed(history, seed):
    scene = QuotaScene(sum(TIGHT.values()) * 2, borrow=True, grace_s=120)
    fast = quota_forecasts(history, scene, TIGHT, seed=seed, resamples=4)
    slow = reference.reference_forecasts(history, scene, TIGHT, seed=seed, resamples=4)
    assert fast == slow
    assert all(f.p90_range is not None for f in fast.values())
