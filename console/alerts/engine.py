"""The alert engine: rules over snapshots, with hold times, turned into incidents.

A rule's condition (console/alerts/rules.py) must hold for `fire_after_s` before an incident opens,
and be gone for `clear_after_s` before it closes; a value rule's hysteresis keeps an open alert
open inside its band. So a flapping value opens one incident, not one per flap. An incident
carries node, GPU, sector, organisation, first and last seen, peak value and the acknowledgement.

Runs on the GUI thread with every snapshot (≤ 1 evaluation a second); the incident store
(console/alerts/incidents.py) writes on its own thread.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from console.alerts.rules import MEASURED, RULES, Hit, RuleContext
from console.fleet.metrics import MetricRegistry
from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus
from console.settings import AlertSettings

SEVERITIES = ("critical", "error", "warning")  # worst first
RANK = {s: i for i, s in enumerate(SEVERITIES)}
KEEP_CLOSED = 500  # closed incidents kept in memory for the panel


@dataclass(frozen=True, slots=True)
class Incident:
    id: int
    rule: str
    severity: str
    node: str  # "" for a sector incident
    gpu: int | None  # None: about the node (or sector)
    sector: str
    org: str
    first_seen: float
    last_seen: float
    closed_at: float | None = None
    peak: float | None = None  # None when the rule has no value
    acked_by: str = ""
    acked_at: float | None = None
    note: str = ""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.rule, self.node, -1 if self.gpu is None else self.gpu, self.sector)


@dataclass(frozen=True, slots=True)
class AlertUpdate:
    """What one evaluation changed."""

    opened: tuple[Incident, ...] = ()
    changed: tuple[Incident, ...] = ()  # still open; last seen, peak or severity moved
    closed: tuple[Incident, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.opened or self.changed or self.closed)


@dataclass(slots=True)
class _Pending:
    since: float
    peak: float
    severity: str


def _worse(a: str, b: str) -> str:
    return a if RANK[a] <= RANK[b] else b


def _peak(old: float | None, value: float) -> float | None:
    if math.isnan(value):
        return old
    return value if old is None else max(old, value)


class AlertEngine:
    def __init__(
        self,
        registry: MetricRegistry,
        settings: AlertSettings,
        restored: Iterable[Incident] = (),
        next_id: int = 1,
        min_interval_s: float = 1.0,
    ) -> None:
        """`restored`: incidents from the store (open ones continue, closed ones are listed)."""
        self.registry = registry
        self.settings = settings
        self.min_interval_s = min_interval_s
        self.version = 0  # goes up with every change: views redraw when it moved
        self._demand: Mapping[str, int] = {}
        self._idle_jobs: tuple[tuple[str, int, float], ...] = ()
        self._open: dict[tuple, Incident] = {}
        self._last_true: dict[tuple, float] = {}
        self._pending: dict[tuple, _Pending] = {}
        self._closed: deque[Incident] = deque(maxlen=KEEP_CLOSED)
        self._restored_at: float | None = None
        self._next_id = next_id
        self._last_eval: float | None = None
        self._rows: dict[str, int] = {}
        self._names: tuple[str, ...] = ()
        for inc in sorted(restored, key=lambda i: i.id):
            self._next_id = max(self._next_id, inc.id + 1)
            if inc.is_open:
                self._open[inc.key] = inc
            else:
                self._closed.append(inc)

    # -- input ----------------------------------------------------------------------------

    def set_settings(self, settings: AlertSettings) -> None:
        self.settings = settings

    def set_demand(self, demand: Mapping[str, int]) -> None:
        """Pending GPUs per sector id, from the capacity backend. Empty: `sector_starved` cannot
        fire (nothing is known to wait)."""
        self._demand = dict(demand)

    def set_idle_jobs(self, idle: Iterable[tuple[str, int, float]]) -> None:
        """Slurm jobs whose GPUs are all at ~0 % now, as (node, GPU, seconds) of each job's
        first GPU (console/fleet/job_usage.py idle_now); `idle_job` fires past its minutes."""
        self._idle_jobs = tuple(idle)

    def evaluate(self, snap: FleetSnapshot) -> AlertUpdate:
        now = snap.t
        if self._last_eval is not None and now - self._last_eval < self.min_interval_s:
            return AlertUpdate()
        self._last_eval = now
        if self._restored_at is None:
            # restored incidents get one hold time from now: the fleet is still reconnecting
            self._restored_at = now
            for key in self._open:
                self._last_true[key] = now
        if snap.node_names is not self._names:
            self._names = snap.node_names
            self._rows = {n: i for i, n in enumerate(snap.node_names)}
        live = np.asarray(snap.node_status) == NodeStatus.LIVE
        idle = tuple((self._rows[n], g, s) for n, g, s in self._idle_jobs if n in self._rows)
        ctx = RuleContext(snap, self.settings, self.registry, self._demand, live, idle)
        hits: dict[tuple, Hit] = {}
        for rule, evaluate in RULES.items():
            if not self.settings.rule(rule).enabled:
                continue
            for hit in evaluate(ctx):
                key = self._key(snap, hit)
                old = hits.get(key)
                if old is None or (hit.over and not old.over) or hit.value > old.value:
                    hits[key] = hit
        opened, changed, closed = [], [], []
        for key, hit in hits.items():
            inc = self._open.get(key)
            if inc is not None:
                self._last_true[key] = now
                changed.append(self._touch(key, inc, hit, now))
                continue
            pending = self._pending.get(key)
            if pending is None:
                if not hit.over:
                    continue  # inside the hysteresis band: keeps alerts, never starts one
                pending = self._pending[key] = _Pending(now, NAN, hit.severity)
            pending.peak = NAN if math.isnan(hit.value) else max(hit.value, _nan0(pending.peak))
            pending.severity = _worse(pending.severity, hit.severity)
            if now - pending.since >= self.settings.rule(hit.rule).fire_after_s:
                del self._pending[key]
                opened.append(self._open_incident(key, snap, hit, pending, now))
        for key in [k for k in self._pending if k not in hits]:
            del self._pending[key]  # cleared before it fired
        for key, inc in list(self._open.items()):
            if key in hits:
                continue
            if self._held(inc, live):
                continue
            rule = self.settings.rule(inc.rule)
            if not rule.enabled or now - self._last_true.get(key, now) >= rule.clear_after_s:
                closed.append(self._close(key, inc, now))
        update = AlertUpdate(tuple(opened), tuple(changed), tuple(closed))
        if update:
            self.version += 1
        return update

    def acknowledge(self, incident_id: int, user: str, note: str, now: float) -> Incident:
        """Who acknowledged, when, and why; kept in the incident, open or closed."""
        for key, inc in self._open.items():
            if inc.id == incident_id:
                inc = self._open[key] = replace(inc, acked_by=user, acked_at=now, note=note)
                self.version += 1
                return inc
        for i, inc in enumerate(self._closed):
            if inc.id == incident_id:
                inc = self._closed[i] = replace(inc, acked_by=user, acked_at=now, note=note)
                self.version += 1
                return inc
        raise KeyError(f"no incident {incident_id}")

    # -- output ---------------------------------------------------------------------------

    def incidents(self, include_closed: bool = False) -> tuple[Incident, ...]:
        """Open incidents (and the recently closed ones), newest first."""
        found = list(self._open.values())
        if include_closed:
            found += list(self._closed)
        return tuple(sorted(found, key=lambda i: i.id, reverse=True))

    def open_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for inc in self._open.values():
            counts[inc.severity] += 1
        return counts

    # -- inside -----------------------------------------------------------------------------

    def _key(self, snap: FleetSnapshot, hit: Hit) -> tuple:
        node = snap.node_names[hit.row] if hit.row >= 0 else ""
        sector = SECTORS[hit.sector].value
        return (hit.rule, node, hit.gpu, sector)

    def _held(self, inc: Incident, live: np.ndarray) -> bool:
        """A measured condition on a node that is not live is unknown: neither gone nor there."""
        if inc.rule not in MEASURED:
            return False
        row = self._rows.get(inc.node)
        return row is not None and not live[row]

    def _open_incident(
        self, key: tuple, snap: FleetSnapshot, hit: Hit, pending: _Pending, now: float
    ) -> Incident:
        inc = Incident(
            id=self._next_id,
            rule=hit.rule,
            severity=pending.severity,
            node=key[1],
            gpu=None if hit.gpu < 0 else hit.gpu,
            sector=key[3],
            org=_org(snap, hit),
            first_seen=pending.since,
            last_seen=now,
            peak=None if math.isnan(pending.peak) else pending.peak,
        )
        self._next_id += 1
        self._open[key] = inc
        self._last_true[key] = now
        return inc

    def _touch(self, key: tuple, inc: Incident, hit: Hit, now: float) -> Incident:
        inc = replace(
            inc,
            last_seen=now,
            peak=_peak(inc.peak, hit.value),
            severity=_worse(inc.severity, hit.severity),
        )
        self._open[key] = inc
        return inc

    def _close(self, key: tuple, inc: Incident, now: float) -> Incident:
        del self._open[key]
        self._last_true.pop(key, None)
        inc = replace(inc, closed_at=now)
        self._closed.append(inc)
        return inc


NAN = float("nan")


def _nan0(x: float) -> float:
    return -math.inf if math.isnan(x) else x


def _org(snap: FleetSnapshot, hit: Hit) -> str:
    """Whose work the GPU runs (else the node's organisation); "" for sectors and unknowns."""
    if hit.row < 0:
        return ""
    if hit.gpu >= 0 and snap.gpu_org is not None and hit.gpu < snap.gpu_org.shape[1]:
        index = int(snap.gpu_org[hit.row, hit.gpu])
        if 0 <= index < len(snap.org_ids):
            return snap.org_ids[index]
    org = snap.node_org[hit.row]
    return org.id if org is not None else ""
