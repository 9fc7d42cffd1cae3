"""The labels an incident has in the Alertmanager, and a URL as it may be shown: shared by the
sender (alertmanager.py), the API client (am_api.py) and the acknowledgements (acks.py)."""

from __future__ import annotations

import urllib.parse

from console.alerts.engine import Incident


def shown_url(url: str) -> str:
    """The URL without a user or password in it: it is shown in /healthz and the log."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def labels(inc: Incident) -> dict[str, str]:
    out = {"alertname": inc.rule, "rule": inc.rule, "severity": inc.severity,
           "sector": inc.sector}
    if inc.node:  # a sector's incident has no node (an empty label is no label)
        out["node"] = inc.node
    if inc.gpu is not None:
        out["gpu"] = str(inc.gpu)
    return out
