"""One read of Slurm's GPU holders for both consumers, as the console wires them with [slurm]:
the scheduler feed's thread calls JobBooks.read (`scontrol show job -d`), hands the jobs to the
fleet state, which charges a held GPU's use to the job account's organisation even with no
process on it, and the job books count the job's idle GPU at 0 %. On both versions
(both_versions, slurm24.py)."""

from __future__ import annotations

import queue

import pytest

from console.fleet.charging import RULE_JOB
from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, Organisation, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.scheduler.job_books import JobBooks
from console.scheduler.running import RunningJobsFeed
from tests.integration.slurm24 import both_versions
from tests.integration.slurm_testbed import LAYOUT, wait_for

UNI = Organisation("uni", Sector.INTEREST, "한강대학교", "Hangang University")
pytestmark = both_versions("slurm_jobs", scope="session")
SECTOR = {"public": Sector.PUBLIC, "interest": Sector.INTEREST, "private": Sector.PRIVATE}


def test_the_feed_reads_holders_once_for_charging_and_the_job_books(jobs_bed, tmp_path):
    slurm = jobs_bed
    job = slurm.sbatch(
        "-p", "interest", "-w", "n05", "--gres=gpu:2", "--account=uni", "--wrap", "sleep 600"
    )
    wait_for(lambda: slurm.job_state(job) == "RUNNING", 20, f"job {job} did not start")
    parts = slurm.partition_nodes()
    inv = Inventory(
        tuple(NodeSpec(n, SECTOR[p], None, 8) for p in LAYOUT for n in parts[p]),
        {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25},
        organisations=(UNI,),
        org_accounts={"uni": "uni"},
    )
    books = JobBooks(slurm.console_runner(), tmp_path / "job-usage.sqlite", own_thread=False)
    delivered: queue.Queue = queue.Queue()
    feed = RunningJobsFeed(books.read, delivered.put, interval_s=0.2)
    books.start()
    feed.start()
    try:
        jobs = delivered.get(timeout=20)
    finally:
        feed.stop()
    state = FleetState(inv, default_registry(), stale_after_s=90)
    state.set_scheduler_jobs(jobs)  # the bridge does this on the GUI thread
    t0 = jobs.read_at
    for k in range(0, 7):  # one minute: GPU 0 works (no process the probe could name), 1 idles
        t = t0 + 10 * k
        gpus = tuple(
            GpuSample(g, util_gpu=60.0 if g == 0 else 0.0, mem_used_mib=1.0, mem_total_mib=81559.0)
            for g in range(8)
        )
        state.apply(PollBatch(t, samples=(NodeSample("n05", t, gpus),)))
        snap = state.snapshot(t)
        books.observe(snap)
    books.stop()
    row = snap.node_names.index("n05")
    assert snap.gpu_rule[row, 0] == RULE_JOB
    assert snap.org_ids[snap.gpu_org[row, 0]] == "uni"
    (usage,) = [u for u in books.usage() if u.job.job_id == job]
    assert usage.held_gpu_s == 2 * 60.0 and usage.zero_gpu_s == 60.0
    assert usage.used_gpu_s == pytest.approx(0.6 * 60.0)  # util is float32 in the fleet state
    assert usage.streak_s == 0.0  # one GPU works: not idle
