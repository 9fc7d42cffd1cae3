"""Reading what Slurm prints about nodes and partitions: `scontrol … -o` records, compound node
states, GRES and TRES strings, `sinfo` output, versions and host names. Jobs (`squeue`) are read
in slurm_squeue.py, with the GRES and TRES counts from here.

Pure functions over text, so every output in ../shared/fixtures/slurm/ can be read in the unit
tests. Host lists ("n[01-03]") are never expanded here: the backend asks `scontrol show
hostnames`, so Slurm's own syntax stays Slurm's business.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# A key starts a word and is CamelCase ("NodeName=", "CfgTRES="): lowercase words inside values
# ("hangang plan=…", TRES "cpu=2,gres/gpu=8") are not keys.
_KEY = re.compile(r"(?:^|(?<=\s))([A-Z][A-Za-z0-9_]*)=")
# scontrol appends "[user@2026-07-22T23:31:17]" to a node's Reason
_REASON_STAMP = re.compile(r"\s*\[([^\]@\s]*)@([^\]\s]*)\]")
# what sinfo appends to a state: * not responding, ~ powered off, # powering up, etc.
_STATE_SUFFIXES = "*~#!%$@^-"



class ParseError(ValueError):
    pass


# ── key=value records ─────────────────────────────────────────────────────────────────────────


def parse_record(line: str) -> dict[str, str]:
    """One `scontrol show … -o` line as {key: value}. Values may hold spaces (OS=, Reason=)
    and '=' (TRES); a node's Reason runs up to its "[user@time]" stamp, whatever it says."""
    line = line.strip()
    out: dict[str, str] = {}
    reason_at = line.find("Reason=")
    if reason_at == 0 or (reason_at > 0 and line[reason_at - 1].isspace()):
        stamp = _REASON_STAMP.search(line, reason_at)
        if stamp is not None:
            out["Reason"] = line[reason_at + len("Reason=") : stamp.start()].strip()
            out["ReasonUser"], out["ReasonTime"] = stamp.group(1), stamp.group(2)
            line = line[:reason_at] + line[stamp.end() :]
    keys = list(_KEY.finditer(line))
    if not keys and line:
        raise ParseError(f"not a key=value record: {line[:80]!r}")
    for here, after in zip(keys, [*keys[1:], None], strict=True):
        end = after.start() if after is not None else len(line)
        out.setdefault(here.group(1), line[here.end() : end].strip())
    return out


def parse_records(text: str) -> list[dict[str, str]]:
    """Every non-blank line of `scontrol show node|partition -o`."""
    return [parse_record(line) for line in text.splitlines() if line.strip()]


def null(value: str | None) -> str:
    """Slurm writes nothing as "(null)", "N/A" or "None"; all read as ""."""
    if value is None or value.strip() in ("(null)", "N/A", "None", "NONE", "n/a"):
        return ""
    return value.strip()


# ── node states ───────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class NodeState:
    base: str  # IDLE, MIXED, ALLOCATED, DOWN, COMPLETING, FUTURE, UNKNOWN …
    flags: frozenset[str]  # DRAIN, NOT_RESPONDING, COMPLETING, MAINTENANCE, RESERVED …

    @property
    def drain(self) -> bool:
        return "DRAIN" in self.flags

    @property
    def down(self) -> bool:
        return self.base in ("DOWN", "FUTURE", "UNKNOWN") or bool(
            self.flags & {"NOT_RESPONDING", "FAIL", "POWERED_DOWN", "POWERING_DOWN"}
        )

    @property
    def busy(self) -> bool:
        """Jobs allocated (or still completing) on the node."""
        return self.base in ("MIXED", "ALLOCATED", "COMPLETING") or "COMPLETING" in self.flags


# sinfo's long names fold the drain flag into the word
_SINFO_WORDS = {
    "DRAINED": ("IDLE", {"DRAIN"}),
    "DRAINING": ("ALLOCATED", {"DRAIN"}),
    "DRAIN": ("IDLE", {"DRAIN"}),
    "NOT_RESPONDING": ("DOWN", {"NOT_RESPONDING"}),
}


def parse_state(text: str) -> NodeState:
    """"MIXED+DRAIN", "IDLE+DRAIN+DYNAMIC_NORM", "DOWN+NOT_RESPONDING", "idle*", "drained"."""
    words = [w.strip().upper() for w in text.strip().split("+") if w.strip()]
    if not words:
        raise ParseError("empty node state")
    flags: set[str] = set()
    if words[0].endswith("*"):
        flags.add("NOT_RESPONDING")
    base = words[0].rstrip(_STATE_SUFFIXES)
    if base in _SINFO_WORDS:
        base, extra = _SINFO_WORDS[base]
        flags |= extra
    flags |= {w.rstrip(_STATE_SUFFIXES) for w in words[1:]}
    return NodeState(base, frozenset(flags))


# ── GRES and TRES ─────────────────────────────────────────────────────────────────────────────


def _split_outside_parens(text: str) -> list[str]:
    items, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [i.strip() for i in items if i.strip()]


