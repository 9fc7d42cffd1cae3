"""Recent history kept in memory: fixed-size numpy rings, oldest overwritten first.

The SQLite rollups for long ranges come with the history issue; the live plots read from here.
"""

from __future__ import annotations

import numpy as np


class RecentSeries:
    """A ring of (time, values[channels]) rows with read-out in time order."""

    def __init__(self, channels: int, capacity: int) -> None:
        self._t = np.full(capacity, np.nan)
        self._v = np.full((channels, capacity), np.nan, dtype=np.float32)
        self._next = 0
        self._size = 0

    def __len__(self) -> int:
        return self._size

    @property
    def last_t(self) -> float | None:
        return None if self._size == 0 else float(self._t[(self._next - 1) % len(self._t)])

    def append(self, t: float, values: np.ndarray) -> None:
        self._t[self._next] = t
        self._v[:, self._next] = values
        self._next = (self._next + 1) % len(self._t)
        self._size = min(self._size + 1, len(self._t))

    def window(self, since: float) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the rows with t >= since, oldest first."""
        cap = len(self._t)
        order = (np.arange(self._size) + (self._next - self._size)) % cap
        t = self._t[order]
        keep = t >= since
        return t[keep].copy(), self._v[:, order][:, keep].copy()


FRAME_GPU_FIELDS = ("util", "mem_frac", "temp_c", "power_w")


class FrameRing:
    """The last hour (or `capacity` frames) of every GPU and node at full rate.

    A frame is the fleet as one snapshot saw it. Values are float16 (util ±0.06 %, temperature
    ±0.03 °C, power ±0.5 W at 700 W), so 16,384 GPUs × 1,800 frames × 4 fields fit in 236 MB.
    Non-live nodes are stored as NaN: history never shows a stale value as measured.
    """

    def __init__(self, nodes: int, width: int, capacity: int) -> None:
        self.capacity = capacity
        self._t = np.full(capacity, np.nan)
        self._gpu = np.full((len(FRAME_GPU_FIELDS), capacity, nodes, width), np.nan, np.float16)
        self._cpu = np.full((capacity, nodes), np.nan, dtype=np.float16)
        self._next = 0
        self._size = 0

    @property
    def nbytes(self) -> int:
        return self._t.nbytes + self._gpu.nbytes + self._cpu.nbytes

    def __len__(self) -> int:
        return self._size

    @property
    def last_t(self) -> float | None:
        return None if self._size == 0 else float(self._t[(self._next - 1) % self.capacity])

    @property
    def first_t(self) -> float | None:
        return (
            None if self._size == 0 else float(self._t[(self._next - self._size) % self.capacity])
        )

    def append(self, t: float, gpu: np.ndarray, cpu: np.ndarray) -> None:
        """gpu: (len(FRAME_GPU_FIELDS), nodes, width); cpu: (nodes,)."""
        i = self._next
        self._t[i] = t
        self._gpu[:, i] = gpu
        self._cpu[i] = cpu
        self._next = (i + 1) % self.capacity
        self._size = min(self._size + 1, self.capacity)

    def _order(self, since: float) -> np.ndarray:
        order = (np.arange(self._size) + (self._next - self._size)) % self.capacity
        return order[self._t[order] >= since]

    def window(self, since: float) -> tuple[np.ndarray, np.ndarray]:
        """(times, gpu[fields, frames, nodes, width]) for frames at or after `since`."""
        order = self._order(since)
        return self._t[order].copy(), self._gpu[:, order].astype(np.float32)

    def node_window(self, row: int, since: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One node: (times, gpu[fields, frames, width], cpu[frames]) at or after `since`."""
        order = self._order(since)
        return (
            self._t[order].copy(),
            self._gpu[:, order, row].astype(np.float32),
            self._cpu[order, row].astype(np.float32),
        )
