"""Samples packed into arrays, off the GUI thread.

A poll of 2,000 nodes is 16,000 GpuSample objects. Walking them is Python work; doing it where the
samples arrive (the poller's thread now, a collector process later) leaves the GUI thread a few
array assignments per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from console.fleet.compact import CompactSample
from console.fleet.health import Fact, Fact3, fullest_disk_pct, health_facts
from console.fleet.model import NodeSample

GPU_FIELDS = ("util_gpu", "mem_used_mib", "mem_total_mib", "temp_c", "power_w", "temp_mem_c")
MAX_GPUS_PER_NODE = 64  # an index beyond this is garbage, not a GPU


@dataclass(frozen=True, slots=True)
class PackedSamples:
    hosts: tuple[str, ...]
    t: np.ndarray  # (nodes,) sample times
    cpu_percent: np.ndarray  # (nodes,)
    gpu: np.ndarray  # (len(GPU_FIELDS), nodes, width) float32, NaN where missing
    # (nodes, width) object: login name of each GPU's largest process, None when idle or unknown.
    # Accounting charges the GPU's use to that user's organisation (the inventory's user map).
    user: np.ndarray | None = None
    # per node: its abnormal health facts (console/fleet/health.py), () when healthy
    health: tuple[tuple[Fact3, ...], ...] | None = None
    disk_pct: np.ndarray | None = None  # (nodes,) fullest disk's use in %, NaN unknown
    # energy (see GpuSample.energy_j): counters in joules, float64 (float32 is too coarse)
    energy_j: np.ndarray | None = None  # (nodes, width) NaN missing
    energy_estimated: np.ndarray | None = None  # (nodes, width) bool
    cpu_energy_j: np.ndarray | None = None  # (nodes,) RAPL joules, NaN missing
    # per node () or ((gpu column, ((user login or None, fraction), ...)), ...) for MIG GPUs;
    # None: the GPU's owner (the node's organisation). Fractions add up to 1.
    energy_split: tuple | None = None

    def field(self, name: str) -> np.ndarray:
        return self.gpu[GPU_FIELDS.index(name)]


def pack(samples: Sequence[NodeSample | CompactSample]) -> PackedSamples:
    rows: list[int] = []
    cols: list[int] = []
    values: list[tuple] = []
    users: list[str | None] = []
    for i, s in enumerate(samples):
        if type(s) is CompactSample:  # protocol v2: already in packing's shape
            rows.extend([i] * len(s.cols))
            cols.extend(s.cols)
            values.extend(s.values)
            users.extend(s.users)
            continue
        for g in s.gpus:
            rows.append(i)
            cols.append(g.index)
            values.append(
                (g.util_gpu, g.mem_used_mib, g.mem_total_mib, g.temp_c, g.power_w, g.temp_mem_c)
            )
            users.append(_main_user(g.processes) if g.processes else None)
    r = np.asarray(rows, dtype=np.intp)
    c = np.asarray(cols, dtype=np.intp)
    # None becomes NaN on the way into a float array: missing stays missing
    v = np.asarray(values, dtype=np.float32).reshape(-1, len(GPU_FIELDS))
    ok = (c >= 0) & (c < MAX_GPUS_PER_NODE)
    width = int(c[ok].max()) + 1 if ok.any() else 0
    gpu = np.full((len(GPU_FIELDS), len(samples), width), np.nan, dtype=np.float32)
    gpu[:, r[ok], c[ok]] = v[ok].T
    user = np.full((len(samples), width), None, dtype=object)
    user[r[ok], c[ok]] = np.array(users, dtype=object)[ok]
    return PackedSamples(
        hosts=tuple(s.host for s in samples),
        t=np.array([s.t for s in samples], dtype=np.float64),
        cpu_percent=np.array([s.cpu_percent for s in samples], dtype=np.float32),
        gpu=gpu,
        user=user,
        health=tuple(
            s.health if type(s) is CompactSample else health_facts(s) for s in samples
        ),
        disk_pct=np.array(
            [s.disk_pct if type(s) is CompactSample else fullest_disk_pct(s) for s in samples],
            dtype=np.float32,
        ),
    )


def _main_user(processes) -> str | None:
    """The user of the process holding the most GPU memory (ties: the first listed)."""
    best = max(processes, key=lambda p: p.used_mib or 0.0)
    return best.user


def merge(packs: Sequence[PackedSamples]) -> PackedSamples:
    """One PackedSamples from several, oldest first; a node in more than one keeps its last."""
    if len(packs) == 1:
        return packs[0]
    width = max(p.gpu.shape[2] for p in packs)
    gpu = np.concatenate(
        [
            np.pad(p.gpu, ((0, 0), (0, 0), (0, width - p.gpu.shape[2])), constant_values=np.nan)
            for p in packs
        ],
        axis=1,
    )
    users = [
        np.full(p.gpu.shape[1:], None, dtype=object) if p.user is None else p.user for p in packs
    ]
    user = np.concatenate(
        [np.pad(u, ((0, 0), (0, width - u.shape[1])), constant_values=None) for u in users],
        axis=0,
    )
    hosts = np.array([h for p in packs for h in p.hosts], dtype=object)
    # the last occurrence of each host: first occurrence in the reversed list
    _, first_in_reversed = np.unique(hosts[::-1].astype(str), return_index=True)
    keep = np.sort(len(hosts) - 1 - first_in_reversed)
    health = [h for p in packs for h in (p.health or ((),) * len(p.hosts))]
    disk = np.concatenate(
        [
            np.full(len(p.hosts), np.nan, np.float32) if p.disk_pct is None else p.disk_pct
            for p in packs
        ]
    )
    return PackedSamples(
        hosts=tuple(hosts[keep]),
        t=np.concatenate([p.t for p in packs])[keep],
        cpu_percent=np.concatenate([p.cpu_percent for p in packs])[keep],
        gpu=gpu[:, keep, :],
        user=user[keep],
        health=_merged_health(hosts, health, keep),
        disk_pct=disk[keep],
    )


def _merged_health(hosts: np.ndarray, health: list, keep: np.ndarray) -> tuple:
    """Each kept node's facts; XIDs of the samples it replaced are kept too (an XID is an event:
    a newer sample of the same node must not make it vanish unseen)."""
    out = [health[k] for k in keep]
    if not any(any(f[1] == Fact.XID for f in h) for h in health):
        return tuple(out)
    position = {hosts[k]: i for i, k in enumerate(keep)}
    kept = set(keep.tolist())
    for k, facts in enumerate(health):
        if k in kept:
            continue
        xids = tuple(f for f in facts if f[1] == Fact.XID)
        if xids:
            i = position[hosts[k]]
            out[i] = out[i] + xids
    return tuple(out)
