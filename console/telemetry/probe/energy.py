"""The probe's own GPU energy counter, for GPUs whose NVML (or nvidia-smi) has none: the power
readings integrated over time (trapezoid), in joules since the probe started.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import math

GAP_INTERVALS = 3  # a step longer than this many sample intervals is a gap
GAP_NO_INTERVAL_S = 15.0  # the same without an interval (--once, or one not known)


class PowerIntegrator:
    """Per key (a GPU index) the trapezoid integral of power (W) over time (s), in joules.

    A step longer than `max_gap` adds nothing: what the power was in between is unknown, and a
    guess would pass for a measurement (a gap is a gap). Time going backwards is a gap too.
    """

    def __init__(self, interval=None):
        if interval is not None and interval > 0:
            self.max_gap = GAP_INTERVALS * interval
        else:
            self.max_gap = GAP_NO_INTERVAL_S
        self.last = {}  # key → (t, power_w) of the last reading
        self.joules = {}  # key → joules so far

    def add(self, key, t, power_w):
        """Take a reading; the key's joules so far, or None when this reading has no power."""
        if power_w is None or not _usable(power_w):
            return None
        before = self.last.get(key)
        self.last[key] = (t, power_w)
        total = self.joules.get(key, 0.0)
        if before is not None:
            dt = t - before[0]
            if 0 <= dt <= self.max_gap:
                total += (before[1] + power_w) / 2.0 * dt
        self.joules[key] = total
        return total

    def forget(self, key):
        """The GPU stopped answering (lost): the next reading starts afresh, nothing bridged."""
        self.last.pop(key, None)


def millijoules(joules):
    return None if joules is None else round(joules * 1000.0)


def _usable(power_w):
    return isinstance(power_w, (int, float)) and math.isfinite(power_w) and power_w >= 0
