"""CPU package energy from RAPL (/sys/class/powercap): joules summed over the packages since
the probe's first reading, made monotonic across the hardware counters' wraps.

energy_uj is readable by root only on kernels since the 2020 RAPL side channel fix (PLATYPUS):
an unreadable zone is reported once and left out; with no readable zone the value is null.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import os
import re

from .fields import error_entry

POWERCAP = "/sys/class/powercap"
PACKAGE_ZONE = re.compile(r"^intel-rapl:\d+$")  # the package level; intel-rapl:N:M are subzones


class RaplReader:
    """Reads the package zones' energy_uj under `root` (injectable, so tests build a tree)."""

    def __init__(self, root=POWERCAP):
        self.root = root
        self.last = {}  # zone → its raw energy_uj at the last reading
        self.ranges = {}  # zone → max_energy_range_uj (where the counter wraps)
        self.total_uj = 0
        self.reported = set()  # (zone, what) already in a line's errors

    def read(self):
        """(joules since the first reading, or None when no zone could be read; errors)."""
        errors = []
        readable = 0
        for zone in self._zones():
            raw = self._number(zone, "energy_uj", errors)
            if raw is None:
                self.last.pop(zone, None)  # a gap: when it comes back it starts afresh
                continue
            readable += 1
            before = self.last.get(zone)
            self.last[zone] = raw
            if before is None:
                continue
            delta = raw - before
            if delta < 0:  # wrapped at max_energy_range_uj
                top = self._range(zone, errors)
                if top is None or delta + top < 0:
                    continue  # cannot tell how much: nothing rather than a wrong amount
                delta += top
            self.total_uj += delta
        if not readable:
            return None, errors
        return self.total_uj / 1e6, errors

    def _zones(self):
        try:
            names = sorted(os.listdir(self.root))
        except OSError:
            return []  # no powercap (a VM, a non-Intel/AMD CPU): nothing to report
        zones = []
        for name in names:
            if not PACKAGE_ZONE.match(name):
                continue
            label = self._text(name, "name")
            # psys (the platform zone, on laptops) also counts the packages: leave it out
            if label is None or label.startswith("package"):
                zones.append(name)
        return zones

    def _range(self, zone, errors):
        if zone not in self.ranges:
            top = self._number(zone, "max_energy_range_uj", errors)
            if top is None or top <= 0:
                return None
            self.ranges[zone] = top
        return self.ranges[zone]

    def _text(self, zone, name):
        try:
            with open(os.path.join(self.root, zone, name), encoding="ascii", errors="replace") as f:
                return f.read().strip()
        except OSError:
            return None

    def _number(self, zone, name, errors):
        try:
            with open(os.path.join(self.root, zone, name), encoding="ascii") as f:
                return int(f.read().strip())
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            key = (zone, name, type(exc).__name__)
            if key not in self.reported:  # a root-only file stays root-only: say so once
                self.reported.add(key)
                message = f"{zone}/{name}: {type(exc).__name__}: {exc}"
                errors.append(error_entry(None, "cpu_energy_j", message))
            return None
