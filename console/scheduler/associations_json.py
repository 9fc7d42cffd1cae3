"""`sacctmgr show assoc|account|qos --json` (data_parser v0.0.40–0.0.42, Slurm 23.11–24.11) into
the same shapes the -P text gives (associations.py), so one tree builder serves both.

Where the JSON puts an association's limits is not where the names suggest: GrpTRES is
`max.tres.total`, GrpJobs `max.jobs.per.count`, MaxJobs `max.jobs.active` (checked against a real
24.11.5 capture beside the -P text of the same database).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from console.capacity.backends.slurm_parse import ParseError


def _load(text: str, key: str) -> list[dict]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ParseError(f"no {key!r} list in sacctmgr's JSON")
    errors = [e.get("description") or e.get("error") for e in data.get("errors") or []]
    if errors:
        raise ParseError("; ".join(str(e) for e in errors))
    return data[key]


def _at(obj: object, *path: str) -> object:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _number(value: object) -> str:
    """{"set", "infinite", "number"} (or a bare number) → the text form: "" when unset."""
    if isinstance(value, Mapping):
        if not value.get("set") or value.get("infinite"):
            return ""
        value = value.get("number")
    if value is None or isinstance(value, bool):
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _tres(items: object) -> str:
    """[{"type": "gres", "name": "gpu", "count": 12}] → "gres/gpu=12"."""
    if not isinstance(items, list):
        return ""
    parts = []
    for t in items:
        name = f"{t.get('type')}/{t['name']}" if t.get("name") else str(t.get("type"))
        parts.append(f"{name}={t.get('count')}")
    return ",".join(parts)


def _minutes(value: object) -> str:
    text = _number(value)
    if not text:
        return ""
    m = int(text)
    days, rest = divmod(m, 1440)
    clock = f"{rest // 60:02d}:{rest % 60:02d}:00"
    return f"{days}-{clock}" if days else clock


def parse_assoc_json(text: str) -> list[dict[str, str]]:
    rows = []
    for a in _load(text, "associations"):
        mx = a.get("max") or {}
        rows.append({
            "cluster": str(a.get("cluster", "")),
            "account": str(a.get("account", "")),
            "user": str(a.get("user") or ""),
            "partition": str(a.get("partition") or ""),
            "parentname": str(a.get("parent_account") or ""),
            "qos": ",".join(a.get("qos") or []),
            "defaultqos": str(_at(a, "default", "qos") or ""),
            "grptres": _tres(_at(mx, "tres", "total")),
            "grpjobs": _number(_at(mx, "jobs", "per", "count")),
            "grpsubmit": _number(_at(mx, "jobs", "per", "submitted")),
            "maxtres": _tres(_at(mx, "tres", "per", "job")),
            "maxjobs": _number(_at(mx, "jobs", "active")),
            "maxsubmit": _number(_at(mx, "jobs", "total")),
            "maxwall": _minutes(_at(mx, "per", "account", "wall_clock")),
            "fairshare": _number(a.get("shares_raw")),
        })
    return rows


def parse_accounts_json(text: str) -> dict[str, dict[str, str]]:
    return {str(a["name"]): {"account": str(a["name"]),
                             "organization": str(a.get("organization") or ""),
                             "description": str(a.get("description") or "")}
            for a in _load(text, "accounts")}


def _preempt_mode(modes: object) -> str:
    words = [str(m).lower() for m in modes] if isinstance(modes, list) else []
    words = [w for w in words if w != "gang"] or ["cluster"]
    # the text form says "cluster" where JSON says DISABLED: the QOS sets no mode of its own
    return "cluster" if words[0] in ("disabled", "off") else words[0]


def parse_qos_json(text: str) -> list[dict[str, str]]:
    """Rows shaped as the -P text's (associations.QOS_FIELDS), so one builder makes the Qos."""
    rows = []
    for q in _load(text, "qos"):
        limits = q.get("limits") or {}
        rows.append({
            "name": str(q["name"]), "description": str(q.get("description") or ""),
            "priority": _number(q.get("priority")) or "0",
            "preempt": ",".join(_at(q, "preempt", "list") or []),
            "preemptmode": _preempt_mode(_at(q, "preempt", "mode")),
            "gracetime": _number(limits.get("grace_time")) or "0",
            "grptres": _tres(_at(limits, "max", "tres", "total")),
            "maxtresperuser": _tres(_at(limits, "max", "tres", "per", "user")),
            "flags": ",".join(str(f).lower() for f in q.get("flags") or []),
        })
    return rows
