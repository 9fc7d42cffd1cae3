"""GPU energy on the probe: NVML's counter where it has one, otherwise the power integral (marked
estimated), never bridging a gap; MIG GPU instance ids on MIG devices and processes."""

from __future__ import annotations

import itertools

import pytest

from console.telemetry import nvml_sim
from console.telemetry.probe.energy import GAP_NO_INTERVAL_S, PowerIntegrator, millijoules
from console.telemetry.probe.funnel import Funnel
from console.telemetry.probe.nvml_gpus import NvmlGpus
from tests.unit.telemetry.probe.test_funnel import fake_lib


def test_trapezoid_of_power_over_time():
    energy = PowerIntegrator(interval=2.0)
    assert energy.add(0, 100.0, 200.0) == 0.0  # the first reading: nothing integrated yet
    assert energy.add(0, 102.0, 300.0) == pytest.approx(500.0)  # (200 + 300) / 2 × 2 s
    assert energy.add(0, 103.5, 300.0) == pytest.approx(950.0)
    assert energy.add(1, 103.5, 50.0) == 0.0  # each GPU its own integral
    assert millijoules(energy.joules[0]) == 950_000


def test_a_gap_adds_nothing_but_the_counter_goes_on():
    energy = PowerIntegrator(interval=2.0)
    energy.add(0, 0.0, 100.0)
    energy.add(0, 6.0, 100.0)  # three intervals: still a step
    assert energy.joules[0] == pytest.approx(600.0)
    assert energy.add(0, 12.1, 500.0) == pytest.approx(600.0)  # over 3 intervals: a gap
    assert energy.add(0, 14.1, 500.0) == pytest.approx(1600.0)  # integrating again from there
    assert energy.add(0, 13.0, 500.0) == pytest.approx(1600.0)  # time went back: a gap too


def test_without_an_interval_a_gap_is_15_seconds():
    energy = PowerIntegrator(interval=None)
    energy.add(0, 0.0, 100.0)
    assert energy.add(0, GAP_NO_INTERVAL_S, 100.0) == pytest.approx(1500.0)
    assert energy.add(0, 2 * GAP_NO_INTERVAL_S + 0.1, 100.0) == pytest.approx(1500.0)


def test_no_power_no_energy_and_a_lost_gpu_is_not_bridged():
    energy = PowerIntegrator(interval=1.0)
    energy.add(0, 0.0, 100.0)
    assert energy.add(0, 1.0, None) is None
    assert energy.add(0, 2.0, float("nan")) is None
    assert energy.add(0, 2.5, 100.0) == pytest.approx(250.0)  # from the last reading, 2.5 s
    assert energy.add(0, 6.0, 100.0) == pytest.approx(250.0)  # 3.5 s: over three intervals
    energy.forget(0)  # lost
    assert energy.add(0, 6.5, 100.0) == pytest.approx(250.0)  # starts afresh, keeps its total
    assert energy.add(0, 7.5, 100.0) == pytest.approx(350.0)


class Clock:
    def __init__(self, t=1_000.0):
        self.t = t

    def __call__(self):
        return self.t


def gpus_on(lib, clock, interval=1.0):
    lib.nvmlInit()
    return NvmlGpus(lib, "nvml_sim", Funnel(lib), interval=interval, clock=clock)


@pytest.fixture
def sim():
    """nvml_sim on a clock the test moves (the probe's integral runs on the same clock)."""
    clock = Clock(1_700_000_000.0)

    def start(spec):
        nvml_sim.configure(spec, clock=clock)
        return gpus_on(nvml_sim, clock), clock

    yield start
    nvml_sim.nvmlShutdown()
    nvml_sim.configure("8")


def test_nvml_counter_is_reported_as_measured(sim):
    gpus, clock = sim("count=2,load=busy,seed=5")
    first, _ = gpus.sample(clock.t)
    clock.t += 3.0
    second, _ = gpus.sample(clock.t)
    for a, b in zip(first, second, strict=True):
        assert a["energy_estimated"] is False and b["energy_estimated"] is False
        assert b["energy_mj"] > a["energy_mj"] > 0
    assert first[0]["energy_mj"] != first[1]["energy_mj"]  # each GPU its own offset
    assert not [e for e in gpus.take_errors() if e["field"] == "energy_mj"]


def test_no_counter_integrates_power_and_says_estimated(sim):
    gpus, clock = sim("count=2,load=busy,seed=5,energy=0")
    lines = []
    for _ in range(4):
        lines.append(gpus.sample(clock.t)[0])
        clock.t += 1.0
    errors = [e for e in gpus.take_errors() if e["field"] == "energy_mj"]
    assert errors == [
        {"gpu": i, "field": "energy_mj", "error": "NVML_ERROR_NOT_SUPPORTED"} for i in (0, 1)
    ]  # once, then not asked again
    for i in (0, 1):
        powers = [line[i]["power_w"] for line in lines]
        expected = sum((a + b) / 2 for a, b in itertools.pairwise(powers)) * 1000  # 1 s
        assert [line[i]["energy_estimated"] for line in lines] == [True] * 4
        assert lines[0][i]["energy_mj"] == 0
        assert lines[-1][i]["energy_mj"] == pytest.approx(expected, abs=20)  # power is rounded


