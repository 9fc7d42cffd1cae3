"""Frames → additive rollup deltas (per node, per sector/organisation/GPU model).

Every frame covers the seconds since the previous one (capped, so a console that was suspended
does not invent hours). A delta holds sums and maxima only, never means, so deltas for the same
bucket add up in any order: a restarted console, or one that flushes every few seconds so that a
`kill -9` loses little, just adds to the rows already stored. Means are derived when read.

Definitions (the report's appendix repeats them):
- allocated GPU-seconds: a GPU counts for its node's sector (and the node's organisation) for
  every second it is assigned, reporting or not;
- live GPU-seconds: the GPU reported (its node was live);
- used GPU-seconds: Σ utilisation/100 × dt over live GPUs, charged to the organisation of the
  GPU's main process's user when the inventory maps it, else to the node's organisation;
- used GPU-seconds by rule (used_node_s, used_user_s, used_job_s): the same used GPU-seconds,
  split by the rule that charged them (FleetSnapshot.gpu_rule: the node's organisation, the
  user map, the job's account; console/fleet/charging.py); they add up to used_s;
- busy GPU-seconds: seconds a live GPU was at or above the busy threshold (same charging);
- entitled GPU-seconds: the sector's share × all GPUs × dt;
- GPU energy (joules, console/energy/meter.py): each GPU's counter delta between samples, charged
  like used GPU-seconds (a MIG GPU's split by its slices); energy_est_j is the part that is
  power × dt; CPU package energy is charged to the node's organisation, like allocation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from console.energy.attribution import attribute
from console.energy.meter import EnergyMeter
from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus

# per-node sums (…_dt: value × seconds) and maxima, stored as one float32 row per field
NODE_FIELDS = (
    "alloc_s",  # assigned GPU-seconds
    "live_s",  # reporting GPU-seconds
    "util_dt",  # Σ GPU utilisation % × s
    "busy_s",
    "node_live_s",  # seconds the node was live
    "cpu_dt",  # Σ CPU % × s
    "power_dt",  # Σ watts × s over the node's GPUs (joules)
    "mem_dt",  # Σ GPU memory used fraction × s
    "util_max",
    "temp_max",
)
MAX_FIELDS = ("util_max", "temp_max")
USAGE_FIELDS = ("alloc_s", "live_s", "used_s", "busy_s")
USAGE_FIELDS += ("energy_j", "energy_est_j", "cpu_energy_j")  # joules (console/energy/meter.py)
ENERGY_FIELDS = USAGE_FIELDS[4:]  # added in history schema 2 (older files read 0)
RULE_FIELDS = ("used_node_s", "used_user_s", "used_job_s")  # gpu_rule 0, 1, 2; schema 3
USAGE_FIELDS += RULE_FIELDS


@dataclass(frozen=True, slots=True)
class Layout:
    """Which node is which column of a node row, and what each node is, at the time of writing."""

    nodes: tuple[str, ...]
    sectors: tuple[int, ...]  # index into SECTORS
    orgs: tuple[int, ...]  # index into org_ids, -1 none
    models: tuple[int, ...]  # index into model_names
    gpu_counts: tuple[int, ...]
    org_ids: tuple[str, ...]
    model_names: tuple[str, ...]
    entitlements: tuple[float, ...]  # share per sector, SECTORS order

    @property
    def usage_keys(self) -> int:
        return len(SECTORS) * (len(self.org_ids) + 1) * len(self.model_names)

    def key_parts(self, key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """sector, org (-1 none) and model index of flat usage keys."""
        models = len(self.model_names)
        orgs = len(self.org_ids) + 1
        return key // (orgs * models), (key // models) % orgs - 1, key % models


@dataclass(frozen=True, slots=True)
class RollupDelta:
    """Sums for the frames of one flush; all in the same minute."""

    minute: int  # epoch seconds of the minute's start
    layout: Layout
    node: np.ndarray  # (len(NODE_FIELDS), nodes) float64
    usage_key: np.ndarray  # (k,) flat keys with non-zero sums (see Layout.key_parts)
    usage: np.ndarray  # (len(USAGE_FIELDS), k)
    entitled_s: np.ndarray  # (len(SECTORS),)
    span_s: float

    def sector_energy_j(self) -> np.ndarray:
        """GPU joules per sector (SECTORS order)."""
        return _sector_energy(self.layout, self.usage_key, self.usage)


def _sector_energy(layout: Layout, keys: np.ndarray, usage: np.ndarray) -> np.ndarray:
    sector = layout.key_parts(keys)[0]
    joules = usage[USAGE_FIELDS.index("energy_j")]
    return np.bincount(sector, joules, minlength=len(SECTORS)).astype(np.float64)


def layout_of(snap: FleetSnapshot, models: tuple[str | None, ...]) -> Layout:
    """The layout of a snapshot; `models` is each node's GPU model from the inventory."""
    model_names = tuple(sorted({m or "" for m in models}))
    org_index = {o: i for i, o in enumerate(snap.org_ids)}
    return Layout(
        nodes=snap.node_names,
        sectors=tuple(int(s) for s in snap.node_sector),
        orgs=tuple(org_index.get(o.id, -1) if o else -1 for o in snap.node_org),
        models=tuple(model_names.index(m or "") for m in models),
        gpu_counts=tuple(int(c) for c in snap.node_gpu_count),
        org_ids=snap.org_ids,
        model_names=model_names,
        entitlements=tuple(s.entitled_share for s in snap.sectors),
    )