def gres_gpus(text: str | None) -> int:
    """GPUs in a GRES string: "gpu:h100:8(S:0-1)" → 8, "gpu:a:2,gpu:b:2" → 4, "(null)" → 0,
    "gpu:8" → 8, "gres:gpu:2" / "gres/gpu:2" (a job's tres_per_node) → 2, "gpu" → 1."""
    total = 0
    for item in _split_outside_parens(null(text)):
        item = item.split("(", 1)[0]
        for prefix in ("gres:", "gres/"):
            if item.startswith(prefix):
                item = item[len(prefix) :]
        parts = item.split(":")
        if parts[0] != "gpu":
            continue
        if len(parts) == 1:
            total += 1
        elif parts[-1].isdigit():
            total += int(parts[-1])
        elif len(parts) == 2:  # "gpu:h100": a type, one GPU
            total += 1
        else:
            raise ParseError(f"bad GPU count in GRES {text!r}")
    return total


def parse_tres(text: str | None) -> dict[str, str]:
    """"cpu=2,mem=1000M,gres/gpu=8" → {"cpu": "2", "mem": "1000M", "gres/gpu": "8"}."""
    out = {}
    for item in null(text).split(","):
        key, sep, value = item.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def tres_gpus(text: str | None) -> int | None:
    """GPUs in a TRES string; None when it does not count GPUs (accounting does not track
    gres/gpu). Typed counts ("gres/gpu:h100=4") are summed only when the plain one is absent."""
    tres = parse_tres(text)
    if "gres/gpu" in tres:
        return _count(tres["gres/gpu"])
    typed = [v for k, v in tres.items() if k.startswith("gres/gpu:")]
    if typed:
        return sum(_count(v) for v in typed)
    return None


def _count(value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ParseError(f"not a count: {value!r}") from exc


# ── partitions and nodes ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, slots=True)
class PartitionInfo:
    name: str
    nodes: str  # Slurm host list as printed ("n[01-03]"); "" when none
    state: str
    default: bool
    settings: Mapping[str, str]  # every field, as printed


def parse_partitions(text: str) -> list[PartitionInfo]:
    out = []
    for rec in parse_records(text):
        if "PartitionName" not in rec:
            raise ParseError(f"no PartitionName in {sorted(rec)[:5]}")
        out.append(
            PartitionInfo(
                rec["PartitionName"],
                null(rec.get("Nodes")),
                rec.get("State", ""),
                rec.get("Default", "NO") == "YES",
                rec,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class NodeInfo:
    name: str
    state: NodeState
    gpus: int
    alloc_gpus: int | None  # from AllocTRES; None when accounting does not track gres/gpu
    reason: str  # without the "[user@time]" stamp
    reason_user: str
    partitions: tuple[str, ...]


def parse_nodes(text: str) -> list[NodeInfo]:
    out = []
    for rec in parse_records(text):
        if "NodeName" not in rec or "State" not in rec:
            raise ParseError(f"node record without NodeName/State: {sorted(rec)[:5]}")
        out.append(
            NodeInfo(
                rec["NodeName"],
                parse_state(rec["State"]),
                gres_gpus(rec.get("Gres")),
                tres_gpus(rec.get("AllocTRES")),
                null(rec.get("Reason")),
                rec.get("ReasonUser", ""),
                tuple(p for p in null(rec.get("Partitions")).split(",") if p),
            )
        )
    return out


# ── sinfo (other tools' formats, read for the fixtures and for diagnostics) ───────────────────


def parse_sinfo_gres_lines(text: str) -> dict[str, tuple[int, int | None]]:
    """`sinfo -N -h -o "%N %G"` or with more columns ("%n %m %e %C %T %P %G %b"): node →
    (GPUs, GPUs in use or None). GRES columns are those that read "(null)" or "gpu:…"; the
    first is the configured GRES, a second one the GRES in use."""
    out: dict[str, tuple[int, int | None]] = {}
    for line in text.splitlines():
        cols = line.split()
        if not cols:
            continue
        gres = [c for c in cols[1:] if c == "(null)" or c.startswith("gpu:")]
        total = gres_gpus(gres[0]) if gres else 0
        used = gres_gpus(gres[1]) if len(gres) > 1 else None
        out[cols[0]] = (total, used)
    return out


def parse_sinfo_json(text: str) -> list[dict]:
    """`sinfo --json` (23.02+ data_parser): one entry per node group with its state words,
    node names, partition, GRES and drain reason."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"sinfo --json: not JSON ({exc})") from exc
    entries = data.get("sinfo") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ParseError("sinfo --json: no sinfo list")
    out = []
    for e in entries:
        words = (e.get("node") or {}).get("state") or []
        gres = e.get("gres") or {}
        reason = e.get("reason") or {}
        out.append(
            {
                "nodes": tuple((e.get("nodes") or {}).get("nodes") or ()),
                "state": parse_state("+".join(words) if words else "UNKNOWN"),
                "partition": ((e.get("partition") or {}).get("name") or ""),
                "gpus": gres_gpus(gres.get("total")),
                "gpus_used": gres_gpus(gres.get("used")),
                "reason": reason.get("description", "") if isinstance(reason, dict) else reason,
            }
        )
    return out


def version_tuple(text: str) -> tuple[int, int, int]:
    """`scontrol --version` ("slurm 22.05.8", "slurm-wlm 22.05.8") → (22, 5, 8)."""
    m = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    if m is None:
        raise ParseError(f"no version in {text.strip()!r}")
    return int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)


def hostnames_lines(text: str) -> list[str]:
    """`scontrol show hostnames` output: one name a line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
