"""The pynvml functions the probe calls, over the simulated devices and the module state."""

from __future__ import annotations

import os
import time

from .constants import (
    NVML_CLOCK_MEM,
    NVML_DEVICE_MIG_DISABLE,
    NVML_DEVICE_MIG_ENABLE,
    NVML_ERROR_GPU_IS_LOST,
    NVML_ERROR_INVALID_ARGUMENT,
    NVML_ERROR_NOT_FOUND,
    NVML_ERROR_NOT_SUPPORTED,
    NVML_ERROR_TIMEOUT,
    NVML_ERROR_UNINITIALIZED,
    NVML_FEATURE_DISABLED,
    NVML_FEATURE_ENABLED,
    NVML_FI_DEV_MEMORY_TEMP,
    NVML_MEMORY_ERROR_TYPE_UNCORRECTED,
    NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS,
    NVML_SUCCESS,
    NVML_VALUE_TYPE_UNSIGNED_INT,
    NVML_VOLATILE_ECC,
    nvmlClocksEventReasonGpuIdle,
    nvmlClocksEventReasonHwPowerBrakeSlowdown,
    nvmlClocksEventReasonHwThermalSlowdown,
    nvmlClocksEventReasonSwThermalSlowdown,
    nvmlEventTypeXidCriticalError,
)
from .devices import SimDevice, SimEventSet, SimMigDevice, Struct, Timeline
from .errors import NVMLError
from .spec import SPEC_ENV, parse_spec

# --- module state (pynvml keeps module-level state too) -----------------------------------------

_spec = None
_devices = []
_initialised = False
_timeline = Timeline()


def configure(spec=None, clock=None):
    """Choose what to simulate before nvmlInit: a SimSpec, SPEC text, or None for the env var."""
    global _spec
    if spec is None:
        spec = os.environ.get(SPEC_ENV, "8")
    _spec = parse_spec(spec) if isinstance(spec, str) else spec
    _timeline.clock = clock or time.time
    _timeline.states.clear()


def nvmlInit():
    global _devices, _initialised
    if _spec is None:
        configure()
    _timeline.started = _timeline.clock()
    _devices = [SimDevice(_spec, i, _timeline) for i in range(_spec.count)]
    _timeline.states.clear()
    _initialised = True


def nvmlShutdown():
    global _initialised
    _initialised = False


def _check_init():
    if not _initialised:
        raise NVMLError(NVML_ERROR_UNINITIALIZED)


def _alive(handle):
    """Every call on a lost GPU (or one of its MIG devices) fails like real NVML does."""
    _check_init()
    if "lost" in handle.faults:
        raise NVMLError(NVML_ERROR_GPU_IS_LOST)
    return handle


def _parent(handle):
    if isinstance(handle, SimMigDevice):
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
    return _alive(handle)


def nvmlSystemGetDriverVersion():
    _check_init()
    return "550.54.15"


def nvmlSystemGetCudaDriverVersion():
    _check_init()
    return 12040


def nvmlDeviceGetCount():
    _check_init()
    return len(_devices)


def nvmlDeviceGetHandleByIndex(index):
    _check_init()
    if not 0 <= index < len(_devices):
        raise NVMLError(NVML_ERROR_INVALID_ARGUMENT)
    return _devices[index]


def nvmlDeviceGetIndex(handle):
    return _parent(handle).index


def nvmlDeviceGetName(handle):
    return _alive(handle).name


def nvmlDeviceGetUUID(handle):
    return _alive(handle).uuid


def nvmlDeviceGetPciInfo(handle):
    device = _parent(handle)
    return Struct(busId=f"00000000:{0x18 + device.index * 0x10:02X}:00.0")


def nvmlDeviceGetMemoryInfo(handle, version=None):
    handle = _alive(handle)
    total = handle.mem_total_mib * 1048576
    if isinstance(handle, SimMigDevice):
        used = (
            int(
                handle.parent.state()["mem_used_mib"]
                * handle.mem_total_mib
                / handle.parent.mem_total_mib
            )
            * 1048576
        )
    else:
        used = int(handle.state()["mem_used_mib"]) * 1048576
    return Struct(total=total, used=used, free=total - used)


def nvmlDeviceGetUtilizationRates(handle):
    device = _parent(handle)
    if device.mig:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)  # as on real GPUs in MIG mode
    state = device.state()
    return Struct(gpu=int(state["util"]), memory=int(state["util_mem"]))


def nvmlDeviceGetTemperature(handle, sensor):
    return int(_parent(handle).state()["temp"])


def nvmlDeviceGetFieldValues(handle, fieldIds):
    device = _parent(handle)
    values = []
    for field_id in fieldIds:
        if field_id == NVML_FI_DEV_MEMORY_TEMP:
            temp = device.state()["temp_mem"]
            values.append(
                Struct(
                    fieldId=field_id,
                    nvmlReturn=NVML_SUCCESS,
                    valueType=NVML_VALUE_TYPE_UNSIGNED_INT,
                    value=Struct(uiVal=int(temp)),
                )
            )
        else:
            values.append(
                Struct(
                    fieldId=field_id,
                    nvmlReturn=NVML_ERROR_NOT_SUPPORTED,
                    valueType=NVML_VALUE_TYPE_UNSIGNED_INT,
                    value=Struct(uiVal=0),
                )
            )
    return values


def nvmlDeviceGetPowerUsage(handle):
    return int(_parent(handle).state()["power_w"] * 1000)


