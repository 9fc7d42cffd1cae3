"""Instant vectors → PackedSamples and NodeEvents, the same values the SSH collectors hand over.

Arrays are filled straight from the series (no NodeSample per node): at 2,000 nodes × 8 GPUs the
answer is ~100,000 series, and objects per GPU would cost the worker more than the queries.

Which node a series is: its `Hostname` or `hostname` label (dcgm-exporter spelled it both ways)
or its `instance`, matched against the fleet: the fleet file's [prometheus.hosts] first, then the
node's name, its address, the name without port or domain. Which node a down target was is
learned from the series it served while it was up (or node_exporter's node_uname_info), so an
exporter that stops is shown UNREACHABLE, as an SSH node that stops answering is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from console.fleet.model import NodeEvent, NodeStatus
from console.fleet.packing import GPU_FIELDS, MAX_GPUS_PER_NODE, PackedSamples
from console.i18n.catalogue import translate
from console.inventory.model import NodeSpec
from console.room import names
from console.sources.prometheus.client import Series

# metric → (its column in GPU_FIELDS, or a name for the ones combined later)
_UTIL, _MEM_USED, _MEM_TOTAL, _TEMP, _POWER, _TEMP_MEM = range(6)
assert GPU_FIELDS == ("util_gpu", "mem_used_mib", "mem_total_mib", "temp_c", "power_w",
                      "temp_mem_c")
_PROF, _FB_FREE = 6, 7  # scratch planes: profiling activity (ratio) and free framebuffer
_PLANE = {
    names.DCGM_UTIL: _UTIL,
    names.DCGM_FB_USED: _MEM_USED,
    names.DCGM_TEMP: _TEMP,
    names.DCGM_POWER: _POWER,
    names.DCGM_MEM_TEMP: _TEMP_MEM,
    names.DCGM_PROF_ACTIVE: _PROF,
    names.DCGM_FB_FREE: _FB_FREE,
}


_ENERGY = (names.DCGM_ENERGY, names.GPU_ENERGY_ESTIMATED)  # float64 planes of their own


class _GpuIndex(dict):
    """"3" → 3, computed once per spelling; anything but a small whole number → KeyError."""

    def __missing__(self, key: object) -> int:
        try:
            value = int(str(key))
        except ValueError:
            raise KeyError(key) from None
        if not 0 <= value < MAX_GPUS_PER_NODE:
            raise KeyError(key)
        self[key] = value
        return value


def _is_index(text: object) -> bool:
    try:
        return 0 <= int(str(text)) < MAX_GPUS_PER_NODE
    except ValueError:
        return False


def _floats(values: list, dtype=np.float32) -> np.ndarray:
    """Prometheus sends values as strings ("42", "NaN", "+Inf"); one bad one becomes NaN."""
    try:
        return np.asarray(values, dtype=np.float64).astype(dtype)
    except (TypeError, ValueError):
        out = np.full(len(values), np.nan, dtype=dtype)
        for i, v in enumerate(values):
            with contextlib.suppress(TypeError, ValueError):
                out[i] = float(v)
        return out


class HostMap:
    """Label values (Hostname, instance, nodename) → the fleet's node names."""

    def __init__(self, nodes: Sequence[NodeSpec], configured: Mapping[str, str] = ()) -> None:
        known = {n.name for n in nodes}
        self._exact: dict[str, str] = {}
        for n in nodes:
            self._exact.setdefault(n.name, n.name)
            if n.address:
                self._exact.setdefault(n.address, n.name)
        self._exact.update({k: v for k, v in dict(configured).items() if v in known})
        self._cache: dict[str, str | None] = {}

    def resolve(self, value: str) -> str | None:
        try:
            return self._cache[value]
        except KeyError:
            pass
        found = self._exact.get(value)
        if found is None and value:
            bare = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
            bare = bare.strip("[]")
            found = self._exact.get(bare) or self._exact.get(bare.split(".")[0])
        self._cache[value] = found
        return found


@dataclass
class Decoded:
    packed: PackedSamples | None
    events: list[NodeEvent] = field(default_factory=list)
    unknown: set[str] = field(default_factory=set)  # label values that are no node of ours


