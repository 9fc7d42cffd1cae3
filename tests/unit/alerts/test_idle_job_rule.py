"""The idle-job rule: a Slurm job whose GPUs have all been at ~0 % for `[alerts]
idle_job_minutes` opens one incident at its first GPU, which closes when the job uses its GPUs
or ends. Time runs through the snapshots' timestamps; snapshots come from a real FleetState."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from console.alerts.engine import AlertEngine
from console.fleet.job_usage import JobUsageTracker
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.fleet.metrics import default_registry
from console.fleet.model import GpuSample, NodeSample, PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.settings import SettingsError, load_settings

T0 = 1_800_000_000.0
NODES = ("n01", "n02")


class Loop:
    """Probe samples → FleetState → tracker → engine, as the console's wiring does."""

    def __init__(self, minutes: float) -> None:
        inv = Inventory(
            tuple(NodeSpec(n, Sector.INTEREST, None, 4) for n in NODES),
            {Sector.PUBLIC: 0.5, Sector.INTEREST: 0.3, Sector.PRIVATE: 0.2},
        )
        self.state = FleetState(inv, default_registry(), stale_after_s=60)
        settings = load_settings_text(f"[alerts]\nidle_job_minutes = {minutes}\n")
        self.engine = AlertEngine(default_registry(), settings.alerts)
        self.tracker = JobUsageTracker()
        self.busy: dict[tuple[str, int], float] = {}
        self.held: dict[str, tuple[tuple[str, int], ...]] = {}

    def step(self, t: float):
        self.tracker.set_jobs(jobs(t, **self.held))  # the running watch's read, every step
        samples = tuple(
            NodeSample(
                n,
                t,
                tuple(
                    GpuSample(
                        g,
                        util_gpu=self.busy.get((n, g), 0.0),
                        mem_used_mib=2.0,
                        mem_total_mib=81920.0,
                    )
                    for g in range(4)
                ),
            )
            for n in NODES
        )
        self.state.apply(PollBatch(t, samples=samples))
        snap = self.state.snapshot(t)
        self.tracker.update(snap)
        self.engine.set_idle_jobs(
            (u.places[0][0], u.places[0][1], s) for u, s in self.tracker.idle_now()
        )
        return self.engine.evaluate(snap)


def load_settings_text(text: str):
    path = Path(tempfile.mkdtemp()) / "settings.toml"
    path.write_text(text)
    return load_settings(path)


def jobs(t: float, **held) -> SchedulerJobs:
    running = {j: RunningJob(j, "acme", "kim", "interest", "", len(p), T0) for j, p in held.items()}
    return SchedulerJobs(t, running, {place: j for j, p in held.items() for place in p})


def test_fires_after_the_minutes_and_closes_when_the_job_works():
    loop = Loop(minutes=10)
    loop.held = {"a": (("n02", 1), ("n02", 2)), "b": (("n01", 0),)}
    loop.busy = {("n01", 0): 80.0}  # b works, a does not
    opened = []
    for k in range(0, 10 * 60 + 1, 30):
        update = loop.step(T0 + k)
        opened += update.opened
        if k < 600:
            assert not update.opened, k
    (inc,) = opened
    assert (inc.rule, inc.node, inc.gpu, inc.sector) == ("idle_job", "n02", 1, "interest")
    assert inc.peak == pytest.approx(10.0)  # minutes
    loop.busy[("n02", 2)] = 40.0  # one of its GPUs starts working
    closed = loop.step(T0 + 630).closed
    assert [c.id for c in closed] == [inc.id]


def test_closes_when_the_job_ends_and_a_new_idle_job_waits_its_own_minutes():
    loop = Loop(minutes=5)
    loop.held = {"a": (("n01", 3),)}
    for k in range(0, 301, 60):
        update = loop.step(T0 + k)
    assert [i.rule for i in update.opened] == ["idle_job"]
    loop.held = {"c": (("n01", 3),)}  # a ended; c got its GPU
    assert loop.step(T0 + 320).closed
    assert not loop.step(T0 + 380).opened  # c idle one minute: not yet


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[alerts]\nnotify = true\nidle_job_minutes = 0\n", "must be a number ≥ 1"),
        ('[alerts]\nidle_job_minutes = "an hour"\n', "must be a number ≥ 1"),
    ],
)
def test_bad_minutes_name_file_line_and_field(text, message):
    with pytest.raises(SettingsError) as err:
        load_settings_text(text)
    assert ":3:" in str(err.value) or ":2:" in str(err.value)
    assert "alerts.idle_job_minutes" in str(err.value) and message in str(err.value)


def test_default_is_an_hour():
    rule = load_settings_text("").alerts.rule("idle_job")
    assert rule.threshold == 60.0 and rule.enabled
