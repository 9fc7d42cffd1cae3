"""The room's incidents filed in an Alertmanager (its v2 API: POST /api/v2/alerts), from `serve`.

One alert per incident, labelled alertname=<rule>, rule, severity, node, sector (and gpu where the
incident is about one GPU), with an English summary and description. Open incidents are sent
again every RESEND_S with endsAt a few resends ahead, as Prometheus does, so an Alertmanager that
lost them (restarted) has them back within a resend, and one whose sender died lets them expire
instead of keeping them forever. A closed incident is sent once with endsAt = when it closed.

The fleet thread hands over what each evaluation changed (`observe`: cheap, never blocks; a
bounded queue); this sender's own thread posts. While the Alertmanager cannot be reached the
alerts wait here (newest version of each) and are delivered, with every open one, when it
answers again; `state()` says which it is (serve's /metrics and /healthz show it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from console.alerts.acks import expire_acks
from console.alerts.am_api import AlertmanagerApi, AlertmanagerApiError
from console.alerts.am_labels import labels, shown_url
from console.alerts.engine import AlertUpdate, Incident
from console.i18n.catalogue import translate
from console.i18n.names import rule_advice, rule_name, sector_name, severity_name

log = logging.getLogger(__name__)

RESEND_S = 30.0  # Alertmanager expects firing alerts again at least this often
HORIZON_RESENDS = 4  # endsAt of an open alert: this many resends ahead (Prometheus: 4)
RETRY_S = (1.0, 2.0, 5.0, 10.0, 15.0)  # while it cannot be reached: back off to 15 s
QUEUE_MAX = 256  # evaluations waiting for this thread; beyond, the next one sends everything
KEEP_MAX = 20_000  # alerts waiting for delivery; the oldest closed ones go first
API = "/api/v2/alerts"

LabelKey = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class AlertmanagerState:
    url: str
    up: bool | None = None  # None: not tried yet
    pending: int = 0  # alerts waiting for delivery
    problem: str | None = None  # why the last post failed
    sent: int = 0  # alerts delivered (resends included)

    def facts(self) -> dict:
        return {"url": self.url, "up": self.up, "pending": self.pending,
                "problem": self.problem, "sent": self.sent}


def _key(inc: Incident) -> LabelKey:
    return tuple(sorted(labels(inc).items()))


def _when(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


def annotations(inc: Incident) -> dict[str, str]:
    """English, from the catalogue: the receivers' templates show these."""
    rule = rule_name(inc.rule, "en")
    sector = sector_name(inc.sector, "en")
    if inc.node and inc.gpu is not None:
        summary = translate("Alertmanager", "{rule} on {node} GPU {gpu}").into(
            "en", rule=rule, node=inc.node, gpu=inc.gpu)
    elif inc.node:
        summary = translate("Alertmanager", "{rule} on {node}").into("en", rule=rule,
                                                                      node=inc.node)
    else:
        summary = translate("Alertmanager", "{rule} in the {sector} sector").into(
            "en", rule=rule, sector=sector)
    description = translate(
        "Alertmanager", "Incident {id} ({severity}) in the {sector} sector, first seen {since} UTC."
    ).into("en", id=inc.id, severity=severity_name(inc.severity, "en"), sector=sector,
           since=datetime.fromtimestamp(inc.first_seen, UTC).strftime("%Y-%m-%d %H:%M:%S"))
    advice = rule_advice(inc.rule, "en")
    if advice:
        description += " " + advice
    if inc.peak is not None:
        description += " " + translate("Alertmanager", "Peak value {peak:g}.").into(
            "en", peak=inc.peak)
    if inc.org:
        description += " " + translate("Alertmanager", "Organisation: {org}.").into(
            "en", org=inc.org)
    return {"summary": summary, "description": description, "incident": str(inc.id)}


def alert_json(inc: Incident, now: float, resend_s: float = RESEND_S) -> dict:
    ends = inc.closed_at if inc.closed_at is not None else now + HORIZON_RESENDS * resend_s
    return {"labels": labels(inc), "annotations": annotations(inc),
            "startsAt": _when(inc.first_seen), "endsAt": _when(ends)}


