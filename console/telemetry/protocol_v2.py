"""Protocol v2 on the console side: one decoder per stream, for header, compact and v1 lines.

A v2 stream is a header (static fields and the order of the numbers) and then one JSON array per
sample (console/telemetry/probe/compact.py; docs/protocol.md). The decoder keeps the header and
the slow fields last sent, and turns each array straight into a CompactSample: the numbers the
packed arrays need, checked as v1 checks them (a bad value is missing, never wrong), and the
health facts, which change only when the slow fields do. The whole NodeSample, with its notes, is
built only when asked for (CompactSample.full), by the v1 reader over the line put back together.

Structure is strict as in v1: a data line before its header, a row count that is not the
header's, or a row of the wrong length is a ProtocolError (the collector marks the node), since
numbers in the wrong columns would mislead. A v1 line is decoded as v1, so older probes work.
"""

from __future__ import annotations

import functools
import operator
from collections import namedtuple

from console.fleet.compact import CompactSample
from console.fleet.health import POWER_BRAKE_REASONS, THERMAL_REASONS, Fact, fullest_pct
from console.fleet.model import NodeSample
from console.fleet.packing import GPU_FIELDS, main_process, mig_energy_split
from console.telemetry.protocol import (
    MAX_DISKS,
    MAX_GPUS,
    MAX_REASONS,
    MAX_SAMPLE_T,
    ProtocolError,
    _clip,
    _json,
    _kind,
    _preview,
    _Reader,
    decode_text,
    parse_object,
)
from console.telemetry.row_layout import RowLayout, _num

VERSION = 2
MAX_FIELDS = 256  # names in a header's field lists
_ECC = "ecc_uncorrected_volatile"
_Disk = namedtuple("_Disk", "used_bytes total_bytes")
# (lost, facts before ECC, facts after ECC, main user, energy estimated, MIG energy split,
#  main process's Slurm job)
_HEALTHY = (False, (), (), None, None, None, None)


class _Header:
    """What a header line fixes for the lines after it."""

    def __init__(self, obj: dict) -> None:
        self.raw = obj
        self.gpu_fields = _names(obj, "gpu_fields")
        self.node_fields = _names(obj, "node_fields")
        gpus = obj.get("gpus")
        if type(gpus) is not list:
            raise ProtocolError(f"v2 header: 'gpus' must be a list, got {_kind(gpus)}")
        if len(gpus) > MAX_GPUS:
            raise ProtocolError(f"v2 header: {len(gpus)} GPUs, at most {MAX_GPUS}")
        self.gpus: list[dict] = []
        for position, g in enumerate(gpus):
            index = g.get("index") if type(g) is dict else None
            if type(index) is not int or not 0 <= index < MAX_GPUS:
                raise ProtocolError(f"v2 header: gpus[{position}] has no 'index' in 0–63")
            if any(seen["index"] == index for seen in self.gpus):
                raise ProtocolError(f"v2 header: GPU index {index} appears twice")
            self.gpus.append(g)
        node = obj.get("node")
        if node is not None and type(node) is not dict:
            raise ProtocolError(f"v2 header: 'node' must be an object, got {_kind(node)}")
        self.node = node or {}
        self.indices = tuple(g["index"] for g in self.gpus)
        self.position = {str(index): k for k, index in enumerate(self.indices)}
        where = {name: i for i, name in enumerate(self.gpu_fields)}
        self.layout = RowLayout(self.gpu_fields, self.gpus)
        self.ecc = where.get(_ECC, -1)
        self.ecc_of = operator.itemgetter(self.ecc)
        self.cpu = self.node_fields.index("cpu_pct") if "cpu_pct" in self.node_fields else -1
        fields = self.node_fields
        self.cpu_energy = fields.index("cpu_energy_j") if "cpu_energy_j" in fields else -1


def _names(obj: dict, key: str) -> tuple[str, ...]:
    names = obj.get(key)
    if type(names) is not list or len(names) > MAX_FIELDS or any(type(n) is not str for n in names):
        raise ProtocolError(f"v2 header: '{key}' must be a list of field names")
    return tuple(names)


