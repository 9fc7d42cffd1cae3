"""The latest FleetSnapshot as Prometheus metric families (a custom prometheus_client Collector).

Nothing is registered per sample: every scrape reads the newest RoomView (an immutable snapshot
plus the newest whole sample of each node) and yields fresh families from it, so a node that
leaves or a GPU that disappears leaves no stale child behind in a registry.

Names and labels are those of console/room/names.py (the operations-room contract): per GPU the
DCGM exporter's (so a site's dashboards and the console's Prometheus source read serve and
dcgm-exporter alike), per node node_exporter's where one exists, and the console's own
hangang_* series. Per-GPU and per-node measurements are exported only for LIVE nodes: a node that
stopped reporting shows in hangang_node_status and hangang_node_data_age_seconds, never as an old
value made to look fresh. All are gauges but the console's own counter
(hangang_node_cpu_energy_joules_total): the DCGM counters' names do not end in _total
(TOTAL_ENERGY_CONSUMPTION, ECC_DBE_VOL_TOTAL), which OpenMetrics (what Prometheus asks for)
requires of a counter, so prometheus_client would rename them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry
from prometheus_client.samples import Sample

from console.fleet.health import Fact
from console.fleet.model import SECTORS, FleetSnapshot, NodeSample, NodeStatus
from console.room import names as n
from console.room.books import books_families

NODE_LABELS = ("node", "Hostname")  # node_exporter's names, one target for the whole fleet


@dataclass(frozen=True, slots=True)
class RoomView:
    """What one scrape reads: all of it made before the scrape, none of it changed after."""

    snapshot: FleetSnapshot
    samples: Mapping[str, NodeSample] = field(default_factory=dict)  # newest whole sample
    models: Mapping[str, str | None] = field(default_factory=dict)  # node → fleet file's model
    demand: Mapping[str, int] = field(default_factory=dict)  # sector id → queued GPUs
    alertmanager: object | None = None  # console.alerts.alertmanager.AlertmanagerState
    books: object | None = None  # console.room.books.BooksTotals: the closed minutes' books


def _gauge(name: str, doc: str, labels: tuple[str, ...]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels)


# per-GPU families from the snapshot's arrays: (name, help, snapshot field)
ARRAY_GPU = (
    (n.DCGM_UTIL, "GPU utilization (in %).", "gpu_util"),
    (n.DCGM_FB_USED, "Framebuffer memory used (in MiB).", "gpu_mem_used_mib"),
    (n.DCGM_TEMP, "GPU temperature (in C).", "gpu_temp_c"),
    (n.DCGM_MEM_TEMP, "Memory temperature (in C).", "gpu_temp_mem_c"),
    (n.DCGM_POWER, "Power draw (in W).", "gpu_power_w"),
)
# per-GPU families from the whole sample: (name, help, GpuSample attribute)
SAMPLE_GPU = (
    (n.DCGM_SM_CLOCK, "SM clock frequency (in MHz).", "sm_clock_mhz"),
    (n.DCGM_MEM_CLOCK, "Memory clock frequency (in MHz).", "mem_clock_mhz"),
    (n.DCGM_ECC_DBE, "Volatile uncorrected (double-bit) ECC errors.", "ecc_uncorrected_volatile"),
    (n.DCGM_ECC_DBE_AGG, "Total uncorrected (double-bit) ECC errors (aggregate).",
     "ecc_uncorrected_aggregate"),
    (n.DCGM_ECC_SBE, "Volatile corrected (single-bit) ECC errors.", "ecc_corrected_volatile"),
    (n.DCGM_ECC_SBE_AGG, "Total corrected (single-bit) ECC errors (aggregate).",
     "ecc_corrected_aggregate"),
    (n.DCGM_RETIRED_SBE, "Total number of retired pages due to single-bit errors.",
     "retired_pages_sbe"),
    (n.DCGM_RETIRED_DBE, "Total number of retired pages due to double-bit errors.",
     "retired_pages_dbe"),
    (n.DCGM_RETIRED_PENDING, "Total number of pages pending retirement.",
     "retired_pages_pending"),
    (n.DCGM_ROW_REMAP_FAIL, "Whether remapping of rows has failed.", "remapped_rows_failure"),
    (n.DCGM_ROW_REMAP_PENDING, "Whether remapping of rows is pending (a reset is needed).",
     "remapped_rows_pending"),
)


class FleetCollector(Collector):
    def __init__(self, view: Callable[[], RoomView | None]) -> None:
        self._view = view

    def describe(self) -> list[Metric]:
        return []  # names depend on the data; registering must not call collect()

    def collect(self) -> Iterator[Metric]:
        up = _gauge(n.SERVE_UP, "1 while hangang-console serve runs.", ())
        up.add_metric((), 1.0)
        yield up
        view = self._view()
        if view is None:
            return
        yield from alertmanager_families(view.alertmanager)
        yield from books_families(view.books)
        yield from sector_families(view)
        yield from org_families(view)
        yield from node_families(view)
        yield from gpu_families(view)


def registry_for(view: Callable[[], RoomView | None]) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FleetCollector(view))
    return registry


def alertmanager_families(state) -> Iterator[Metric]:
    """Whether serve's incidents reach the Alertmanager (nothing when none is configured)."""
    if state is None:
        return
    up = _gauge(n.ALERTMANAGER_UP, "1 while the Alertmanager takes serve's alerts, 0 while it "
                "cannot be reached (they wait in serve).", ())
    if state.up is not None:
        up.add_metric((), 1.0 if state.up else 0.0)
    pending = _gauge(n.ALERTMANAGER_PENDING, "Alerts waiting for delivery to the Alertmanager.",
                     ())
    pending.add_metric((), float(state.pending))
    yield up
    yield pending


