"""The simulated NVML: its SPEC, its pynvml-shaped surface and its faults."""

from __future__ import annotations

import re

import pynvml
import pytest

from console.telemetry import bundle, nvml_sim
from console.telemetry.nvml_sim.spec import default_seed, parse_spec
from console.telemetry.probe.nvml_gpus import (
    CLOCK_EVENT_REASONS,
    COMPUTE_PROCESSES,
    GRAPHICS_PROCESSES,
)

# every module of the probe as it ships
PROBE_SOURCE = "\n".join(
    source.decode("utf-8")
    for _, source in bundle.module_sources(bundle.PROBE_PACKAGE, bundle.PROBE_MODULES)
)
# older names the probe tries only when a driver lacks the newer one; the sim offers the newer
FALLBACK_ONLY = set(COMPUTE_PROCESSES[1:] + GRAPHICS_PROCESSES[1:] + CLOCK_EVENT_REASONS[1:])


@pytest.fixture
def sim():
    """A fresh simulation on a fixed clock; pynvml-like module state is reset afterwards."""

    def start(spec, t=1_700_000_000.0):
        nvml_sim.configure(spec, clock=lambda: t)
        nvml_sim.nvmlInit()
        return nvml_sim

    yield start
    nvml_sim.nvmlShutdown()
    nvml_sim.configure("8")


def test_spec_as_a_count():
    spec = parse_spec("8")
    assert (spec.count, spec.model, spec.load, spec.mig, spec.faults) == (
        8,
        "H100",
        "mixed",
        False,
        {},
    )


def test_spec_with_every_key():
    spec = parse_spec(
        "count=8,model=a100,load=training,mig=1,seed=42,faults=lost:3;xid79:5;ecc:2;throttle:1;ecc:3"
    )
    assert (spec.count, spec.model, spec.load, spec.mig, spec.seed) == (
        8,
        "A100",
        "training",
        True,
        42,
    )
    assert spec.faults == {3: {"lost", "ecc"}, 5: {"xid79"}, 2: {"ecc"}, 1: {"throttle"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("count=x", "count must be an integer"),
        ("count=-1", "must not be negative"),
        ("load=sleepy", "load must be one of"),
        ("model=K80", "model must be one of"),
        ("model=V100,mig=1", "has no MIG"),
        ("faults=melt:1", "fault must be NAME:GPU"),
        ("faults=lost", "fault must be NAME:GPU"),
        ("count=2,faults=lost:2", "beyond count=2"),
        ("colour=red", "unknown key"),
        ("count", "expected key=value"),
    ],
)
def test_bad_spec_names_the_problem(text, message):
    with pytest.raises(ValueError, match=message):
        parse_spec(text)