class Decoder:
    """Stateful across refreshes: which nodes each target served, so a target that went down
    still names its nodes."""

    def __init__(self, hosts: HostMap, width: int) -> None:
        self.hosts = hosts
        self.width = max(1, min(width, MAX_GPUS_PER_NODE))
        self.served: dict[str, set[str]] = {}  # instance → nodes seen in its series
        self.aggregators: set[str] = set()  # instances that are a serve: never one node's
        self._node_of: dict[str, str | None] = {}  # Hostname label value → node (cache)
        self._col_of = _GpuIndex()

    def host_of(self, labels: Mapping[str, str]) -> str | None:
        value = labels.get("Hostname") or labels.get("hostname") or labels.get("node")
        return self.hosts.resolve(value) if value else None

    def decode(
        self,
        gpu: Mapping[str, list],
        times: Sequence[Series],
        now: float,
        cpu: Mapping[str, float] | None = None,
        disk: Mapping[str, float] | None = None,
        cpu_energy: Mapping[str, float] | None = None,
    ) -> Decoded:
        """Per metric its (host, gpu, value) triples, and per node its newest sample time →
        one PackedSamples holding the nodes with GPU data."""
        out = Decoded(None)
        cpu, disk, cpu_energy = cpu or {}, disk or {}, cpu_energy or {}
        row_of: dict[str, int] = {}
        cells: list[tuple[int, list[int], list[int], list]] = []
        energy_cells: list[tuple[str, list[int], list[int], list]] = []
        for metric, result in gpu.items():
            plane = _PLANE.get(metric)
            if plane is not None:
                cells.append((plane, *self._cells(result, row_of, out.unknown)))
            elif metric in _ENERGY:
                energy_cells.append((metric, *self._cells(result, row_of, out.unknown)))
        if not row_of:
            return out
        n = len(row_of)
        grid = np.full((8, n, self.width), np.nan, dtype=np.float32)
        for plane, rows, cols, values in cells:
            if rows:
                grid[plane, np.asarray(rows), np.asarray(cols)] = _floats(values)
        # the profiling counter is what the GPU's engines really did; prefer it when exported
        prof = grid[_PROF]
        grid[_UTIL] = np.where(np.isnan(prof), grid[_UTIL], prof * 100.0)
        grid[_MEM_TOTAL] = grid[_MEM_USED] + grid[_FB_FREE]
        energy, estimated = self._energy(energy_cells, n)
        hosts = tuple(row_of)
        t = np.full(n, now, dtype=np.float64)
        for s in times:
            node = self.host_of(s.labels)
            row = row_of.get(node or "")
            if row is not None:
                t[row] = s.value  # the newest scrape of that node's GPUs
            instance = s.labels.get("instance")
            if node is not None and instance is not None:
                self.served.setdefault(instance, set()).add(node)
        out.packed = PackedSamples(
            hosts=hosts,
            t=t,
            cpu_percent=np.array([cpu.get(h, np.nan) for h in hosts], dtype=np.float32),
            gpu=np.ascontiguousarray(grid[: len(GPU_FIELDS)]),
            disk_pct=np.array([disk.get(h, np.nan) for h in hosts], dtype=np.float32),
            energy_j=energy,
            energy_estimated=estimated,
            cpu_energy_j=np.array([cpu_energy.get(h, np.nan) for h in hosts], dtype=np.float64),
        )
        return out

    def _energy(self, cells: list, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The counters in joules (DCGM exports mJ), float64, NaN missing; and serve's flag
        (absent at a dcgm-exporter: NVML's counter is measured)."""
        energy = np.full((n, self.width), np.nan)
        estimated = np.zeros((n, self.width), dtype=bool)
        for metric, rows, cols, values in cells:
            if not rows:
                continue
            v = _floats(values, np.float64)
            if metric == names.DCGM_ENERGY:
                energy[rows, cols] = v / 1000.0
            else:
                estimated[rows, cols] = v >= 0.5
        return energy, estimated

    def _cells(self, cells: list, row_of: dict[str, int], unknown: set[str]):
        """(rows, columns, value texts) of one metric's (host, gpu, value) triples. The hot
        loop of a refresh: dict lookups only, host label → node cached across refreshes."""
        rows: list[int] = []
        cols: list[int] = []
        values: list = []
        node_of, col_of, width = self._node_of, self._col_of, self.width
        for host, gpu, value in cells:
            try:
                col = col_of[gpu]
                node = node_of[host]
            except KeyError:
                if gpu not in col_of and not _is_index(gpu):
                    continue
                col = col_of[gpu]
                node = node_of[host] = self.hosts.resolve(str(host)) if host else None
            if node is None:
                unknown.add(str(host))
                continue
            if col >= width:
                continue
            row = row_of.get(node)
            if row is None:
                row = row_of[node] = len(row_of)
            rows.append(row)
            cols.append(col)
            values.append(value)
        return rows, cols, values

    def per_node(self, series: Iterable[Series], uname: Mapping[str, str]) -> dict[str, float]:
        """Series keyed by instance (node_exporter's) → value per node."""
        out: dict[str, float] = {}
        for s in series:
            instance = s.labels.get("instance", "")
            node = self.hosts.resolve(uname.get(instance, "")) or self.hosts.resolve(instance)
            if node is not None:
                out[node] = s.value
        return out

    def learn_uname(self, series: Iterable[Series]) -> dict[str, str]:
        """node_uname_info: instance → nodename; the instance then names that node when down."""
        out: dict[str, str] = {}
        for s in series:
            instance, nodename = s.labels.get("instance"), s.labels.get("nodename")
            if instance and nodename:
                out[instance] = nodename
                node = self.hosts.resolve(nodename)
                if node is not None:
                    self.served.setdefault(instance, set()).add(node)
        return out

    def down_targets(self, up: Iterable[Series], now: float) -> list[NodeEvent]:
        """`up == 0` → UNREACHABLE for the one node that target is. A target that served many
        nodes, or any serve (it exports hangang_node_status), says nothing about each node:
        those go stale by age instead."""
        events = []
        for s in up:
            if s.value != 0:
                continue
            instance = s.labels.get("instance", "")
            nodes = self.served.get(instance) or {self.hosts.resolve(instance)} - {None}
            if len(nodes) != 1 or instance in self.aggregators:
                continue
            message = translate(
                "Prometheus", "exporter {instance} (job {job}) is down: Prometheus cannot scrape it"
            ).fill(instance=instance, job=s.labels.get("job", "?"))
            events.append(NodeEvent(next(iter(nodes)), now, NodeStatus.UNREACHABLE, message))
        return events

    def serve_events(self, status: Iterable[Series], now: float) -> list[NodeEvent]:
        """serve's hangang_node_status: what serve knows of a node it cannot read."""
        events = []
        for s in status:
            if "instance" in s.labels:
                self.aggregators.add(s.labels["instance"])
            node = self.hosts.resolve(s.labels.get("node", ""))
            try:
                state = NodeStatus(int(s.value))
            except ValueError:
                continue
            if node is None or state == NodeStatus.LIVE:
                continue
            message = translate("Prometheus", "serve reports this node {state}").fill(
                state=state.name.lower()
            )
            events.append(NodeEvent(node, now, state, message))
        return events

    def serve_values(self, series: Iterable[Series]) -> tuple[dict[str, float], ...]:
        """serve's per-node CPU %, fullest-disk % and CPU package joules."""
        cpu: dict[str, float] = {}
        disk: dict[str, float] = {}
        cpu_energy: dict[str, float] = {}
        for s in series:
            node = self.hosts.resolve(s.labels.get("node", ""))
            if node is None:
                continue
            name = s.labels.get("__name__")
            if name == names.NODE_CPU_PERCENT:
                cpu[node] = s.value
            elif name == names.NODE_DISK_PERCENT:
                disk[node] = s.value
            elif name == names.NODE_CPU_ENERGY:
                cpu_energy[node] = s.value
        return cpu, disk, cpu_energy