def nvmlDeviceGetTotalEnergyConsumption(handle):
    """mJ since the driver loaded (an unsigned long long in NVML)."""
    device = _parent(handle)
    if not device.spec.energy:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
    return int(device.energy_j() * 1000)


def nvmlDeviceGetGpuInstanceId(handle):
    """The GPU instance of a MIG device handle; a whole GPU's handle is not in one."""
    _alive(handle)
    if not isinstance(handle, SimMigDevice):
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
    return handle.gpu_instance_id


def nvmlDeviceGetEnforcedPowerLimit(handle):
    return int(_parent(handle).model.power_limit_w * 1000)


def nvmlDeviceGetClockInfo(handle, type):
    device = _parent(handle)
    if type == NVML_CLOCK_MEM:
        return device.model.mem_mhz
    return int(device.state()["sm_mhz"])


def nvmlDeviceGetPerformanceState(handle):
    return _parent(handle).state()["pstate"]


def nvmlDeviceGetFanSpeed(handle):
    _parent(handle)
    raise NVMLError(NVML_ERROR_NOT_SUPPORTED)  # SXM boards have no fan of their own


def nvmlDeviceGetTotalEccErrors(handle, errorType, counterType):
    """ecc fault: 2 (volatile) and 5 (aggregate) uncorrected, 7 and 19 corrected errors."""
    device = _parent(handle)
    if "ecc" not in device.faults:
        return 0
    if errorType == NVML_MEMORY_ERROR_TYPE_UNCORRECTED:
        return 2 if counterType == NVML_VOLATILE_ECC else 5
    return 7 if counterType == NVML_VOLATILE_ECC else 19


def nvmlDeviceGetRetiredPages(device, sourceFilter):
    """Addresses of retired pages of one cause (ecc fault: 3 for single-bit, 1 for double-bit);
    NOT_SUPPORTED on boards that remap rows instead (Ampere and newer), as NVML says."""
    device = _parent(device)
    if not device.model.pages:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
    if "retirepending" in device.faults and "ecc" not in device.faults:
        single = sourceFilter == NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS
        return [0x1000 + sourceFilter] if single else []
    if "ecc" not in device.faults:
        return []
    count = 3 if sourceFilter == NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS else 1
    return [0x1000 * (k + 1) + sourceFilter for k in range(count)]


def nvmlDeviceGetRetiredPagesPendingStatus(device):
    device = _parent(device)
    if not device.model.pages:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
    pending = not device.faults.isdisjoint(("ecc", "retirepending"))
    return NVML_FEATURE_ENABLED if pending else NVML_FEATURE_DISABLED


def nvmlDeviceGetRemappedRows(device):
    device = _parent(device)
    if device.model.pages:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
    faults = device.faults
    failure = 1 if "remapfail" in faults else 0
    if "ecc" in faults:
        return (1, 2, 1, failure)  # correctable, uncorrectable, pending, failure
    if "retirepending" in faults:
        return (1, 0, 1, failure)
    return (0, 0, 0, failure)


def nvmlDeviceGetCurrentClocksEventReasons(handle):
    device = _parent(handle)
    faults = device.faults
    if "throttle" in faults:
        return nvmlClocksEventReasonSwThermalSlowdown | nvmlClocksEventReasonHwThermalSlowdown
    if "powerbrake" in faults:
        return nvmlClocksEventReasonHwPowerBrakeSlowdown
    if device.state()["util"] <= 1.0:
        return nvmlClocksEventReasonGpuIdle
    return 0


def nvmlDeviceGetMigMode(device):
    device = _parent(device)
    if not device.model.mig_profiles:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)
    mode = NVML_DEVICE_MIG_ENABLE if device.mig else NVML_DEVICE_MIG_DISABLE
    return [mode, mode]


def nvmlDeviceGetMaxMigDeviceCount(device):
    device = _parent(device)
    return 7 if device.mig else 0


def nvmlDeviceGetMigDeviceHandleByIndex(device, index):
    device = _parent(device)
    if not device.mig or index >= len(device.mig_devices):
        raise NVMLError(NVML_ERROR_NOT_FOUND)  # empty MIG slot
    return device.mig_devices[index]


def nvmlDeviceGetComputeRunningProcesses(handle):
    return list(_parent(handle).state()["processes"])


def nvmlDeviceGetGraphicsRunningProcesses(handle):
    _parent(handle)
    return []


def nvmlEventSetCreate():
    _check_init()
    return SimEventSet()


def nvmlDeviceRegisterEvents(handle, eventTypes, eventSet):
    device = _parent(handle)
    if eventTypes & nvmlEventTypeXidCriticalError:
        eventSet.devices.append(device)


def _xid_events(eventSet):
    """An xidN fault sends XID N once, on the first wait in its window (e.g. 79: "GPU has fallen
    off the bus")."""
    for device in eventSet.devices:
        for name in sorted(device.spec.faults_of(device.index, _timeline.elapsed())):
            key = (device.index, name)
            if name.startswith("xid") and key not in eventSet.delivered:
                eventSet.delivered.add(key)
                eventSet.pending.append(
                    Struct(
                        device=device,
                        eventType=nvmlEventTypeXidCriticalError,
                        eventData=int(name[3:]),
                        gpuInstanceId=0xFFFFFFFF,
                        computeInstanceId=0xFFFFFFFF,
                    )
                )


def nvmlEventSetWait(eventSet, timeoutms):
    _check_init()
    _xid_events(eventSet)
    if not eventSet.pending:
        raise NVMLError(NVML_ERROR_TIMEOUT)
    return eventSet.pending.pop(0)


def nvmlEventSetFree(eventSet):
    eventSet.pending = []
