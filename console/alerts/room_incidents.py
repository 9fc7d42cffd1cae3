"""The room's incidents, as every console attached to the room sees them: read from the
Alertmanager `serve` files them in, acknowledged there as silences.

Why silences and not serve's own store: the Alertmanager is where the room's on-call already
looks; its silences carry who and until when, survive a restart of serve or of any console, and
are shared by every console, the kiosk and the receivers without a second write path into serve.
An acknowledgement is one silence of the incident's labels (severity aside), tagged ACK_TAG; it
holds ACK_HOLD_S at most and is expired when the incident resolves, by serve or by whichever
console sees it first (console/alerts/acks.py), so a later incident on the same GPU is news again
(as a local acknowledgement is).

One thread polls (POLL_S, at once after an acknowledgement); the GUI thread only reads the last
picture (`incidents`, `open_counts`, `silences`, `state`), so a slow or dead Alertmanager never
freezes a window: it shows as down, with the incidents last seen.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from console.alerts.acks import ACK_HOLD_S, ACK_TAG, ack_matchers, ack_note, expire_acks, is_ack_of
from console.alerts.am_api import AlertmanagerApi, AlertmanagerApiError, Silence, parse_time
from console.alerts.engine import SEVERITIES, Incident
from console.alerts.rules import RULES

log = logging.getLogger(__name__)

POLL_S = 5.0
KEEP_CLOSED = 500


@dataclass(frozen=True, slots=True)
class RoomAlertsState:
    url: str
    up: bool | None = None  # None: not asked yet
    problem: str | None = None
    polled_at: float | None = None


@dataclass(frozen=True, slots=True)
class _Ack:
    incident: Incident
    user: str
    note: str
    at: float


def incident_of(alert: dict) -> Incident | None:
    """One of serve's alerts as an Incident (None for alerts that are not the room's)."""
    lab = alert.get("labels", {})
    rule = lab.get("rule")
    if rule not in RULES or lab.get("severity") not in SEVERITIES:
        return None
    ann = alert.get("annotations") or {}
    try:
        gpu = int(lab["gpu"]) if "gpu" in lab else None
        first = parse_time(alert.get("startsAt"))
        last = parse_time(alert.get("updatedAt") or alert.get("startsAt"))
        ident = int(ann["incident"]) if "incident" in ann else _fingerprint_id(alert)
    except (ValueError, KeyError):
        return None
    return Incident(id=ident, rule=rule, severity=lab["severity"], node=lab.get("node", ""),
                    gpu=gpu, sector=lab.get("sector", ""), org="", first_seen=first,
                    last_seen=last)


def _fingerprint_id(alert: dict) -> int:
    return int(str(alert["fingerprint"]), 16) & (2**62 - 1)


class RoomIncidents:
    """What a console shows of the room's alerts; the AlertEngine's reading side."""

    def __init__(self, url: str, timeout_s: float = 10.0, poll_s: float = POLL_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.api = AlertmanagerApi(url, timeout_s)
        self.poll_s = poll_s
        self.clock = clock
        self.version = 0
        self._lock = threading.Lock()
        self._open: dict[int, Incident] = {}
        self._closed: deque[Incident] = deque(maxlen=KEEP_CLOSED)
        self._silences: tuple[Silence, ...] = ()
        self._state = RoomAlertsState(self.api.shown)
        self._acks: queue.SimpleQueue[_Ack | None] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._polled = threading.Condition()
        self.polls = 0
        self._thread = threading.Thread(target=self._run, name="room-alerts", daemon=True)

    @classmethod
    def of(cls, settings) -> RoomIncidents:
        """From the [alertmanager] settings (console.settings.AlertmanagerSettings)."""
        return cls(settings.url, settings.timeout_s)

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait_polled(self, polls: int, timeout: float) -> bool:
        """Wait until `polls` polls have been made (tests, and a first picture at start)."""
        with self._polled:
            return self._polled.wait_for(lambda: self.polls >= polls, timeout)

    # -- what the window reads (any thread) --------------------------------------------------

    def incidents(self, include_closed: bool = False) -> tuple[Incident, ...]:
        with self._lock:
            found = list(self._open.values()) + (list(self._closed) if include_closed else [])
        return tuple(sorted(found, key=lambda i: (i.first_seen, i.id), reverse=True))

    def open_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        with self._lock:
            for inc in self._open.values():
                counts[inc.severity] += 1
        return counts

    def silences(self) -> tuple[Silence, ...]:
        """Active and pending silences, soonest ending first: who set them and until when."""
        return self._silences

    def state(self) -> RoomAlertsState:
        return self._state

    def acknowledge(self, incident_id: int, user: str, note: str, now: float) -> Incident:
        """Queue the silence; the incident shows acknowledged at once (the next poll confirms
        it, or takes it back if the Alertmanager refused)."""
        with self._lock:
            inc = self._open.get(incident_id)
            if inc is None:
                raise KeyError(f"no open incident {incident_id}")
            inc = self._open[incident_id] = replace(inc, acked_by=user, acked_at=now, note=note)
            self.version += 1
        self._acks.put(_Ack(inc, user, note, now))
        self._wake.set()
        return inc

    # -- the poller thread -------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            self._send_acks()
            self._poll()
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def _send_acks(self) -> None:
        while True:
            try:
                ack = self._acks.get_nowait()
            except queue.Empty:
                return
            matchers = ack_matchers(ack.incident)
            try:
                new = self.api.add_silence(matchers, ack.at, ack.at + ACK_HOLD_S, ack.user,
                                           f"{ACK_TAG} {ack.note}".strip())
                # acknowledged again (a new note): the new silence replaces the earlier ones
                for s in self.api.silences():
                    if s.id != new and is_ack_of(s, ack.incident):
                        self.api.expire_silence(s.id)
            except AlertmanagerApiError as exc:
                log.error("acknowledgement of incident %d not filed: %s", ack.incident.id, exc)
                self._state = replace(self._state, up=False, problem=str(exc))

    def _poll(self) -> None:
        now = self.clock()
        try:
            alerts, silences = self.api.alerts(), self.api.silences()
        except AlertmanagerApiError as exc:
            if self._state.problem != str(exc):
                log.warning("room alerts not read: %s", exc)
            if self._state.up is not False:
                with self._lock:
                    self.version += 1  # the window shows the change at once
            self._state = replace(self._state, up=False, problem=str(exc), polled_at=now)
        else:
            self._take(alerts, silences, now)
            was_up = self._state.up
            self._state = replace(self._state, up=True, problem=None, polled_at=now)
            if was_up is not True:
                with self._lock:
                    self.version += 1
        with self._polled:
            self.polls += 1
            self._polled.notify_all()

    def _take(self, alerts: list[dict], silences: list[Silence], now: float) -> None:
        by_id = {s.id: s for s in silences}
        seen: dict[int, Incident] = {}
        for alert in alerts:
            inc = incident_of(alert)
            if inc is None:
                continue
            ids = alert["status"].get("silencedBy") or []
            silence = next((by_id[i] for i in ids if i in by_id), None)
            if silence is not None:
                inc = replace(inc, acked_by=silence.created_by, acked_at=silence.starts_at,
                              note=ack_note(silence.comment))
            seen[inc.id] = inc
        with self._lock:
            gone = [inc for i, inc in self._open.items() if i not in seen]
            changed = bool(gone) or seen != self._open
            for inc in gone:
                self._closed.appendleft(replace(inc, closed_at=now))
            self._open = seen
            if changed:
                self.version += 1
        live = [s for s in silences if s.state in ("active", "pending")]
        shown = tuple(sorted(live, key=lambda s: s.ends_at))
        if shown != self._silences:
            self._silences = shown
            with self._lock:
                self.version += 1
        try:
            expire_acks(self.api, gone, seen.values(), live)
        except AlertmanagerApiError as exc:
            log.info("acknowledgements of resolved incidents not ended: %s", exc)
