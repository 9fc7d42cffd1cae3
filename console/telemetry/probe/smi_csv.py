"""nvidia-smi --query-gpu CSV, parsed by header name (console/telemetry/nvsmi.py reuses it).

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import csv
import math

from .fields import clock_event_names, empty_gpu

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
    "ecc.errors.corrected.volatile.total": ("ecc_corrected_volatile", "int", 0),
    "ecc.errors.corrected.aggregate.total": ("ecc_corrected_aggregate", "int", 0),
    "clocks_event_reasons.active": ("clock_event_mask", "mask", 0),
    "clocks_throttle_reasons.active": ("clock_event_mask", "mask", 0),
    "mig.mode.current": ("mig_mode", "flag", 0),
    "remapped_rows.correctable": ("remapped_rows.correctable", "int", 0),
    "remapped_rows.sbe": ("remapped_rows.correctable", "int", 0),
    "remapped_rows.uncorrectable": ("remapped_rows.uncorrectable", "int", 0),
    "remapped_rows.dbe": ("remapped_rows.uncorrectable", "int", 0),
    "remapped_rows.pending": ("remapped_rows.pending", "flag", 0),
    "remapped_rows.failure": ("remapped_rows.failure", "flag", 0),
    # Volta and older retire pages (Ampere and newer answer [N/A] and remap rows instead)
    "retired_pages.single_bit_ecc.count": ("retired_pages.sbe", "int", 0),
    "retired_pages.sbe": ("retired_pages.sbe", "int", 0),
    "retired_pages.double_bit.count": ("retired_pages.dbe", "int", 0),
    "retired_pages.dbe": ("retired_pages.dbe", "int", 0),
    "retired_pages.pending": ("retired_pages.pending", "flag", 0),
}
# the probe's tables (NVML's shape, docs/protocol.md) that several columns fill
SMI_TABLES = {
    "remapped_rows": ("correctable", "uncorrectable", "pending", "failure"),
    "retired_pages": ("sbe", "dbe", "pending"),
}
# what the probe asks nvidia-smi for; the basic list is for drivers that reject newer names
SMI_QUERY_FIELDS = (
    "index", "uuid", "name", "pci.bus_id", "driver_version", "utilization.gpu",
    "utilization.memory", "memory.used", "memory.total", "temperature.gpu", "temperature.memory",
    "power.draw", "enforced.power.limit", "clocks.sm", "clocks.mem", "pstate", "fan.speed",
    "ecc.errors.uncorrected.volatile.total", "ecc.errors.uncorrected.aggregate.total",
    "ecc.errors.corrected.volatile.total", "ecc.errors.corrected.aggregate.total",
    "clocks_throttle_reasons.active", "mig.mode.current", "remapped_rows.correctable",
    "remapped_rows.uncorrectable", "remapped_rows.pending", "remapped_rows.failure",
    "retired_pages.sbe", "retired_pages.dbe", "retired_pages.pending",
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
    tables = {}  # "remapped_rows" → {"pending": True, ...}
    for i, name in enumerate(names):
        column = SMI_COLUMNS.get(name)
        if column is None or i >= len(cells):
            continue
        field, kind, priority = column
        value = smi_value(cells[i], kind)
        if value is None or chosen.get(field, priority + 1) <= priority:
            continue
        chosen[field] = priority
        table, _, key = field.partition(".")
        if key:
            tables.setdefault(table, {})[key] = value
        else:
            gpu[field] = value
    # a table only where some column of it had a value: all [N/A] stays null, as NVML's does
    for table, found in tables.items():
        gpu[table] = {key: found.get(key) for key in SMI_TABLES[table]}
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
