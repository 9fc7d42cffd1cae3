"""Alert rules: what is wrong in one snapshot, as Hits.
No state here (console/alerts/engine.py holds it).

Each rule reads the snapshot's arrays (vectorised: 16,000 GPUs cost a comparison, not a loop)
or the sparse health facts (console/fleet/health.py), and yields one Hit per GPU, node or sector
whose condition holds now. A value rule also yields the values inside its hysteresis band, marked
`over=False`: they keep an open alert open but never open one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from console.fleet.health import Fact
from console.fleet.metrics import AlertDefault, MetricRegistry
from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus
from console.settings import AlertSettings, RuleSettings

NAN = float("nan")


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    row: int  # node row in the snapshot; -1 for a sector
    gpu: int  # GPU index; -1 for the node or sector itself
    sector: int  # index into SECTORS
    value: float  # NaN when the rule has no value
    severity: str
    over: bool = True  # False: only inside the hysteresis band (keeps an open alert open)


@dataclass(frozen=True, slots=True)
class RuleContext:
    snap: FleetSnapshot
    settings: AlertSettings
    registry: MetricRegistry
    demand: Mapping[str, int]
    live: np.ndarray  # (nodes,) bool: the node's values are current
    # Slurm jobs whose GPUs are all at ~0 % now: (row of its first GPU's node, that GPU, seconds)
    idle_jobs: tuple[tuple[int, int, float], ...] = ()

    def rule(self, key: str) -> tuple[RuleSettings, AlertDefault]:
        return self.settings.rule(key), self.registry.alert(key)


def _severity(default: AlertDefault, rs: RuleSettings, value: float) -> str:
    if rs.critical is not None and value >= rs.critical:
        return "critical"
    return default.severity


def _value_hits(ctx: RuleContext, key: str, values: np.ndarray | None) -> list[Hit]:
    """Hits where `values` (nodes,) or (nodes, GPUs) reach the threshold less hysteresis."""
    if values is None or values.size == 0:
        return []
    rs, default = ctx.rule(key)
    low = rs.threshold - default.hysteresis
    live = ctx.live if values.ndim == 1 else ctx.live[:, None]
    with np.errstate(invalid="ignore"):
        found = np.nonzero(live & (values >= low))
    sector = ctx.snap.node_sector
    out = []
    for index in zip(*found, strict=True):
        v = float(values[index])
        row = int(index[0])
        gpu = int(index[1]) if values.ndim == 2 else -1
        out.append(
            Hit(key, row, gpu, int(sector[row]), v, _severity(default, rs, v), v >= rs.threshold)
        )
    return out


def gpu_temp(ctx: RuleContext) -> list[Hit]:
    return _value_hits(ctx, "gpu_temp", ctx.snap.gpu_temp_c)


def mem_temp(ctx: RuleContext) -> list[Hit]:
    return _value_hits(ctx, "mem_temp", ctx.snap.gpu_temp_mem_c)


def disk_full(ctx: RuleContext) -> list[Hit]:
    return _value_hits(ctx, "disk_full", ctx.snap.node_disk_pct)


def _fact_hits(ctx: RuleContext, key: str, fact: Fact, valued: bool = False) -> list[Hit]:
    """Hits for every `fact` in live nodes' health; `valued`: the fact's value is the peak."""
    rs, default = ctx.rule(key)
    valued = valued or default.threshold is not None
    out = []
    health = ctx.snap.node_health or ()
    for row, facts in enumerate(health):
        if not facts or not ctx.live[row]:
            continue
        for gpu, f, value in facts:
            if f != fact:
                continue
            if rs.threshold is not None and value < rs.threshold:
                continue
            out.append(
                Hit(
                    key,
                    row,
                    gpu,
                    int(ctx.snap.node_sector[row]),
                    value if valued else NAN,
                    _severity(default, rs, value),
                )
            )
    return out


def thermal_throttle(ctx: RuleContext) -> list[Hit]:
    return _fact_hits(ctx, "thermal_throttle", Fact.THERMAL)


def power_brake(ctx: RuleContext) -> list[Hit]:
    return _fact_hits(ctx, "power_brake", Fact.POWER_BRAKE)


def ecc_uncorrected(ctx: RuleContext) -> list[Hit]:
    return _fact_hits(ctx, "ecc_uncorrected", Fact.ECC_UNCORRECTED)


def remap_pending(ctx: RuleContext) -> list[Hit]:
    return _fact_hits(ctx, "remap_pending", Fact.REMAP_PENDING)


def retire_pending(ctx: RuleContext) -> list[Hit]:
    """A page retirement waits for a reboot (Volta and older; newer boards remap rows)."""
    return _fact_hits(ctx, "retire_pending", Fact.RETIRE_PENDING)


def remap_failure(ctx: RuleContext) -> list[Hit]:
    return _fact_hits(ctx, "remap_failure", Fact.REMAP_FAILURE)


def xid(ctx: RuleContext) -> list[Hit]:
    """An XID is an event; the snapshot shows it for a while (console/fleet/state.py XID_KEEP_S).
    The incident's value is the XID code; critical codes are errors, others warnings."""
    critical = set(ctx.settings.xid_critical)
    out = []
    for hit in _fact_hits(ctx, "xid", Fact.XID, valued=True):
        code = int(hit.value) if hit.value == hit.value else -1
        sev = "error" if code in critical else "warning"
        out.append(Hit("xid", hit.row, hit.gpu, hit.sector, float(code), sev))
    return out