def test_default_seed_follows_the_dialled_address(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.9 50000 127.0.0.11 22")
    first = parse_spec("4").seed
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.9 50001 127.0.0.11 22")
    assert parse_spec("4").seed == first  # another client port, same node
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.9 50000 127.0.0.12 22")
    assert parse_spec("4").seed != first
    monkeypatch.delenv("SSH_CONNECTION")
    assert parse_spec("4").seed == default_seed()


def test_error_classes_map_like_pynvml():
    lost = nvml_sim.NVMLError(nvml_sim.NVML_ERROR_GPU_IS_LOST)
    assert type(lost) is nvml_sim.NVMLError_GpuIsLost
    assert lost.value == 15
    assert nvml_sim.NVMLError_NotSupported().value == nvml_sim.NVML_ERROR_NOT_SUPPORTED
    assert isinstance(nvml_sim.NVMLError_Timeout(), nvml_sim.NVMLError)
    assert type(nvml_sim.NVMLError(12345)) is nvml_sim.NVMLError


def _names_the_probe_uses():
    functions = set(re.findall(r'"(nvml[A-Z]\w+)"', PROBE_SOURCE))
    constants = set(re.findall(r"lib\.(NVML_\w+|nvmlEventType\w+)", PROBE_SOURCE))
    return functions, constants


def test_probe_surface_exists_in_pynvml_and_the_sim_with_equal_constants():
    functions, constants = _names_the_probe_uses()
    assert "nvmlDeviceGetHandleByIndex" in functions and "NVML_CLOCK_SM" in constants
    for name in functions:
        assert hasattr(pynvml, name), name
        if name not in FALLBACK_ONLY:
            assert hasattr(nvml_sim, name), name
    for name in constants | {n for n in vars(nvml_sim) if n.startswith("NVML_ERROR_")}:
        assert getattr(nvml_sim, name) == getattr(pynvml, name), name
    for name in (
        "NVMLError",
        "NVMLError_NotSupported",
        "NVMLError_GpuIsLost",
        "NVMLError_Timeout",
        "NVMLError_FunctionNotFound",
        "NVMLError_LibRmVersionMismatch",
        "NVMLError_NotFound",
    ):
        assert hasattr(nvml_sim, name) and hasattr(pynvml, name), name


def test_units_are_nvml_units(sim):
    lib = sim("count=1,load=busy,seed=1")
    h = lib.nvmlDeviceGetHandleByIndex(0)
    assert lib.nvmlDeviceGetName(h) == "NVIDIA H100 80GB HBM3"
    assert lib.nvmlDeviceGetMemoryInfo(h).total == 81559 * 1048576  # bytes
    assert lib.nvmlDeviceGetEnforcedPowerLimit(h) == 700_000  # milliwatts
    assert 90 <= lib.nvmlDeviceGetUtilizationRates(h).gpu <= 100
    assert lib.nvmlSystemGetCudaDriverVersion() == 12040


def test_calls_before_init_fail_like_nvml():
    nvml_sim.nvmlShutdown()
    with pytest.raises(nvml_sim.NVMLError_Uninitialized):
        nvml_sim.nvmlDeviceGetCount()


def test_lost_gpu_fails_every_device_call(sim):
    lib = sim("count=2,faults=lost:1")
    lost = lib.nvmlDeviceGetHandleByIndex(1)
    for call in (
        lib.nvmlDeviceGetName,
        lib.nvmlDeviceGetUtilizationRates,
        lib.nvmlDeviceGetMigMode,
        lib.nvmlDeviceGetComputeRunningProcesses,
        lib.nvmlDeviceGetPerformanceState,
    ):
        with pytest.raises(lib.NVMLError_GpuIsLost):
            call(lost)
    assert lib.nvmlDeviceGetName(lib.nvmlDeviceGetHandleByIndex(0))


def test_retirepending_is_a_pending_page_on_a_v100_and_a_pending_row_remap_on_an_h100(sim):
    lib = sim("count=2,model=V100,faults=retirepending:1")
    sbe = lib.NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS
    dbe = lib.NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR
    ok, bad = (lib.nvmlDeviceGetHandleByIndex(i) for i in (0, 1))
    assert lib.nvmlDeviceGetRetiredPagesPendingStatus(ok) == lib.NVML_FEATURE_DISABLED
    assert lib.nvmlDeviceGetRetiredPagesPendingStatus(bad) == lib.NVML_FEATURE_ENABLED
    assert (len(lib.nvmlDeviceGetRetiredPages(bad, sbe)),
            len(lib.nvmlDeviceGetRetiredPages(bad, dbe))) == (1, 0)
    with pytest.raises(lib.NVMLError_NotSupported):
        lib.nvmlDeviceGetRemappedRows(bad)  # a V100 retires pages, it remaps no rows
    lib.nvmlShutdown()
    lib = sim("count=2,model=H100,faults=retirepending:0")
    h = lib.nvmlDeviceGetHandleByIndex(0)
    assert lib.nvmlDeviceGetRemappedRows(h) == (1, 0, 1, 0)  # correctable, …, pending, failure
    with pytest.raises(lib.NVMLError_NotSupported):
        lib.nvmlDeviceGetRetiredPagesPendingStatus(h)


def test_xid79_is_delivered_once_through_the_event_set(sim):
    lib = sim("count=3,faults=xid79:2")
    events = lib.nvmlEventSetCreate()
    for i in range(3):
        lib.nvmlDeviceRegisterEvents(
            lib.nvmlDeviceGetHandleByIndex(i), lib.nvmlEventTypeXidCriticalError, events
        )
    event = lib.nvmlEventSetWait(events, 0)
    assert (lib.nvmlDeviceGetIndex(event.device), event.eventData) == (2, 79)
    with pytest.raises(lib.NVMLError_Timeout):
        lib.nvmlEventSetWait(events, 0)


def test_mig_devices_fill_some_slots(sim):
    lib = sim("count=1,mig=1,model=A100")
    h = lib.nvmlDeviceGetHandleByIndex(0)
    assert lib.nvmlDeviceGetMigMode(h) == [1, 1]
    assert lib.nvmlDeviceGetMaxMigDeviceCount(h) == 7
    names = [lib.nvmlDeviceGetName(lib.nvmlDeviceGetMigDeviceHandleByIndex(h, i)) for i in range(4)]
    assert names[0] == "NVIDIA A100-SXM4-80GB MIG 3g.40gb"
    with pytest.raises(lib.NVMLError_NotFound):
        lib.nvmlDeviceGetMigDeviceHandleByIndex(h, 4)
    with pytest.raises(lib.NVMLError_NotSupported):  # as on real GPUs in MIG mode
        lib.nvmlDeviceGetUtilizationRates(h)


def _utilisation(lib, spec, times):
    out = []
    for t in times:
        lib.configure(spec, clock=lambda t=t: t)
        lib.nvmlInit()
        h = lib.nvmlDeviceGetHandleByIndex(0)
        out.append(lib.nvmlDeviceGetUtilizationRates(h).gpu)
    return out


def test_load_shapes(sim):
    lib = sim("1")
    times = [1_700_000_000.0 + 10 * k for k in range(60)]  # ten minutes, one checkpoint
    assert set(_utilisation(lib, "count=1,load=idle,seed=3", times)) == {0}
    assert min(_utilisation(lib, "count=1,load=busy,seed=3", times)) >= 90
    training = _utilisation(lib, "count=1,load=training,seed=3", times)
    assert max(training) >= 90 and min(training) < 10
    mixed = _utilisation(lib, "count=1,load=mixed,seed=3", times)
    assert all(0 <= u <= 100 for u in mixed)


def test_same_seed_and_time_same_numbers_other_seed_other_numbers(sim):
    def snapshot(seed):
        lib = sim(f"count=8,seed={seed}")
        handles = [lib.nvmlDeviceGetHandleByIndex(i) for i in range(8)]
        return [(lib.nvmlDeviceGetUUID(h), lib.nvmlDeviceGetPowerUsage(h)) for h in handles]

    assert snapshot(1) == snapshot(1)
    assert snapshot(1) != snapshot(2)


def test_busy_gpus_have_processes(sim):
    lib = sim("count=1,load=busy")
    procs = lib.nvmlDeviceGetComputeRunningProcesses(lib.nvmlDeviceGetHandleByIndex(0))
    assert procs and all(p.user == "sim" and p.command == "python train.py" for p in procs)
    assert all(p.usedGpuMemory > 0 for p in procs)


def test_fault_windows_and_any_xid_code():
    spec = parse_spec("count=4,faults=hot:1@2-5;xid48:0@1;lost:3")
    assert spec.faults == {1: {"hot"}, 0: {"xid48"}, 3: {"lost"}}
    assert spec.faults_of(1, 1.9) == set() and spec.faults_of(1, 2.0) == {"hot"}
    assert spec.faults_of(1, 5.0) == set()
    assert spec.faults_of(0, 100.0) == {"xid48"} and spec.faults_of(3, 0.0) == {"lost"}
    with pytest.raises(ValueError, match="FROM-TO"):
        parse_spec("count=2,faults=hot:1@soon")
