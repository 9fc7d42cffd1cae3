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

from console.fleet.health import Fact
from console.fleet.model import NodeEvent, NodeStatus
from console.fleet.packing import GPU_FIELDS, MAX_GPUS_PER_NODE, PackedSamples
from console.i18n.catalogue import translate
from console.inventory.model import NodeSpec
from console.room import names
from console.sources.prometheus import queries
from console.sources.prometheus.client import Series, as_columns

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
# health series → (fact, whether its value is the fact's value), in health_facts' order
_FACTS = {
    names.DCGM_ECC_DBE: (Fact.ECC_UNCORRECTED, True),
    names.DCGM_ROW_REMAP_PENDING: (Fact.REMAP_PENDING, False),
    names.DCGM_ROW_REMAP_FAIL: (Fact.REMAP_FAILURE, False),
    names.DCGM_RETIRED_PENDING: (Fact.RETIRE_PENDING, False),
}
_FACT_ORDER = {fact: k for k, (fact, _) in enumerate(_FACTS.values())}
FB_TOTAL = queries.FB_TOTAL  # the framebuffer's size, asked rarely: it holds still
_PLANE[FB_TOTAL] = _MEM_TOTAL


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
        self.names = tuple(n.name for n in nodes)  # the fleet's order: the decoder's rows
        known = set(self.names)
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
    still names its nodes; and each metric's last layout (which fleet row and GPU column each
    cell is), reused while the server answers the same series in the same order."""

    def __init__(self, hosts: HostMap, width: int) -> None:
        self.hosts = hosts
        self.width = max(1, min(width, MAX_GPUS_PER_NODE))
        self.served: dict[str, set[str]] = {}  # instance → nodes seen in its series
        self.aggregators: set[str] = set()  # instances that are a serve: never one node's
        self._row_of = {name: i for i, name in enumerate(hosts.names)}
        self._col_of = _GpuIndex()
        self._layouts: dict[str, tuple] = {}  # metric → (hosts, gpus, rows, cols, unknown)
        self._served_from: tuple = ()  # the times answer `served` was last learned from

    def host_of(self, labels: Mapping[str, str]) -> str | None:
        value = labels.get("Hostname") or labels.get("hostname") or labels.get("node")
        return self.hosts.resolve(value) if value else None

    def decode(
        self,
        gpu: Mapping[str, Sequence],
        times: Sequence[Series],
        now: float,
        cpu: Mapping[str, float] | None = None,
        disk: Mapping[str, float] | None = None,
        cpu_energy: Mapping[str, float] | None = None,
        kept: Mapping[str, Sequence] | None = None,
    ) -> Decoded:
        """Per metric its cells ((hosts, gpus, values) columns, or (host, gpu, value)
        triples), and per node its newest sample time → one PackedSamples holding the nodes
        with GPU data. `kept`: cells of metrics not asked this time (their last answer): they
        fill in values, but only a node in this time's answers is in the result."""
        out = Decoded(None)
        cpu, disk, cpu_energy = cpu or {}, disk or {}, cpu_energy or {}
        width, fleet = self.width, len(self.hosts.names)
        present = np.zeros(fleet, dtype=bool)
        grid = np.full((9, fleet, width), np.nan, dtype=np.float32)  # + FB_TOTAL's scratch
        energy = np.full((fleet, width), np.nan)
        estimated = np.zeros((fleet, width), dtype=bool)
        for fresh, given in ((True, gpu), (False, kept or {})):
            for metric, cells in given.items():
                plane = _PLANE.get(metric)
                if plane is None and metric not in _ENERGY:
                    continue
                rows, cols, values = self._placed(metric, cells, out.unknown)
                if not len(rows):
                    continue
                if fresh:
                    present[rows] = True
                if metric == names.DCGM_ENERGY:
                    energy[rows, cols] = _floats(values, np.float64) / 1000.0
                elif metric == names.GPU_ENERGY_ESTIMATED:
                    estimated[rows, cols] = _floats(values, np.float64) >= 0.5
                else:
                    grid[8 if metric == FB_TOTAL else plane, rows, cols] = _floats(values)
        keep = np.flatnonzero(present)
        if not len(keep):
            return out
        grid = grid[:, keep]
        # the profiling counter is what the GPU's engines really did; prefer it when exported
        prof = grid[_PROF]
        grid[_UTIL] = np.where(np.isnan(prof), grid[_UTIL], prof * 100.0)
        free = grid[_FB_FREE]
        grid[_MEM_TOTAL] = np.where(np.isnan(free), grid[8], grid[_MEM_USED] + free)
        hosts = tuple(self.hosts.names[i] for i in keep.tolist())
        jobs = gpu.get(queries.JOBS, (kept or {}).get(queries.JOBS))
        health = gpu.get(queries.HEALTH, (kept or {}).get(queries.HEALTH))
        t = self._times(times, keep, now)
        out.packed = PackedSamples(
            hosts=hosts,
            t=t,
            cpu_percent=np.array([cpu.get(h, np.nan) for h in hosts], dtype=np.float32),
            gpu=np.ascontiguousarray(grid[: len(GPU_FIELDS)]),
            disk_pct=np.array([disk.get(h, np.nan) for h in hosts], dtype=np.float32),
            energy_j=energy[keep],
            energy_estimated=estimated[keep],
            cpu_energy_j=np.array([cpu_energy.get(h, np.nan) for h in hosts], dtype=np.float64),
            job=self._jobs(jobs, keep) if jobs else None,
            health=self._health(health, keep) if health else None,
        )
        return out

    def _health(self, series: Iterable[Series], keep: np.ndarray) -> tuple:
        """Per packed host its health facts (console/fleet/health.py) from the health series
        (only GPUs with a fault come back), ordered as health_facts orders a sample's."""
        facts: dict[int, list] = {}
        for s in series:
            found = _FACTS.get(s.labels.get("__name__", ""))
            node = self.host_of(s.labels)
            try:
                col = self._col_of[s.labels.get("gpu", "")]
            except KeyError:
                continue
            if found is None or node is None or col >= self.width or not s.value > 0:
                continue
            fact, valued = found
            facts.setdefault(self._row_of[node], []).append(
                (col, fact, float(s.value) if valued else 1.0))
        out = [()] * len(keep)
        for k, row in enumerate(keep.tolist()):
            if row in facts:
                out[k] = tuple(sorted(facts[row], key=lambda f: (f[0], _FACT_ORDER[f[1]])))
        return tuple(out)

    def _jobs(self, series: Iterable[Series], keep: np.ndarray) -> np.ndarray:
        """hpc_job per GPU (None where a GPU has none), rows as the packed hosts'."""
        out = np.full((len(self.hosts.names), self.width), None, dtype=object)
        for s in series:
            node, job = self.host_of(s.labels), s.labels.get(names.HPC_JOB)
            try:
                col = self._col_of[s.labels.get("gpu", "")]
            except KeyError:
                continue
            if node is not None and job and col < self.width:
                out[self._row_of[node], col] = job
        return out[keep]

    def _times(self, times, keep: np.ndarray, now: float) -> np.ndarray:
        """Each kept node's newest GPU scrape (`now` where none is known), from (hosts,
        instances, times) columns or Series; and which target served the node."""
        if not isinstance(times, tuple):  # Series
            times = ((s.labels.get("Hostname") or s.labels.get("hostname") or "",
                      s.labels.get("instance", ""), s.value) for s in times)
            times = as_columns(list(times))
        hosts, instances, values = times
        fleet = np.full(len(self.hosts.names), now, dtype=np.float64)
        if len(hosts):
            rows, _, found = self._placed("times", (hosts, ("0",) * len(hosts), values), set())
            if len(rows):
                fleet[rows] = _floats(found, np.float64)
            if self._served_from != (hosts, instances):
                self._served_from = (hosts, instances)
                for host, instance in zip(hosts, instances, strict=True):
                    node = self.hosts.resolve(host) if host else None
                    if node is not None and instance:
                        self.served.setdefault(instance, set()).add(node)
        return fleet[keep]

    def _placed(self, metric: str, cells: Sequence, unknown: set[str]):
        """(fleet rows, GPU columns, value texts) of one metric's cells. The layout is worked
        out once and kept while the answer names the same (host, GPU) series in the same
        order, as a server answers refresh after refresh: then a refresh costs two tuple
        comparisons and a fancy index, no Python loop per GPU."""
        if isinstance(cells, list):  # (host, gpu, value) triples
            cells = as_columns(cells)
        hosts, gpus, values = cells
        cached = self._layouts.get(metric)
        if cached is None or cached[0] != hosts or cached[1] != gpus:
            cached = self._layouts[metric] = (hosts, gpus, *self._layout(hosts, gpus))
        _, _, rows, cols, missing, take = cached
        unknown.update(missing)
        if take is not None:
            values = np.asarray(values, dtype=object)[take] if len(values) else values
        return rows, cols, values

    def _layout(self, hosts: Sequence[str], gpus: Sequence[str]):
        """Rows, columns, the label values that are no node of ours, and which cells to take
        (None: all of them)."""
        node_of: dict[str, int] = {}
        missing: set[str] = set()
        for host in dict.fromkeys(hosts):  # each host once, not each GPU
            node = self.hosts.resolve(str(host)) if host else None
            node_of[host] = -1 if node is None else self._row_of[node]
            if node is None:
                missing.add(str(host))
        col_of, width = self._col_of, self.width
        cols_of: dict[str, int] = {}
        for g in dict.fromkeys(gpus):
            try:
                cols_of[g] = col_of[g] if col_of[g] < width else -1
            except KeyError:
                cols_of[g] = -1
        rows = np.fromiter((node_of[h] for h in hosts), dtype=np.intp, count=len(hosts))
        cols = np.fromiter((cols_of[g] for g in gpus), dtype=np.intp, count=len(gpus))
        ok = (rows >= 0) & (cols >= 0)
        if ok.all():
            return rows, cols, frozenset(missing), None
        take = np.flatnonzero(ok)
        return rows[take], cols[take], frozenset(missing), take

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
