"""The energy checks of the probe fuzzer (tests/probe_fuzz.py): what an accepted line may leave
in the packed energy arrays (console/fleet/packing.py) and the snapshot's."""

from __future__ import annotations

import math

import numpy as np

# seeds whose lines carry every energy shape: NVML's counter (all the other seeds), the
# probe's estimate (energy=0) and a counter reset by a driver reload, on MIG GPUs with processes
ENERGY_SPECS = ("count=3,load=busy,mig=1,energy=0,seed=5,faults=reload:1",)


def check_energy(snap, r: int, packed, packed_r: int | None) -> str | None:
    """A problem with an accepted node's energy (packed_r None: its line was rejected)."""
    if packed_r is None:
        return None
    return check_packed_energy(packed, packed_r) or check_snapshot_energy(snap, r)


def check_packed_energy(packed, r: int) -> str | None:
    """A problem with node row r's packed energy, or None."""
    energy = packed.energy_j[r]
    if energy.dtype != np.float64 or np.isinf(energy).any() or (energy < 0).any():
        return f"accepted line put {energy.tolist()} into energy_j"
    if packed.energy_estimated.dtype != bool:
        return "energy_estimated is not a bool array"
    cpu = float(packed.cpu_energy_j[r])
    if math.isinf(cpu) or cpu < 0:
        return f"accepted line put {cpu} into cpu_energy_j"
    for column, split in packed.energy_split[r]:
        fractions = [f for _, f in split]
        if not 0 <= column < energy.shape[0] + 64:
            return f"energy split for GPU column {column}"
        if not all(0 <= f <= 1 for f in fractions) or not math.isclose(sum(fractions), 1.0):
            return f"energy split of GPU {column} does not add up to 1: {split}"
        if any(u is not None and type(u) is not str for u, _ in split):
            return f"energy split of GPU {column} names a user that is not text: {split}"
    return None


def check_snapshot_energy(snap, r: int) -> str | None:
    """The snapshot's energy arrays, where the fleet state fills them."""
    for name in ("gpu_energy_j", "node_cpu_energy_j"):
        values = getattr(snap, name, None)
        if values is not None and np.isinf(values[r]).any():
            return f"accepted line put inf into {name}"
    return None
