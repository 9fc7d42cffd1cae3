"""GPUs through NVML (pynvml or the simulated nvml_sim), every call through one Funnel.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import time

from .energy import PowerIntegrator, millijoules
from .fields import clock_event_names, empty_gpu
from .funnel import Funnel
from .procfs import ProcessNames

MIB = 1048576
MAX_PROCESSES = 64  # per GPU, largest memory first
MAX_XIDS = 64  # events drained per sample
MIG_REFRESH_S = 30.0  # MIG layouts change rarely; re-enumerate slots this often

COMPUTE_PROCESSES = (
    "nvmlDeviceGetComputeRunningProcesses",
    "nvmlDeviceGetComputeRunningProcesses_v2",
)
GRAPHICS_PROCESSES = (
    "nvmlDeviceGetGraphicsRunningProcesses",
    "nvmlDeviceGetGraphicsRunningProcesses_v2",
)
CLOCK_EVENT_REASONS = (
    "nvmlDeviceGetCurrentClocksEventReasons",
    "nvmlDeviceGetCurrentClocksThrottleReasons",  # drivers before 535
)
FIELD_VALUE_ATTRS = ("dVal", "uiVal", "ulVal", "ullVal", "sllVal", "siVal", "usVal")
PSTATE_UNKNOWN = 32
NO_INSTANCE = 0xFFFFFFFF  # NVML's "not in a MIG instance" (gpuInstanceId of a whole GPU)


def _text(value):
    """pynvml returns bytes from older versions, str from newer ones."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def cuda_version_text(version):
    """12040 → "12.4"."""
    if version is None:
        return None
    return f"{version // 1000}.{version % 1000 // 10}"


