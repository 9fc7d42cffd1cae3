"""Acknowledgements kept as Alertmanager silences (the room's; console/alerts/room_incidents.py
says why): which labels one silences, how it is marked as ours, and its end with the incident.

Ended both by the consoles that see an incident resolve and by serve when it resolves one, so an
acknowledgement never outlives its incident for long, even in a room where no console is open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from console.alerts.am_api import AlertmanagerApi, AlertmanagerApiError, Silence
from console.alerts.am_labels import labels as incident_labels
from console.alerts.engine import Incident

log = logging.getLogger(__name__)

ACK_TAG = "[hangang ack]"
ACK_HOLD_S = 12 * 3600.0


def ack_matchers(inc: Incident) -> dict[str, str]:
    """The incident's labels but its severity: an incident that gets worse stays acknowledged,
    as it does in a console of its own."""
    out = {k: v for k, v in incident_labels(inc).items() if k != "severity"}
    # an empty value matches only alerts without the label: a node's acknowledgement must not
    # silence its GPUs' incidents of the same rule
    return {"node": "", "gpu": ""} | out


def ack_note(comment: str) -> str:
    return comment.removeprefix(ACK_TAG).strip()


def is_ack_of(silence: Silence, inc: Incident) -> bool:
    return (silence.state in ("active", "pending") and silence.comment.startswith(ACK_TAG)
            and dict(silence.matchers) == ack_matchers(inc))


def expire_acks(api: AlertmanagerApi, resolved: Iterable[Incident], still_open: Iterable[Incident],
                silences: list[Silence] | None = None) -> int:
    """End our acknowledgements of `resolved` incidents, unless one still silences an open
    incident. Several consoles and serve may race here: a silence expired twice is harmless.
    Returns how many were expired."""
    resolved = list(resolved)
    if not resolved:
        return 0
    if silences is None:
        silences = api.silences()
    open_labels = [incident_labels(i) for i in still_open]
    expired = 0
    for inc in resolved:
        for s in silences:
            if not is_ack_of(s, inc) or any(s.matches(lab) for lab in open_labels):
                continue
            try:
                api.expire_silence(s.id)
                expired += 1
            except AlertmanagerApiError as exc:
                log.info("silence %s not expired: %s", s.id, exc)
    return expired
