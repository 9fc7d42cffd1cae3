"""The fleet as the console knows it: nodes, their sector and organisation, sector entitlements.

The demo fleet builds one in code (console/sources/demo/fleet.py); a fleet file is read by
console/inventory/loader.py, whose errors (InventoryError) name file, line and field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from console.fleet.model import SECTORS, Organisation, Sector


@dataclass(frozen=True, slots=True)
class NodeSpec:
    name: str
    sector: Sector
    organisation: Organisation | None
    gpu_count: int
    gpu_model: str = ""
    address: str = ""  # host to dial; "" means the name
    port: int = 22
    user: str | None = None
    identity_file: str | None = None
    proxy_jump: str | None = None  # "user@bastion:22" or an ssh_config alias; None: direct
    python: str = "python3"  # interpreter that runs the probe on the node
    interval: float = 2.0  # seconds between probe samples
    ssh_host: str = ""  # the name `ssh` is given (an ssh_config alias); "" means dial_address

    @property
    def dial_address(self) -> str:
        return self.address or self.name


@dataclass(frozen=True, slots=True)
class Inventory:
    nodes: tuple[NodeSpec, ...]
    entitlements: Mapping[Sector, float]  # share of the fleet's GPUs, sums to 1
    organisations: tuple[Organisation, ...] = field(default=())
    centre_name: str = ""
    user_org: Mapping[str, str] = field(default_factory=dict)  # login name → organisation id
    slurm: Mapping[str, object] | None = None  # the fleet file's [slurm] table, as written
    # [prometheus]: url, interval, timeout, hosts (label value → node); None: follow over SSH
    prometheus: Mapping[str, object] | None = None
    source_path: Path | None = None  # the fleet file it came from; None when built in code
    # capacity limits per sector (optional): guaranteed floor as a share (float) or GPUs (int),
    # and a borrow cap as a share; see console/capacity/model.py Entitlement
    guarantees: Mapping[Sector, float | int] = field(default_factory=dict)
    maximums: Mapping[Sector, float] = field(default_factory=dict)
    # Slurm accounts (lower case) whose jobs are a sector's or an organisation's (by id)
    sector_accounts: Mapping[Sector, str] = field(default_factory=dict)
    org_accounts: Mapping[str, str] = field(default_factory=dict)
    # [ssh] transport: how collectors reach nodes, "paramiko" (in process) or "openssh" (an
    # `ssh` process per node, a tenth of the client CPU per line; console/telemetry/openssh.py)
    ssh_transport: str = "paramiko"

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

    def organisation_of_user(self, user: str) -> Organisation | None:
        org_id = self.user_org.get(user)
        return next((o for o in self.organisations if o.id == org_id), None)


class InventoryError(Exception):
    """A fleet file that cannot be used; says where, so the operator can fix it in one go.

    str() reads like a compiler message: `fleet.toml:17: nodes[3].sector: unknown sector …`.
    `line` is None when the problem has no single place (an unreadable file, say).
    """

    def __init__(self, path: Path | str, line: int | None, field: str, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"

    def __reduce__(self):  # survives pickling into a collector process and back
        return (type(self), (self.path, self.line, self.field, self.message))
