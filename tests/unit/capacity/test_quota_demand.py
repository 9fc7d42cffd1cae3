"""Quota mode's starved-sector alert: pending GPUs from the caps' follower (real local store)."""

from __future__ import annotations

import time

from console.capacity.quota.demand import QUOTA_THREAD, follow_quota
from console.capacity.quota.local import SectorUse
from console.fleet.model import Sector
from tests.unit.alerts.test_engine import T0, Fleet
from tests.unit.capacity.test_quota_service import service

TIMEOUT_S = 15.0


def followed_demand(tmp_path, use):
    svc = service(tmp_path, workload=lambda caps, now: use)
    follower, demand = follow_quota(svc)
    assert demand() == {}  # before the first read: nothing known, the rule cannot fire
    follower.start()
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while follower.latest is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert follower.latest is not None, follower.problem
        assert follower._thread.name == QUOTA_THREAD
        return demand()
    finally:
        follower.stop()


def test_gpus_waiting_at_a_cap_while_others_idle_fire_the_starved_rule(tmp_path):
    use = {Sector.PRIVATE: SectorUse(running=36, pending_gpus=10, pending_at_cap=8)}
    demand = followed_demand(tmp_path, use)
    assert demand == {"public": 0, "interest": 0, "private": 8}
    f = Fleet()
    f.faults = {"int-1": {g: {"util_gpu": 0.0} for g in range(4)}}  # interest idles
    f.engine.set_demand(demand)
    f.run(T0, T0 + 40)
    (starved,) = f.open("sector_starved")
    assert (starved.sector, starved.peak) == ("private", 8.0)


def test_jobs_waiting_for_other_reasons_do_not_count_as_starved(tmp_path):
    use = {Sector.PRIVATE: SectorUse(running=10, pending_gpus=12, pending_at_cap=0)}
    demand = followed_demand(tmp_path, use)
    f = Fleet()
    f.faults = {"int-1": {g: {"util_gpu": 0.0} for g in range(4)}}
    f.engine.set_demand(demand)
    f.run(T0, T0 + 40)
    assert f.open("sector_starved") == []
