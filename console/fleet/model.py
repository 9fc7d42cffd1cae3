"""Immutable values that flow from sources to the screen.

Every measured field may be missing (None): a driver that does not support a field, a GPU that fell
off the bus, a node that sent half a line. Widgets and aggregates must treat None as "no value",
never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import IntEnum, StrEnum

import numpy as np


class Sector(StrEnum):
    """The three sectors that share the centre, in display order."""

    PUBLIC = "public"
    INTEREST = "interest"
    PRIVATE = "private"


SECTORS: tuple[Sector, ...] = tuple(Sector)


class NodeStatus(IntEnum):
    """What the console knows of a node; the integer orders severity for sorting.

    LIVE and STALE follow from the age of the last sample; the others come from NodeEvents.
    """

    LIVE = 0
    STALE = 1
    CONNECTING = 2
    WAITING = 3  # never heard from yet
    PROBE_ERROR = 4
    UNREACHABLE = 5
    AUTH_FAILED = 6
    HOSTKEY_UNKNOWN = 7
    HOSTKEY_CHANGED = 8


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation inside a sector; names are data, so they carry both languages."""

    id: str
    sector: Sector
    name_ko: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_ko if lang == "ko" else self.name_en


@dataclass(frozen=True, slots=True)
class GpuProcess:
    pid: int
    user: str | None = None
    used_mib: float | None = None
    command: str | None = None
    gpu_instance_id: int | None = None  # the MIG GPU instance it runs in (None: whole GPU)
    job: str | None = None  # the Slurm job it runs in (the probe's cgroup/environ reading)


@dataclass(frozen=True, slots=True)
class MigDevice:
    index: int
    uuid: str | None = None
    name: str | None = None
    mem_used_mib: float | None = None
    mem_total_mib: float | None = None
    gpu_instance_id: int | None = None  # NVML's GPU instance id (DCGM's GPU_I_ID)


@dataclass(frozen=True, slots=True)
class GpuSample:
    """One GPU as a probe saw it; field names and units are those of docs/protocol.md."""

    index: int
    util_gpu: float | None = None  # %
    util_mem: float | None = None  # % of time the memory controller was busy
    mem_used_mib: float | None = None
    mem_total_mib: float | None = None
    temp_c: float | None = None
    power_w: float | None = None
    power_limit_w: float | None = None
    name: str | None = None
    uuid: str | None = None
    temp_mem_c: float | None = None
    sm_clock_mhz: float | None = None
    mem_clock_mhz: float | None = None
    pstate: str | None = None
    fan_pct: float | None = None
    ecc_uncorrected_volatile: int | None = None
    ecc_uncorrected_aggregate: int | None = None
    ecc_corrected_volatile: int | None = None  # single-bit (SBE), corrected by the board
    ecc_corrected_aggregate: int | None = None
    remapped_rows_pending: bool | None = None
    remapped_rows_failure: bool | None = None
    retired_pages_sbe: int | None = None  # Volta and older retire pages; newer remap rows
    retired_pages_dbe: int | None = None
    retired_pages_pending: bool | None = None
    clock_event_reasons: tuple[str, ...] = ()
    mig_mode: bool | None = None
    mig_devices: tuple[MigDevice, ...] = ()
    processes: tuple[GpuProcess, ...] = ()
    lost: bool = False  # the driver can no longer reach it (NVML GPU_IS_LOST): no values
    # energy counter in joules: NVML's total since the driver loaded, or, when energy_estimated,
    # the probe's integral of power since it started. Resets (reload, reboot, new probe) happen.
    energy_j: float | None = None
    energy_estimated: bool | None = None


@dataclass(frozen=True, slots=True)
class DiskUse:
    mount: str
    used_bytes: int | None = None
    total_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """Node-level telemetry from the probe (everything optional: old kernels, no psutil, …)."""

    hostname: str | None = None
    kernel: str | None = None
    driver: str | None = None
    cuda: str | None = None
    load1: float | None = None
    load5: float | None = None
    load15: float | None = None
    mem_used_bytes: int | None = None
    mem_total_bytes: int | None = None
    swap_used_bytes: int | None = None
    swap_total_bytes: int | None = None
    disks: tuple[DiskUse, ...] = ()
    net_rx_bps: float | None = None
    net_tx_bps: float | None = None
    uptime_s: float | None = None
    # CPU package energy (RAPL, /sys/class/powercap), joules summed over packages and made
    # monotonic across the hardware's wraps by the probe; resets when the probe restarts
    cpu_energy_j: float | None = None


@dataclass(frozen=True, slots=True)
class XidEvent:
    gpu: int | None
    xid: int
    t: float | None = None


