"""The NVML funnel against a library that misbehaves, and NVML that fails to start."""

from __future__ import annotations

import sys
import types

from console.telemetry import nvml_sim
from console.telemetry.probe import sources
from console.telemetry.probe.funnel import Funnel
from console.telemetry.probe.nvml_gpus import CLOCK_EVENT_REASONS


def fake_lib(**functions):
    lib = types.SimpleNamespace(
        **{k: v for k, v in vars(nvml_sim).items() if k.isupper() or k.startswith("NVMLError")}
    )
    vars(lib).update(functions)
    return lib


def test_funnel_falls_back_to_the_older_name_when_the_driver_lacks_the_newer():
    def missing(h):
        raise nvml_sim.NVMLError_FunctionNotFound()

    lib = fake_lib(
        nvmlDeviceGetCurrentClocksEventReasons=missing,
        nvmlDeviceGetCurrentClocksThrottleReasons=lambda h: 0x4,
    )
    funnel = Funnel(lib)
    assert funnel.call(0, "clock_event_reasons", CLOCK_EVENT_REASONS, "h") == 0x4
    assert funnel.call(1, "clock_event_reasons", CLOCK_EVENT_REASONS, "h") == 0x4
    assert funnel.missing == {"nvmlDeviceGetCurrentClocksEventReasons"}
    assert funnel.errors == []


def test_funnel_turns_any_failure_into_none_and_an_entry():
    def mismatch():
        raise nvml_sim.NVMLError(nvml_sim.NVML_ERROR_LIB_RM_VERSION_MISMATCH)

    def broken(h):
        raise RuntimeError("ctypes trouble")

    funnel = Funnel(fake_lib(nvmlSystemGetDriverVersion=mismatch, nvmlDeviceGetName=broken))
    assert funnel.call(None, "driver", "nvmlSystemGetDriverVersion") is None
    assert funnel.call(0, "name", "nvmlDeviceGetName", "h") is None
    assert funnel.call(0, "uuid", "nvmlDeviceGetUUID", "h") is None  # not in this library
    assert funnel.take_errors() == [
        {"gpu": None, "field": "driver", "error": "NVML_ERROR_LIB_RM_VERSION_MISMATCH"},
        {"gpu": 0, "field": "name", "error": "RuntimeError: ctypes trouble"},
        {"gpu": 0, "field": "uuid", "error": "NVML_ERROR_FUNCTION_NOT_FOUND"},
    ]
    # a version mismatch may be fixed by a driver reload: asked again, reported again
    assert funnel.call(None, "driver", "nvmlSystemGetDriverVersion") is None
    assert len(funnel.take_errors()) == 1


def test_nvml_that_fails_to_start_is_named_before_falling_back(monkeypatch, tmp_path):
    def no_driver():
        raise nvml_sim.NVMLError(nvml_sim.NVML_ERROR_DRIVER_NOT_LOADED)

    broken = types.ModuleType("pynvml")
    vars(broken).update(vars(fake_lib(nvmlInit=no_driver)))
    monkeypatch.setitem(sys.modules, "pynvml", broken)
    monkeypatch.setenv("PATH", str(tmp_path))
    gpus, errors = sources.open_gpus()
    assert gpus.source == "none"
    assert errors == [
        {"gpu": None, "field": "nvml", "error": "NVML_ERROR_DRIVER_NOT_LOADED"},
        {"gpu": None, "field": "nvidia-smi", "error": "not found on PATH"},
    ]
