"""Simulated NVML: the pynvml call surface the probe uses, backed by made-up GPUs.

This is the only hardware stand-in in the project. It is shipped to nodes together with probe.py,
so it must stay stdlib-only and run on Python 3.8. The probe uses it exactly like the pynvml module:
same function names, same error classes, same constants, same units (bytes, mW, MHz).

Devices follow a SPEC string (see parse_spec): a GPU count, a model, a load shape, MIG, a seed and
faults, each on one GPU and, optionally, only for a window of seconds after nvmlInit (so tests
drive an alert through firing and clearing over the real probe). Values are deterministic in
(seed, GPU index, time), so two nodes with different seeds
differ while a test with a fixed clock always sees the same numbers.
"""

from __future__ import annotations

import os
import socket
import time
import zlib

# --- constants the probe uses (values as in pynvml) ---------------------------------------------

NVML_SUCCESS = 0
NVML_ERROR_UNINITIALIZED = 1
NVML_ERROR_INVALID_ARGUMENT = 2
NVML_ERROR_NOT_SUPPORTED = 3
NVML_ERROR_NO_PERMISSION = 4
NVML_ERROR_NOT_FOUND = 6
NVML_ERROR_DRIVER_NOT_LOADED = 9
NVML_ERROR_TIMEOUT = 10
NVML_ERROR_LIBRARY_NOT_FOUND = 12
NVML_ERROR_FUNCTION_NOT_FOUND = 13
NVML_ERROR_GPU_IS_LOST = 15
NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18
NVML_ERROR_UNKNOWN = 999

NVML_TEMPERATURE_GPU = 0
NVML_CLOCK_GRAPHICS = 0
NVML_CLOCK_SM = 1
NVML_CLOCK_MEM = 2
NVML_MEMORY_ERROR_TYPE_CORRECTED = 0
NVML_MEMORY_ERROR_TYPE_UNCORRECTED = 1
NVML_VOLATILE_ECC = 0
NVML_AGGREGATE_ECC = 1
NVML_DEVICE_MIG_DISABLE = 0
NVML_DEVICE_MIG_ENABLE = 1
NVML_FI_DEV_MEMORY_TEMP = 82
NVML_VALUE_TYPE_DOUBLE = 0
NVML_VALUE_TYPE_UNSIGNED_INT = 1

nvmlEventTypeXidCriticalError = 0x0000000000000008

nvmlClocksEventReasonGpuIdle = 0x0000000000000001
nvmlClocksEventReasonApplicationsClocksSetting = 0x0000000000000002
nvmlClocksEventReasonSwPowerCap = 0x0000000000000004
nvmlClocksEventReasonHwSlowdown = 0x0000000000000008
nvmlClocksEventReasonSyncBoost = 0x0000000000000010
nvmlClocksEventReasonSwThermalSlowdown = 0x0000000000000020
nvmlClocksEventReasonHwThermalSlowdown = 0x0000000000000040
nvmlClocksEventReasonHwPowerBrakeSlowdown = 0x0000000000000080
nvmlClocksEventReasonDisplayClockSetting = 0x0000000000000100


# --- errors: same names and same value → subclass mapping as pynvml -----------------------------


_ERROR_CLASSES = {}  # error value → subclass, so NVMLError(value) raises the specific class


class NVMLError(Exception):
    def __new__(cls, value):
        if cls is NVMLError:
            cls = _ERROR_CLASSES.get(value, cls)
        obj = Exception.__new__(cls)
        obj.value = value
        return obj

    def __str__(self):
        return f"NVML simulated error {self.value}"


def _error_class(name, value):
    def new(cls, *args):
        return NVMLError.__new__(cls, value)

    cls = type(name, (NVMLError,), {"__new__": new})
    _ERROR_CLASSES[value] = cls
    return cls


