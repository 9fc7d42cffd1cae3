"""Whose energy: each GPU's joules go where its GPU-seconds go (console/history/rollup.py).

A whole GPU's joules are its organisation's (FleetSnapshot.gpu_org). A MIG GPU's joules are split
by node_energy_split: each slice's share of the GPU's compute (its profile's slices of seven) to
its user's organisation, idle and unallocated slices to the GPU's owner. The shares are
normalised, so the parts always add up to the GPU's total, even if a snapshot's do not quite.
"""

from __future__ import annotations

import numpy as np

Split = tuple[tuple[int, tuple[tuple[int, float], ...]], ...]


def attribute(
    gpu_org: np.ndarray, splits: tuple[Split, ...] | None, *values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...]]:
    """Flat (node row, organisation, each of `values`) entries for every GPU's share.

    `gpu_org` and every value are (nodes, GPUs); a GPU in `splits` is replaced by one entry
    per (organisation, fraction), each value multiplied by the normalised fraction."""
    n, width = gpu_org.shape
    rows = [np.repeat(np.arange(n, dtype=np.intp), width)]
    orgs = [np.asarray(gpu_org, dtype=np.intp).ravel()]
    flat = [[np.asarray(v, dtype=np.float64).ravel().copy()] for v in values]
    for row, node_splits in enumerate(splits or ()):
        for column, shares in node_splits:
            total = sum(f for _, f in shares if f > 0)
            if not 0 <= column < width or total <= 0:
                continue  # nothing to split by: the GPU stays its organisation's
            parts = [(org, f / total) for org, f in shares if f > 0]
            rows.append(np.full(len(parts), row, dtype=np.intp))
            orgs.append(np.array([org for org, _ in parts], dtype=np.intp))
            fractions = np.array([f for _, f in parts])
            for out in flat:
                whole = out[0][row * width + column]
                out.append(whole * fractions)
                out[0][row * width + column] = 0.0
    return (
        np.concatenate(rows),
        np.concatenate(orgs),
        tuple(np.concatenate(parts) for parts in flat),
    )