def _instance_id(value):
    """A MIG GPU instance id, or None: absent (older structs), NO_INSTANCE, or not a number."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < NO_INSTANCE:
        return None
    return value


def _mib(value):
    return None if value is None else int(value) // MIB


class NvmlGpus:
    """Reads every GPU through one Funnel; handles and static fields are cached."""

    def __init__(self, lib, source, funnel=None, interval=None, clock=time.monotonic):
        self.lib = lib
        self.source = source
        self.funnel = funnel or Funnel(lib)
        self.clock = clock  # for the power integral (monotonic: wall time may jump)
        self.integrator = PowerIntegrator(interval)
        f = self.funnel
        self.count = f.call(None, "gpus", "nvmlDeviceGetCount") or 0
        self.driver = _text(f.call(None, "driver", "nvmlSystemGetDriverVersion"))
        self.cuda = cuda_version_text(f.call(None, "cuda", "nvmlSystemGetCudaDriverVersion"))
        self.handles = {}
        self.static = {}  # index → static fields read so far
        self.mig_mode = {}
        self.mig_slots = {}  # index → (refresh at, [(slot, handle, uuid, name)])
        self.names = ProcessNames()
        self.event_set = self._register_xid()

    # -- per sample --

    def sample(self, now):
        self.funnel.start_sample()
        gpus = [self._gpu(i, now) for i in range(self.count)]
        self.names.forget_others()
        return gpus, self._drain_xid(now)

    def take_errors(self):
        return self.funnel.take_errors()

    def close(self):
        try:
            if self.event_set is not None:
                self.lib.nvmlEventSetFree(self.event_set)
            self.lib.nvmlShutdown()
        except Exception:  # shutting down: nothing left to report to
            pass

    def _gpu(self, i, now):
        f, lib = self.funnel, self.lib
        gpu = empty_gpu(i)
        h = self._handle(i)
        if h is not None:
            gpu.update(self._static(i, h))
            memory = f.call(i, "mem_used_mib", "nvmlDeviceGetMemoryInfo", h)
            if memory is not None:
                gpu["mem_used_mib"] = _mib(memory.used)
                gpu["mem_total_mib"] = _mib(memory.total)
            util = f.call(i, "util_gpu", "nvmlDeviceGetUtilizationRates", h)
            if util is not None:
                gpu["util_gpu"], gpu["util_mem"] = util.gpu, util.memory
            gpu["temp_c"] = f.call(
                i, "temp_c", "nvmlDeviceGetTemperature", h, lib.NVML_TEMPERATURE_GPU
            )
            gpu["temp_mem_c"] = f.call(i, "temp_mem_c", self._memory_temperature, h)
            power = f.call(i, "power_w", "nvmlDeviceGetPowerUsage", h)
            gpu["power_w"] = None if power is None else round(power / 1000.0, 2)
            self._energy(i, h, gpu, power)
            gpu["sm_clock_mhz"] = f.call(
                i, "sm_clock_mhz", "nvmlDeviceGetClockInfo", h, lib.NVML_CLOCK_SM
            )
            gpu["mem_clock_mhz"] = f.call(
                i, "mem_clock_mhz", "nvmlDeviceGetClockInfo", h, lib.NVML_CLOCK_MEM
            )
            pstate = f.call(i, "pstate", "nvmlDeviceGetPerformanceState", h)
            if pstate is not None and pstate != PSTATE_UNKNOWN:
                gpu["pstate"] = f"P{pstate}"
            gpu["fan_pct"] = f.call(i, "fan_pct", "nvmlDeviceGetFanSpeed", h)
            self._ecc(i, h, gpu)
            mask = f.call(i, "clock_event_reasons", CLOCK_EVENT_REASONS, h)
            gpu["clock_event_mask"] = mask
            gpu["clock_event_reasons"] = clock_event_names(mask)
            self._mig(i, h, gpu, now)
            gpu["processes"] = self._processes(i, h)
        gpu["lost"] = i in f.lost
        if gpu["lost"]:
            self.integrator.forget(i)  # no bridging the time it was gone
            # a lost GPU reports nothing measured, even values read before it fell off this time
            keep = ("index", "uuid", "name", "pci_bus_id", "lost")
            gpu = {key: (value if key in keep else None) for key, value in gpu.items()}
        return gpu

    def _handle(self, i):
        if i not in self.handles:
            h = self.funnel.call(i, "handle", "nvmlDeviceGetHandleByIndex", i)
            if h is None:
                return None
            self.handles[i] = h
        return self.handles[i]

    def _static(self, i, h):
        """Name, UUID, PCI address and power limit: read until they succeed, then cached."""
        static = self.static.setdefault(i, {})
        readers = (
            ("name", "nvmlDeviceGetName", _text),
            ("uuid", "nvmlDeviceGetUUID", _text),
            ("pci_bus_id", self._pci_bus_id, _text),
            ("power_limit_w", "nvmlDeviceGetEnforcedPowerLimit", lambda mw: round(mw / 1000.0, 2)),
        )
        for field, target, convert in readers:
            if field not in static:
                value = self.funnel.call(i, field, target, h)
                if value is not None:
                    static[field] = convert(value)
        return static

    def _energy(self, i, h, gpu, power_mw):
        """NVML's counter (mJ since the driver loaded); where the GPU has none, the probe's own
        integral of its power readings, marked estimated."""
        joules = self.integrator.add(i, self.clock(), None if power_mw is None else power_mw / 1e3)
        counter = self.funnel.call(i, "energy_mj", "nvmlDeviceGetTotalEnergyConsumption", h)
        if counter is not None:
            gpu["energy_mj"], gpu["energy_estimated"] = int(counter), False
        elif joules is not None and self.funnel.lacks(i, "energy_mj"):
            gpu["energy_mj"], gpu["energy_estimated"] = millijoules(joules), True

    def _pci_bus_id(self, h):
        return self.lib.nvmlDeviceGetPciInfo(h).busId

    def _memory_temperature(self, h):
        """HBM temperature exists only as a field value; its own return code says if supported."""
        value = self.lib.nvmlDeviceGetFieldValues(h, [self.lib.NVML_FI_DEV_MEMORY_TEMP])[0]
        if value.nvmlReturn != 0:
            raise self.lib.NVMLError(value.nvmlReturn)
        kind = value.valueType
        attr = FIELD_VALUE_ATTRS[kind] if 0 <= kind < len(FIELD_VALUE_ATTRS) else "uiVal"
        return getattr(value.value, attr)

    def _ecc(self, i, h, gpu):
        f, lib = self.funnel, self.lib
        kinds = (("uncorrected", lib.NVML_MEMORY_ERROR_TYPE_UNCORRECTED),
                 ("corrected", getattr(lib, "NVML_MEMORY_ERROR_TYPE_CORRECTED", 0)))
        counters = (("volatile", lib.NVML_VOLATILE_ECC), ("aggregate", lib.NVML_AGGREGATE_ECC))
        for kind, error_type in kinds:  # corrected = single-bit (SBE), uncorrected = DBE
            for counter, counter_type in counters:
                field = f"ecc_{kind}_{counter}"
                gpu[field] = f.call(i, field, "nvmlDeviceGetTotalEccErrors", h, error_type,
                                    counter_type)
        self._retired_pages(i, h, gpu)
        rows = f.call(i, "remapped_rows", "nvmlDeviceGetRemappedRows", h)
        if rows is not None:
            gpu["remapped_rows"] = {
                "correctable": rows[0],
                "uncorrectable": rows[1],
                "pending": bool(rows[2]),
                "failure": bool(rows[3]),
            }

    def _retired_pages(self, i, h, gpu):
        """Pages retired for single-bit and double-bit errors and whether one waits for a
        reboot: Volta and older; Ampere and newer remap rows and answer NOT_SUPPORTED (the
        funnel remembers, so it is asked once)."""
        f, lib = self.funnel, self.lib
        cause = "NVML_PAGE_RETIREMENT_CAUSE_"
        causes = (("sbe", getattr(lib, cause + "MULTIPLE_SINGLE_BIT_ECC_ERRORS", 0)),
                  ("dbe", getattr(lib, cause + "DOUBLE_BIT_ECC_ERROR", 1)))
        pages = {}
        for key, source in causes:
            found = f.call(i, "retired_pages." + key, "nvmlDeviceGetRetiredPages", h, source)
            pages[key] = None if found is None else len(found)
        pending = f.call(i, "retired_pages.pending", "nvmlDeviceGetRetiredPagesPendingStatus", h)
        pages["pending"] = None if pending is None else bool(pending)
        if any(v is not None for v in pages.values()):
            gpu["retired_pages"] = pages

    def _mig(self, i, h, gpu, now):
        f = self.funnel
        mode = f.call(i, "mig_mode", "nvmlDeviceGetMigMode", h)
        enabled = None if mode is None else bool(mode[0])
        if i in self.mig_mode and enabled is not None and enabled != self.mig_mode[i]:
            f.forget_unsupported(i)
            self.mig_slots.pop(i, None)
        if enabled is not None:
            self.mig_mode[i] = enabled
        gpu["mig_mode"] = enabled
        if not enabled:
            gpu["mig_devices"] = [] if enabled is False else None
            return
        devices = []
        for slot, mig, uuid, name, instance in self._mig_slots(i, h, now):
            memory = f.call(i, "mig_memory", "nvmlDeviceGetMemoryInfo", mig)
            devices.append(
                {
                    "index": slot,
                    "uuid": uuid,
                    "name": name,
                    "mem_used_mib": None if memory is None else _mib(memory.used),
                    "mem_total_mib": None if memory is None else _mib(memory.total),
                    "gpu_instance_id": instance,
                }
            )
        gpu["mig_devices"] = devices

    def _mig_slots(self, i, h, now):
        cached = self.mig_slots.get(i)
        if cached is not None and now < cached[0]:
            return cached[1]
        f = self.funnel
        slots = []
        count = f.call(i, "mig_devices", "nvmlDeviceGetMaxMigDeviceCount", h) or 0
        for slot in range(count):
            empty_slot = ("NVML_ERROR_NOT_FOUND",)
            mig = f.call(
                i, "mig_devices", "nvmlDeviceGetMigDeviceHandleByIndex", h, slot, quiet=empty_slot
            )
            if mig is not None:
                uuid = _text(f.call(i, "mig_uuid", "nvmlDeviceGetUUID", mig))
                name = _text(f.call(i, "mig_name", "nvmlDeviceGetName", mig))
                instance = f.call(i, "mig_gpu_instance_id", "nvmlDeviceGetGpuInstanceId", mig)
                slots.append((slot, mig, uuid, name, _instance_id(instance)))
        self.mig_slots[i] = (now + MIG_REFRESH_S, slots)
        return slots

    def _processes(self, i, h):
        f = self.funnel
        compute = f.call(i, "processes", COMPUTE_PROCESSES, h)
        graphics = f.call(i, "processes_graphics", GRAPHICS_PROCESSES, h)
        if compute is None and graphics is None:
            return None
        merged = {}
        for proc in (compute or []) + (graphics or []):
            if proc.pid in merged:
                continue
            user, command, job = self.names.describe(proc.pid, proc)
            used = getattr(proc, "usedGpuMemory", None)
            merged[proc.pid] = {
                "pid": proc.pid,
                "user": user,
                "used_mib": _mib(used),
                "command": command,
                "gpu_instance_id": _instance_id(getattr(proc, "gpuInstanceId", None)),
                "job": job,
            }
        processes = sorted(merged.values(), key=lambda p: -(p["used_mib"] or 0))
        return processes[:MAX_PROCESSES]

    # -- XID events --

    def _register_xid(self):
        f, lib = self.funnel, self.lib
        if self.count == 0:
            return None
        event_set = f.call(None, "xid", "nvmlEventSetCreate")
        if event_set is None:
            return None
        registered = 0
        for i in range(self.count):
            h = self._handle(i)
            if h is None:
                continue
            errors_before = len(f.errors)  # registering returns None whether or not it worked
            f.call(
                i,
                "xid",
                "nvmlDeviceRegisterEvents",
                h,
                lib.nvmlEventTypeXidCriticalError,
                event_set,
            )
            registered += len(f.errors) == errors_before
        if not registered:
            f.call(None, "xid", "nvmlEventSetFree", event_set)
            return None
        return event_set

    def _drain_xid(self, now):
        if self.event_set is None:
            return []
        f, lib = self.funnel, self.lib
        events = []
        for _ in range(MAX_XIDS):
            nothing_waiting = ("NVML_ERROR_TIMEOUT",)
            data = f.call(None, "xid", "nvmlEventSetWait", self.event_set, 0, quiet=nothing_waiting)
            if data is None:
                break
            if data.eventType & lib.nvmlEventTypeXidCriticalError:
                gpu = f.call(None, "xid", "nvmlDeviceGetIndex", data.device)
                events.append({"gpu": gpu, "xid": int(data.eventData), "t": round(now, 3)})
        return events
