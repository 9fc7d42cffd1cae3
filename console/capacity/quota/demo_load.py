"""The demo's load in quota mode: what each sector runs and waits for under the caps now.

The embedded quota store runs no jobs, so the demo fleet needs someone to say what its sectors
would do: each sector's GPU demand follows its own smooth daily curve around its share of the
fleet; it runs up to its cap, and what is left waits at the cap (QOSGrpGRES). With borrowing on,
waiting work first takes GPUs no sector's jobs hold, in sector order, as the borrow QOS would
(and gives them back as soon as the owners' demand rises: the curve is re-read every time).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from console.capacity.quota.local import SectorUse
from console.fleet.model import SECTORS, Sector

DAY_S = 86400.0
PHASE = {Sector.PUBLIC: 0.0, Sector.INTEREST: 0.33, Sector.PRIVATE: 0.66}


class DemoQuotaLoad:
    def __init__(
        self,
        capacity: int,
        shares: Mapping[Sector, float],
        borrow: bool = True,
        swing: float = 0.45,
    ) -> None:
        self.capacity = capacity
        self.shares = dict(shares)
        self.borrow = borrow
        self.swing = swing  # demand goes from (1 - swing) to (1 + swing) of the share

    def demand(self, sector: Sector, now: float) -> int:
        base = self.capacity * self.shares.get(sector, 0.0)
        wave = math.sin(2 * math.pi * (now / DAY_S + PHASE.get(sector, 0.0)))
        return max(0, round(base * (1.0 + self.swing * wave)))

    def __call__(self, caps: Mapping[Sector, int | None], now: float) -> dict[Sector, SectorUse]:
        want = {s: self.demand(s, now) for s in SECTORS}
        running = {s: want[s] if caps.get(s) is None else min(want[s], caps[s]) for s in SECTORS}
        idle = max(0, self.capacity - sum(running.values()))
        out = {}
        for s in SECTORS:
            waiting = want[s] - running[s]
            borrowed = min(waiting, idle) if self.borrow else 0
            idle -= borrowed
            out[s] = SectorUse(running[s], borrowed, waiting - borrowed, waiting - borrowed)
        return out