@dataclass(frozen=True, slots=True)
class NodeSample:
    host: str
    t: float  # epoch seconds, taken on the node
    gpus: tuple[GpuSample, ...]
    cpu_percent: float | None = None
    mem_used_frac: float | None = None
    errors: tuple[str, ...] = ()  # per-field problems the probe reported (the line still counts)
    info: NodeInfo | None = None
    xids: tuple[XidEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class NodeEvent:
    """Something happened to a node's connection: connecting, refused, bad host key, garbage."""

    host: str
    t: float  # epoch seconds, taken on the console
    status: NodeStatus
    message: str = ""
    fingerprint: str | None = None  # SHA256 host key fingerprint, for host key states
    key_host: str | None = None  # whose key that is ("[bastion]:22" for a jump host's)


@dataclass(frozen=True, slots=True)
class PollBatch:
    """What the poller hands over in one go: newest item per node since the last batch.

    `packed` holds the samples as arrays (console/fleet/packing.py), made by the poller off the GUI
    thread; a batch built without it is packed when applied.
    """

    t: float
    samples: tuple[NodeSample, ...] = ()
    events: tuple[NodeEvent, ...] = ()
    packed: object | None = None  # PackedSamples

    def __bool__(self) -> bool:
        return bool(self.samples or self.events or self.packed is not None)


@dataclass(frozen=True, slots=True)
class SectorSummary:
    sector: Sector
    entitled_share: float  # fraction of the fleet's GPUs guaranteed to the sector
    entitled_gpus: float
    allocated_gpus: int  # GPUs on nodes that belong to the sector
    reporting_gpus: int  # allocated GPUs with live data
    used_gpus: int  # reporting GPUs at or above the busy threshold
    avg_util: float | None  # mean utilisation over reporting GPUs, %


@dataclass(frozen=True, slots=True)
class SectorSeries:
    """Per-sector values over the last hour, one row per sector, NaN where no data."""

    t: np.ndarray  # (n,) epoch seconds
    util: np.ndarray  # (len(SECTORS), n) mean utilisation of reporting GPUs, percent
    allocated: np.ndarray | None = None  # GPUs on the sector's nodes
    busy: np.ndarray | None = None  # reporting GPUs at or above the busy threshold
    entitled: np.ndarray | None = None  # the sector's share × all GPUs


@dataclass(frozen=True, slots=True)
class FleetSnapshot:
    """Everything a widget needs to draw one frame. Arrays are read-only copies.

    Nodes are ordered by sector (SECTORS order), then by name; GPU arrays are (nodes, max GPUs)
    with NaN where a GPU does not exist or has no value.
    """

    t: float
    node_names: tuple[str, ...]
    node_sector: np.ndarray  # (nodes,) int index into SECTORS
    node_org: tuple[Organisation | None, ...]
    node_gpu_count: np.ndarray  # (nodes,) int
    node_status: np.ndarray  # (nodes,) int NodeStatus
    node_age_s: np.ndarray  # (nodes,) seconds since the last sample, NaN if never
    node_reason: tuple[str, ...]  # message of the last event, "" if none
    node_fingerprint: tuple[str | None, ...]  # host key fingerprint for host key states
    node_cpu_percent: np.ndarray
    gpu_util: np.ndarray
    gpu_mem_used_mib: np.ndarray
    gpu_mem_total_mib: np.ndarray
    gpu_temp_c: np.ndarray
    gpu_power_w: np.ndarray
    sectors: tuple[SectorSummary, ...]
    series: SectorSeries
    busy_threshold: float
    counts: dict[NodeStatus, int] = field(default_factory=dict)
    # organisation each GPU works for (index into org_ids, -1 none): its job's account's
    # organisation, else its main process's user's when the inventory maps the user, else the
    # node's (console/fleet/charging.py); gpu_rule says which (int8: 2 job account, 1 user map,
    # 0 node organisation, -1 no use); None: the source does not say
    org_ids: tuple[str, ...] = ()
    gpu_org: np.ndarray | None = None
    gpu_rule: np.ndarray | None = None
    oldest_age_s: float | None = None  # age of the oldest data among nodes that have data
    # whose host key node_fingerprint is: the node's "[host]:port" or a jump host's; () or None
    node_key_host: tuple[str | None, ...] = ()
    # health facts the alert rules read (console/fleet/health.py): per node, only what is abnormal,
    # as (gpu or -1, Fact, value) tuples; () for a healthy node
    node_health: tuple[tuple[tuple[int, int, float], ...], ...] | None = None
    node_disk_pct: np.ndarray | None = None  # (nodes,) fullest disk's use in %, NaN unknown
    gpu_temp_mem_c: np.ndarray | None = None  # (nodes, GPUs) memory (HBM) temperature
    # energy (console/energy): counters in joules (float64, NaN missing), see GpuSample.energy_j
    gpu_energy_j: np.ndarray | None = None  # (nodes, GPUs)
    gpu_energy_estimated: np.ndarray | None = None  # (nodes, GPUs) bool: integrated power
    # (nodes, GPUs) object: the job id each GPU runs (PackedSamples.job), None none; None when
    # no source knows jobs
    gpu_job: np.ndarray | None = None
    node_cpu_energy_j: np.ndarray | None = None  # (nodes,) RAPL package joules, NaN missing
    # MIG GPUs' energy split, per node: () or ((gpu column, ((org index or -1, fraction), ...)),
    # ...) with fractions adding up to 1 (a slice's share is its profile's slices of seven; idle
    # and unallocated slices go to the GPU's owner, the node's organisation)
    node_energy_split: tuple[tuple[tuple[int, tuple[tuple[int, float], ...]], ...], ...] | None = (
        None
    )

    @property
    def node_count(self) -> int:
        return len(self.node_names)

    def sector_of(self, row: int) -> Sector:
        return SECTORS[int(self.node_sector[row])]

    def subset(self, rows: np.ndarray) -> FleetSnapshot:
        """The snapshot restricted to some nodes (in the given order). Every node_* and gpu_*
        field is cut, found by its name, so a field added later is not forgotten here."""
        changes: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not f.name.startswith(("node_", "gpu_")) or value is None:
                continue
            if isinstance(value, np.ndarray):
                cut = value[rows]
                cut.flags.writeable = False
                changes[f.name] = cut
            else:
                changes[f.name] = tuple(value[i] for i in rows)
        status = changes["node_status"]
        changes["counts"] = {s: int((status == s).sum()) for s in NodeStatus}
        return replace(self, **changes)