def sector_families(view: RoomView) -> Iterator[Metric]:
    snap = view.snapshot
    live = (snap.node_status == NodeStatus.LIVE)[:, None]
    work = np.where(live, snap.gpu_util, np.nan) / 100.0
    fams = [
        _gauge(n.SECTOR_ENTITLED, "GPUs guaranteed to the sector (its share of all GPUs).",
               ("sector",)),
        _gauge(n.SECTOR_ALLOCATED, "GPUs on the sector's nodes.", ("sector",)),
        _gauge(n.SECTOR_BUSY, "GPU-equivalents of work on the sector's reporting GPUs "
               "(sum of utilization / 100).", ("sector",)),
        _gauge(n.SECTOR_USED, "Reporting GPUs at or above the busy threshold.", ("sector",)),
        _gauge(n.SECTOR_QUEUED, "GPUs asked for by the sector's queued work.", ("sector",)),
        _gauge(n.SECTOR_POWER, "Power drawn by the sector's reporting GPUs (in W).",
               ("sector",)),
    ]
    power = np.where(live, snap.gpu_power_w, np.nan).astype(np.float64)
    for i, s in enumerate(snap.sectors):
        label = (s.sector.value,)
        mine = snap.node_sector == i
        fams[0].add_metric(label, s.entitled_gpus)
        fams[1].add_metric(label, s.allocated_gpus)
        fams[2].add_metric(label, float(np.nansum(work[mine])) if mine.any() else 0.0)
        fams[3].add_metric(label, s.used_gpus)
        fams[4].add_metric(label, float(view.demand.get(s.sector.value, 0)))
        fams[5].add_metric(label, round(float(np.nansum(power[mine])), 3) if mine.any() else 0.0)
    yield from fams