NVMLError_Uninitialized = _error_class("NVMLError_Uninitialized", NVML_ERROR_UNINITIALIZED)
NVMLError_InvalidArgument = _error_class("NVMLError_InvalidArgument", NVML_ERROR_INVALID_ARGUMENT)
NVMLError_NotSupported = _error_class("NVMLError_NotSupported", NVML_ERROR_NOT_SUPPORTED)
NVMLError_NoPermission = _error_class("NVMLError_NoPermission", NVML_ERROR_NO_PERMISSION)
NVMLError_NotFound = _error_class("NVMLError_NotFound", NVML_ERROR_NOT_FOUND)
NVMLError_DriverNotLoaded = _error_class("NVMLError_DriverNotLoaded", NVML_ERROR_DRIVER_NOT_LOADED)
NVMLError_Timeout = _error_class("NVMLError_Timeout", NVML_ERROR_TIMEOUT)
NVMLError_LibraryNotFound = _error_class("NVMLError_LibraryNotFound", NVML_ERROR_LIBRARY_NOT_FOUND)
NVMLError_FunctionNotFound = _error_class(
    "NVMLError_FunctionNotFound", NVML_ERROR_FUNCTION_NOT_FOUND
)
NVMLError_GpuIsLost = _error_class("NVMLError_GpuIsLost", NVML_ERROR_GPU_IS_LOST)
NVMLError_LibRmVersionMismatch = _error_class(
    "NVMLError_LibRmVersionMismatch", NVML_ERROR_LIB_RM_VERSION_MISMATCH
)
NVMLError_Unknown = _error_class("NVMLError_Unknown", NVML_ERROR_UNKNOWN)


# --- SPEC ---------------------------------------------------------------------------------------

SPEC_ENV = "HANGANG_NVML_SIM"
LOADS = ("busy", "idle", "mixed", "training")
# lost: GPU_IS_LOST on every call; xidN: XID N once (at the window's start); ecc: uncorrected ECC
# errors and a pending row remap; remapfail: a failed row remap; throttle: hot and thermally
# slowed; hot: hot only; hotmem: hot memory; powerbrake: hardware power brake slowdown
FAULTS = ("lost", "xid79", "ecc", "throttle", "hot", "hotmem", "powerbrake", "remapfail")


class GpuModel:
    """What a simulated board reports that never changes."""

    def __init__(self, name, mem_mib, power_limit_w, max_sm_mhz, mem_mhz, mig_profiles):
        self.name = name
        self.mem_mib = mem_mib
        self.power_limit_w = power_limit_w
        self.max_sm_mhz = max_sm_mhz
        self.mem_mhz = mem_mhz
        self.mig_profiles = mig_profiles  # (profile, MiB) of the MIG devices made with mig=1


MODELS = {
    "H100": GpuModel(
        name="NVIDIA H100 80GB HBM3",
        mem_mib=81559,
        power_limit_w=700.0,
        max_sm_mhz=1980,
        mem_mhz=2619,
        mig_profiles=(("3g.40gb", 40448), ("2g.20gb", 20096), ("1g.10gb", 9856), ("1g.10gb", 9856)),
    ),
    "A100": GpuModel(
        name="NVIDIA A100-SXM4-80GB",
        mem_mib=81920,
        power_limit_w=400.0,
        max_sm_mhz=1410,
        mem_mhz=1593,
        mig_profiles=(("3g.40gb", 40192), ("2g.20gb", 19968), ("1g.10gb", 9728), ("1g.10gb", 9728)),
    ),
}


class SimSpec:
    """What to simulate; see parse_spec for the text form."""

    def __init__(self, count=8, model="H100", load="mixed", mig=False, seed=None, faults=None):
        self.count = count
        self.model = model
        self.load = load
        self.mig = mig
        self.seed = default_seed() if seed is None else seed
        self.faults = faults or {}  # GPU index → set of fault names
        self.windows = {}  # (GPU index, fault) → (from, to) seconds after nvmlInit

    def faults_of(self, index, elapsed=None):
        """The GPU's faults; with `elapsed` (seconds since nvmlInit) only those active then."""
        names = self.faults.get(index, frozenset())
        if elapsed is None:
            return names
        active = set()
        for name in names:
            start, end = self.windows.get((index, name), (0.0, float("inf")))
            if start <= elapsed < end:
                active.add(name)
        return active

    def __repr__(self):
        return (
            f"SimSpec(count={self.count}, model={self.model!r}, load={self.load!r}, "
            f"mig={self.mig}, seed={self.seed}, faults={self.faults!r})"
        )


