"""Per-job usage for the day of tests/report_history.py, recorded through the real path
(FleetState snapshots → JobUsageTracker → JobUsageStore), with four Slurm jobs:
- 501 (account city, kim) holds pub1's GPU 0 at 50 %: 24 allocated, 12 used GPU-h;
- 504 (account city, choi) holds pub1's GPU 1 at 0 % all day: 24 allocated, 24 GPU-h at 0 %;
- 502 (account uni, lee) holds int1's two GPUs at 100 %: 48 allocated and used;
- 503 (account lab, park) holds prv1's two GPUs at 100 %, unreachable 12:00–18:00: 48
  allocated, 36 used (unknown hours are held, neither used nor idle).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from console.fleet.job_usage import JobUsageTracker
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.metrics import default_registry
from console.fleet.model import Sector
from console.fleet.state import FleetState
from console.history.job_usage_db import JobUsageStore, job_usage_path
from console.inventory.model import Inventory
from console.scheduler.books import AccountMap
from tests.report_history import D0, STEP, batch, inventory

JOBS = {
    "501": ("city", "kim", "public", (("pub1", 0),)),
    "504": ("city", "choi", "public", (("pub1", 1),)),
    "502": ("uni", "lee", "interest", (("int1", 0), ("int1", 1))),
    "503": ("lab", "park", "private", (("prv1", 0), ("prv1", 1))),
}


def inventory_with_accounts() -> Inventory:
    return replace(inventory(), org_accounts={"city": "city", "uni": "uni", "lab": "lab"})


def accounts() -> AccountMap:
    return AccountMap.from_inventory(inventory_with_accounts(), {s: s.value for s in Sector})


def holders(t: float) -> SchedulerJobs:
    running = {j: RunningJob(j, a, u, p, "", len(g), D0 - 3600) for j, (a, u, p, g) in JOBS.items()}
    return SchedulerJobs(t, running, {g: j for j, (*_, gs) in JOBS.items() for g in gs})


def build_job_usage(data_dir: Path) -> Path:
    path = job_usage_path(data_dir)
    store = JobUsageStore(path)
    fleet = FleetState(inventory(), default_registry(), stale_after_s=1.5 * STEP)
    tracker = JobUsageTracker(max_gap_s=2 * STEP)
    try:
        for t in np.arange(D0, D0 + 86400 + STEP / 2, STEP):
            tracker.set_jobs(holders(float(t)))  # the running watch's read
            fleet.apply(batch(float(t)))
            tracker.update(fleet.snapshot(float(t)))
            if int(t) % 3600 == 0:
                store.write(*tracker.drain())
        store.write(*tracker.drain())
    finally:
        store.close()
    return path
