"""Alert rules driven by simulated NVML faults through the real probe: the probe runs as a
process with fault windows (nvml_sim), its JSON lines go through the console's parser, packing,
FleetState and the alert engine, and every GPU rule opens and then closes on the probe's own
timeline (replayed in order from the recorded lines, so timing is the probe's, not the test's)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

from console.alerts.engine import AlertEngine
from console.fleet.metrics import default_registry
from console.fleet.model import PollBatch, Sector
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.settings import AlertSettings
from console.telemetry.protocol import parse_line
from tests.probe_process import run_probe

FAULTS = (
    "count=4,load=busy,seed=7,faults="
    "hot:0@0-2;hotmem:1@0-2;powerbrake:2@0-2;throttle:3@0-2;ecc:1@0-2;remapfail:2@0-2;"
    "lost:3@3-4;xid48:0@1"
)
GPU_RULES = {
    "gpu_temp",
    "mem_temp",
    "thermal_throttle",
    "power_brake",
    "ecc_uncorrected",
    "remap_pending",
    "remap_failure",
    "gpu_lost",
}


def quick_settings() -> AlertSettings:
    """Hold times short enough for a 6-second probe run: fire after 0.3 s, clear after 1 s."""
    rules = {
        k: replace(r, fire_after_s=0.3, clear_after_s=1.0) for k, r in AlertSettings().rules.items()
    }
    return AlertSettings(rules=rules)


def probe_lines(spec: str, seconds: float) -> list[bytes]:
    args = ["--stream", "0.2", "--max-seconds", str(seconds), "--sim", spec]
    done = run_probe(*args, timeout=60, text=False, check=True)
    return done.stdout.splitlines()


def test_faults_from_the_real_probe_open_and_close_incidents():
    lines = probe_lines(FAULTS, 6.5)
    assert len(lines) >= 20, "the probe should stream about 30 lines"
    inventory = Inventory(
        nodes=(NodeSpec("gpu-node", Sector.INTEREST, None, 4),),
        entitlements={Sector.PUBLIC: 0.0, Sector.INTEREST: 1.0, Sector.PRIVATE: 0.0},
    )
    state = FleetState(inventory, default_registry(), stale_after_s=5)
    engine = AlertEngine(default_registry(), quick_settings(), min_interval_s=0.0)
    opened, closed = {}, {}
    first_t = json.loads(lines[0])["t"]
    for line in lines:
        sample = parse_line(line, "gpu-node")
        state.apply(PollBatch(sample.t, (sample,)))
        update = engine.evaluate(state.snapshot(sample.t))
        for inc in update.opened:
            opened[(inc.rule, inc.gpu)] = inc
        for inc in update.closed:
            closed[(inc.rule, inc.gpu)] = inc
    expected = {
        ("gpu_temp", 0): "critical",
        ("mem_temp", 0): "critical",  # a hot GPU has hot memory too
        ("mem_temp", 1): "critical",
        ("gpu_temp", 3): "critical",  # throttled for heat: hot
        ("mem_temp", 3): "critical",
        ("power_brake", 2): "error",
        ("thermal_throttle", 3): "warning",
        ("ecc_uncorrected", 1): "error",
        ("remap_pending", 1): "warning",
        ("remap_failure", 2): "critical",
        ("gpu_lost", 3): "critical",
        ("xid", 0): "error",
    }
    assert {k: v.severity for k, v in opened.items()} == expected
    assert opened[("gpu_temp", 0)].peak == 94.0 and opened[("mem_temp", 1)].peak == 99.0
    assert opened[("ecc_uncorrected", 1)].peak == 2.0 and opened[("xid", 0)].peak == 48.0
    # the fault windows were 0–2 s (3–4 s for the lost GPU): each closed after its 1 s hold
    assert {k for k in closed} == {k for k in expected if k[0] != "xid"}
    for key, inc in closed.items():
        assert inc.closed_at - inc.last_seen >= 1.0 - 1e-6, key
        assert inc.rule in GPU_RULES
    assert opened[("gpu_lost", 3)].first_seen - first_t > 2.0  # not before its window
    assert math.isclose(opened[("xid", 0)].first_seen, opened[("xid", 0)].last_seen, abs_tol=7)
    assert [i.rule for i in engine.incidents()] == ["xid"]  # an XID stays visible for a minute


def test_a_pending_page_retirement_from_the_real_probe_opens_and_closes():
    # a V100 retires pages; the simulated one has a retirement pending on GPU 1 for 2 s
    lines = probe_lines("count=2,model=V100,load=idle,seed=5,faults=retirepending:1@0-2", 5.0)
    inventory = Inventory(
        nodes=(NodeSpec("v100-node", Sector.PUBLIC, None, 2),),
        entitlements={Sector.PUBLIC: 1.0, Sector.INTEREST: 0.0, Sector.PRIVATE: 0.0},
    )
    state = FleetState(inventory, default_registry(), stale_after_s=5)
    engine = AlertEngine(default_registry(), quick_settings(), min_interval_s=0.0)
    opened, closed = [], []
    for line in lines:
        sample = parse_line(line, "v100-node")
        state.apply(PollBatch(sample.t, (sample,)))
        update = engine.evaluate(state.snapshot(sample.t))
        opened += update.opened
        closed += update.closed
    assert [(i.rule, i.gpu, i.severity) for i in opened] == [("retire_pending", 1, "warning")]
    assert [(i.rule, i.gpu) for i in closed] == [("retire_pending", 1)]