class StreamDecoder:
    """Decodes one stream's lines in order. `compact`: data lines give CompactSample; otherwise
    the whole NodeSample (what a caller that looks at every sample wants)."""

    def __init__(self, node: str, compact: bool = True) -> None:
        self.node = node
        self.compact = compact
        self.header: _Header | None = None
        self.gpu_slow: list[dict] = []  # per header GPU: slow fields as last sent
        self.derived: list[tuple] = []  # per header GPU: what the slow fields mean, see _HEALTHY
        self.node_slow: dict = {}
        self.disk_pct = float("nan")

    def decode(self, line: bytes) -> NodeSample | CompactSample | None:
        """The sample in `line`; None for a header. Raises ProtocolError for a line it rejects."""
        text = decode_text(line)
        obj = _json(text)
        if type(obj) is list:
            return self._data(obj)
        if type(obj) is not dict:
            raise ProtocolError(f"expected a JSON object or array, got {_kind(obj)}: "
                                f"{_preview(text)}")
        version = obj.get("v")
        if version == VERSION and type(version) is int:
            self._start(_Header(obj))
            return None
        if type(version) is int and version > VERSION:
            raise ProtocolError(f"probe speaks protocol v{_clip(version)}, console v1 and v2")
        self.header = None  # a v1 line: whatever header came before no longer holds
        return parse_object(obj, self.node)

    def _start(self, header: _Header) -> None:
        self.header = header
        self.gpu_slow = [{} for _ in header.gpus]
        self.derived = [_HEALTHY] * len(header.gpus)
        self.node_slow = {}
        self.disk_pct = float("nan")
        self._per_gpu()

    def _per_gpu(self) -> None:
        """What the slow fields give each line until they change, as CompactSample's tuples:
        most lines change none, so a line costs only its numbers (see _data)."""
        derived, indices = self.derived, self.header.indices
        self.users = tuple(d[3] for d in derived)
        self.jobs = tuple(d[6] for d in derived)
        self.estimated = tuple(None if d[0] else d[4] for d in derived)
        self.split = tuple((i, d[5]) for i, d in zip(indices, derived, strict=True)
                           if d[5] is not None)  # fmt: skip
        # healthy: no GPU lost and no slow fact, so only ECC counters can add a fact
        self.healthy = all(not d[0] and not d[1] and not d[2] for d in derived)

    def _data(self, line: list) -> NodeSample | CompactSample:
        h = self.header
        if h is None:
            raise ProtocolError("v2 line before its header")
        if len(line) < 4:
            raise ProtocolError(f"v2 line: expected [t, node, gpus, changes], got {len(line)} "
                                "entries")
        t, node, rows, changes = line[:4]
        if type(t) not in (int, float) or not 0 <= t <= MAX_SAMPLE_T:
            raise ProtocolError(f"'t' must be the sample time in unix seconds, got {_clip(t)}")
        if type(node) is not list or len(node) != len(h.node_fields):
            raise ProtocolError(f"v2 line: node numbers do not match the header's "
                                f"{len(h.node_fields)} fields")
        if type(rows) is not list or len(rows) != len(h.gpus):
            raise ProtocolError(f"v2 line: GPU rows do not match the header's {len(h.gpus)} GPUs")
        if type(changes) is not dict:
            raise ProtocolError(f"v2 line: changes must be an object, got {_kind(changes)}")
        width = len(h.gpu_fields)
        # one pass in C for the common case (every row a list of the header's width)
        if rows and (set(map(type, rows)) != {list} or set(map(len, rows)) != {width}):
            for k, row in enumerate(rows):
                if type(row) is not list or len(row) != width:
                    raise ProtocolError(f"v2 line: GPU row {k} does not have the header's "
                                        f"{width} fields")
        if changes:
            self._apply(h, changes)
        if self.healthy and (h.ecc < 0 or not any(map(h.ecc_of, rows))):
            # the numbers wait, as sent, for the flush's pack to read them all at once
            values, energy, facts, deferred = None, (), (), rows
        else:
            (values, energy, facts), deferred = self._unhealthy(h, rows), None
        xids = _Reader().xids(changes) if changes.get("xid") else ()
        sample = CompactSample(
            host=self.node,
            t=float(t),
            cpu_percent=_num(node[h.cpu], 0.0, 100.0) if h.cpu >= 0 else None,
            cols=h.indices,
            values=values,
            users=self.users,
            jobs=self.jobs,
            facts=facts,
            disk_pct=self.disk_pct,
            xids=xids,
            energy_j=energy,
            energy_estimated=self.estimated,
            cpu_energy_j=_num(node[h.cpu_energy], 0.0, None) if h.cpu_energy >= 0 else None,
            energy_split=self.split,
            rows=deferred,
            layout=h.layout,
            rebuild=functools.partial(
                _rebuild, h, self.node, t, node, rows, tuple(self.gpu_slow), self.node_slow,
                changes.get("xid"), changes.get("errors"),
            ),
        )  # fmt: skip
        return sample if self.compact else sample.full()

    def _unhealthy(self, h: _Header, rows: list) -> tuple[tuple, tuple, tuple]:
        """(values, energy, facts) where a GPU is lost or has facts: GPU by GPU, in the order
        health_facts gives them."""
        values, energy, facts = [], [], []
        numbers, joules = h.layout.numbers(rows), h.layout.joules(rows)
        for k, row in enumerate(rows):
            index = h.indices[k]
            lost, before, after = self.derived[k][:3]
            if lost:
                values.append([None] * len(GPU_FIELDS))
                facts.append((index, Fact.LOST, 1.0))
                energy.append(None)
                continue
            values.append(numbers[k])
            energy.append(joules[k])
            facts.extend(before)
            if h.ecc >= 0 and row[h.ecc]:
                ecc = _num(row[h.ecc], 0.0, None)
                if ecc:
                    facts.append((index, Fact.ECC_UNCORRECTED, float(int(ecc))))
            facts.extend(after)
        return tuple(values), tuple(energy), tuple(facts)

    def _apply(self, h: _Header, changes: dict) -> None:
        """Take this line's changed slow fields (new dicts: earlier samples keep theirs)."""
        gpus = changes.get("gpus")
        if gpus is not None:
            if type(gpus) is not dict:
                raise ProtocolError(f"v2 line: changes.gpus must be an object, got {_kind(gpus)}")
            for key, changed in gpus.items():
                k = h.position.get(key)
                if k is None or type(changed) is not dict:
                    raise ProtocolError(f"v2 line: changes for GPU {_clip(key)}, which the "
                                        "header does not list")
                self.gpu_slow[k] = {**self.gpu_slow[k], **changed}
                self.derived[k] = _derive(self.gpu_slow[k], h.indices[k], h.gpus[k].get("name"))
            self._per_gpu()
        node = changes.get("node")
        if node is not None:
            if type(node) is not dict:
                raise ProtocolError(f"v2 line: changes.node must be an object, got {_kind(node)}")
            self.node_slow = {**self.node_slow, **node}
            if "disks" in node:
                self.disk_pct = _fullest_disk(node["disks"])