class RollupAccumulator:
    """Adds frames up until flushed. GUI thread only; a few numpy reductions per frame."""

    def __init__(
        self,
        layout: Layout,
        max_gap_s: float,
        busy_threshold: float,
        meter: EnergyMeter | None = None,
    ) -> None:
        """`meter` carries the energy counters over from an earlier accumulator (a new layout
        must not lose the interval in progress)."""
        self.layout = layout
        self.meter = meter or EnergyMeter(max_gap_s)
        self.max_gap_s = max_gap_s
        self.busy_threshold = busy_threshold
        n = len(layout.nodes)
        self._sector = np.asarray(layout.sectors, dtype=np.intp)
        self._model = np.asarray(layout.models, dtype=np.intp)
        self._org = np.asarray(layout.orgs, dtype=np.intp)
        self._gpus = np.asarray(layout.gpu_counts, dtype=np.float64)
        self._share = np.asarray(layout.entitlements, dtype=np.float64)
        self._node = np.zeros((len(NODE_FIELDS), n))
        self._usage = np.zeros((len(USAGE_FIELDS), layout.usage_keys))
        self._entitled = np.zeros(len(SECTORS))
        self._span = 0.0
        self.minute: int | None = None
        self.last_t: float | None = None

    def _key(self, org: np.ndarray, sector: np.ndarray, model: np.ndarray) -> np.ndarray:
        orgs = len(self.layout.org_ids) + 1
        models = len(self.layout.model_names)
        return (sector * orgs + (org + 1)) * models + model

    @property
    def empty(self) -> bool:
        return (
            self._span == 0.0
            and not self._node[NODE_FIELDS.index("node_live_s")].any()
            and not self._usage.any()
        )

    def add(self, snap: FleetSnapshot) -> None:
        """Count `snap` for the seconds since the previous frame (0 for the first one)."""
        dt = 0.0 if self.last_t is None else min(max(snap.t - self.last_t, 0.0), self.max_gap_s)
        self.last_t = snap.t
        self.minute = int(snap.t // 60) * 60
        self._add_energy(snap)  # counted between sample times, whatever the frame's dt
        if dt == 0.0:
            return
        live = snap.node_status == NodeStatus.LIVE
        util = np.where(live[:, None], snap.gpu_util, np.nan)
        reporting = ~np.isnan(util)
        u = np.nan_to_num(util)
        busy = reporting & (u >= self.busy_threshold)
        f = {name: i for i, name in enumerate(NODE_FIELDS)}
        node = self._node
        node[f["alloc_s"]] += self._gpus * dt
        node[f["live_s"]] += reporting.sum(axis=1) * dt
        node[f["util_dt"]] += u.sum(axis=1) * dt
        node[f["busy_s"]] += busy.sum(axis=1) * dt
        node[f["node_live_s"]] += live * dt
        node[f["cpu_dt"]] += np.where(live, np.nan_to_num(snap.node_cpu_percent), 0.0) * dt
        node[f["power_dt"]] += np.nansum(np.where(live[:, None], snap.gpu_power_w, np.nan), 1) * dt
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = snap.gpu_mem_used_mib / snap.gpu_mem_total_mib
        node[f["mem_dt"]] += np.nansum(np.where(live[:, None], frac, np.nan), axis=1) * dt
        node[f["util_max"]] = np.fmax(node[f["util_max"]], np.max(u, axis=1, initial=0.0))
        temp = np.where(live[:, None], snap.gpu_temp_c, np.nan)
        node[f["temp_max"]] = np.fmax(node[f["temp_max"]], np.nanmax(temp, axis=1, initial=0.0))

        # allocation is the node's; use is charged to whoever's process runs on the GPU
        sector = np.asarray(snap.node_sector, dtype=np.intp)
        alloc_key = self._key(self._org, sector, self._model)
        keys = self.layout.usage_keys
        self._usage[0] += np.bincount(alloc_key, self._gpus * dt, minlength=keys)
        gpu_org = snap.gpu_org if snap.gpu_org is not None else self._org[:, None]
        gpu_key = self._key(
            np.broadcast_to(gpu_org, u.shape).astype(np.intp),
            sector[:, None],
            self._model[:, None],
        ).ravel()
        self._usage[1] += np.bincount(gpu_key, (reporting * dt).ravel(), minlength=keys)
        used = (u / 100.0 * dt).ravel()
        self._usage[2] += np.bincount(gpu_key, used, minlength=keys)
        self._add_rules(snap, gpu_key, used)
        self._usage[3] += np.bincount(gpu_key, (busy * dt).ravel(), minlength=keys)
        self._entitled += self._share * self._gpus.sum() * dt
        self._span += dt

    def _add_rules(self, snap: FleetSnapshot, gpu_key: np.ndarray, used: np.ndarray) -> None:
        """Used GPU-seconds per charging rule, in one bincount over (key, rule)."""
        rule = snap.gpu_rule
        if rule is None or rule.shape != snap.gpu_util.shape:
            # a source that does not say (the simulated history): a GPU charged elsewhere than
            # its node's organisation was charged by its user
            rule = np.zeros(snap.gpu_util.shape, dtype=np.int8)
            if snap.gpu_org is not None and snap.gpu_org.shape == rule.shape:
                rule[snap.gpu_org != self._org[:, None]] = 1
        rules = len(RULE_FIELDS)
        key = gpu_key * rules + np.clip(rule, 0, rules - 1).astype(np.intp).ravel()
        sums = np.bincount(key, used, minlength=self.layout.usage_keys * rules)
        first = USAGE_FIELDS.index(RULE_FIELDS[0])
        self._usage[first : first + rules] += sums.reshape(-1, rules).T

    def _add_energy(self, snap: FleetSnapshot) -> None:
        step = self.meter.step(snap)
        if not (step.gpu_j.any() or step.cpu_j.any()):
            return
        f = {name: i for i, name in enumerate(USAGE_FIELDS)}
        keys = self.layout.usage_keys
        sector = np.asarray(snap.node_sector, dtype=np.intp)
        gpu_org = snap.gpu_org if snap.gpu_org is not None else self._org[:, None]
        gpu_org = np.broadcast_to(gpu_org, step.gpu_j.shape)
        rows, orgs, (joules, estimated) = attribute(
            gpu_org, snap.node_energy_split, step.gpu_j, step.estimated_j
        )
        key = self._key(orgs, sector[rows], self._model[rows])
        self._usage[f["energy_j"]] += np.bincount(key, joules, minlength=keys)
        self._usage[f["energy_est_j"]] += np.bincount(key, estimated, minlength=keys)
        node_key = self._key(self._org, sector, self._model)
        self._usage[f["cpu_energy_j"]] += np.bincount(node_key, step.cpu_j, minlength=keys)

    def unflushed_energy(self) -> tuple[int, np.ndarray] | None:
        """(minute, GPU joules per sector) added since the last take."""
        if self.minute is None:
            return None
        keys = np.arange(self.layout.usage_keys)
        return self.minute, _sector_energy(self.layout, keys, self._usage)

    def take(self) -> RollupDelta | None:
        """The sums so far (None if nothing was counted), and start again from zero."""
        if self.minute is None or (self._span == 0.0 and not self._usage.any()):
            return None
        nonzero = np.flatnonzero(self._usage.any(axis=0))
        delta = RollupDelta(
            minute=self.minute,
            layout=self.layout,
            node=self._node,
            usage_key=nonzero,
            usage=self._usage[:, nonzero],
            entitled_s=self._entitled,
            span_s=self._span,
        )
        self._node = np.zeros_like(self._node)
        self._usage = np.zeros_like(self._usage)
        self._entitled = np.zeros(len(SECTORS))
        self._span = 0.0
        return delta