def org_families(view: RoomView) -> Iterator[Metric]:
    """Per sector and organisation, charged as the GPU-hour books charge them
    (console/history/rollup.py): allocation to the node's organisation, work to the
    organisation whose user's process runs on the GPU (else the node's)."""
    snap = view.snapshot
    labels = ("sector", "organisation")
    fams = [
        _gauge(n.ORG_ALLOCATED, "GPUs on the organisation's nodes, per sector.", labels),
        _gauge(n.ORG_BUSY, "GPU-equivalents of the organisation's work on reporting GPUs "
               "(sum of utilization / 100).", labels),
        _gauge(n.ORG_USED, "Reporting GPUs at or above the busy threshold running the "
               "organisation's work.", labels),
    ]
    names = list(snap.org_ids)  # GPU organisations index these; node ones are added
    where = {o: i for i, o in enumerate(names)}
    for org in snap.node_org:
        where.setdefault(org.id if org is not None else "", len(where))
    names = sorted(where, key=where.get)
    node_org = np.array([where[o.id if o is not None else ""] for o in snap.node_org],
                        dtype=np.intp)
    sector = np.asarray(snap.node_sector, dtype=np.intp)
    util = np.asarray(snap.gpu_util, dtype=np.float64)
    gpu_org = np.broadcast_to(node_org[:, None], util.shape)
    if snap.gpu_org is not None and snap.gpu_org.shape == util.shape:
        gpu_org = np.where(snap.gpu_org >= 0, snap.gpu_org, gpu_org)
    reporting = (snap.node_status == NodeStatus.LIVE)[:, None] & ~np.isnan(util)
    keys = len(SECTORS) * len(names)
    work_key = (sector[:, None] * len(names) + gpu_org)[reporting]
    alloc = np.bincount(sector * len(names) + node_org, snap.node_gpu_count, minlength=keys)
    busy = np.bincount(work_key, util[reporting] / 100.0, minlength=keys)
    used = np.bincount(work_key, util[reporting] >= snap.busy_threshold, minlength=keys)
    seen = np.bincount(work_key, minlength=keys) + np.bincount(sector * len(names) + node_org,
                                                               minlength=keys)
    for key in np.flatnonzero(seen).tolist():
        label = (SECTORS[key // len(names)].value, names[key % len(names)])
        fams[0].add_metric(label, float(alloc[key]))
        fams[1].add_metric(label, float(busy[key]))
        fams[2].add_metric(label, float(used[key]))
    yield from fams


def node_families(view: RoomView) -> Iterator[Metric]:
    snap = view.snapshot
    info = _gauge(n.NODE_INFO, "A node of the fleet file: its sector, organisation and model.",
                  ("node", "Hostname", "sector", "organisation", "model", "gpus"))
    status = _gauge(n.NODE_STATUS, "What the console knows of the node (0 live, 1 stale, "
                    "5 unreachable, ...).", ("node", "status"))
    age = _gauge(n.NODE_DATA_AGE, "Seconds since the node's newest sample.", ("node",))
    cpu = _gauge(n.NODE_CPU_PERCENT, "CPU busy (in %).", ("node",))
    disk = _gauge(n.NODE_DISK_PERCENT, "Use of the node's fullest disk (in %).", ("node",))
    cpu_energy = CounterMetricFamily(n.NODE_CPU_ENERGY, "Energy of the node's CPU packages "
                                     "(RAPL, summed over packages, in J).", labels=("node",))
    load = _gauge(n.NODE_LOAD1, "1m load average.", NODE_LABELS)
    mem_total = _gauge(n.NODE_MEM_TOTAL, "Memory information field MemTotal_bytes.", NODE_LABELS)
    mem_avail = _gauge(n.NODE_MEM_AVAIL, "Memory information field MemAvailable_bytes.",
                       NODE_LABELS)
    fs_size = _gauge(n.NODE_FS_SIZE, "Filesystem size in bytes.", (*NODE_LABELS, "mountpoint"))
    fs_avail = _gauge(n.NODE_FS_AVAIL, "Filesystem space available in bytes.",
                      (*NODE_LABELS, "mountpoint"))
    statuses = snap.node_status.tolist()
    ages = snap.node_age_s.tolist()
    cpus = _plain(snap.node_cpu_percent)
    disks = _plain(snap.node_disk_pct) if snap.node_disk_pct is not None else [math.nan] * len(
        statuses)
    joules = (snap.node_cpu_energy_j.tolist() if snap.node_cpu_energy_j is not None
              else [math.nan] * len(statuses))
    gpus = snap.node_gpu_count.tolist()
    sectors = snap.node_sector.tolist()
    for row, node in enumerate(snap.node_names):
        org = snap.node_org[row]
        info.add_metric((node, node, SECTORS[sectors[row]].value, org.id if org else "",
                         view.models.get(node) or "", str(gpus[row])), 1.0)
        code = statuses[row]
        status.add_metric((node, NodeStatus(code).name.lower()), float(code))
        if not math.isnan(ages[row]):
            age.add_metric((node,), max(0.0, ages[row]))
        if code != NodeStatus.LIVE:
            continue
        _put(cpu, (node,), cpus[row])
        _put(disk, (node,), disks[row])
        _put(cpu_energy, (node,), joules[row])
        sample = view.samples.get(node)
        facts = sample.info if sample is not None else None
        if facts is None:
            continue
        both = (node, node)
        _put(load, both, facts.load1)
        _put(mem_total, both, facts.mem_total_bytes)
        if facts.mem_total_bytes is not None and facts.mem_used_bytes is not None:
            mem_avail.add_metric(both, float(facts.mem_total_bytes - facts.mem_used_bytes))
        mounts: set[str] = set()  # a repeated series would make Prometheus drop the whole scrape
        for d in facts.disks:
            if d.mount in mounts:
                continue
            mounts.add(d.mount)
            _put(fs_size, (*both, d.mount), d.total_bytes)
            if d.total_bytes is not None and d.used_bytes is not None:
                fs_avail.add_metric((*both, d.mount), float(d.total_bytes - d.used_bytes))
    yield from (info, status, age, cpu, disk, cpu_energy, load, mem_total, mem_avail, fs_size,
                fs_avail)


def _plain(a: np.ndarray) -> list:
    """float32 arrays as Python floats with the digits they hold (66.2, not 66.19999694824219)."""
    return np.round(a.astype(np.float64), 3).tolist()


def _put(family: GaugeMetricFamily, labels: tuple[str, ...], value) -> None:
    """Add a value unless it is missing: None and NaN are "no value", never zero."""
    if value is None:
        return
    value = float(value)
    if not math.isnan(value):
        family.add_metric(labels, value)


def gpu_families(view: RoomView) -> Iterator[Metric]:
    """Samples are appended directly, one labels dict per GPU shared by all its series: at
    16,000 GPUs add_metric's per-sample zip and dict were a third of the scrape."""
    snap = view.snapshot
    labels = n.GPU_LABELS
    arrays = [(_gauge(name, doc, labels), getattr(snap, attr)) for name, doc, attr in ARRAY_GPU]
    arrays = [(fam, fam.samples.append, fam.name, _plain(a)) for fam, a in arrays
              if a is not None]
    free = _gauge(n.DCGM_FB_FREE, "Framebuffer memory free (in MiB).", labels)
    # the profiling family dashboards (and the console's source) prefer: here NVML's
    # utilisation as a ratio, as dcgm-exporter gives it, so a panel reads serve and DCGM alike
    prof = _gauge(n.DCGM_PROF_ACTIVE, "Ratio of time the graphics engine is active "
                  "(utilization / 100).", labels)
    util_l = _plain(snap.gpu_util)
    used_l, total_l = _plain(snap.gpu_mem_used_mib), _plain(snap.gpu_mem_total_mib)
    from_sample = [(_gauge(name, doc, labels), attr) for name, doc, attr in SAMPLE_GPU]
    xid = _gauge(n.DCGM_XID, "Value of the last XID error encountered (0: none lately).", labels)
    energy = _gauge(n.DCGM_ENERGY, "Total energy consumption since boot (in mJ); a counter.",
                    labels)
    estimated = _gauge(n.GPU_ENERGY_ESTIMATED, "1 when the energy counter is the probe's "
                       "integral of power draw (no NVML counter), 0 when measured.", labels)
    # mJ as whole numbers, as NVML and dcgm-exporter give them (float64: exact to 2**53 mJ)
    mj = (np.round(snap.gpu_energy_j * 1000.0).tolist() if snap.gpu_energy_j is not None
          else None)
    flags = snap.gpu_energy_estimated.tolist() if snap.gpu_energy_estimated is not None else None
    mig_used = _gauge(n.DCGM_FB_USED, "", ())  # per MIG instance, added to the families above
    mig_free = _gauge(n.DCGM_FB_FREE, "", ())
    counts = snap.node_gpu_count.tolist()
    live = np.flatnonzero(snap.node_status == NodeStatus.LIVE).tolist()
    health = snap.node_health or ()
    add_free, add_xid, add_prof = free.samples.append, xid.samples.append, prof.samples.append
    for row in live:
        node = snap.node_names[row]
        sample = view.samples.get(node)
        by_index = {g.index: g for g in sample.gpus} if sample is not None else {}
        xids = {int(f[0]): f[2] for f in health[row] if f[1] == Fact.XID} if health else {}
        model = view.models.get(node) or ""
        for g in range(counts[row]):
            gs = by_index.get(g)
            if gs is not None and gs.lost:
                continue  # the driver cannot reach it: no values (the lost fact alerts)
            lab = {"gpu": str(g), "UUID": (gs.uuid if gs else None) or "",
                   "device": f"nvidia{g}", "modelName": (gs.name if gs else None) or model,
                   "Hostname": node}
            for _, add, name, values in arrays:
                v = values[row][g]
                if v == v:  # not NaN
                    add(Sample(name, lab, v))
            u = util_l[row][g]
            if u == u:
                add_prof(Sample(n.DCGM_PROF_ACTIVE, lab, round(u / 100.0, 6)))
            u, t = used_l[row][g], total_l[row][g]
            if u == u and t == t:
                add_free(Sample(n.DCGM_FB_FREE, lab, max(0.0, t - u)))
            add_xid(Sample(n.DCGM_XID, lab, float(xids.get(g, 0.0))))
            if mj is not None and mj[row][g] == mj[row][g]:  # a counter, not NaN
                energy.samples.append(Sample(n.DCGM_ENERGY, lab, mj[row][g]))
                flag = bool(flags[row][g]) if flags is not None else False
                estimated.samples.append(Sample(n.GPU_ENERGY_ESTIMATED, lab, float(flag)))
            if gs is None:
                continue
            for fam, attr in from_sample:
                value = getattr(gs, attr)
                if value is not None:
                    fam.samples.append(Sample(fam.name, lab, float(value)))
            for mig in {m.index: m for m in gs.mig_devices}.values():  # one series per index
                _add_mig(mig_used, mig_free, lab, mig)
    families = [fam for fam, *_ in arrays]
    fb_used = next(f for f in families if f.name == n.DCGM_FB_USED)
    fb_used.samples.extend(mig_used.samples)  # the GPUs', then their MIG instances'
    free.samples.extend(mig_free.samples)
    yield from families
    yield prof
    yield free
    yield xid
    yield energy
    yield estimated
    yield from (fam for fam, _ in from_sample)


def _add_mig(used: Metric, free: Metric, lab: dict[str, str], mig) -> None:
    """A MIG instance under dcgm-exporter's labels: the GPU's plus GPU_I_ID and GPU_I_PROFILE."""
    labels = dict(lab)
    labels["GPU_I_ID"] = str(mig.index)
    labels["GPU_I_PROFILE"] = mig.name or ""
    if mig.mem_used_mib is not None:
        used.add_sample(n.DCGM_FB_USED, labels, float(mig.mem_used_mib))
        if mig.mem_total_mib is not None:
            free.add_sample(n.DCGM_FB_FREE, labels,
                            max(0.0, float(mig.mem_total_mib - mig.mem_used_mib)))
