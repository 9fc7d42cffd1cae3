"""A small fleet and a workload whose jobs end when a test says so (the store stays real)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from console.capacity.backends.local import LocalBackend, NodeWork
from console.capacity.model import entitlements_from_shares
from console.fleet.model import SECTORS, Sector
from console.inventory.model import Inventory, NodeSpec

SHARES = {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25}


def small_inventory(counts=(6, 6, 6), gpus: int = 8) -> Inventory:
    nodes = []
    for sector, count in zip(SECTORS, counts, strict=True):
        for i in range(count):
            nodes.append(NodeSpec(f"{sector.value[:3]}{i:02d}", sector, None, gpus))
    return Inventory(nodes=tuple(nodes), entitlements=dict(SHARES))


@dataclass
class ScriptedWorkload:
    """Nodes in `busy` run a job until the test calls finish(node); drained nodes get no new."""

    busy: set[str] = field(default_factory=set)
    ends: dict[str, float] = field(default_factory=dict)
    queued: dict[Sector, int] = field(default_factory=dict)

    def finish(self, node: str) -> None:
        self.busy.discard(node)

    def work(self, allocation: Mapping[str, Sector], drains: Mapping[str, float],
             now: float) -> dict[str, NodeWork]:
        return {
            n: NodeWork(1, 8, self.ends.get(n), (f"job on {n}",)) for n in self.busy
            if n in allocation
        }

    def demand(self, now: float) -> dict[Sector, int]:
        return dict(self.queued)


def local_backend(tmp_path, inventory=None, workload=None, name="capacity.sqlite"):
    inventory = inventory or small_inventory()
    return LocalBackend(tmp_path / name, inventory, workload)


def entitlements(**kw):
    return entitlements_from_shares(SHARES, **kw)
