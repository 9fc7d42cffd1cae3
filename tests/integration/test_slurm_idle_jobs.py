"""An idle Slurm job on the real testbed (slurmctld + 8 slurmd, gpu:8 per node from gres.conf
File= lines, so `scontrol show job -d` prints IDX): a job holding 2 GPUs that only sleeps shows
up in the holders with its node and indices; fed fleet snapshots with its GPUs at 0 % (a real
FleetState, samples as the probe sends them), the tracker marks it idle and the idle_job alert
opens after the configured minutes (time runs through the samples' timestamps, no sleeping)
and closes when it uses a GPU; once cancelled it leaves the holders. A controller that does not
answer gives a failed read within the timeout, never a hang. On both versions (both_versions:
a plain cluster natively and on 24.11 over SSH, slurm24.py; 24.11 reads `scontrol --json`)."""

from __future__ import annotations

import queue
from dataclasses import replace

from console.alerts.engine import AlertEngine
from console.fleet.job_usage import JobUsageTracker
from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.scheduler.running_watch import RunningWatch
from console.settings import load_settings
from tests.integration.slurm24 import NEWER_SINCE, both_versions
from tests.integration.slurm_testbed import LAYOUT, wait_for

T0 = 1_800_000_000.0
pytestmark = both_versions("slurm_jobs", scope="session")
SECTOR = {"public": Sector.PUBLIC, "interest": Sector.INTEREST, "private": Sector.PRIVATE}


def fleet(tb) -> FleetState:
    parts = tb.partition_nodes()
    nodes = tuple(NodeSpec(n, SECTOR[p], None, 8) for p in LAYOUT for n in parts[p])
    inv = Inventory(nodes, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25})
    return FleetState(inv, default_registry(), stale_after_s=90)


def samples(tb, t: float, busy: dict[tuple[str, int], float]) -> PollBatch:
    return PollBatch(
        t,
        samples=tuple(
            NodeSample(
                n,
                t,
                tuple(
                    GpuSample(
                        g, util_gpu=busy.get((n, g), 0.0), mem_used_mib=1.0, mem_total_mib=81559.0
                    )
                    for g in range(8)
                ),
            )
            for n in tb.nodes
        ),
    )


def test_a_sleeping_job_holds_its_gpus_idle_and_the_alert_follows(jobs_bed, tmp_path):
    slurm = jobs_bed
    job = slurm.sbatch(
        "-p", "interest", "-w", "n05", "--gres=gpu:2", "--account=uni", "--wrap", "sleep 600"
    )
    wait_for(lambda: slurm.job_state(job) == "RUNNING", 20, f"job {job} did not start")
    reads: queue.Queue = queue.Queue()
    watch = RunningWatch(slurm.console_runner(), reads.put, interval_s=0.2, timeout_s=10)
    watch.start()
    try:
        first = reads.get(timeout=20)
        second = reads.get(timeout=20)  # the thread keeps reading
    finally:
        watch.stop()
    assert first.ok, first.error
    # 22.05: no scontrol --json, the text form is kept; 24.11: --json
    assert watch.json is (slurm.version[:2] >= NEWER_SINCE)
    held = sorted(p for p, j in second.jobs.holders.items() if j == job)
    assert held == [("n05", 0), ("n05", 1)]
    running = second.jobs.jobs[job]
    assert (running.account, running.user, running.partition, running.gpus) == (
        "uni",
        "root",
        "interest",
        2,
    )

    settings = tmp_path / "settings.toml"
    settings.write_text("[alerts]\nidle_job_minutes = 10\n")
    engine = AlertEngine(default_registry(), load_settings(settings).alerts)
    state, tracker = fleet(slurm), JobUsageTracker()
    busy: dict[tuple[str, int], float] = {("n01", 3): 90.0}  # someone else's work elsewhere
    opened, closed = [], []

    def step(t: float) -> None:
        read = watch.read_once()  # Slurm's answer now, dated as the samples it goes with
        assert read.ok, read.error
        tracker.set_jobs(replace(read.jobs, read_at=t))
        state.apply(samples(slurm, t, busy))
        snap = state.snapshot(t)
        tracker.update(snap)
        engine.set_idle_jobs((u.places[0][0], u.places[0][1], s) for u, s in tracker.idle_now())
        update = engine.evaluate(snap)
        opened.extend(update.opened)
        closed.extend(update.closed)

    for k in range(0, 20):  # 9 min 30 s at 0 %
        step(T0 + 30 * k)
    assert not opened
    (usage,) = [u for u in tracker.usage() if u.job.job_id == job]
    assert usage.streak_s == 570.0 and usage.zero_gpu_s == 2 * 570.0 and usage.efficiency == 0
    step(T0 + 600)
    assert [(i.rule, i.node, i.gpu, i.sector) for i in opened] == [
        ("idle_job", "n05", 0, "interest")
    ]
    busy[("n05", 1)] = 60.0  # the job starts working on one of its GPUs
    step(T0 + 630)
    assert [i.id for i in closed] == [opened[0].id]

    slurm.run("scancel", job)
    wait_for(lambda: job not in watch.read_once().jobs.jobs, 20, f"job {job} still holds GPUs")


