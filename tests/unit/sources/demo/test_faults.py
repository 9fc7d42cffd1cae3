"""The demo's "faults" scenario makes every alert rule fire within its first minute."""

from __future__ import annotations

from console.alerts.engine import AlertEngine
from console.alerts.rules import RULES
from console.fleet.metrics import default_registry
from console.fleet.model import NodeEvent, NodeSample, PollBatch
from console.fleet.state import FleetState
from console.settings import AlertSettings
from console.sources.demo import faults as demo_faults
from console.sources.demo.fleet import SimFleet

T0 = 1_795_968_000.0 + 10 * 3600  # a weekday, office hours in Seoul


def run(fleet: SimFleet, t0: float, seconds: int, engine: AlertEngine, state: FleetState):
    fired: dict[str, float] = {}
    for k in range(seconds + 1):
        t = t0 + k
        items = fleet.sample(t)
        state.apply(
            PollBatch(
                t,
                tuple(i for i in items if isinstance(i, NodeSample)),
                tuple(i for i in items if isinstance(i, NodeEvent)),
            )
        )
        engine.set_demand(demo_faults.pending_demand(t0, t))
        for inc in engine.evaluate(state.snapshot(t)).opened:
            fired.setdefault(inc.rule, t - t0)
    return fired


def test_every_rule_fires_within_the_first_minute_and_faults_clear_later():
    fleet = SimFleet.build(48, faults_from=T0)
    registry = default_registry()
    state = FleetState(fleet.inventory, registry, stale_after_s=10)
    engine = AlertEngine(registry, AlertSettings())
    fired = run(fleet, T0, 60, engine, state)
    # idle_job needs Slurm's GPU holders (console/scheduler/job_books.py): the demo has no
    # scheduler, so no job holds a GPU there (tests/integration/test_slurm_idle_jobs.py)
    demo_rules = set(RULES) - {"idle_job"}
    assert set(fired) == demo_rules, demo_rules - set(fired)
    assert max(fired.values()) <= 60


def test_without_the_scenario_the_demo_is_unchanged():
    plain = SimFleet.build(12)
    assert plain.faults_from is None
    items = plain.sample(T0)
    again = SimFleet.build(12).sample(T0)
    assert items == again
    assert all(not i.xids for i in items if isinstance(i, NodeSample))
