"""Alert rules over snapshots: each fires, honours its hold time, clears after its hold, and a
flapping value makes one incident, not many. Snapshots come from a real FleetState."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from console.alerts.engine import AlertEngine
from console.fleet.metrics import default_registry
from console.fleet.model import (
    DiskUse,
    GpuSample,
    NodeEvent,
    NodeInfo,
    NodeSample,
    NodeStatus,
    Organisation,
    PollBatch,
    Sector,
    XidEvent,
)
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.settings import AlertSettings, RuleSettings

T0 = 1_800_000_000.0
ORG = Organisation("snu", Sector.INTEREST, "서울대학교", "Seoul National University")


def inventory() -> Inventory:
    return Inventory(
        nodes=(
            NodeSpec("pub-1", Sector.PUBLIC, None, 4),
            NodeSpec("pub-2", Sector.PUBLIC, None, 4),
            NodeSpec("int-1", Sector.INTEREST, ORG, 4),
            NodeSpec("pri-1", Sector.PRIVATE, None, 4),
        ),
        entitlements={Sector.PUBLIC: 0.5, Sector.INTEREST: 0.25, Sector.PRIVATE: 0.25},
        organisations=(ORG,),
    )


def healthy(index: int, **changes) -> GpuSample:
    values = dict(util_gpu=50.0, mem_used_mib=1000.0, mem_total_mib=80000.0, temp_c=50.0)
    values |= dict(temp_mem_c=55.0, power_w=300.0)
    values.update(changes)
    return GpuSample(index, **values)


class Fleet:
    """A FleetState fed by hand; `gpus` overrides per node: {node: {gpu: GpuSample changes}}."""

    def __init__(self, settings: AlertSettings | None = None) -> None:
        self.state = FleetState(inventory(), default_registry(), stale_after_s=10)
        self.engine = AlertEngine(default_registry(), settings or AlertSettings())
        self.faults: dict[str, dict[int, dict]] = {}
        self.node_extra: dict[str, dict] = {}
        self.down: dict[str, NodeStatus] = {}

    def step(self, t: float):
        samples, events = [], []
        for spec in self.state.inventory.nodes:
            if spec.name in self.down:
                events.append(NodeEvent(spec.name, t, self.down[spec.name], "test"))
                continue
            mine = self.faults.get(spec.name, {})
            gpus = tuple(
                healthy(g, **mine[g]) if g in mine else healthy(g)
                for g in range(spec.gpu_count)
                if mine.get(g) != "gone"
            )
            samples.append(NodeSample(spec.name, t, gpus, **self.node_extra.get(spec.name, {})))
        self.state.apply(PollBatch(t, tuple(samples), tuple(events)))
        return self.engine.evaluate(self.state.snapshot(t))

    def run(self, t0: float, t1: float, step: float = 1.0):
        updates = []
        t = t0
        while t <= t1:
            updates.append(self.step(t))
            t += step
        return updates

    def open(self, rule: str):
        return [i for i in self.engine.incidents() if i.rule == rule]


def test_hot_gpu_waits_its_hold_time_then_opens_one_incident_with_peak_and_org():
    f = Fleet()
    f.faults = {"int-1": {2: {"temp_c": 86.0}}}
    f.run(T0, T0 + 9)
    assert f.open("gpu_temp") == []  # 10 s hold not yet over
    f.faults = {"int-1": {2: {"temp_c": 91.0}}}
    f.run(T0 + 10, T0 + 12)
    (inc,) = f.open("gpu_temp")
    assert (inc.node, inc.gpu, inc.sector, inc.org) == ("int-1", 2, "interest", "snu")
    assert inc.first_seen == T0 and inc.peak == 91.0 and inc.severity == "critical"
    assert inc.is_open and inc.last_seen == T0 + 12


def test_clears_only_after_the_clear_hold_and_hysteresis_keeps_it_open():
    f = Fleet()
    f.faults = {"pub-1": {0: {"temp_c": 85.0}}}
    f.run(T0, T0 + 10)
    assert len(f.open("gpu_temp")) == 1
    f.faults = {"pub-1": {0: {"temp_c": 81.0}}}  # below 83 but inside the 3 °C band
    f.run(T0 + 11, T0 + 200)
    assert len(f.open("gpu_temp")) == 1
    f.faults = {}
    f.run(T0 + 201, T0 + 259)
    assert len(f.open("gpu_temp")) == 1  # 60 s clear hold: not yet
    updates = f.run(T0 + 260, T0 + 261)
    assert f.open("gpu_temp") == []
    (closed,) = [c for u in updates for c in u.closed]
    assert closed.closed_at == T0 + 260 and closed.last_seen == T0 + 200


def test_flapping_value_makes_one_incident():
    f = Fleet()
    opened = []
    for k in range(600):
        f.faults = {"pub-2": {1: {"temp_c": 95.0 if (k // 5) % 2 else 60.0}}}
        opened += f.step(T0 + k).opened
    assert len(opened) == 0  # never 10 s in a row: a flapping reading never opens one
    f2 = Fleet(AlertSettings(rules={"gpu_temp": RuleSettings(True, 83.0, 90.0, 0.0, 60.0)}))
    for k in range(600):
        f2.faults = {"pub-2": {1: {"temp_c": 95.0 if (k // 5) % 2 else 60.0}}}
        opened += f2.step(T0 + k).opened
    assert len(opened) == 1  # fires at once, and 5 s gaps never reach the 60 s clear hold


@pytest.mark.parametrize(
    ("rule", "gpu_changes", "severity", "peak"),
    [
        ("mem_temp", {"temp_mem_c": 99.0}, "critical", 99.0),
        ("thermal_throttle", {"clock_event_reasons": ("hw_thermal_slowdown",)}, "warning", None),
        ("power_brake", {"clock_event_reasons": ("hw_power_brake_slowdown",)}, "error", None),
        ("ecc_uncorrected", {"ecc_uncorrected_volatile": 3}, "error", 3.0),
        ("remap_pending", {"remapped_rows_pending": True}, "warning", None),
        ("remap_failure", {"remapped_rows_failure": True}, "critical", None),
        ("retire_pending", {"retired_pages_pending": True}, "warning", None),
        ("gpu_lost", {"lost": True, "util_gpu": None, "temp_c": None}, "critical", None),
    ],
)
def test_each_gpu_rule_fires_after_its_hold_and_clears_after_its_hold(
    rule, gpu_changes, severity, peak
):
    default = default_registry().alert(rule)
    f = Fleet()
    f.faults = {"pri-1": {3: gpu_changes}}
    f.run(T0, T0 + default.fire_after_s + 1)
    (inc,) = f.open(rule)
    assert (inc.node, inc.gpu, inc.sector, inc.severity) == ("pri-1", 3, "private", severity)
    assert inc.peak == peak
    assert inc.first_seen == T0
    f.faults = {}
    end = T0 + default.fire_after_s + 1 + default.clear_after_s  # last seen + the clear hold
    f.run(T0 + default.fire_after_s + 2, end - 1)
    assert len(f.open(rule)) == 1
    f.run(end, end + 1)
    assert f.open(rule) == []


def test_a_gpu_that_fell_off_the_bus_is_lost():
    f = Fleet()
    f.faults = {"pub-1": {3: "gone"}}
    f.run(T0, T0 + 1)
    (inc,) = f.open("gpu_lost")
    assert (inc.node, inc.gpu) == ("pub-1", 3)


def test_xid_codes_critical_are_errors_others_warnings_and_an_event_is_not_missed():
    f = Fleet()
    f.node_extra = {"pub-2": {"xids": (XidEvent(1, 79), XidEvent(2, 31), XidEvent(None, 13))}}
    f.step(T0)
    f.node_extra = {}
    f.run(T0 + 1, T0 + 3)
    got = {(i.gpu, i.peak, i.severity) for i in f.open("xid")}
    assert got == {(1, 79.0, "error"), (2, 31.0, "warning"), (None, 13.0, "warning")}
    f.run(T0 + 4, T0 + 400)
    assert f.open("xid") == []


@pytest.mark.parametrize(
    ("rule", "status"),
    [
        ("node_unreachable", NodeStatus.UNREACHABLE),
        ("node_stale", NodeStatus.STALE),
        ("probe_error", NodeStatus.PROBE_ERROR),
        ("hostkey_changed", NodeStatus.HOSTKEY_CHANGED),
    ],
)
def test_node_status_rules(rule, status):
    default = default_registry().alert(rule)
    f = Fleet()
    f.down = {"int-1": status}
    f.run(T0, T0 + default.fire_after_s - 1)
    assert f.open(rule) == [] or default.fire_after_s == 0
    f.run(T0 + default.fire_after_s, T0 + default.fire_after_s + 1)
    (inc,) = f.open(rule)
    assert (inc.node, inc.gpu, inc.org, inc.sector) == ("int-1", None, "snu", "interest")
    assert math.isnan(inc.peak or math.nan)
    f.down = {}
    t = T0 + default.fire_after_s + 2
    f.run(t, t + default.clear_after_s + 1)
    assert f.open(rule) == []


def test_measured_alerts_of_an_unreachable_node_are_held_not_cleared():
    f = Fleet()
    f.faults = {"pub-1": {0: {"ecc_uncorrected_volatile": 2}}}
    f.step(T0)
    assert len(f.open("ecc_uncorrected")) == 1
    f.down = {"pub-1": NodeStatus.UNREACHABLE}
    f.run(T0 + 1, T0 + 1000)
    assert len(f.open("ecc_uncorrected")) == 1  # unknown, not healthy
    assert len(f.open("node_unreachable")) == 1


def test_disk_full():
    f = Fleet()
    tib = 1024**4
    disks = (DiskUse("/", 98 * tib // 100, tib), DiskUse("/scratch", 1, tib))
    f.node_extra = {"pri-1": {"info": NodeInfo(disks=disks)}}
    f.run(T0, T0 + 31)
    (inc,) = f.open("disk_full")
    assert inc.node == "pri-1" and inc.gpu is None and inc.severity == "critical"
    assert inc.peak == pytest.approx(98.0, abs=0.01)


def test_sector_above_entitlement_and_starved_with_demand():
    f = Fleet()
    # private is entitled to 25 % of 16 GPUs = 4 and uses its 4; interest idles
    f.faults = {"int-1": {g: {"util_gpu": 0.0} for g in range(4)}}
    f.run(T0, T0 + 40)
    assert f.open("sector_over_entitlement") == []  # 100 % < 110 %
    assert f.open("sector_starved") == []  # no demand known: cannot fire
    f.state.inventory.entitlements[Sector.PRIVATE] = 0.125  # now 2 GPUs: 200 %
    f.engine.set_demand({"private": 8})
    f.run(T0 + 41, T0 + 80)
    (over,) = f.open("sector_over_entitlement")
    assert (over.sector, over.node, over.gpu, over.peak) == ("private", "", None, 200.0)
    (starved,) = f.open("sector_starved")
    assert (starved.sector, starved.peak, starved.severity) == ("private", 8.0, "error")


def test_disabled_rule_never_fires_and_closes_what_it_had():
    f = Fleet()
    f.faults = {"pub-1": {0: {"remapped_rows_failure": True}}}
    f.step(T0)
    assert len(f.open("remap_failure")) == 1
    rules = dict(AlertSettings().rules)
    rules["remap_failure"] = replace(rules["remap_failure"], enabled=False)
    f.engine.set_settings(AlertSettings(rules=rules))
    f.run(T0 + 1, T0 + 2)
    assert f.open("remap_failure") == []


def test_acknowledge_keeps_who_when_and_note():
    f = Fleet()
    f.faults = {"pub-1": {0: {"remapped_rows_failure": True}}}
    f.step(T0)
    (inc,) = f.open("remap_failure")
    version = f.engine.version
    acked = f.engine.acknowledge(inc.id, "kim", "RMA 요청함", T0 + 5)
    assert (acked.acked_by, acked.acked_at, acked.note) == ("kim", T0 + 5, "RMA 요청함")
    assert f.engine.version > version
    f.step(T0 + 6)
    assert f.open("remap_failure")[0].acked_by == "kim"  # updates keep the acknowledgement
    with pytest.raises(KeyError):
        f.engine.acknowledge(999, "kim", "", T0)
