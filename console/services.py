"""The running core a front-end is handed (Services), and what a front-end is (Frontend).

console/app.py builds one Services (build_services) and starts it; a front-end (the window, the
kiosk, the headless room server) reads the fleet, history, capacity and alerts through it. Every
change an operator makes (acknowledge, settings, a host key) checks the role here first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from console.access import AccessPolicy, Action
from console.alerts.engine import AlertEngine, AlertUpdate, Incident
from console.alerts.incidents import IncidentStore
from console.capacity.follower import AllocationFollower
from console.capacity.quota.demand import follow_quota
from console.capacity.service import CapacityService
from console.cli import Options
from console.fleet.metrics import MetricRegistry
from console.fleet.model import NodeSample
from console.fleet.poller import Poller, Source
from console.fleet.state import FleetState
from console.history.store import HistoryStore
from console.inventory.model import Inventory
from console.settings import Settings
from console.settings_save import save_settings


class Frontend(Protocol):
    def create_application(self, argv: list[str]) -> None: ...

    def open(self, services: Services, options: Options, started_at: float) -> None: ...

    def exec(self) -> int: ...


@dataclass
class Services:
    """The running core, handed to a front-end. Built only after the Qt application exists."""

    inventory: Inventory
    registry: MetricRegistry
    fleet: FleetState
    poller: Poller
    bridge: object  # console.bridge.Bridge; imported late so QtCore loads after the app object
    sources: tuple[Source, ...] = field(default=())
    settings: Settings = field(default_factory=Settings)
    history: HistoryStore | None = None
    policy: AccessPolicy = field(
        default_factory=lambda: AccessPolicy.for_session(Settings().roles, kiosk=True)
    )
    capacity: CapacityService | None = None
    quota: object | None = None  # QuotaService in quota mode: the board moves GPU caps, not nodes
    follower: AllocationFollower | None = None  # reads capacity.backend; feeds the bridge
    quota_follower: AllocationFollower | None = None  # quota mode: the caps, read in the back
    alerts: AlertEngine | None = None
    incidents: IncidentStore | None = None
    # pending GPUs per sector id, asked before each alert evaluation (the capacity backend)
    demand: Callable[[], Mapping[str, int]] | None = None
    # told what each evaluation changed, on the fleet thread (serve's Alertmanager sender)
    alert_listeners: list[Callable[[AlertUpdate], None]] = field(default_factory=list)
    # a console attached to a room shows the room's incidents (console/alerts/room_incidents.py)
    room_alerts: object | None = None
    scheduler_feed: object | None = None  # console/scheduler/running.py: jobs into the bridge
    job_books: object | None = None  # scheduler/job_books.py: jobs' GPU use (after the feed)
    # pending jobs and waits per sector from Slurm (console/scheduler/watch.py), with [slurm]
    scheduler: object | None = None

    @property
    def incident_view(self):
        """What the panel and the kiosk list: the room's incidents, else this process's engine."""
        return self.room_alerts if self.room_alerts is not None else self.alerts

    def start(self) -> None:
        if self.history is not None:
            self.history.start()
            self.bridge.snapshot_ready.connect(self.history.observe)
        if self.job_books is not None:  # before the alerts: it hands them its idle jobs
            self.bridge.snapshot_ready.connect(self.job_books.observe)
        if self.alerts is not None:
            if self.incidents is not None:
                self.incidents.start()
            self.bridge.snapshot_ready.connect(self.observe_alerts)
        if self.room_alerts is not None:
            self.room_alerts.start()
        self.bridge.start()
        self.poller.start()
        if self.quota is not None and self.quota_follower is None:  # the starved rule: at caps
            self.quota_follower, demand = follow_quota(self.quota)
            self.demand = self.demand or demand
        for reader in self._scheduler_readers():
            reader.start()
        if self.capacity is not None:
            self.follower = AllocationFollower(self.capacity.backend, self._follow_allocation)
            self.follower.start()
            if self.demand is None:  # the "starved sector" rule reads the scheduler's queue
                self.demand = self._backend_demand

    def _scheduler_readers(self) -> list:
        readers = (self.scheduler_feed, self.scheduler, self.job_books, self.quota_follower)
        return [r for r in readers if r is not None]

    def _follow_allocation(self, state) -> None:
        self.bridge.submit_allocation(state.allocation())

    def _backend_demand(self) -> dict[str, int]:
        latest = self.follower.latest if self.follower is not None else None
        return {s.value: n for s, n in latest.demand.items()} if latest is not None else {}

    def stop(self) -> None:
        for reader in self._scheduler_readers():
            reader.stop()
        if self.follower is not None:
            self.follower.stop()
        self.poller.stop()
        self.bridge.stop()
        if self.history is not None:
            self.history.close()
        if self.incidents is not None:
            self.incidents.close()
        if self.room_alerts is not None:
            self.room_alerts.stop()

    def observe_alerts(self, snap) -> None:
        """Every snapshot: evaluate the alert rules, hand what changed to the incident store."""
        if self.demand is not None:
            self.alerts.set_demand(self.demand())
        update = self.alerts.evaluate(snap)
        if self.incidents is not None and (update or self.incidents.has_dirty):
            self.incidents.observe(update, snap.t)
        for listener in self.alert_listeners:
            listener(update)

    def acknowledge_incident(self, incident_id: int, note: str) -> Incident:
        """An operator acknowledges an incident (who and when recorded, with the note)."""
        self.policy.require(Action.ACKNOWLEDGE_ALERT)
        user = self.policy.identity.user
        inc = self.incident_view.acknowledge(incident_id, user, note, time.time())
        if self.incidents is not None:
            self.incidents.save(inc)
        return inc

    def save_settings(self, settings: Settings) -> None:
        """An operator changed settings: written to the settings file, applied at once."""
        self.policy.require(Action.EDIT_SETTINGS)
        save_settings(settings)
        self.settings = settings
        if self.alerts is not None:
            self.alerts.set_settings(settings.alerts)

    def history_for_plots(self):
        """What history plots read: the local store, or, when the fleet is read from a
        Prometheus, one whose sector series come from range queries there."""
        for source in self.sources:
            over = getattr(source, "history_over", None)
            if over is not None and self.history is not None:
                return over(self.history, self.registry.busy_threshold)
        return self.history

    def source_problem(self) -> str | None:
        """Why a source cannot be read now (Prometheus down, slow, garbage), or None. Any thread."""
        problems = [p for p in (getattr(s, "problem", None) for s in self.sources) if p]
        return problems[0] if problems else None

    def watch_node(self, node: str) -> None:
        """Start receiving whole samples of `node` (for its detail view)."""
        self.poller.watch(node)

    def unwatch_node(self, node: str) -> None:
        self.poller.unwatch(node)

    def node_detail(self, node: str) -> NodeSample | None:
        """The newest whole sample of a watched node: processes, node info, XIDs."""
        return self.poller.detail(node)

    def trust_host_key(self, node: str, fingerprint: str) -> None:
        """An operator trusts the key a node presented (the fingerprint they were shown)."""
        self.policy.require(Action.TRUST_HOST_KEY)
        for source in self.sources:
            trust = getattr(source, "trust_host_key", None)
            if trust is not None and any(s.name == node for s in source.specs):
                trust(node, fingerprint)
                return
        raise KeyError(f"no SSH source follows node {node!r}")

