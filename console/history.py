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
