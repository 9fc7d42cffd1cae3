"""The demo fleet's use under quota caps: what each sector runs, borrows and waits for.

The demo runs no scheduler, so the embedded quota backend asks this (its `workload`): a sector's
busy GPUs now run within its cap, the rest count as borrowed above it (as if through the borrow
QOS), and the demo's queued demand waits at the cap when the cap has no room for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from console.capacity.quota.local import SectorUse, Workload
from console.fleet.model import SECTORS, Sector
from console.sources.demo.capacity import BUSY_PERCENT, SimWorkload


def sim_quota_workload(sim) -> Workload:
    """The LocalQuotaBackend's workload for the demo fleet `sim` (a SimFleet)."""
    demand_of = SimWorkload(sim).demand

    def use(caps: Mapping[Sector, int | None], now: float) -> dict[Sector, SectorUse]:
        busy = (sim.utilisation(now) >= BUSY_PERCENT).sum(axis=1)
        sector = sim.control.sector_index(sim.inventory.nodes)
        demand = demand_of(now)
        out = {}
        for i, s in enumerate(SECTORS):
            held = int(busy[sector == i].sum())
            cap = caps.get(s)
            running = held if cap is None else min(held, cap)
            pending = demand[s]
            at_cap = pending if cap is not None and running + pending > cap else 0
            out[s] = SectorUse(running, held - running, pending, at_cap)
        return out

    return use
