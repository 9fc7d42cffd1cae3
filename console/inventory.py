"""The fleet as the console knows it: nodes, their sector and organisation, sector entitlements.

The demo fleet builds one in code (telemetry/sim.py); reading a TOML fleet file with errors that
name file, line and field arrives with the SSH telemetry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from console.model import SECTORS, Organisation, Sector


@dataclass(frozen=True, slots=True)
class NodeSpec:
    name: str
    sector: Sector
    organisation: Organisation | None
    gpu_count: int
    gpu_model: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Inventory:
    nodes: tuple[NodeSpec, ...]
    entitlements: Mapping[Sector, float]  # share of the fleet's GPUs, sums to 1
    organisations: tuple[Organisation, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [n.name for n in self.nodes]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f"node listed twice: {', '.join(dupes)}")
        missing = [s for s in SECTORS if s not in self.entitlements]
        if missing:
            raise ValueError(f"no entitlement for sector(s): {', '.join(missing)}")
        total = sum(self.entitlements.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"sector entitlements add up to {total:.1%}, not 100%")

    @property
    def gpu_total(self) -> int:
        return sum(n.gpu_count for n in self.nodes)

    def ordered_nodes(self) -> tuple[NodeSpec, ...]:
        """Nodes grouped by sector in display order, then by name: the order of every snapshot."""
        rank = {s: i for i, s in enumerate(SECTORS)}
        return tuple(sorted(self.nodes, key=lambda n: (rank[n.sector], n.name)))
