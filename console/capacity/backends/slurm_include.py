"""The partition include file: slurm.conf `Include`s it, the backend rewrites it on every move
so a move survives `scontrol reconfigure` and restarts. Only our partitions' `Nodes=` change;
every other line (comments, other partitions, their options) stays as it was."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from console.capacity.backends.slurm_parse import PartitionInfo
from console.fleet.model import SECTORS, Sector

# partition settings carried into a line the include file did not have yet, with the value
# that needs no mention
_CARRIED = {
    "Default": "NO",
    "MaxTime": "UNLIMITED",
    "DefaultTime": "NONE",
    "State": "UP",
    "AllowGroups": "ALL",
    "AllowAccounts": "ALL",
    "AllowQos": "ALL",
    "MaxNodes": "UNLIMITED",
    "PriorityTier": "1",
    "PriorityJobFactor": "1",
    "Hidden": "NO",
    "OverSubscribe": "NO",
    "PreemptMode": "OFF",
}
_NODES_TOKEN = re.compile(r"(?<!\S)Nodes=\S*")


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """What the backend last wrote to the include file, to show the operator and audit."""

    path: str
    text: str
    at: float
    where: str  # "local" or user@controller

    def as_dict(self) -> dict:
        return {"path": self.path, "text": self.text, "at": self.at, "where": self.where}


def include_text(
    old: str,
    infos: Mapping[Sector, PartitionInfo],
    lists: Mapping[Sector, str],
    partitions: Mapping[Sector, str],
    now: float,
    keep: int,
) -> str:
    """The include file with our partitions' Nodes= replaced; every other line as it was. A
    partition the file does not define yet gets a line from its live settings."""
    by_name = {partitions[s]: s for s in SECTORS}
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(now))
    lines = [f"# hangang-console wrote this at {stamp}; the last {keep} versions are kept as "
             f"<name>.1 … <name>.{keep}"]
    done: set[Sector] = set()
    for line in old.splitlines():
        if line.startswith("# hangang-console wrote this"):
            continue
        m = re.match(r"\s*PartitionName=(\S+)", line)
        sector = by_name.get(m.group(1)) if m else None
        if sector is None:
            lines.append(line)
            continue
        nodes = f"Nodes={lists[sector]}"
        if _NODES_TOKEN.search(line):
            line = _NODES_TOKEN.sub(lambda _m, n=nodes: n, line, count=1)
        else:
            line = f"{line.rstrip()} {nodes}"
        lines.append(line)
        done.add(sector)
    for sector in SECTORS:
        if sector in done:
            continue
        info = infos[sector]
        extra = [
            f"{key}={info.settings[key]}"
            for key, plain in _CARRIED.items()
            if key in info.settings and info.settings[key] != plain
        ]
        lines.append(" ".join([f"PartitionName={info.name}", f"Nodes={lists[sector]}", *extra]))
    return "\n".join(lines) + "\n"