def default_seed():
    """Differ per dialled address, so many simulated "nodes" behind one sshd differ."""
    parts = os.environ.get("SSH_CONNECTION", "").split()
    key = parts[2] if len(parts) >= 3 else socket.gethostname()
    return zlib.crc32(key.encode("utf-8", "replace"))


def parse_spec(text):
    """Parse "8" or "count=8,model=H100,load=busy,mig=1,seed=42,faults=lost:3;xid79:5".

    Raises ValueError with a message that names the bad part.
    """
    text = (text or "").strip()
    if not text:
        return SimSpec()
    if text.isdigit():
        return SimSpec(count=int(text))
    values = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise ValueError(f"sim spec: expected key=value, got {part!r}")
        values[key] = value
    spec = SimSpec(seed=_int_field(values, "seed", None))
    spec.count = _int_field(values, "count", 8)
    spec.model = values.get("model", "H100").upper()
    if spec.model not in MODELS:
        raise ValueError(f"sim spec: model must be one of {', '.join(MODELS)}")
    spec.load = values.get("load", "mixed").lower()
    if spec.load not in LOADS:
        raise ValueError(f"sim spec: load must be one of {'|'.join(LOADS)}")
    spec.mig = values.get("mig", "0") not in ("0", "", "false", "off", "no")
    spec.faults, spec.windows = _parse_faults(values.get("faults", ""), spec.count)
    unknown = set(values) - {"count", "model", "load", "mig", "seed", "faults"}
    if unknown:
        raise ValueError(f"sim spec: unknown key(s) {', '.join(sorted(unknown))}")
    return spec


def _int_field(values, key, default):
    if key not in values:
        return default
    try:
        number = int(values[key])
    except ValueError:
        raise ValueError(f"sim spec: {key} must be an integer, got {values[key]!r}") from None
    if number < 0:
        raise ValueError(f"sim spec: {key} must not be negative")
    return number


def _parse_faults(text, count):
    """Faults joined by ";": NAME:GPU, or NAME:GPU@FROM-TO (seconds after nvmlInit; TO may be
    left out for "from then on")."""
    faults, windows = {}, {}
    for item in filter(None, (s.strip() for s in text.split(";"))):
        fault, _, window = item.partition("@")
        name, sep, index = fault.partition(":")
        known = name in FAULTS or (name.startswith("xid") and name[3:].isdigit())
        if not known or not sep or not index.isdigit():
            names = "|".join(FAULTS)
            raise ValueError(
                f"sim spec: fault must be NAME:GPU[@FROM-TO] with NAME in {names} or xidN, "
                f"got {item!r}"
            )
        if int(index) >= count:
            raise ValueError(f"sim spec: fault {item!r} names a GPU beyond count={count}")
        faults.setdefault(int(index), set()).add(name)
        if window:
            start, _, end = window.partition("-")
            try:
                windows[(int(index), name)] = (float(start), float(end) if end else float("inf"))
            except ValueError:
                message = f"sim spec: fault window must be FROM-TO seconds, got {item!r}"
                raise ValueError(message) from None
    return faults, windows


# --- deterministic noise and load shapes --------------------------------------------------------


def _unit(*keys):
    """A number in [0, 1) fixed by keys; crc32 is stable across runs, unlike hash()."""
    return zlib.crc32(repr(keys).encode()) / 4294967296.0


