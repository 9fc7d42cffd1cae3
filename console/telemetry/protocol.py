"""The probe's JSON-line protocol (v1): one line in, one NodeSample out.

A line is strict where a mistake would mislead (version, sample time, the GPU list and each GPU's
index) and lenient everywhere else: a bad optional field becomes None plus a note in
NodeSample.errors, so one odd value never costs the node its sample. Sizes are capped, because a
node is not trusted to be sane: a line is at most MAX_LINE_BYTES and every list has a limit.

The schema of v1 (and v2, console/telemetry/protocol_v2.py) is in docs/protocol.md.
"""

from __future__ import annotations

import math
from typing import Any

from console.fleet.model import (
    DiskUse,
    GpuProcess,
    GpuSample,
    MigDevice,
    NodeInfo,
    NodeSample,
    XidEvent,
)
from console.telemetry.framing import ProtocolError, _json, _preview

MAX_LINE_BYTES = 1 << 20
PROTOCOL_VERSION = 1

MAX_GPUS = 64  # as console/fleet/packing.py: an index beyond this is garbage, not a GPU
MAX_PROCESSES = 512  # per GPU
MAX_MIG_DEVICES = 64  # per GPU (an H100 has at most 7)
MAX_XIDS = 256
MAX_DISKS = 64
MAX_REASONS = 64
MAX_ERRORS = 256  # notes kept per line; the rest are counted
MAX_TEXT = 1024  # characters kept of any string value
# Numbers beyond ±2^63 are garbage from any probe, and would not survive the trip: Python cannot
# make a float of an integer over ~1.8e308, and float32 arrays turn anything over 3.4e38 into inf.
MAX_MAGNITUDE = float(2**63)
MAX_SAMPLE_T = 4_102_444_800.0  # 2100-01-01: a later 't' is milliseconds or garbage, not seconds

# (field, lowest, highest) of the GPU's float fields; None: no bound
_GPU_NUMBERS = (
    ("util_gpu", 0.0, 100.0),
    ("util_mem", 0.0, 100.0),
    ("mem_used_mib", 0.0, None),
    ("mem_total_mib", 0.0, None),
    ("temp_c", None, None),
    ("power_w", 0.0, None),
    ("power_limit_w", 0.0, None),
    ("temp_mem_c", None, None),
    ("sm_clock_mhz", 0.0, None),
    ("mem_clock_mhz", 0.0, None),
    ("fan_pct", 0.0, None),  # NVML may report over 100 % on some boards
)
_GPU_COUNTS = ("ecc_uncorrected_volatile", "ecc_uncorrected_aggregate", "ecc_corrected_volatile",
               "ecc_corrected_aggregate")
_GPU_TEXTS = ("name", "uuid", "pstate")
_NODE_TEXTS = ("kernel", "driver", "cuda")
_NODE_NUMBERS = ("load1", "load5", "load15", "net_rx_bps", "net_tx_bps", "uptime_s", "cpu_energy_j")
NO_INSTANCE = 0xFFFFFFFF  # NVML's "no MIG GPU instance", as a probe may pass it on
_NODE_BYTES = ("mem_used_bytes", "mem_total_bytes", "swap_used_bytes", "swap_total_bytes")


def parse_line(line: bytes, node: str) -> NodeSample:
    """Parse one probe line from the node named `node` (its inventory name, never its own)."""
    text = decode_text(line)
    obj = _json(text)
    if not isinstance(obj, dict):
        raise ProtocolError(f"expected a JSON object, got {_kind(obj)}: {_preview(text)}")
    return parse_object(obj, node)


def decode_text(line: bytes) -> str:
    """The line as text, after the size, emptiness and UTF-8 checks every version shares."""
    line = line.rstrip(b"\r\n")
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError(f"line of {len(line):,} bytes is over the {MAX_LINE_BYTES:,} limit")
    if not line.strip():
        raise ProtocolError("empty line")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"line is not UTF-8 (byte 0x{line[exc.start]:02x} at offset {exc.start})"
        ) from None
    return text


