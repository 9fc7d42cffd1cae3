"""Today's GPU energy per sector, for the sector cards: readable from the GUI thread at any time.

The history database is read only by the writer thread (once when a day's first delta is
written, then it adds what it writes itself), never by the GUI thread, so a slow or broken disk
never stalls a frame. What is not stored yet is added on top: deltas on their way to the writer
(each numbered, so none is counted twice once stored) and the sums not yet flushed. Days start
at local midnight in the console's time zone (Asia/Seoul by default).
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime, time
from zoneinfo import ZoneInfo

import numpy as np

from console.fleet.model import SECTORS

J_PER_KWH = 3.6e6


def local_midnight(t: float, tz: ZoneInfo) -> float:
    """Epoch seconds of the midnight (in `tz`) that starts the day holding `t`."""
    day = datetime.fromtimestamp(t, tz).date()
    return datetime.combine(day, time(0), tz).timestamp()


class TodayEnergy:
    """Stored joules per sector for one day (the writer's) + those still on their way."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._lock = threading.Lock()
        self._day: float | None = None  # the day the stored sums are for; None: not read yet
        self._stored = np.zeros(len(SECTORS))
        self._stored_upto = 0  # number of the last delta the stored sums include
        self._pending: deque[tuple[int, int, np.ndarray]] = deque()  # (number, minute, joules)

    # -- GUI thread ----------------------------------------------------------------------

    def sent(self, number: int, minute: int, joules: np.ndarray) -> None:
        """A delta (joules per sector, SECTORS order) is being handed to the writer; call it
        before the writer can see the delta."""
        with self._lock:
            if number > self._stored_upto:  # never after it was stored: that counts it twice
                self._pending.append((number, minute, np.asarray(joules, dtype=np.float64)))

    def kwh(
        self, now: float, unflushed: tuple[int, np.ndarray] | None = None
    ) -> dict[str, float] | None:
        """kWh per sector value since local midnight; None before the history could be read.
        `unflushed`: (minute, joules per sector) not yet handed to the writer."""
        day = local_midnight(now, self.tz)
        with self._lock:
            if self._day is None:
                return None
            total = self._stored.copy() if self._day == day else np.zeros(len(SECTORS))
            for _, minute, joules in self._pending:
                if minute >= day:
                    total += joules
        if unflushed is not None and unflushed[0] >= day:
            total += unflushed[1]
        return {s.value: float(j) / J_PER_KWH for s, j in zip(SECTORS, total, strict=True)}

    # -- writer thread -------------------------------------------------------------------

    @property
    def day(self) -> float | None:
        return self._day

    def stored(self, day: float, joules: np.ndarray, upto: int) -> None:
        """The database holds `joules` per sector for `day`, including every delta up to
        number `upto` (earlier ones, written or lost, are no longer pending)."""
        with self._lock:
            self._day = day
            self._stored = np.asarray(joules, dtype=np.float64).copy()
            self._stored_upto = upto
            while self._pending and self._pending[0][0] <= upto:
                self._pending.popleft()

    def stored_joules(self) -> np.ndarray:
        with self._lock:
            return self._stored.copy()
