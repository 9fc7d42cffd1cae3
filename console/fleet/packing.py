"""Samples packed into arrays, off the GUI thread.

A poll of 2,000 nodes is 16,000 GpuSample objects. Walking them is Python work; doing it where the
samples arrive (the poller's thread now, a collector process later) leaves the GUI thread a few
array assignments per batch.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from console.fleet.compact import CompactSample
from console.fleet.health import Fact, Fact3, fullest_disk_pct, health_facts
from console.fleet.model import NodeSample

GPU_FIELDS = ("util_gpu", "mem_used_mib", "mem_total_mib", "temp_c", "power_w", "temp_mem_c")
MAX_GPUS_PER_NODE = 64  # an index beyond this is garbage, not a GPU
MIG_SLICES = 7  # compute slices of a MIG GPU (A100, H100, H200, B200); an A30 has 4
MIG_SLICES_BY_NAME = (("A30", 4),)
_PROFILE = re.compile(r"(\d+)g\.\d+gb", re.IGNORECASE)  # "… MIG 3g.40gb" or "1c.3g.40gb" → 3
Split = tuple[tuple[str | None, float], ...]
_HOST, _T, _CPU = (operator.attrgetter(a) for a in ("host", "t", "cpu_percent"))


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
    # (nodes, width) object: the scheduler's job on each GPU: its largest process's job as the
    # probe read it (cgroup/environ), or dcgm-exporter's hpc_job label (the Prometheus source);
    # None where none is known; None: no sample of the pack knows a job
    job: np.ndarray | None = None

    def field(self, name: str) -> np.ndarray:
        return self.gpu[GPU_FIELDS.index(name)]


def pack(samples: Sequence[NodeSample | CompactSample]) -> PackedSamples:
    rows: list[int] = []
    cols: list[int] = []
    values: list[tuple] = []
    users: list[str | None] = []
    jobs: list[str | None] = []
    energy: list[float | None] = []
    estimated: list[bool | None] = []
    cpu_energy: list[float | None] = []
    splits: list[tuple] = []
    unread: dict[object, list[tuple[int, CompactSample]]] = {}  # by their layout's key
    for i, s in enumerate(samples):
        if type(s) is CompactSample and s.rows is not None:  # numbers still as sent: see below
            unread.setdefault(s.layout.key, []).append((i, s))
            cpu_energy.append(s.cpu_energy_j)
            splits.append(s.energy_split)
            continue
        if type(s) is CompactSample:  # protocol v2: already in packing's shape
            rows.extend([i] * len(s.cols))
            cols.extend(s.cols)
            values.extend(s.values)
            users.extend(s.users)
            n = len(s.cols)
            jobs.extend(s.jobs if len(s.jobs) == n else (None,) * n)
            energy.extend(s.energy_j if len(s.energy_j) == n else (None,) * n)
            estimated.extend(s.energy_estimated if len(s.energy_estimated) == n else (None,) * n)
            cpu_energy.append(s.cpu_energy_j)
            splits.append(s.energy_split)
            continue
        split = []
        for g in s.gpus:
            rows.append(i)
            cols.append(g.index)
            values.append(
                (g.util_gpu, g.mem_used_mib, g.mem_total_mib, g.temp_c, g.power_w, g.temp_mem_c)
            )
            main = main_process(g.processes) if g.processes else None
            users.append(None if main is None else main.user)
            jobs.append(None if main is None else main.job)
            energy.append(g.energy_j)
            estimated.append(g.energy_estimated)
            if g.mig_mode and 0 <= g.index < MAX_GPUS_PER_NODE:
                split.append((g.index, mig_energy_split(g.name, g.mig_devices, g.processes)))
        cpu_energy.append(s.info.cpu_energy_j if s.info is not None else None)
        splits.append(tuple(split))
    # None becomes NaN on the way into a float array: missing stays missing
    value_blocks = [np.asarray(values, dtype=np.float32).reshape(-1, len(GPU_FIELDS))]
    energy_blocks = [np.asarray(energy, dtype=np.float64).reshape(-1)]
    for group in unread.values():  # the rows of every sample with one layout, read together
        v, e = group[0][1].layout.read([s for _, s in group])
        value_blocks.append(v)
        energy_blocks.append(e)
        for i, s in group:
            n = len(s.cols)
            rows.extend([i] * n)
            cols.extend(s.cols)
            users.extend(s.users)
            jobs.extend(s.jobs if len(s.jobs) == n else (None,) * n)
            estimated.extend(s.energy_estimated if len(s.energy_estimated) == n else (None,) * n)
    r = np.asarray(rows, dtype=np.intp)
    c = np.asarray(cols, dtype=np.intp)
    v = np.concatenate(value_blocks) if unread else value_blocks[0]
    energy_read = np.concatenate(energy_blocks) if unread else energy_blocks[0]
    ok = (c >= 0) & (c < MAX_GPUS_PER_NODE)
    width = int(c[ok].max()) + 1 if ok.any() else 0
    gpu = np.full((len(GPU_FIELDS), len(samples), width), np.nan, dtype=np.float32)
    gpu[:, r[ok], c[ok]] = v[ok].T
    user = np.full((len(samples), width), None, dtype=object)
    user[r[ok], c[ok]] = np.array(users, dtype=object)[ok]
    energy_j = np.full((len(samples), width), np.nan, dtype=np.float64)
    energy_j[r[ok], c[ok]] = energy_read[ok]
    energy_estimated = np.zeros((len(samples), width), dtype=bool)
    is_true = np.fromiter(map(operator.is_, estimated, repeat(True)), bool, len(estimated))
    energy_estimated[r[ok], c[ok]] = is_true[ok]
    job = None
    if jobs.count(None) != len(jobs):  # most fleets run no Slurm: no array to carry then
        job = np.full((len(samples), width), None, dtype=object)
        job[r[ok], c[ok]] = np.array(jobs, dtype=object)[ok]
    return PackedSamples(
        hosts=tuple(map(_HOST, samples)),
        t=np.array(list(map(_T, samples)), dtype=np.float64),
        cpu_percent=np.array(list(map(_CPU, samples)), dtype=np.float32),
        gpu=gpu,
        user=user,
        health=tuple(
            s.health if type(s) is CompactSample else health_facts(s) for s in samples
        ),
        disk_pct=np.array(
            [s.disk_pct if type(s) is CompactSample else fullest_disk_pct(s) for s in samples],
            dtype=np.float32,
        ),
        energy_j=energy_j,
        energy_estimated=energy_estimated,
        cpu_energy_j=np.asarray(cpu_energy, dtype=np.float64).reshape(-1),
        energy_split=tuple(splits),
        job=job,
    )


def mig_energy_split(name: str | None, mig_devices, processes) -> Split:
    """A MIG GPU's energy shares: each GPU instance gets its profile's slices of the GPU's
    (3g.40gb: 3 of 7), charged to the user of its largest-memory process; an instance with no
    process, one whose size is unknown, and the unallocated slices go to None (the GPU's owner).
    Fractions add up to 1. Instances are told apart by gpu_instance_id (several compute
    instances of one GPU instance are one share); without ids, each device is its own."""
    total = next((n for key, n in MIG_SLICES_BY_NAME if name and key in name), MIG_SLICES)
    sizes: dict[object, int] = {}
    for m in mig_devices:
        match = _PROFILE.search(m.name or "")
        key = m.gpu_instance_id if m.gpu_instance_id is not None else ("device", m.index)
        if match and key not in sizes:
            sizes[key] = int(match.group(1))
    total = max(total, sum(sizes.values()))  # never more than the whole GPU
    shares: dict[str | None, float] = {}
    for key, slices in sizes.items():
        inside = [p for p in processes if p.gpu_instance_id == key] if type(key) is int else []
        user = main_process(inside).user if inside else None
        if user is not None:
            shares[user] = shares.get(user, 0.0) + slices / total
    owner = 1.0 - sum(shares.values())
    out = tuple(shares.items())
    return (*out, (None, owner)) if owner > 1e-9 or not out else out


def main_process(processes):
    """The process holding the most GPU memory (ties: the first listed): its user and job are
    the GPU's."""
    return max(processes, key=lambda p: p.used_mib or 0.0)


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
    energy = np.concatenate([_padded(p, p.energy_j, width, np.nan, np.float64) for p in packs])
    estimated = np.concatenate(
        [_padded(p, p.energy_estimated, width, False, bool) for p in packs]
    )
    cpu_energy = np.concatenate(
        [
            np.full(len(p.hosts), np.nan) if p.cpu_energy_j is None else p.cpu_energy_j
            for p in packs
        ]
    )
    splits = [e for p in packs for e in (p.energy_split or ((),) * len(p.hosts))]
    return PackedSamples(
        hosts=tuple(hosts[keep]),
        t=np.concatenate([p.t for p in packs])[keep],
        cpu_percent=np.concatenate([p.cpu_percent for p in packs])[keep],
        gpu=gpu[:, keep, :],
        user=user[keep],
        health=_merged_health(hosts, health, keep),
        disk_pct=disk[keep],
        energy_j=energy[keep],
        energy_estimated=estimated[keep],
        cpu_energy_j=cpu_energy[keep],
        energy_split=tuple(splits[k] for k in keep),
        job=None if all(p.job is None for p in packs) else np.concatenate(
            [_padded(p, p.job, width, None, object) for p in packs])[keep],
    )


def _padded(p: PackedSamples, array: np.ndarray | None, width: int, fill, dtype) -> np.ndarray:
    """A (nodes, width) array of one pack, `fill` where it had none or was narrower."""
    if array is None:
        return np.full((len(p.hosts), width), fill, dtype=dtype)
    return np.pad(array, ((0, 0), (0, width - array.shape[1])), constant_values=fill)


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