def gpu_lost(ctx: RuleContext) -> list[Hit]:
    """The driver says the GPU is lost, or a live node no longer reports a GPU it has (fallen
    off the bus: NVML no longer even counts it)."""
    hits = {(h.row, h.gpu): h for h in _fact_hits(ctx, "gpu_lost", Fact.LOST)}
    snap = ctx.snap
    width = snap.gpu_util.shape[1]
    exists = np.arange(width)[None, :] < snap.node_gpu_count[:, None]
    silent = np.isnan(snap.gpu_util) & np.isnan(snap.gpu_mem_total_mib) & np.isnan(snap.gpu_temp_c)
    # only nodes that report some GPU: a node whose probe sees no GPU at all is not "lost GPUs"
    reports = (~silent & exists).any(axis=1)
    _, default = ctx.rule("gpu_lost")
    for row, gpu in zip(*np.nonzero(exists & silent & (ctx.live & reports)[:, None]), strict=True):
        key = (int(row), int(gpu))
        if key not in hits:
            sector = int(snap.node_sector[row])
            hits[key] = Hit("gpu_lost", key[0], key[1], sector, NAN, default.severity)
    return list(hits.values())


def _status_hits(ctx: RuleContext, key: str, statuses: tuple[NodeStatus, ...]) -> list[Hit]:
    _, default = ctx.rule(key)
    status = ctx.snap.node_status
    mask = status == statuses[0]
    for s in statuses[1:]:
        mask |= status == s
    rows = np.nonzero(mask)[0]
    sector = ctx.snap.node_sector
    return [Hit(key, int(r), -1, int(sector[r]), NAN, default.severity) for r in rows]


def node_unreachable(ctx: RuleContext) -> list[Hit]:
    return _status_hits(ctx, "node_unreachable", (NodeStatus.UNREACHABLE, NodeStatus.AUTH_FAILED))


def node_stale(ctx: RuleContext) -> list[Hit]:
    return _status_hits(ctx, "node_stale", (NodeStatus.STALE,))


def probe_error(ctx: RuleContext) -> list[Hit]:
    return _status_hits(ctx, "probe_error", (NodeStatus.PROBE_ERROR,))


def hostkey_changed(ctx: RuleContext) -> list[Hit]:
    return _status_hits(ctx, "hostkey_changed", (NodeStatus.HOSTKEY_CHANGED,))


def sector_over_entitlement(ctx: RuleContext) -> list[Hit]:
    """Busy GPUs as a percentage of the sector's entitlement."""
    key = "sector_over_entitlement"
    rs, default = ctx.rule(key)
    out = []
    for i, s in enumerate(ctx.snap.sectors):
        if s.entitled_gpus <= 0 or not s.reporting_gpus:
            continue
        pct = 100.0 * s.used_gpus / s.entitled_gpus
        if pct >= rs.threshold - default.hysteresis:
            out.append(Hit(key, -1, -1, i, pct, default.severity, pct >= rs.threshold))
    return out


def sector_starved(ctx: RuleContext) -> list[Hit]:
    """Pending demand (GPUs) in a sector while reporting GPUs sit idle in other sectors."""
    key = "sector_starved"
    rs, default = ctx.rule(key)
    if not ctx.demand:
        return []
    idle = [max(0, s.reporting_gpus - s.used_gpus) for s in ctx.snap.sectors]
    out = []
    for i, sector in enumerate(SECTORS):
        pending = float(ctx.demand.get(sector.value, 0))
        elsewhere = sum(idle) - idle[i]
        if pending >= rs.threshold and elsewhere > 0:
            out.append(Hit(key, -1, -1, i, pending, default.severity))
    return out


def idle_job(ctx: RuleContext) -> list[Hit]:
    """A job that has held GPUs at ~0 % for `idle_job_minutes`: one hit per job, at its first
    GPU; the value is the minutes so far."""
    rs, default = ctx.rule("idle_job")
    out = []
    for row, gpu, streak_s in ctx.idle_jobs:
        minutes = streak_s / 60.0
        if minutes >= rs.threshold:
            sector = int(ctx.snap.node_sector[row])
            out.append(Hit("idle_job", row, gpu, sector, minutes, _severity(default, rs, minutes)))
    return out


RULES: dict[str, Callable[[RuleContext], list[Hit]]] = {
    "gpu_temp": gpu_temp,
    "mem_temp": mem_temp,
    "thermal_throttle": thermal_throttle,
    "power_brake": power_brake,
    "ecc_uncorrected": ecc_uncorrected,
    "remap_pending": remap_pending,
    "remap_failure": remap_failure,
    "retire_pending": retire_pending,
    "xid": xid,
    "gpu_lost": gpu_lost,
    "node_unreachable": node_unreachable,
    "node_stale": node_stale,
    "probe_error": probe_error,
    "hostkey_changed": hostkey_changed,
    "disk_full": disk_full,
    "sector_over_entitlement": sector_over_entitlement,
    "sector_starved": sector_starved,
    "idle_job": idle_job,
}
# rules over a node's measured values: they say nothing while the node is not live
MEASURED = frozenset(RULES) - {
    "node_unreachable",
    "node_stale",
    "probe_error",
    "hostkey_changed",
    "sector_over_entitlement",
    "sector_starved",
}
