#!/usr/bin/env python3
"""Hangang probe: runs ON A NODE and prints one JSON line per sample (docs/protocol.md).

The console sends this file over SSH (`python3 -u - --stream 2` with the source on stdin), so it
must run alone on Python >= 3.8 with the standard library only; pynvml and psutil are used when
importable. It never imports the console package. The console imports it too, for the nvidia-smi
CSV parser and the /proc readers, so importing it must stay cheap and free of side effects.

    python3 probe.py --once [--sim 8]
    python3 probe.py --stream 2 [--mounts /,/scratch] [--max-seconds 21600]

GPU data comes from NVML (pynvml), from the simulated NVML (nvml_sim, with --sim or the
HANGANG_NVML_SIM environment variable), or, when NVML cannot be loaded, from one long-running
`nvidia-smi --query-gpu ... --format=csv -lms N`. Every NVML call goes through Funnel.call, which
turns errors into null fields plus one entry in the line's "errors", so one broken GPU never costs
the node its line.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

PROTOCOL_VERSION = 1
SIM_ENV = "HANGANG_NVML_SIM"
DEFAULT_MAX_SECONDS = 21600.0  # a forgotten probe stops by itself after six hours
FIRST_WINDOW_S = 0.1  # CPU % and network rates need two readings: the first line waits this long
PARENT_CHECK_S = 1.0  # how often a long sleep wakes to see whether the parent is gone
MIB = 1048576

MAX_ERRORS = 100  # per line; the console rejects lines over 1 MiB
MAX_PROCESSES = 64  # per GPU, largest memory first
MAX_XIDS = 64  # events drained per sample
COMMAND_CHARS = 200
MIG_REFRESH_S = 30.0  # MIG layouts change rarely; re-enumerate slots this often

GPU_FIELDS = (
    "index", "uuid", "name", "pci_bus_id", "util_gpu", "util_mem", "mem_used_mib",
    "mem_total_mib", "temp_c", "temp_mem_c", "power_w", "power_limit_w", "sm_clock_mhz",
    "mem_clock_mhz", "pstate", "fan_pct", "ecc_uncorrected_volatile",
    "ecc_uncorrected_aggregate", "remapped_rows", "clock_event_reasons", "clock_event_mask",
    "mig_mode", "mig_devices", "processes", "lost",
)  # fmt: skip
NODE_FIELDS = (
    "hostname", "kernel", "driver", "cuda", "cpu_pct", "load1", "load5", "load15",
    "mem_used_bytes", "mem_total_bytes", "swap_used_bytes", "swap_total_bytes", "disks",
    "net_rx_bps", "net_tx_bps", "uptime_s",
)  # fmt: skip

# NVML clock event reason bits (nvmlClocksEventReason*), in bit order
CLOCK_EVENT_BITS = (
    (0x001, "gpu_idle"),
    (0x002, "applications_clocks_setting"),
    (0x004, "sw_power_cap"),
    (0x008, "hw_slowdown"),
    (0x010, "sync_boost"),
    (0x020, "sw_thermal_slowdown"),
    (0x040, "hw_thermal_slowdown"),
    (0x080, "hw_power_brake_slowdown"),
    (0x100, "display_clock_setting"),
)


def empty_gpu(index):
    gpu = dict.fromkeys(GPU_FIELDS)
    gpu["index"] = index
    gpu["lost"] = False
    return gpu


def clock_event_names(mask):
    """Names of the set bits of an NVML clock event mask; unknown bits are left out."""
    if mask is None:
        return None
    return [name for bit, name in CLOCK_EVENT_BITS if mask & bit]


def error_entry(gpu, field, error):
    return {"gpu": gpu, "field": field, "error": str(error)[:300]}


# ===== /proc readers: pure functions over the file text, so real captures can test them ========


def parse_proc_stat(text):
    """(busy, total) jiffies of all CPUs from /proc/stat; None if the "cpu" line is missing."""
    for line in text.splitlines():
        if line.startswith("cpu "):
            values = [int(v) for v in line.split()[1:9]]  # guest time is already in user
            total = sum(values)
            idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
            return total - idle, total
    return None


def cpu_percent(previous, current):
    """CPU busy % between two parse_proc_stat readings."""
    if previous is None or current is None:
        return None
    busy = max(0, current[0] - previous[0])
    # iowait (part of idle) may go backwards (proc(5)): never let it make idle time negative
    idle = max(0, (current[1] - current[0]) - (previous[1] - previous[0]))
    if busy + idle <= 0:
        return None
    return round(100.0 * busy / (busy + idle), 1)


def parse_meminfo(text):
    """/proc/meminfo as {name: bytes}."""
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            scale = 1024 if len(parts) > 1 and parts[1] == "kB" else 1
            values[name.strip()] = int(parts[0]) * scale
    return values


def memory_from_meminfo(info):
    """(mem_used, mem_total, swap_used, swap_total) bytes; used = total - available."""
    total = info.get("MemTotal")
    available = info.get("MemAvailable")
    if available is None and "MemFree" in info:  # kernels before 3.14 lack MemAvailable
        available = info["MemFree"] + info.get("Buffers", 0) + info.get("Cached", 0)
    used = total - available if total is not None and available is not None else None
    swap_total = info.get("SwapTotal")
    swap_free = info.get("SwapFree")
    swap_used = swap_total - swap_free if swap_total is not None and swap_free is not None else None
    return used, total, swap_used, swap_total


def parse_loadavg(text):
    parts = text.split()
    return float(parts[0]), float(parts[1]), float(parts[2])


def parse_net_dev(text, skip=("lo",)):
    """(rx_bytes, tx_bytes) summed over interfaces from /proc/net/dev, leaving out loopback."""
    rx = tx = 0
    for line in text.splitlines()[2:]:
        # names may hold colons ("ibr10:30") and numbers may touch the colon ("eth0:6821...")
        name, sep, numbers = line.rpartition(":")
        fields = numbers.split()
        if not sep or len(fields) < 9 or name.strip() in skip:
            continue
        rx += int(fields[0])
        tx += int(fields[8])
    return rx, tx


def parse_uptime(text):
    return float(text.split()[0])


def parse_status_uid(text):
    """Real uid from /proc/<pid>/status."""
    for line in text.splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    return None


def parse_cmdline(raw):
    """/proc/<pid>/cmdline (NUL-separated bytes) as one line of at most COMMAND_CHARS."""
    text = raw.rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")
    return text[:COMMAND_CHARS] or None


def rate(previous, current, seconds):
    """Per-second rate of a counter; None across a reset or without a time step."""
    if previous is None or current is None or seconds <= 0 or current < previous:
        return None
    return round((current - previous) / seconds, 1)


# ===== nvidia-smi --query-gpu CSV, parsed by header name (console/telemetry/nvsmi.py reuses it) ==

# header name (units dropped, lower case) → (GPU field, kind, priority: lower wins)
SMI_COLUMNS = {
    "index": ("index", "int", 0),
    "uuid": ("uuid", "text", 0),
    "name": ("name", "text", 0),
    "pci.bus_id": ("pci_bus_id", "text", 0),
    "utilization.gpu": ("util_gpu", "number", 0),
    "utilization.memory": ("util_mem", "number", 0),
    "memory.used": ("mem_used_mib", "number", 0),
    "memory.total": ("mem_total_mib", "number", 0),
    "temperature.gpu": ("temp_c", "number", 0),
    "temperature.memory": ("temp_mem_c", "number", 0),
    # NVML's power usage is what power.draw reports (a 1 s average on Ampere and newer)
    "power.draw": ("power_w", "number", 0),
    "power.draw.average": ("power_w", "number", 1),
    "power.draw.instant": ("power_w", "number", 2),
    "gpu.power.draw.instant": ("power_w", "number", 2),
    "enforced.power.limit": ("power_limit_w", "number", 0),
    "power.limit": ("power_limit_w", "number", 1),
    "clocks.current.sm": ("sm_clock_mhz", "number", 0),
    "clocks.sm": ("sm_clock_mhz", "number", 0),
    "clocks.current.memory": ("mem_clock_mhz", "number", 0),
    "clocks.mem": ("mem_clock_mhz", "number", 0),
    "pstate": ("pstate", "text", 0),
    "fan.speed": ("fan_pct", "number", 0),
    "ecc.errors.uncorrected.volatile.total": ("ecc_uncorrected_volatile", "int", 0),
    "ecc.errors.uncorrected.aggregate.total": ("ecc_uncorrected_aggregate", "int", 0),
    "clocks_event_reasons.active": ("clock_event_mask", "mask", 0),
    "clocks_throttle_reasons.active": ("clock_event_mask", "mask", 0),
    "mig.mode.current": ("mig_mode", "flag", 0),
    "remapped_rows.correctable": ("remapped_rows.correctable", "int", 0),
    "remapped_rows.sbe": ("remapped_rows.correctable", "int", 0),
    "remapped_rows.uncorrectable": ("remapped_rows.uncorrectable", "int", 0),
    "remapped_rows.dbe": ("remapped_rows.uncorrectable", "int", 0),
    "remapped_rows.pending": ("remapped_rows.pending", "flag", 0),
    "remapped_rows.failure": ("remapped_rows.failure", "flag", 0),
}
# what the probe asks nvidia-smi for; the basic list is for drivers that reject newer names
SMI_QUERY_FIELDS = (
    "index", "uuid", "name", "pci.bus_id", "driver_version", "utilization.gpu",
    "utilization.memory", "memory.used", "memory.total", "temperature.gpu", "temperature.memory",
    "power.draw", "enforced.power.limit", "clocks.sm", "clocks.mem", "pstate", "fan.speed",
    "ecc.errors.uncorrected.volatile.total", "ecc.errors.uncorrected.aggregate.total",
    "clocks_throttle_reasons.active", "mig.mode.current", "remapped_rows.correctable",
    "remapped_rows.uncorrectable", "remapped_rows.pending", "remapped_rows.failure",
)  # fmt: skip
SMI_BASIC_FIELDS = (
    "index", "uuid", "name", "pci.bus_id", "driver_version", "utilization.gpu",
    "utilization.memory", "memory.used", "memory.total", "temperature.gpu", "power.draw",
    "power.limit", "clocks.sm", "clocks.mem", "pstate", "fan.speed",
)  # fmt: skip
FLAG_WORDS = {
    "enabled": True, "yes": True, "true": True, "1": True,
    "disabled": False, "no": False, "false": False, "0": False,
}  # fmt: skip


def smi_header_name(column):
    """ "memory.used [MiB]" → "memory.used"."""
    return column.split("[", 1)[0].strip().lower()


def smi_value(text, kind):
    """One CSV cell as a value of kind; "[N/A]", "N/A", "[Not Supported]", … are None."""
    text = text.strip()
    if not text or text.startswith("[") or text.upper() in ("N/A", "NOT SUPPORTED", "UNKNOWN"):
        return None
    if kind == "text":
        return text
    if kind == "flag":
        return FLAG_WORDS.get(text.lower())
    word = text.split()[0].rstrip("%")  # "38 %", "214 MiB", "39.32 W", "765 MHz"
    try:
        if kind == "mask":
            return int(word, 16) if word.lower().startswith("0x") else int(word)
        number = float(word)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if kind == "int" or number.is_integer():
        return int(number)
    return number


def smi_gpu_from_row(names, cells, position):
    """One query-gpu row (header names, cells) as a probe GPU dict; unknown columns are ignored."""
    gpu = empty_gpu(position)
    chosen = {}  # field → priority of the column that set it
    remapped = {}
    for i, name in enumerate(names):
        column = SMI_COLUMNS.get(name)
        if column is None or i >= len(cells):
            continue
        field, kind, priority = column
        value = smi_value(cells[i], kind)
        if value is None or chosen.get(field, priority + 1) <= priority:
            continue
        chosen[field] = priority
        if field.startswith("remapped_rows."):
            remapped[field.split(".", 1)[1]] = value
        else:
            gpu[field] = value
    if remapped:
        gpu["remapped_rows"] = {
            key: remapped.get(key) for key in ("correctable", "uncorrectable", "pending", "failure")
        }
    gpu["clock_event_reasons"] = clock_event_names(gpu["clock_event_mask"])
    if gpu["pstate"] is not None and not gpu["pstate"].startswith("P"):
        gpu["pstate"] = None
    return gpu


def smi_split(line):
    return [cell.strip() for cell in next(csv.reader([line]))]


def parse_smi_csv(text, fields=None):
    """Parse `nvidia-smi --query-gpu=... --format=csv[,noheader][,nounits]` output.

    Returns (gpus, driver, problems). Without fields the first line is the header; with fields
    (for noheader captures) a first line equal to the header is skipped anyway. Rows whose column
    count does not match (error messages, a GPU that fell off the bus) become problems.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    problems = []
    if fields is None:
        if not lines:
            return [], None, ["empty input: no header line"]
        names = [smi_header_name(c) for c in smi_split(lines[0])]
        lines = lines[1:]
    else:
        names = [smi_header_name(f) for f in fields]
        if lines and [smi_header_name(c) for c in smi_split(lines[0])] == names:
            lines = lines[1:]
    if not any(name in SMI_COLUMNS for name in names):
        return [], None, ["no known columns in the header (a noheader capture needs the fields)"]
    driver_at = names.index("driver_version") if "driver_version" in names else None
    gpus, driver = [], None
    for line in lines:
        cells = smi_split(line)
        if len(cells) != len(names):
            problems.append(f"{len(cells)} columns where the header has {len(names)}: {line[:200]}")
            continue
        gpus.append(smi_gpu_from_row(names, cells, len(gpus)))
        if driver is None and driver_at is not None:
            driver = smi_value(cells[driver_at], "text")
    return gpus, driver, problems