def parse_object(obj: dict, node: str) -> NodeSample:
    """A v1 line already decoded from JSON."""
    version = obj.get("v")
    if version is None:
        raise ProtocolError("no protocol version ('v') in the line")
    if type(version) is not int:
        raise ProtocolError(f"protocol version must be an integer, got {version!r}")
    if version != PROTOCOL_VERSION:
        raise ProtocolError(f"probe speaks protocol v{_clip(version)}, console v{PROTOCOL_VERSION}")
    t = obj.get("t")
    # compared before any float(): math.isfinite() of a 400-digit integer raises OverflowError
    if not _is_number(t) or not 0 <= t <= MAX_SAMPLE_T:
        raise ProtocolError(f"'t' must be the sample time in unix seconds, got {_clip(t)}")
    return _Reader().sample(obj, node, float(t))


def _kind(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number" if _is_number(value) else type(value).__name__)


def _is_number(value: object) -> bool:
    return type(value) is float or type(value) is int  # bool is an int, but not a number here


class _Reader:
    """Turns one decoded line into model values, collecting a note for every value it drops."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.dropped = 0

    def note(self, message: str) -> None:
        if len(self.notes) < MAX_ERRORS:
            self.notes.append(message)
        else:
            self.dropped += 1

    # ── scalar fields ──────────────────────────────────────────────────────────────────────────

    def number(self, obj: dict, key: str, where: str, lo=None, hi=None) -> float | None:
        value = obj.get(key)
        if value is None:
            return None
        kind = type(value)  # inlined _is_number: this runs ~25 times per GPU per sample
        if kind is not float and kind is not int:
            self.note(f"{where}{key}: expected a number, got {_kind(value)} {_clip(value)}")
            return None
        if kind is float and not math.isfinite(value):
            self.note(f"{where}{key}: {value} is not a finite number")
            return None
        if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:  # before float(): see MAX_MAGNITUDE
            self.note(f"{where}{key}: {_clip(value)} is too large")
            return None
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            bounds = f"{lo:g}–{hi:g}" if hi is not None else f"≥ {lo:g}"
            self.note(f"{where}{key}: {_clip(value)} is out of range ({bounds})")
            return None
        return float(value)

    def count(self, obj: dict, key: str, where: str) -> int | None:
        value = self.number(obj, key, where, lo=0.0)
        return None if value is None else int(value)

    def instance(self, obj: dict, key: str, where: str) -> int | None:
        """A MIG GPU instance id, 0 ≤ id < 2^32 - 1; NVML's NO_INSTANCE (in none) is None."""
        value = obj.get(key)
        if type(value) is int and 0 <= value < NO_INSTANCE:
            return value
        if value is not None and not (type(value) is int and value == NO_INSTANCE):
            self.note(f"{where}{key}: expected a GPU instance id, got {_clip(value)}")
        return None

    def text(self, obj: dict, key: str, where: str) -> str | None:
        value = obj.get(key)
        if value is None or type(value) is str:
            return value if value is None or len(value) <= MAX_TEXT else value[:MAX_TEXT]
        self.note(f"{where}{key}: expected a string, got {_kind(value)} {_clip(value)}")
        return None

    def flag(self, obj: dict, key: str, where: str) -> bool | None:
        value = obj.get(key)
        if value is None or type(value) is bool:
            return value
        if type(value) is int and value in (0, 1):  # NVML reports these as 0/1
            return bool(value)
        self.note(f"{where}{key}: expected true or false, got {_clip(value)}")
        return None

    def items(self, obj: dict, key: str, where: str, limit: int) -> list:
        value = obj.get(key)
        if value is None:
            return []
        if type(value) is not list:
            self.note(f"{where}{key}: expected a list, got {_kind(value)}")
            return []
        if len(value) > limit:
            self.note(f"{where}{key}: {len(value)} entries, kept the first {limit}")
            return value[:limit]
        return value

    def table(self, obj: dict, key: str, where: str) -> dict | None:
        value = obj.get(key)
        if value is None or type(value) is dict:
            return value
        self.note(f"{where}{key}: expected an object, got {_kind(value)}")
        return None

    # ── structure ──────────────────────────────────────────────────────────────────────────────

    def sample(self, obj: dict, node: str, t: float) -> NodeSample:
        gpus = obj.get("gpus")
        if gpus is not None and type(gpus) is not list:
            raise ProtocolError(f"'gpus' must be a list, got {_kind(gpus)}")
        reported = self.probe_errors(obj)
        samples = self.gpus(gpus or [])
        stats = self.table(obj, "node", "")
        host = self.text(obj, "host", "")
        info = self.node_info(stats or {}, host) if stats is not None or host else None
        cpu = self.number(stats, "cpu_pct", "node.", 0.0, 100.0) if stats else None
        xids = self.xids(obj)
        if self.dropped:
            self.notes.append(f"… and {self.dropped} more problems")
        return NodeSample(
            host=node,
            t=t,
            gpus=samples,
            cpu_percent=cpu,
            mem_used_frac=self.mem_fraction(info),
            errors=(*reported, *self.notes),
            info=info,
            xids=xids,
        )

    def gpus(self, entries: list) -> tuple[GpuSample, ...]:
        if len(entries) > MAX_GPUS:
            self.note(f"gpus: {len(entries)} entries, kept the first {MAX_GPUS}")
            entries = entries[:MAX_GPUS]
        seen: set[int] = set()
        out: list[GpuSample] = []
        for position, g in enumerate(entries):
            index = g.get("index") if type(g) is dict else None
            if type(index) is not int:
                raise ProtocolError(f"gpus[{position}] has no integer 'index'")
            if not 0 <= index < MAX_GPUS:
                raise ProtocolError(f"GPU index {index} is outside 0–{MAX_GPUS - 1}")
            if index in seen:
                raise ProtocolError(f"GPU index {index} appears twice")
            seen.add(index)
            out.append(self.gpu(g, index))
        return tuple(out)

    def gpu(self, g: dict, index: int) -> GpuSample:
        if g.get("lost") is True:
            self.note(f"gpu{index}: lost (the driver can no longer reach it)")
            return GpuSample(index=index, lost=True)
        where = f"gpu{index}."
        values: dict[str, Any] = {}
        for key, lo, hi in _GPU_NUMBERS:
            values[key] = self.number(g, key, where, lo, hi)
        for key in _GPU_COUNTS:
            values[key] = self.count(g, key, where)
        for key in _GPU_TEXTS:
            values[key] = self.text(g, key, where)
        rows = self.table(g, "remapped_rows", where)
        if rows:
            values["remapped_rows_pending"] = self.flag(rows, "pending", where + "remapped_rows.")
            values["remapped_rows_failure"] = self.flag(rows, "failure", where + "remapped_rows.")
        pages = self.table(g, "retired_pages", where)
        if pages:  # Volta and older: pages retired for single-bit and double-bit errors
            values["retired_pages_sbe"] = self.count(pages, "sbe", where + "retired_pages.")
            values["retired_pages_dbe"] = self.count(pages, "dbe", where + "retired_pages.")
            values["retired_pages_pending"] = self.flag(pages, "pending", where + "retired_pages.")
        reasons = self.items(g, "clock_event_reasons", where, MAX_REASONS)
        values["clock_event_reasons"] = tuple(r[:MAX_TEXT] for r in reasons if type(r) is str)
        if len(values["clock_event_reasons"]) != len(reasons):
            self.note(f"{where}clock_event_reasons: entries that are not strings dropped")
        energy_mj = self.number(g, "energy_mj", where, 0.0)
        values["energy_j"] = None if energy_mj is None else energy_mj / 1000.0
        values["energy_estimated"] = self.flag(g, "energy_estimated", where)
        values["mig_mode"] = self.flag(g, "mig_mode", where)
        values["mig_devices"] = self.mig_devices(g, where)
        values["processes"] = self.processes(g, where)
        return GpuSample(index=index, **values)

    def mig_devices(self, g: dict, where: str) -> tuple[MigDevice, ...]:
        out: list[MigDevice] = []
        for i, m in enumerate(self.items(g, "mig_devices", where, MAX_MIG_DEVICES)):
            at = f"{where}mig_devices[{i}]."
            if type(m) is not dict or not _index(m.get("index"), MAX_MIG_DEVICES):
                self.note(f"{at[:-1]}: dropped, no 'index' in 0–{MAX_MIG_DEVICES - 1}")
                continue
            out.append(
                MigDevice(
                    index=m["index"],
                    uuid=self.text(m, "uuid", at),
                    name=self.text(m, "name", at),
                    mem_used_mib=self.number(m, "mem_used_mib", at, 0.0),
                    mem_total_mib=self.number(m, "mem_total_mib", at, 0.0),
                    gpu_instance_id=self.instance(m, "gpu_instance_id", at),
                )
            )
        return tuple(out)

    def processes(self, g: dict, where: str) -> tuple[GpuProcess, ...]:
        out: list[GpuProcess] = []
        for i, p in enumerate(self.items(g, "processes", where, MAX_PROCESSES)):
            at = f"{where}processes[{i}]."
            pid = p.get("pid") if type(p) is dict else None
            if type(pid) is not int or not 0 <= pid <= MAX_MAGNITUDE:
                self.note(f"{at[:-1]}: dropped, no valid 'pid'")
                continue
            out.append(
                GpuProcess(
                    pid=pid,
                    user=self.text(p, "user", at),
                    used_mib=self.number(p, "used_mib", at, 0.0),
                    command=self.text(p, "command", at),
                    gpu_instance_id=self.instance(p, "gpu_instance_id", at),
                    job=self.text(p, "job", at),
                )
            )
        return tuple(out)

    def node_info(self, stats: dict, host: str | None) -> NodeInfo:
        values: dict[str, Any] = {"hostname": self.text(stats, "hostname", "node.") or host}
        for key in _NODE_TEXTS:
            values[key] = self.text(stats, key, "node.")
        for key in _NODE_NUMBERS:
            values[key] = self.number(stats, key, "node.", 0.0)
        for key in _NODE_BYTES:
            values[key] = self.count(stats, key, "node.")
        disks: list[DiskUse] = []
        for i, d in enumerate(self.items(stats, "disks", "node.", MAX_DISKS)):
            at = f"node.disks[{i}]."
            if type(d) is not dict or type(d.get("mount")) is not str:
                self.note(f"{at[:-1]}: dropped, no 'mount'")
                continue
            used, total = self.count(d, "used_bytes", at), self.count(d, "total_bytes", at)
            if used is not None and total is not None and used > total:
                self.note(f"{at}used_bytes: more than total_bytes")
                used = None
            disks.append(DiskUse(d["mount"][:MAX_TEXT], used, total))
        return NodeInfo(disks=tuple(disks), **values)

    def mem_fraction(self, info: NodeInfo | None) -> float | None:
        if info is None or info.mem_used_bytes is None or not info.mem_total_bytes:
            return None
        if info.mem_used_bytes > info.mem_total_bytes:
            self.note("node.mem_used_bytes: more than mem_total_bytes")
            return None
        return info.mem_used_bytes / info.mem_total_bytes

    def xids(self, obj: dict) -> tuple[XidEvent, ...]:
        out: list[XidEvent] = []
        for i, x in enumerate(self.items(obj, "xid", "", MAX_XIDS)):
            at = f"xid[{i}]."
            code = x.get("xid") if type(x) is dict else None
            # health_facts makes a float of the code: a 400-digit one would raise there
            if type(code) is not int or not 0 <= code <= MAX_MAGNITUDE:
                self.note(f"{at[:-1]}: dropped, no integer 'xid'")
                continue
            gpu = x.get("gpu")
            if gpu is not None and not _index(gpu, MAX_GPUS):
                self.note(f"{at}gpu: expected a GPU index 0–{MAX_GPUS - 1}, got {_clip(gpu)}")
                gpu = None
            out.append(XidEvent(gpu=gpu, xid=code, t=self.number(x, "t", at, 0.0)))
        return tuple(out)

    def probe_errors(self, obj: dict) -> list[str]:
        """What the probe itself could not read, e.g. "gpu2.power_w: Not Supported"."""
        out: list[str] = []
        for i, e in enumerate(self.items(obj, "errors", "", MAX_ERRORS)):
            if type(e) is str:
                out.append(e[:MAX_TEXT])
            elif type(e) is dict:
                gpu, field, error = e.get("gpu"), e.get("field"), e.get("error")
                place = ".".join(
                    part
                    for part in (f"gpu{gpu}" if type(gpu) is int else None, _as_text(field))
                    if part
                )
                message = _as_text(error) or "error"
                out.append(f"{place}: {message}"[:MAX_TEXT] if place else message[:MAX_TEXT])
            else:
                self.note(f"errors[{i}]: dropped, expected a string or an object")
        return out


def _index(value: object, limit: int) -> bool:
    return type(value) is int and 0 <= value < limit


def _as_text(value: object) -> str | None:
    return value if type(value) is str and value else None


def _clip(value: object, size: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= size else text[:size] + "…"
