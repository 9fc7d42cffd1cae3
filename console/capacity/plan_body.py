"""A plan as plain data, for the audit log and the apply journal (and back)."""

from __future__ import annotations

from collections.abc import Mapping

from console.capacity.model import Move, Plan
from console.fleet.model import Sector


def plan_body(plan: Plan) -> dict:
    return {
        "id": plan.plan_id,
        "base_version": plan.base_version,
        "override": plan.override,
        "justification": plan.justification,
        "undoes": plan.undoes,
        "moves": [
            {"node": m.node, "source": m.source.value, "target": m.target.value, "gpus": m.gpus}
            for m in plan.moves
        ],
    }


def plan_from_body(body: Mapping) -> Plan:
    moves = tuple(
        Move(m["node"], Sector(m["source"]), Sector(m["target"]), int(m["gpus"]))
        for m in body["moves"]
    )
    return Plan(
        moves,
        body["base_version"],
        body["id"],
        bool(body.get("override")),
        body.get("justification", ""),
        body.get("undoes"),
    )
