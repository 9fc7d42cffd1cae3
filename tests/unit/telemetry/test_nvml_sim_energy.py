"""The simulated NVML's energy counter (the integral of the power it reports, from a per-GPU
offset), its driver reload fault and energy=0 switch, and MIG GPU instance ids."""

from __future__ import annotations

import pytest

from console.telemetry import nvml_sim
from console.telemetry.nvml_sim.spec import parse_spec

T0 = 1_700_000_000.0


class Clock:
    def __init__(self):
        self.t = T0

    def __call__(self):
        return self.t


@pytest.fixture
def sim():
    clock = Clock()

    def start(spec):
        nvml_sim.configure(spec, clock=clock)
        nvml_sim.nvmlInit()
        return nvml_sim, clock

    yield start
    nvml_sim.nvmlShutdown()
    nvml_sim.configure("8")


def test_counter_is_the_integral_of_the_reported_power(sim):
    lib, clock = sim("count=2,load=mixed,seed=4")
    handles = [lib.nvmlDeviceGetHandleByIndex(i) for i in range(2)]
    start = [lib.nvmlDeviceGetTotalEnergyConsumption(h) for h in handles]
    expected = [0.0, 0.0]
    powers = set()
    for _ in range(4 * 90):  # 90 s in quarter seconds
        for i, h in enumerate(handles):
            power = lib.nvmlDeviceGetPowerUsage(h)
            expected[i] += power * 0.25  # mW × s = mJ
            powers.add(power)
        clock.t += 0.25
    assert len(powers) > 10  # the power moves: a constant would hide a wrong integral
    for i, h in enumerate(handles):
        counted = lib.nvmlDeviceGetTotalEnergyConsumption(h) - start[i]
        assert counted == pytest.approx(expected[i], abs=400)  # the mW readings are truncated
    assert start[0] != start[1]  # per-GPU offsets
    assert start[0] > 1_000_000_000  # a counter since the driver loaded, not since nvmlInit


def test_offsets_follow_the_seed(sim):
    lib, _ = sim("count=1,seed=1")
    first = lib.nvmlDeviceGetTotalEnergyConsumption(lib.nvmlDeviceGetHandleByIndex(0))
    lib, _ = sim("count=1,seed=1")
    assert lib.nvmlDeviceGetTotalEnergyConsumption(lib.nvmlDeviceGetHandleByIndex(0)) == first
    lib, _ = sim("count=1,seed=2")
    assert lib.nvmlDeviceGetTotalEnergyConsumption(lib.nvmlDeviceGetHandleByIndex(0)) != first


def test_reload_fault_restarts_the_counter_from_zero(sim):
    lib, clock = sim("count=2,load=busy,seed=4,faults=reload:0@5")
    reloaded, other = (lib.nvmlDeviceGetHandleByIndex(i) for i in range(2))
    clock.t += 4.0
    before = lib.nvmlDeviceGetTotalEnergyConsumption(reloaded)
    other_before = lib.nvmlDeviceGetTotalEnergyConsumption(other)
    clock.t += 3.0  # 2 s after the reload
    after = lib.nvmlDeviceGetTotalEnergyConsumption(reloaded)
    power_mw = lib.nvmlDeviceGetPowerUsage(reloaded)
    assert after < before
    assert after == pytest.approx(2 * power_mw, rel=0.05)
    assert lib.nvmlDeviceGetTotalEnergyConsumption(other) > other_before  # only GPU 0 reloaded
    clock.t += 1.0
    assert lib.nvmlDeviceGetTotalEnergyConsumption(reloaded) > after  # counting again


def test_energy_off_is_not_supported_like_old_gpus(sim):
    assert parse_spec("count=1").energy is True and parse_spec("energy=0").energy is False
    lib, _ = sim("count=1,energy=0")
    with pytest.raises(lib.NVMLError_NotSupported):
        lib.nvmlDeviceGetTotalEnergyConsumption(lib.nvmlDeviceGetHandleByIndex(0))
    assert lib.nvmlDeviceGetPowerUsage(lib.nvmlDeviceGetHandleByIndex(0)) > 0


def test_a_clock_leap_is_counted_without_walking_every_second(sim):
    lib, clock = sim("count=1,load=busy,seed=4")
    h = lib.nvmlDeviceGetHandleByIndex(0)
    first = lib.nvmlDeviceGetTotalEnergyConsumption(h)
    clock.t += 90 * 86400.0
    leaped = lib.nvmlDeviceGetTotalEnergyConsumption(h) - first
    assert leaped == pytest.approx(lib.nvmlDeviceGetPowerUsage(h) * 90 * 86400, rel=0.05)


def test_mig_handles_have_gpu_instance_ids_and_processes_name_theirs(sim):
    lib, _ = sim("count=2,load=busy,mig=1,seed=9")
    h = lib.nvmlDeviceGetHandleByIndex(0)
    migs = [lib.nvmlDeviceGetMigDeviceHandleByIndex(h, i) for i in range(4)]
    ids = [lib.nvmlDeviceGetGpuInstanceId(m) for m in migs]
    assert len(set(ids)) == 4
    with pytest.raises(lib.NVMLError_NotSupported):
        lib.nvmlDeviceGetGpuInstanceId(h)  # a whole GPU is in no instance
    procs = lib.nvmlDeviceGetComputeRunningProcesses(h)
    assert procs and {p.gpuInstanceId for p in procs} <= set(ids)
    for p in procs:  # each fits the instance it runs in
        mig = migs[ids.index(p.gpuInstanceId)]
        assert p.usedGpuMemory <= lib.nvmlDeviceGetMemoryInfo(mig).total
    # the parent's energy counter is the whole GPU's; a MIG handle has none of its own
    assert lib.nvmlDeviceGetTotalEnergyConsumption(h) > 0
    with pytest.raises(lib.NVMLError_NotSupported):
        lib.nvmlDeviceGetTotalEnergyConsumption(migs[0])


def test_processes_outside_mig_are_in_no_instance(sim):
    lib, _ = sim("count=1,load=busy")
    procs = lib.nvmlDeviceGetComputeRunningProcesses(lib.nvmlDeviceGetHandleByIndex(0))
    assert procs and {p.gpuInstanceId for p in procs} == {0xFFFFFFFF}
