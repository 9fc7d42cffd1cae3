"""The line's shape: its version, the GPU and node fields, and error entries.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

PROTOCOL_VERSION = 1
GPU_FIELDS = (
    "index", "uuid", "name", "pci_bus_id", "util_gpu", "util_mem", "mem_used_mib",
    "mem_total_mib", "temp_c", "temp_mem_c", "power_w", "power_limit_w", "energy_mj",
    "energy_estimated", "sm_clock_mhz",
    "mem_clock_mhz", "pstate", "fan_pct", "ecc_uncorrected_volatile",
    "ecc_uncorrected_aggregate", "ecc_corrected_volatile", "ecc_corrected_aggregate",
    "remapped_rows", "retired_pages", "clock_event_reasons", "clock_event_mask",
    "mig_mode", "mig_devices", "processes", "lost",
)  # fmt: skip
PROCESS_FIELDS = ("pid", "user", "used_mib", "command", "gpu_instance_id", "job")
NODE_FIELDS = (
    "hostname", "kernel", "driver", "cuda", "cpu_pct", "load1", "load5", "load15",
    "mem_used_bytes", "mem_total_bytes", "swap_used_bytes", "swap_total_bytes", "disks",
    "net_rx_bps", "net_tx_bps", "uptime_s", "cpu_energy_j",
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
