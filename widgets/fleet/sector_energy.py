"""Power now and energy today per sector, as the sector cards and the kiosk pages show them.

Power now is the snapshot's: Σ power_w of the GPUs on the sector's LIVE nodes (a GPU with no
power reading adds nothing; a sector with no live GPU has no figure). Energy today is the
history's (HistoryStore.energy_today: GPU kWh per sector since local midnight, from memory, no
database read), asked every few seconds by one reader per window, and shown as "—" when the
history could not say.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QLocale

from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus

log = logging.getLogger(__name__)

NO_VALUE = "—"
READ_EVERY_S = 5.0  # the figure moves by watt-seconds; no need to ask every frame

EnergyToday = Callable[[float], "dict[str, float] | None"]  # HistoryStore.energy_today


def sector_power_kw(snap: FleetSnapshot) -> np.ndarray:
    """(len(SECTORS),) kW now per sector; NaN where the sector has no live GPU reporting power."""
    live = snap.node_status == NodeStatus.LIVE
    power = snap.gpu_power_w
    out = np.full(len(SECTORS), np.nan)
    for i in range(len(SECTORS)):
        rows = power[live & (snap.node_sector == i)]
        seen = ~np.isnan(rows)
        if seen.any():
            out[i] = float(rows[seen].sum()) / 1000.0
    return out


def kw_text(kw: float, locale: QLocale) -> str:
    if not math.isfinite(kw):
        return NO_VALUE
    return f"{locale.toString(kw, 'f', 1)} kW"


def kwh_text(kwh: float | None, locale: QLocale) -> str:
    """1 decimal under 100 kWh (a morning's use), whole kWh above."""
    if kwh is None or not math.isfinite(kwh):
        return NO_VALUE
    return f"{locale.toString(kwh, 'f', 1 if abs(kwh) < 100 else 0)} kWh"


def sector_kwh(today: dict[str, float] | None, sector: str) -> float | None:
    """A sector's kWh today: None when the history cannot say, 0 when it recorded none."""
    return None if today is None else today.get(sector, 0.0)


class TodayReader:
    """HistoryStore.energy_today, asked again only when READ_EVERY_S has passed (snapshot time);
    one reader is shared by every panel of a window, so they all show the same figure. A failing
    read says None (shown "—"), it never raises."""

    def __init__(self, source: EnergyToday | None = None, every_s: float = READ_EVERY_S) -> None:
        self.source = source
        self.every_s = every_s
        self.read_at: float | None = None
        self.value: dict[str, float] | None = None

    def set_source(self, source: EnergyToday | None) -> None:
        self.source, self.read_at, self.value = source, None, None

    def kwh(self, now: float) -> dict[str, float] | None:
        if self.source is None:
            return None
        if self.read_at is None or not (0 <= now - self.read_at < self.every_s):
            self.read_at = now
            try:
                self.value = self.source(now)
            except Exception:  # the history is optional on screen: log, show "—"
                log.warning("today's energy could not be read", exc_info=True)
                self.value = None
        return self.value