# ===== the NVML funnel ==========================================================================

# errors that will not go away by asking again: remember them, report once, stop asking
PERSISTENT_ERRORS = (
    "NVML_ERROR_NOT_SUPPORTED",
    "NVML_ERROR_FUNCTION_NOT_FOUND",
    "NVML_ERROR_NO_PERMISSION",
)
LOST_ERROR = "NVML_ERROR_GPU_IS_LOST"


class Funnel:
    """Every NVML call goes through call(): an error becomes None and one entry in `errors`.

    `target` is a function name of the library, a tuple of names to try in order (newer first;
    a name the library or driver lacks moves on to the next), or a callable wrapping NVML calls.
    """

    def __init__(self, lib):
        self.lib = lib
        self.error_names = {
            value: name
            for name, value in vars(lib).items()
            if name.startswith("NVML_ERROR_") and isinstance(value, int)
        }
        self.unsupported = set()  # (gpu, field) never asked again
        self.missing = set()  # function names the library or driver lacks
        self.lost = set()  # GPUs that reported GPU_IS_LOST during this sample
        self.errors = []
        self.calls = 0

    def start_sample(self):
        """Lost GPUs are asked again every sample: a reset may bring them back."""
        self.lost = set()

    def take_errors(self):
        errors, self.errors = self.errors, []
        return errors

    def forget_unsupported(self, gpu):
        """A MIG mode change alters what a GPU supports, so ask again."""
        self.unsupported = {key for key in self.unsupported if key[0] != gpu}

    def call(self, gpu, field, target, *args, quiet=()):
        if gpu in self.lost or (gpu, field) in self.unsupported:
            return None
        error = "NVML_ERROR_FUNCTION_NOT_FOUND"
        for name, fn in self._functions(target):
            try:
                self.calls += 1
                return fn(*args)
            except self.lib.NVMLError as exc:
                error = self.error_name(exc)
                if error == "NVML_ERROR_FUNCTION_NOT_FOUND" and name is not None:
                    self.missing.add(name)  # this driver lacks it: try the older name
                    continue
                break
            except Exception as exc:  # a wrapper bug or ctypes trouble must not end the line
                error = f"{type(exc).__name__}: {exc}"
                break
        if error in quiet:
            return None
        if error in PERSISTENT_ERRORS:
            self.unsupported.add((gpu, field))
        elif error == LOST_ERROR and gpu is not None:
            self.lost.add(gpu)
        self.errors.append(error_entry(gpu, field, error))
        return None

    def _functions(self, target):
        if callable(target):
            return ((None, target),)
        names = (target,) if isinstance(target, str) else target
        found = []
        for name in names:
            fn = getattr(self.lib, name, None)
            if fn is not None and name not in self.missing:
                found.append((name, fn))
        return found

    def error_name(self, exc):
        value = getattr(exc, "value", None)
        return self.error_names.get(value, f"NVML_ERROR_{value}")


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


