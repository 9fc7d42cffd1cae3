"""The parts of Alertmanager's v2 API a console reads and writes: alerts, silences.

Every answer is checked before use: an Alertmanager (or a proxy in front of it) that answers HTML,
half a JSON document or the wrong shape gives an AlertmanagerApiError that says what came back,
never a crash in the caller's thread. The sender (alertmanager.py) posts alerts; this side reads.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime

from console.alerts.am_labels import shown_url

ALERTS = "/api/v2/alerts"
SILENCES = "/api/v2/silences"
SILENCE = "/api/v2/silence/"
MAX_BODY = 32 * 1024 * 1024  # a room's alerts and silences; more is not an Alertmanager


class AlertmanagerApiError(Exception):
    """The Alertmanager could not be reached, refused, or answered something else than its API."""


@dataclass(frozen=True, slots=True)
class Silence:
    id: str
    matchers: tuple[tuple[str, str], ...]  # (label, value), equality matchers only are ours
    created_by: str
    comment: str
    starts_at: float
    ends_at: float
    state: str  # "active", "pending", "expired"

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(k, "") == v for k, v in self.matchers)


def parse_time(text: object) -> float:
    """RFC 3339 as Alertmanager writes it ("2026-12-03T14:01:02.123Z") → epoch seconds."""
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def format_time(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


class AlertmanagerApi:
    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.shown = shown_url(self.url)

    # -- reading -----------------------------------------------------------------------------

    def alerts(self) -> list[dict]:
        """Every alert it holds that has not ended (active, silenced or inhibited)."""
        body = self._call("GET", ALERTS)
        if not isinstance(body, list) or not all(isinstance(a, dict) for a in body):
            raise AlertmanagerApiError(f"{self.shown}{ALERTS}: not a list of alerts")
        for a in body:
            if not isinstance(a.get("labels"), dict) or not isinstance(a.get("status"), dict):
                raise AlertmanagerApiError(f"{self.shown}{ALERTS}: an alert without labels or "
                                           "status")
        return body

    def silences(self) -> list[Silence]:
        body = self._call("GET", SILENCES)
        if not isinstance(body, list):
            raise AlertmanagerApiError(f"{self.shown}{SILENCES}: not a list of silences")
        try:
            return [_silence(s) for s in body]
        except (KeyError, TypeError, ValueError) as exc:
            raise AlertmanagerApiError(f"{self.shown}{SILENCES}: a silence it cannot be read "
                                       f"from ({exc})") from exc

    # -- writing -----------------------------------------------------------------------------

    def add_silence(self, matchers: dict[str, str], starts_at: float, ends_at: float,
                    created_by: str, comment: str) -> str:
        """A silence of the alerts with exactly these labels; its id."""
        body = {
            "matchers": [{"name": k, "value": v, "isRegex": False, "isEqual": True}
                         for k, v in sorted(matchers.items())],
            "startsAt": format_time(starts_at), "endsAt": format_time(ends_at),
            "createdBy": created_by, "comment": comment,
        }
        answer = self._call("POST", SILENCES, body)
        if not isinstance(answer, dict) or not isinstance(answer.get("silenceID"), str):
            raise AlertmanagerApiError(f"{self.shown}{SILENCES}: no silence id in the answer")
        return answer["silenceID"]

    def expire_silence(self, silence_id: str) -> None:
        self._call("DELETE", SILENCE + urllib.parse.quote(silence_id, safe=""))

    # -- inside ------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: object = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path, data=data, method=method,
            headers={"Content-Type": "application/json", "Accept": "application/json"})
        where = f"{self.shown}{path}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as r:
                raw = r.read(MAX_BODY + 1)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode(errors="replace").strip()
            raise AlertmanagerApiError(f"{where}: HTTP {exc.code} {detail}".strip()) from exc
        except (OSError, ValueError) as exc:  # refused, timed out, no route, bad URL
            reason = getattr(exc, "reason", None) or exc
            raise AlertmanagerApiError(f"{where}: {reason}") from exc
        if len(raw) > MAX_BODY:
            raise AlertmanagerApiError(f"{where}: answer larger than {MAX_BODY} bytes")
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError as exc:
            preview = raw[:60].decode(errors="replace")
            raise AlertmanagerApiError(f"{where}: not JSON ({preview!r})") from exc


def _silence(s: dict) -> Silence:
    matchers = tuple(
        (m["name"], m["value"]) for m in s["matchers"]
        if not m.get("isRegex") and m.get("isEqual", True)
    )
    return Silence(
        id=str(s["id"]), matchers=matchers, created_by=str(s.get("createdBy", "")),
        comment=str(s.get("comment", "")), starts_at=parse_time(s["startsAt"]),
        ends_at=parse_time(s["endsAt"]), state=str(s["status"]["state"]),
    )