def _load(spec, index, t):
    """Utilisation 0..100 of one GPU at time t."""
    second = int(t)
    jitter = _unit(spec.seed, index, second) * 6.0 - 3.0
    if spec.load == "idle":
        return 0.0
    if spec.load == "busy":
        return _clamp(95.0 + jitter, 0.0, 100.0)
    if spec.load == "training":
        # long jobs that stall for 30 s every ten minutes to write a checkpoint
        phase = (t + _unit(spec.seed, "phase") * 600.0) % 600.0
        return 4.0 + abs(jitter) if phase < 30.0 else _clamp(93.0 + jitter, 0.0, 100.0)
    # mixed: each GPU holds a job or not in 20-minute slots; jobs differ in intensity
    slot = second // 1200
    if _unit(spec.seed, index, slot, "busy") < 0.35:
        return 0.0
    return _clamp(40.0 + 60.0 * _unit(spec.seed, index, slot, "level") + jitter, 0.0, 100.0)


def _clamp(value, low, high):
    return max(low, min(high, value))


# --- devices ------------------------------------------------------------------------------------


class SimDevice:
    """A handle, as pynvml's nvmlDeviceGetHandleByIndex returns one."""

    def __init__(self, spec, index):
        self.spec = spec
        self.index = index
        self.model = MODELS[spec.model]
        self.name, self.mem_total_mib = self.model.name, self.model.mem_mib  # as MIG devices have
        self.uuid = _uuid("GPU", spec.seed, index)
        self.mig = spec.mig
        profiles = self.model.mig_profiles if self.mig else ()
        self.mig_devices = [
            SimMigDevice(self, slot, profile, mib) for slot, (profile, mib) in enumerate(profiles)
        ]

    @property
    def faults(self):
        """The faults active now (a fault with a window comes and goes)."""
        return self.spec.faults_of(self.index, _clock() - _started)

    def state(self):
        """Everything that moves, computed once per (device, second) so fields agree."""
        now = _clock()
        second = int(now)
        cached = _state_cache.get(self.index)
        if cached is not None and cached[0] == second:
            return cached[1]
        util = _load(self.spec, self.index, now)
        busy = util > 1.0
        faults = self.faults
        hot = "throttle" in faults or "hot" in faults
        temp = 94.0 if hot else 32.0 + util * 0.38 + _unit(self.spec.seed, self.index) * 4
        state = {
            "util": util,
            "util_mem": util * 0.6,
            "mem_used_mib": (0.88 if busy else 0.006) * self.mem_total_mib,
            "temp": temp,
            "temp_mem": 99.0 if "hotmem" in faults else temp + 6.0,
            "power_w": 70.0 + (self.model.power_limit_w - 70.0) * util / 100.0 * 0.92,
            "sm_mhz": (self.model.max_sm_mhz * (0.55 if "throttle" in faults else 1.0))
            if busy
            else 345,
            "pstate": 0 if busy else 8,
            "processes": _processes(self, now) if busy else [],
        }
        _state_cache[self.index] = (second, state)
        return state


class SimMigDevice:
    def __init__(self, parent, slot, profile, mem_total_mib):
        self.parent = parent
        self.slot = slot
        self.name = f"{parent.name} MIG {profile}"
        self.uuid = _uuid("MIG", parent.spec.seed, (parent.index, slot))
        self.mem_total_mib = mem_total_mib

    @property
    def faults(self):
        return self.parent.faults


class SimProcess:
    """Like pynvml's friendly process object, plus user and command for pids that do not exist."""

    def __init__(self, pid, used_bytes, user, command):
        self.pid = pid
        self.usedGpuMemory = used_bytes
        self.gpuInstanceId = 0xFFFFFFFF
        self.computeInstanceId = 0xFFFFFFFF
        self.user = user
        self.command = command