def _mib(value):
    return None if value is None else int(value) // MIB


# ===== GPUs through NVML ========================================================================

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


class NvmlGpus:
    """Reads every GPU through one Funnel; handles and static fields are cached."""

    def __init__(self, lib, source, funnel=None):
        self.lib = lib
        self.source = source
        self.funnel = funnel or Funnel(lib)
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
        uncorrected = lib.NVML_MEMORY_ERROR_TYPE_UNCORRECTED
        gpu["ecc_uncorrected_volatile"] = f.call(
            i,
            "ecc_uncorrected_volatile",
            "nvmlDeviceGetTotalEccErrors",
            h,
            uncorrected,
            lib.NVML_VOLATILE_ECC,
        )
        gpu["ecc_uncorrected_aggregate"] = f.call(
            i,
            "ecc_uncorrected_aggregate",
            "nvmlDeviceGetTotalEccErrors",
            h,
            uncorrected,
            lib.NVML_AGGREGATE_ECC,
        )
        rows = f.call(i, "remapped_rows", "nvmlDeviceGetRemappedRows", h)
        if rows is not None:
            gpu["remapped_rows"] = {
                "correctable": rows[0],
                "uncorrectable": rows[1],
                "pending": bool(rows[2]),
                "failure": bool(rows[3]),
            }

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
        for slot, mig, uuid, name in self._mig_slots(i, h, now):
            memory = f.call(i, "mig_memory", "nvmlDeviceGetMemoryInfo", mig)
            devices.append(
                {
                    "index": slot,
                    "uuid": uuid,
                    "name": name,
                    "mem_used_mib": None if memory is None else _mib(memory.used),
                    "mem_total_mib": None if memory is None else _mib(memory.total),
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
                slots.append((slot, mig, uuid, name))
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
            user, command = self.names.describe(proc.pid, proc)
            used = getattr(proc, "usedGpuMemory", None)
            merged[proc.pid] = {
                "pid": proc.pid,
                "user": user,
                "used_mib": _mib(used),
                "command": command,
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


class ProcessNames:
    """User and command line of GPU processes from /proc, cached while the pid stays."""

    def __init__(self):
        self.cache = {}
        self.seen = set()
        self.users = {}

    def describe(self, pid, proc):
        self.seen.add(pid)
        if pid not in self.cache:
            self.cache[pid] = self._read(pid, proc)
        return self.cache[pid]

    def forget_others(self):
        """Drop pids not seen this sample, so a reused pid is read afresh."""
        self.cache = {pid: v for pid, v in self.cache.items() if pid in self.seen}
        self.seen = set()

    def _read(self, pid, proc):
        base = f"/proc/{pid}/"
        try:
            uid = parse_status_uid(_read_text(base + "status"))
            with open(base + "cmdline", "rb") as cmdline:
                command = parse_cmdline(cmdline.read())
        except OSError:
            # another pid namespace (containers) or gone: keep what the library knows, if anything
            return getattr(proc, "user", None), getattr(proc, "command", None)
        return self._user(uid), command

    def _user(self, uid):
        if uid is None:
            return None
        if uid not in self.users:
            try:
                import pwd

                self.users[uid] = pwd.getpwuid(uid).pw_name
            except (ImportError, KeyError):
                self.users[uid] = str(uid)
        return self.users[uid]


# ===== GPUs through nvidia-smi (no NVML library or driver binding) =============================


class SmiGpus:
    """Reads GPUs from `nvidia-smi --query-gpu`: one run to pick the fields, then in stream mode
    one long-running `-lms` loop whose rows a reader thread keeps (newest per GPU)."""

    source = "nvidia-smi"
    STALE_INTERVALS = 3  # a GPU whose row is older than this many intervals is left out
    RESTART_S = 30.0

    def __init__(self, path, interval):
        self.path = path
        self.interval = interval
        self.errors = []
        self.driver = None
        self.cuda = None
        self.fields = None
        self.first = []
        self.process = None
        self.rows = {}  # index → (monotonic time, gpu)
        self.lock = threading.Lock()
        self.next_start = 0.0
        self._choose_fields()
        if self.fields is not None and interval is not None:
            # the check's rows stand in until the loop prints its own
            self.rows = {g["index"]: (time.monotonic(), g) for g in self.first}
            self._ensure_running()

    def _choose_fields(self):
        for fields in (SMI_QUERY_FIELDS, SMI_BASIC_FIELDS):
            try:
                done = subprocess.run(
                    [self.path, "--query-gpu=" + ",".join(fields), "--format=csv"],
                    capture_output=True,
                    text=True,
                    timeout=20,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                self.errors.append(error_entry(None, "nvidia-smi", f"{type(exc).__name__}: {exc}"))
                return
            if done.returncode == 0:
                gpus, self.driver, problems = parse_smi_csv(done.stdout)
                self.fields, self.first = fields, gpus
                self.errors.extend(error_entry(None, "nvidia-smi", p) for p in problems)
                return
            message = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            last_error = f"exit {done.returncode}: {message[0]}"
        self.errors.append(error_entry(None, "nvidia-smi", last_error))

    def sample(self, now):
        if self.interval is None:
            return self.first, []
        self._ensure_running()
        stale_after = self.STALE_INTERVALS * max(self.interval, 1.0)
        gpus = []
        with self.lock:
            rows = sorted(self.rows.items())
        for index, (t, gpu) in rows:
            age = time.monotonic() - t
            if age > stale_after:
                # it stopped reporting (nvidia-smi prints an error line instead): keep its place
                gpu = empty_gpu(index)
                gpu["lost"] = True
                self.errors.append(error_entry(index, "nvidia-smi", f"no row for {age:.0f} s"))
            gpus.append(gpu)
        return gpus, []

    def take_errors(self):
        errors, self.errors = self.errors, []
        return errors

    def _ensure_running(self):
        if self.process is not None and self.process.poll() is None:
            return
        if self.process is not None:
            self.errors.append(
                error_entry(
                    None, "nvidia-smi", f"nvidia-smi loop exited with {self.process.returncode}"
                )
            )
            self.process = None
        if time.monotonic() < self.next_start:
            return
        self.next_start = time.monotonic() + self.RESTART_S
        loop_ms = str(max(100, int(self.interval * 1000)))
        try:
            self.process = subprocess.Popen(
                [
                    self.path,
                    "--query-gpu=" + ",".join(self.fields),
                    "--format=csv",
                    "-lms",
                    loop_ms,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            self.errors.append(error_entry(None, "nvidia-smi", f"{type(exc).__name__}: {exc}"))
            return
        reader = threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True)
        reader.start()

    def _read(self, stream):
        header = names = None
        for line in stream:
            if not line.strip():
                continue
            cells = smi_split(line)
            if header is None or cells == header:  # the loop may repeat its header
                header, names = cells, [smi_header_name(c) for c in cells]
                continue
            if len(cells) != len(names):
                continue  # an error message between rows
            gpu = smi_gpu_from_row(names, cells, -1)
            if gpu["index"] is not None and gpu["index"] >= 0:
                with self.lock:
                    self.rows[gpu["index"]] = (time.monotonic(), gpu)

    def close(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()


class NoGpus:
    source = "none"
    driver = None
    cuda = None

    def sample(self, now):
        return [], []

    def take_errors(self):
        return []

    def close(self):
        pass


# ===== the node =================================================================================


LOAD_FIELDS = ("load1", "load5", "load15")
MEMORY_FIELDS = ("mem_used_bytes", "mem_total_bytes", "swap_used_bytes", "swap_total_bytes")
CPU_TIMES = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")  # no guest


class NodeReader:
    """Host-level numbers, from psutil when importable, else from /proc.

    proc and clock exist so tests can feed captured /proc files and step time.
    """

    def __init__(self, mounts=("/",), use_psutil=True, proc="/proc", clock=time.monotonic):
        self.mounts = tuple(mounts)
        self.psutil = _import_psutil() if use_psutil else None
        self.proc = proc
        self.clock = clock
        self.hostname = socket.gethostname()
        self.kernel = os.uname().release
        self.previous = None  # (monotonic time, cpu (busy, total), net (rx, tx))

    def prime(self):
        self.previous = (self.clock(), *self._counters())

    def sample(self):
        node = dict.fromkeys(NODE_FIELDS)
        node["hostname"], node["kernel"] = self.hostname, self.kernel
        errors = []
        now = self.clock()
        cpu, net = self._counters()
        if self.previous is not None:
            seconds = now - self.previous[0]
            node["cpu_pct"] = cpu_percent(self.previous[1], cpu)
            if net is not None and self.previous[2] is not None:
                node["net_rx_bps"] = rate(self.previous[2][0], net[0], seconds)
                node["net_tx_bps"] = rate(self.previous[2][1], net[1], seconds)
        self.previous = (now, cpu, net)
        readers = (
            (LOAD_FIELDS, self._load),
            (MEMORY_FIELDS, self._memory),
            (("uptime_s",), self._uptime),
        )
        for fields, reader in readers:
            try:
                values = reader()
            except (OSError, ValueError, IndexError) as exc:
                errors.append(error_entry(None, fields[0], f"{type(exc).__name__}: {exc}"))
                continue
            for i, field in enumerate(fields):
                node[field] = values[i]
        node["disks"] = [self._disk(mount, errors) for mount in self.mounts]
        return node, errors

    def _counters(self):
        """(cpu (busy, total), net (rx, tx)) for rate computation; either may be None."""
        cpu = net = None
        try:
            if self.psutil is not None:
                times = self.psutil.cpu_times()
                total = sum(getattr(times, name, 0.0) for name in CPU_TIMES)
                idle = times.idle + getattr(times, "iowait", 0.0)
                cpu = (total - idle, total)
                nics = self.psutil.net_io_counters(pernic=True)
                net = (
                    sum(c.bytes_recv for name, c in nics.items() if name != "lo"),
                    sum(c.bytes_sent for name, c in nics.items() if name != "lo"),
                )
            else:
                cpu = parse_proc_stat(self._proc("stat"))
                net = parse_net_dev(self._proc("net/dev"))
        except (OSError, ValueError, IndexError):
            pass
        return cpu, net

    def _proc(self, name):
        return _read_text(os.path.join(self.proc, name))

    def _load(self):
        if self.psutil is not None or not os.path.exists(os.path.join(self.proc, "loadavg")):
            return tuple(round(v, 2) for v in os.getloadavg())
        return parse_loadavg(self._proc("loadavg"))

    def _memory(self):
        if self.psutil is not None:
            vm, swap = self.psutil.virtual_memory(), self.psutil.swap_memory()
            return vm.total - vm.available, vm.total, swap.used, swap.total
        return memory_from_meminfo(parse_meminfo(self._proc("meminfo")))

    def _uptime(self):
        if self.psutil is not None:
            return (round(time.time() - self.psutil.boot_time(), 1),)
        return (parse_uptime(self._proc("uptime")),)

    def _disk(self, mount, errors):
        disk = {"mount": mount, "used_bytes": None, "total_bytes": None}
        try:
            st = os.statvfs(mount)
        except OSError as exc:
            errors.append(error_entry(None, "disks", f"{mount}: {type(exc).__name__}: {exc}"))
            return disk
        disk["total_bytes"] = st.f_blocks * st.f_frsize
        disk["used_bytes"] = (st.f_blocks - st.f_bfree) * st.f_frsize  # as df counts it
        return disk


def _read_text(path):
    # interface names may be any bytes (an emoji is a valid name); never fail on them
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def _import_psutil():
    try:
        import psutil
    except ImportError:
        return None
    return psutil


# ===== loading a GPU source =====================================================================


def import_nvml_sim():
    """nvml_sim as a top-level module: already registered (the bundle does that), importable,
    or beside this file."""
    if "nvml_sim" in sys.modules:
        return sys.modules["nvml_sim"]
    try:
        import nvml_sim
    except ImportError:
        here = globals().get("__file__")
        if not here:
            raise
        sys.path.insert(0, os.path.dirname(os.path.abspath(here)))
        import nvml_sim
    return nvml_sim


def open_gpus(sim_spec=None, use_nvml=True, interval=None):
    """The GPU source and the errors met choosing it: sim, NVML, nvidia-smi or none."""
    errors = []
    if sim_spec is not None:
        try:
            lib = import_nvml_sim()
        except ImportError as exc:
            return NoGpus(), [error_entry(None, "nvml_sim", f"ImportError: {exc}")]
        lib.configure(sim_spec)  # a bad SPEC raises ValueError: a usage error, not a sample
        lib.nvmlInit()
        return NvmlGpus(lib, "nvml_sim"), errors
    if use_nvml:
        try:
            import pynvml
        except ImportError as exc:
            errors.append(error_entry(None, "nvml", f"ImportError: {exc}"))
        else:
            try:
                pynvml.nvmlInit()
                return NvmlGpus(pynvml, "nvml"), errors
            except pynvml.NVMLError as exc:  # no library, no driver, version mismatch
                errors.append(error_entry(None, "nvml", Funnel(pynvml).error_name(exc)))
            except Exception as exc:  # ctypes trouble: nvidia-smi may still work
                errors.append(error_entry(None, "nvml", f"{type(exc).__name__}: {exc}"))
    path = shutil.which("nvidia-smi")
    if path is None:
        errors.append(error_entry(None, "nvidia-smi", "not found on PATH"))
        return NoGpus(), errors
    gpus = SmiGpus(path, interval)
    errors.extend(gpus.take_errors())
    return (gpus if gpus.fields is not None else NoGpus()), errors


# ===== the line =================================================================================


class Probe:
    """Puts GPUs, XIDs, node numbers and errors together into one protocol line."""

    def __init__(self, gpus, node, interval=None, errors=()):
        self.gpus = gpus
        self.node = node
        self.interval = interval
        self.pending_errors = list(errors)

    def sample(self):
        now = time.time()
        gpus, xids = self.gpus.sample(now)
        node, node_errors = self.node.sample()
        node["driver"], node["cuda"] = self.gpus.driver, self.gpus.cuda
        errors = self.pending_errors + self.gpus.take_errors() + node_errors
        self.pending_errors = []
        if len(errors) > MAX_ERRORS:
            left_out = len(errors) - MAX_ERRORS + 1
            errors = errors[: MAX_ERRORS - 1]
            errors.append(error_entry(None, "errors", f"{left_out} more not shown"))
        return {
            "v": PROTOCOL_VERSION,
            "host": self.node.hostname,
            "t": round(now, 3),
            "interval": self.interval,
            "source": self.gpus.source,
            "gpus": gpus,
            "node": node,
            "xid": xids,
            "errors": errors,
        }

    def line(self):
        return to_json_line(self.sample())

    def close(self):
        self.gpus.close()


def to_json_line(obj):
    """Compact JSON on one line; NaN and infinities become null (JSON has neither)."""
    try:
        return json.dumps(obj, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return json.dumps(_finite(obj), separators=(",", ":"), allow_nan=False)


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def build_probe(sim=None, mounts=("/",), interval=None, use_psutil=True, use_nvml=True):
    gpus, errors = open_gpus(sim, use_nvml, interval)
    return Probe(gpus, NodeReader(mounts, use_psutil), interval, errors)


# ===== command line =============================================================================


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="probe.py", description="Print GPU and node telemetry as JSON lines."
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--once", action="store_true", help="print one line and exit")
    mode.add_argument("--stream", type=float, metavar="SECONDS", help="print a line every SECONDS")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_MAX_SECONDS,
        help="exit after this long (default: %(default)s)",
    )
    parser.add_argument("--mounts", default="/", help="comma-separated mounts for disk use")
    parser.add_argument("--sim", metavar="SPEC", help=f"simulated NVML (or env {SIM_ENV})")
    parser.add_argument("--no-psutil", action="store_true", help="read /proc even with psutil")
    parser.add_argument("--no-nvml", action="store_true", help="skip NVML, use nvidia-smi")
    args = parser.parse_args(argv)
    if args.stream is not None and not (args.stream > 0 and math.isfinite(args.stream)):
        parser.error("--stream needs a positive number of seconds")
    if args.sim is None:
        args.sim = os.environ.get(SIM_ENV) or None
    return args, parser


def main(argv=None, out=None):
    parent = os.getppid()  # before the slow part, so a parent that dies early is still noticed
    args, parser = parse_args(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    mounts = [m.strip() for m in args.mounts.split(",") if m.strip()]
    try:
        probe = build_probe(args.sim, mounts, args.stream, not args.no_psutil, not args.no_nvml)
    except ValueError as exc:  # a bad --sim SPEC
        parser.error(str(exc))
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_quietly)  # so close() still stops an nvidia-smi loop
    try:
        return run(probe, args.stream, args.max_seconds, out, parent)
    except KeyboardInterrupt:
        return 130
    finally:
        probe.close()


def _exit_quietly(signum, frame):
    raise SystemExit(0)


def run(probe, interval, max_seconds, out, parent=None):
    """Print lines until --once is done, max_seconds pass, stdout closes or the parent dies."""
    start = time.monotonic()
    parent = os.getppid() if parent is None else parent
    probe.node.prime()
    time.sleep(FIRST_WINDOW_S)
    due = time.monotonic()
    while True:
        if not _write(out, probe.line()):
            return 0
        if interval is None:
            return 0
        due += interval
        now = time.monotonic()
        if due <= now:
            due = now + interval  # fell a whole interval behind (suspended, overloaded): skip it
        while now < due:
            if now - start >= max_seconds or os.getppid() != parent:
                return 0
            time.sleep(min(due - now, PARENT_CHECK_S))
            now = time.monotonic()
        if now - start >= max_seconds or os.getppid() != parent:
            return 0


def _write(out, line):
    """False once the reader has gone (the SSH channel closed)."""
    try:
        out.write(line + "\n")
        out.flush()
        return True
    except (OSError, ValueError):  # BrokenPipeError, or ValueError: the stream was closed
        _silence_stdout()
        return False


def _silence_stdout():
    """Point stdout at /dev/null so the interpreter's final flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
