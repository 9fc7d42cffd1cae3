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

# What `scontrol show partition` reports that is not a setting: counters and what the node list
# implies (from 22.05.8's and 24.11.5's output and the keys slurm_sprint_partition_info prints).
# Everything else it reports is carried.
_RUNTIME = frozenset({"PartitionName", "Nodes", "NodeSets", "TotalCPUs", "TotalNodes", "TRES"})
# scontrol's spelling where slurm.conf's differs (slurm.conf reads keys in any case)
_CONF_KEY = {"QoS": "QOS"}
# The value scontrol shows for a setting that was never set: left out, so the line says what the
# site set, and no word goes in that slurm.conf would not read back ("SelectTypeParameters=NONE").
_UNSET = {
    "AllocNodes": "ALL", "AllowAccounts": "ALL", "AllowGroups": "ALL", "AllowQos": "ALL",
    "Default": "NO", "DefaultTime": "NONE", "DefMemPerNode": "UNLIMITED",
    "DisableRootJobs": "NO", "ExclusiveTopo": "NO", "ExclusiveUser": "NO", "GraceTime": "0",
    "Hidden": "NO", "LLN": "NO", "MaxCPUsPerNode": "UNLIMITED", "MaxCPUsPerSocket": "UNLIMITED",
    "MaxMemPerNode": "UNLIMITED", "MaxNodes": "UNLIMITED", "MaxTime": "UNLIMITED",
    "MinNodes": "0", "OverSubscribe": "NO", "OverTimeLimit": "NONE", "PowerDownOnIdle": "NO",
    "PreemptMode": "OFF", "PriorityJobFactor": "1", "PriorityTier": "1", "ReqResv": "NO",
    "ResumeTimeout": "GLOBAL", "RootOnly": "NO", "SelectTypeParameters": "NONE",
    "State": "UP", "SuspendTime": "GLOBAL", "SuspendTimeout": "GLOBAL",
}
_NOTHING = ("", "(null)", "N/A")
# printed, but no value slurm.conf takes: a partition state it does not know
_UNWRITABLE = {("State", "UNKNOWN")}
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
        lines.append(" ".join([f"PartitionName={info.name}", f"Nodes={lists[sector]}",
                               *carried_settings(info.settings)]))
    return "\n".join(lines) + "\n"


def carried_settings(settings: Mapping[str, str]) -> list[str]:
    """`Key=value` words for a partition line from what scontrol reports: every setting but
    the runtime ones, those never set left out. A key this list does not know yet is carried
    as it is: losing a site's setting at the next restart is the worse mistake."""
    out = []
    for key, value in settings.items():
        value = value.strip()
        if key in _RUNTIME or value in _NOTHING or _UNSET.get(key) == value \
                or (key, value) in _UNWRITABLE:
            continue
        if any(c.isspace() for c in value):
            value = '"' + value.replace('"', "") + '"'
        out.append(f"{_CONF_KEY.get(key, key)}={value}")
    return out