def test_a_controller_that_does_not_answer_is_a_failed_read_not_a_hang(jobs_bed, tmp_path):
    slurm = jobs_bed
    # the testbed's slurm.conf pointed at a port nobody listens on
    conf = slurm.dir / "dead.conf"
    text = slurm.conf.read_text()
    port = f"SlurmctldPort={slurm.ctld_port}"
    conf.write_text(text.replace(port, "SlurmctldPort=9"))
    runner = slurm.console_runner_to(conf)
    try:
        watch = RunningWatch(runner, lambda r: None, timeout_s=2, use_json=False)
        read = watch.read_once()
    finally:
        runner.close()
    assert not read.ok and read.jobs is None
    assert "scontrol" in read.error and runner.where in read.error


def test_the_consoles_job_books_record_the_idle_job(jobs_bed, tmp_path):
    """JobBooks as the console runs it: the watch on its thread, snapshots on the caller's,
    rows in job-usage.sqlite when it stops."""
    slurm = jobs_bed
    from console.history.job_usage_db import JobUsageStore
    from console.scheduler.job_books import JobBooks

    job = slurm.sbatch("-p", "private", "-w", "n08", "--gres=gpu:2", "--wrap", "sleep 600")
    wait_for(lambda: slurm.job_state(job) == "RUNNING", 20, f"job {job} did not start")
    books = JobBooks(slurm.console_runner(), tmp_path / "job-usage.sqlite", interval_s=0.2)
    state = fleet(slurm)
    books.start()
    try:
        wait_for(lambda: books.read_at is not None, 20, f"no read: {books.problem}")
        t0 = books.read_at
        for k in range(0, 13):  # two minutes of samples, 10 s apart
            state.apply(samples(slurm, t0 + 10 * k, {}))
            books.observe(state.snapshot(t0 + 10 * k))
        assert [(n, g) for n, g, _ in books.idle_jobs()] == [("n08", 0)]
    finally:
        books.stop()
    store = JobUsageStore(tmp_path / "job-usage.sqlite", readonly=True)
    (row,) = [r for r in store.totals(t0 - 3600, t0 + 3600) if r.meta.job_id == job]
    store.close()
    assert row.held_gpu_s == 2 * 120.0 and row.zero_gpu_s == 2 * 120.0
    assert row.meta.nodes == "n08" and row.efficiency == 0.0


def test_job_books_read_for_a_feed_and_say_why_it_fails(jobs_bed, tmp_path):
    """Without a thread of its own, read() books each answer and raises with the reason."""
    slurm = jobs_bed
    import pytest

    from console.scheduler.job_books import JobBooks, RunningJobsUnavailable

    job = slurm.sbatch("-p", "public", "-w", "n02", "--gres=gpu:1", "--wrap", "sleep 600")
    wait_for(lambda: slurm.job_state(job) == "RUNNING", 20, f"job {job} did not start")
    books = JobBooks(slurm.console_runner(), tmp_path / "u.sqlite", own_thread=False)
    books.start()
    try:
        jobs = books.read()
        assert jobs.holders == {("n02", 0): job} and books.read_at == jobs.read_at
        dead = slurm.dir / "dead.conf"  # the controller gone quiet
        dead.write_text(
            slurm.conf.read_text().replace(f"SlurmctldPort={slurm.ctld_port}", "SlurmctldPort=9")
        )
        books.watch.runner = slurm.console_runner_to(dead)
        books.watch.timeout_s = 2
        with pytest.raises(RunningJobsUnavailable, match="scontrol"):
            books.read()
        assert "scontrol" in books.problem
    finally:
        books.stop()
        if books.watch.runner is not slurm.console_runner():
            books.watch.runner.close()  # the dead one