def _processes(device, now):
    # pids above Linux's pid_max (4194304) so /proc never holds a real process with that number
    slot = int(now) // 1200
    count = 1 + int(_unit(device.spec.seed, device.index, slot, "procs") * 2)
    used = int(device.mem_total_mib * 0.88 / count) * 1048576
    return [
        SimProcess(90000000 + device.index * 100 + k, used, "sim", "python train.py")
        for k in range(count)
    ]


def _uuid(prefix, seed, key):
    d = "".join(f"{zlib.crc32(repr((prefix, seed, key, part)).encode()):08x}" for part in range(4))
    return f"{prefix}-{d[0:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:32]}"


class _Struct:
    """Attribute bag standing in for pynvml's ctypes structures."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


# --- module state (pynvml keeps module-level state too) -----------------------------------------

_spec = None
_devices = []
_initialised = False
_state_cache = {}
_clock = time.time
_started = 0.0  # when nvmlInit ran, by _clock: fault windows count from here


def configure(spec=None, clock=None):
    """Choose what to simulate before nvmlInit: a SimSpec, SPEC text, or None for the env var."""
    global _spec, _clock
    if spec is None:
        spec = os.environ.get(SPEC_ENV, "8")
    _spec = parse_spec(spec) if isinstance(spec, str) else spec
    _clock = clock or time.time
    _state_cache.clear()


def nvmlInit():
    global _devices, _initialised, _started
    if _spec is None:
        configure()
    _started = _clock()
    _devices = [SimDevice(_spec, i) for i in range(_spec.count)]
    _state_cache.clear()
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
    return _Struct(busId=f"00000000:{0x18 + device.index * 0x10:02X}:00.0")


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
    return _Struct(total=total, used=used, free=total - used)


def nvmlDeviceGetUtilizationRates(handle):
    device = _parent(handle)
    if device.mig:
        raise NVMLError(NVML_ERROR_NOT_SUPPORTED)  # as on real GPUs in MIG mode
    state = device.state()
    return _Struct(gpu=int(state["util"]), memory=int(state["util_mem"]))


def nvmlDeviceGetTemperature(handle, sensor):
    return int(_parent(handle).state()["temp"])


def nvmlDeviceGetFieldValues(handle, fieldIds):
    device = _parent(handle)
    values = []
    for field_id in fieldIds:
        if field_id == NVML_FI_DEV_MEMORY_TEMP:
            temp = device.state()["temp_mem"]
            values.append(
                _Struct(
                    fieldId=field_id,
                    nvmlReturn=NVML_SUCCESS,
                    valueType=NVML_VALUE_TYPE_UNSIGNED_INT,
                    value=_Struct(uiVal=int(temp)),
                )
            )
        else:
            values.append(
                _Struct(
                    fieldId=field_id,
                    nvmlReturn=NVML_ERROR_NOT_SUPPORTED,
                    valueType=NVML_VALUE_TYPE_UNSIGNED_INT,
                    value=_Struct(uiVal=0),
                )
            )
    return values


def nvmlDeviceGetPowerUsage(handle):
    return int(_parent(handle).state()["power_w"] * 1000)


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
    device = _parent(handle)
    if "ecc" not in device.faults or errorType != NVML_MEMORY_ERROR_TYPE_UNCORRECTED:
        return 0
    return 2 if counterType == NVML_VOLATILE_ECC else 5


def nvmlDeviceGetRemappedRows(device):
    device = _parent(device)
    faults = device.faults
    failure = 1 if "remapfail" in faults else 0
    if "ecc" in faults:
        return (1, 2, 1, failure)  # correctable, uncorrectable, pending, failure
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


class SimEventSet:
    def __init__(self):
        self.pending = []
        self.devices = []  # registered for XIDs
        self.delivered = set()  # (GPU index, fault): an XID fault sends its event once


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
        for name in sorted(device.spec.faults_of(device.index, _clock() - _started)):
            key = (device.index, name)
            if name.startswith("xid") and key not in eventSet.delivered:
                eventSet.delivered.add(key)
                eventSet.pending.append(
                    _Struct(
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