def test_a_driver_without_the_function_integrates_too():
    clock = Clock()
    lib = fake_lib(
        nvmlInit=lambda: None,
        nvmlDeviceGetCount=lambda: 1,
        nvmlDeviceGetHandleByIndex=lambda i: "h0",
        nvmlDeviceGetPowerUsage=lambda h: 250_000,
    )  # no nvmlDeviceGetTotalEnergyConsumption at all (an old pynvml)
    gpus = gpus_on(lib, clock)
    first, _ = gpus.sample(clock.t)
    clock.t += 2.0  # within three intervals
    second, _ = gpus.sample(clock.t)
    assert (first[0]["energy_mj"], second[0]["energy_mj"]) == (0, 500_000)
    assert second[0]["energy_estimated"] is True
    assert {"gpu": 0, "field": "energy_mj", "error": "NVML_ERROR_FUNCTION_NOT_FOUND"} in (
        gpus.take_errors()
    )


def test_a_refused_counter_is_null_not_estimated():
    def refused(h):
        raise nvml_sim.NVMLError(nvml_sim.NVML_ERROR_NO_PERMISSION)

    clock = Clock()
    lib = fake_lib(
        nvmlInit=lambda: None,
        nvmlDeviceGetCount=lambda: 1,
        nvmlDeviceGetHandleByIndex=lambda i: "h0",
        nvmlDeviceGetPowerUsage=lambda h: 250_000,
        nvmlDeviceGetTotalEnergyConsumption=refused,
    )
    gpus = gpus_on(lib, clock)
    gpu = gpus.sample(clock.t)[0][0]
    assert gpu["energy_mj"] is None and gpu["energy_estimated"] is None


def test_a_lost_gpu_has_no_energy_and_the_time_it_was_gone_is_not_integrated():
    state = {"lost": False}

    def power(h):
        if state["lost"]:
            raise nvml_sim.NVMLError(nvml_sim.NVML_ERROR_GPU_IS_LOST)
        return 100_000

    def no_counter(h):
        raise nvml_sim.NVMLError(nvml_sim.NVML_ERROR_NOT_SUPPORTED)

    clock = Clock()
    lib = fake_lib(
        nvmlInit=lambda: None,
        nvmlDeviceGetCount=lambda: 1,
        nvmlDeviceGetHandleByIndex=lambda i: "h0",
        nvmlDeviceGetPowerUsage=power,
        nvmlDeviceGetTotalEnergyConsumption=no_counter,
    )
    gpus = gpus_on(lib, clock, interval=10.0)
    readings = []
    for lost in (False, False, True, False, False):
        state["lost"] = lost
        readings.append(gpus.sample(clock.t)[0][0])
        clock.t += 1.0
    assert readings[2]["lost"] is True and readings[2]["energy_mj"] is None
    energy = [r["energy_mj"] for r in readings]
    # 1 s at 100 W before it was lost, then afresh after it: the lost seconds count nothing
    assert energy == [0, 100_000, None, 100_000, 200_000]


def test_mig_devices_and_processes_carry_their_gpu_instance(sim):
    gpus, clock = sim("count=1,load=busy,mig=1,seed=2")
    gpu = gpus.sample(clock.t)[0][0]
    ids = [d["gpu_instance_id"] for d in gpu["mig_devices"]]
    assert ids == [d.gpu_instance_id for d in nvml_sim.nvmlDeviceGetHandleByIndex(0).mig_devices]
    assert len(set(ids)) == len(ids) and ids != [d["index"] for d in gpu["mig_devices"]]
    assert gpu["processes"] and {p["gpu_instance_id"] for p in gpu["processes"]} <= set(ids)


def test_process_instance_is_null_outside_mig_or_when_absent():
    class Proc:
        def __init__(self, pid, **extra):
            self.pid, self.usedGpuMemory = pid, 1 << 30
            self.user, self.command = "kim", "python a.py"
            vars(self).update(extra)

    procs = [
        Proc(90000001, gpuInstanceId=0xFFFFFFFF),
        Proc(90000002),
        Proc(90000003, gpuInstanceId=3),
    ]
    lib = fake_lib(
        nvmlInit=lambda: None,
        nvmlDeviceGetCount=lambda: 1,
        nvmlDeviceGetHandleByIndex=lambda i: "h0",
        nvmlDeviceGetComputeRunningProcesses=lambda h: procs,
    )
    gpu = gpus_on(lib, Clock()).sample(0.0)[0][0]
    by_pid = {p["pid"]: p["gpu_instance_id"] for p in gpu["processes"]}
    assert by_pid == {90000001: None, 90000002: None, 90000003: 3}