@dataclass(frozen=True, slots=True)
class _Batch:
    incidents: tuple[Incident, ...]
    everything: bool = False  # the engine's whole list: what is not in it is no longer open


class AlertmanagerSender:
    def __init__(
        self,
        url: str,
        timeout_s: float = 10.0,
        resend_s: float = RESEND_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.resend_s = resend_s
        self._clock = clock
        self._queue: queue.Queue[_Batch | None] = queue.Queue(maxsize=QUEUE_MAX)
        self._lost = False  # fleet thread: a batch did not fit; the next one is everything
        self._handed: dict[int, str] = {}  # fleet thread: severity last handed over, per id
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._state = AlertmanagerState(shown_url(self.url))
        # the sender thread's own
        self._open: dict[int, Incident] = {}
        self._open_key: dict[int, LabelKey] = {}
        self._outbox: dict[LabelKey, Incident] = {}  # waiting for delivery, newest per alert
        self._everything_due = True  # post every open alert next time (start, after a failure)
        self._next_resend = 0.0
        self._failures = 0
        self._retry_at = 0.0

    # -- the fleet thread ------------------------------------------------------------------

    def start(self, open_now: Iterable[Incident] = ()) -> None:
        """`open_now`: the engine's open incidents before it runs (restored from the store)."""
        found = tuple(i for i in open_now if i.is_open)
        self._handed = {i.id: i.severity for i in found}
        self._queue.put_nowait(_Batch(found, everything=True))
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="alertmanager", daemon=True)
        self._thread.start()

    def observe(self, update: AlertUpdate, engine_incidents: Callable[[], Iterable[Incident]]
                ) -> None:
        """What one evaluation changed; `engine_incidents` gives the engine's whole list, used
        only after the queue overflowed (then the sender learns everything again)."""
        if self._lost:
            batch = _Batch(tuple(engine_incidents()), everything=True)
        else:
            moved = [i for i in update.changed if self._handed.get(i.id) != i.severity]
            batch = _Batch((*update.opened, *moved, *update.closed))
            if not batch.incidents:
                return
        try:
            self._queue.put_nowait(batch)
        except queue.Full:
            self._lost = True
            return
        self._lost = False
        for inc in batch.incidents:
            if inc.is_open:
                self._handed[inc.id] = inc.severity
            else:
                self._handed.pop(inc.id, None)

    def stop(self) -> None:
        """Ends the thread after one last try at what waits (bounded by the timeout)."""
        self._stop.set()
        with contextlib.suppress(queue.Full):  # full: the thread wakes within a second anyway
            self._queue.put_nowait(None)
        if self._thread is not None:
            self._thread.join(self.timeout_s + 5.0)
            self._thread = None

    def state(self) -> AlertmanagerState:
        return self._state  # an immutable value, replaced whole by the sender thread

    # -- the sender thread -----------------------------------------------------------------

    def _run(self) -> None:
        while True:
            now = self._clock()
            due = self._retry_at if self._failures else self._next_resend
            wait = max(0.0, due - now)
            self._take(min(wait, 1.0))
            if self._stop.is_set():
                if self._outbox:
                    self._post_due(self._clock(), final=True)
                return
            now = self._clock()
            if self._failures and now < self._retry_at:
                continue
            if self._outbox or self._everything_due or now >= self._next_resend:
                self._post_due(now)

    def _take(self, wait: float) -> None:
        items: list[_Batch | None] = []
        try:
            items.append(self._queue.get(timeout=wait) if wait > 0 else self._queue.get_nowait())
            while True:
                items.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        now = self._clock()
        for batch in items:
            if batch is not None:
                self._apply(batch, now)
        self._publish()

    def _apply(self, batch: _Batch, now: float) -> None:
        if batch.everything:
            listed = {i.id for i in batch.incidents if i.is_open}
            for gone in [i for i in self._open if i not in listed]:
                self._resolve(self._open[gone], now)
        for inc in batch.incidents:
            if inc.is_open:
                old = self._open_key.get(inc.id)
                key = _key(inc)
                if old is not None and old != key:  # severity moved: the old alert ends
                    self._outbox[old] = replace(self._open[inc.id], closed_at=now)
                self._open[inc.id] = inc
                self._open_key[inc.id] = key
                self._outbox[key] = inc
            else:
                self._resolve(inc, inc.closed_at or now)
        self._trim()

    def _resolve(self, inc: Incident, at: float) -> None:
        self._open.pop(inc.id, None)
        self._open_key.pop(inc.id, None)
        closed = inc if inc.closed_at is not None else replace(inc, closed_at=at)
        self._outbox[_key(closed)] = closed

    def _trim(self) -> None:
        over = len(self._outbox) - KEEP_MAX
        if over <= 0:
            return
        closed = sorted((i.closed_at, k) for k, i in self._outbox.items() if not i.is_open)
        for _, key in closed[:over]:  # they expire in the Alertmanager by their endsAt anyway
            del self._outbox[key]
        log.warning("%d closed incidents not delivered to %s (too many waiting)", over,
                    self._state.url)

    def _post_due(self, now: float, final: bool = False) -> None:
        every = self._everything_due or now >= self._next_resend
        waiting = dict(self._outbox)
        if every:
            for inc_id, inc in self._open.items():
                waiting[self._open_key[inc_id]] = inc
        body = [alert_json(i, now, self.resend_s) for i in waiting.values()]
        problem = self._post(body)
        if problem is None:
            for key, inc in waiting.items():
                if self._outbox.get(key) is inc:
                    del self._outbox[key]
            if self._failures or self._state.up is None:
                log.info("Alertmanager %s reached: %d alerts delivered", self._state.url, len(body))
            self._failures = 0
            self._everything_due = False
            if every:
                self._next_resend = now + self.resend_s
            self._publish(up=True, problem=None, sent=self._state.sent + len(body))
            self._end_acks([i for i in waiting.values() if not i.is_open])
            return
        if not self._failures or problem != self._state.problem:
            log.warning("Alertmanager %s cannot be reached (%s): %d alerts kept for it",
                        self._state.url, problem, len(waiting))
        self._failures += 1
        self._everything_due = True  # it may come back empty (restarted): send all again
        self._retry_at = now + RETRY_S[min(self._failures, len(RETRY_S)) - 1]
        if final:
            log.warning("stopping with %d alerts not delivered to %s", len(self._outbox),
                        self._state.url)
        self._publish(up=False, problem=problem)

    def _end_acks(self, resolved: list[Incident]) -> None:
        """The consoles' acknowledgements (silences) of incidents that just resolved end with
        them, also when no console is open to see it (console/alerts/acks.py)."""
        if not resolved:
            return
        try:
            expire_acks(AlertmanagerApi(self.url, self.timeout_s), resolved, self._open.values())
        except AlertmanagerApiError as exc:
            log.info("acknowledgements of resolved incidents not ended: %s", exc)

    def _post(self, alerts: list[dict]) -> str | None:
        """None when the Alertmanager took them; else why not."""
        request = urllib.request.Request(
            self.url + API, data=json.dumps(alerts).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as r:
                r.read()
            return None
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode(errors="replace").strip()
            if 400 <= exc.code < 500:  # it refuses what we sent: retrying cannot help
                log.error("Alertmanager %s refused %d alerts: %s %s", self._state.url, len(alerts),
                          exc.code, detail)
                return None
            return f"HTTP {exc.code} {detail}".strip()
        except (OSError, ValueError) as exc:  # refused, timed out, no route, bad answer
            reason = getattr(exc, "reason", None) or exc
            return str(reason)

    def _publish(self, **changes) -> None:
        pending = len(self._outbox)
        self._state = replace(self._state, pending=pending, **changes)
