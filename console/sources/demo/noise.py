"""Deterministic noise for the demo fleet: a pure function of its integer keys.

Its own module because both the demo fleet (sim.py) and its capacity model (sim_capacity.py) draw
from it, and neither may import the other in both directions.
"""

from __future__ import annotations

import numpy as np


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: a counter-based hash, so noise is a pure function of its keys."""
    x = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


def uniform(seed: int, salt: int, *keys: np.ndarray | int) -> np.ndarray:
    """Deterministic uniform [0, 1) noise for every combination of integer keys (broadcast)."""
    with np.errstate(over="ignore"):
        acc = np.uint64((seed * 0x9E3779B97F4A7C15 + salt) % 2**64)
        h = np.asarray(acc, dtype=np.uint64)
        for k in keys:
            h = _mix(h ^ np.asarray(k, dtype=np.int64).astype(np.uint64))
    return (h >> np.uint64(11)).astype(np.float64) / float(2**53)