def _fullest_disk(disks: object) -> float:
    """As health.fullest_disk_pct of the v1 sample, without building its NodeInfo."""
    if type(disks) is not list:
        return float("nan")
    use = []
    for d in disks[:MAX_DISKS]:
        if type(d) is dict and type(d.get("mount")) is str:
            used = _num(d.get("used_bytes"), 0.0, None)
            total = _num(d.get("total_bytes"), 0.0, None)
            if used is not None and total is not None and used > total:
                used = None
            use.append(_Disk(used, total))
    return fullest_pct(use)


def _derive(slow: dict, index: int, name: object = None) -> tuple:
    """(lost, facts before ECC, facts after ECC, main user, …, main job) of one GPU's slow
    fields, read leniently as v1 reads them."""
    if slow.get("lost") is True:
        return (True, (), (), None, None, None, None)
    reader = _Reader()
    reasons = {r for r in reader.items(slow, "clock_event_reasons", "", MAX_REASONS)
               if type(r) is str}  # fmt: skip
    before = []
    if not THERMAL_REASONS.isdisjoint(reasons):
        before.append((index, Fact.THERMAL, 1.0))
    if not POWER_BRAKE_REASONS.isdisjoint(reasons):
        before.append((index, Fact.POWER_BRAKE, 1.0))
    after = []
    rows = reader.table(slow, "remapped_rows", "")
    if rows:
        if reader.flag(rows, "pending", ""):
            after.append((index, Fact.REMAP_PENDING, 1.0))
        if reader.flag(rows, "failure", ""):
            after.append((index, Fact.REMAP_FAILURE, 1.0))
    pages = reader.table(slow, "retired_pages", "")
    if pages and reader.flag(pages, "pending", ""):
        after.append((index, Fact.RETIRE_PENDING, 1.0))
    processes = reader.processes(slow, "")
    main = main_process(processes) if processes else None
    user, job = (None, None) if main is None else (main.user, main.job)
    estimated = reader.flag(slow, "energy_estimated", "")
    split = None
    if reader.flag(slow, "mig_mode", ""):
        devices = reader.mig_devices(slow, "")
        split = mig_energy_split(name if type(name) is str else None, devices, processes)
    return (False, tuple(before), tuple(after), user, estimated, split, job)


def _rebuild(h: _Header, host, t, node, rows, gpu_slow, node_slow, xid, errors) -> NodeSample:
    """The v1 line this v2 line stands for, through the v1 reader (notes and all)."""
    raw = h.raw
    gpus = [
        {**g, **dict(zip(h.gpu_fields, row, strict=True)), **slow, "index": g["index"]}
        for g, row, slow in zip(h.gpus, rows, gpu_slow, strict=True)
    ]
    obj = {
        "v": 1, "host": raw.get("host"), "t": t, "interval": raw.get("interval"),
        "source": raw.get("source"), "gpus": gpus,
        "node": {**h.node, **dict(zip(h.node_fields, node, strict=True)), **node_slow},
        "xid": xid or [], "errors": errors or [],
    }  # fmt: skip
    try:
        return parse_object(obj, host)
    except ProtocolError as exc:  # never from what _data already checked, but never a crash
        return NodeSample(host=host, t=float(t), errors=(str(exc),))
