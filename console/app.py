"""Startup: one ordered function that wires sources → poller → bridge → fleet → front-end.

The core never imports widgets (DESIGN.md §2). The window is a front-end found through the
`hangang_console.frontends` entry point, which widgets/ registers in pyproject.toml; the core hands
it the running services and the options, and the front-end owns everything Qt-Widgets.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Protocol

from console.access import AccessPolicy, Action
from console.alerts.engine import AlertEngine, AlertUpdate, Incident
from console.alerts.incidents import IncidentStore, incidents_path
from console.capacity.choice import fleet_capacity
from console.capacity.follower import AllocationFollower
from console.capacity.quota.demand import follow_quota
from console.capacity.service import CapacityService
from console.capacity.setup import local_capacity
from console.cli import COMMANDS, Options, parse_args
from console.fleet.metrics import MetricRegistry, default_registry
from console.fleet.model import NodeSample
from console.fleet.poller import Poller, Source
from console.fleet.state import FleetState
from console.fleet_choice import load_inventory_for, prometheus_room
from console.history.database import default_history_path
from console.history.store import HistoryStore
from console.inventory.model import Inventory
from console.launch import display_problem, process_start_time
from console.paths import config_dir, data_dir
from console.settings import Settings
from console.settings_save import save_settings

log = logging.getLogger("hangang")
BACKFILL_STEP_S = 10.0

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


BridgeFactory = Callable[[FleetState], object]


def qt_bridge(fleet: FleetState) -> object:
    """The window's bridge: batches reach the FleetState on the Qt event loop."""
    from console.bridge import Bridge

    return Bridge(fleet)


def build_services(
    options: Options,
    inventory: Inventory | None = None,
    settings: Settings | None = None,
    bridge_factory: BridgeFactory = qt_bridge,
) -> Services:
    """The core for the demo fleet, or for `inventory` (a real fleet followed over SSH).

    `bridge_factory` makes what feeds the FleetState: the Qt bridge for a window, a plain thread
    for the headless `serve` (console/room/loop.py)."""
    settings = settings or Settings()
    policy = AccessPolicy.for_session(settings.roles, kiosk=options.kiosk)
    registry = default_registry()
    if inventory is None:
        return _demo_services(options, registry, settings, policy, bridge_factory)

    room = prometheus_room(options, inventory)
    if room is not None:  # someone else collects: read it from Prometheus, no SSH at all
        from console.sources.prometheus.source import PrometheusSource

        slowest = fastest = room.interval
        sources = (PrometheusSource(room.client(), inventory, room.interval, room.hosts),)
    else:
        from console.telemetry.hostkeys import HostKeyStore
        from console.telemetry.workers import SshSource

        slowest = max((n.interval for n in inventory.nodes), default=2.0)
        fastest = min((n.interval for n in inventory.nodes), default=2.0)
        user_known = HostKeyStore.default(config_dir() / "known_hosts").user_files
        sources = (
            SshSource(
                inventory.nodes, config_dir() / "known_hosts", user_known,
                ssh_config=options.ssh_config, transport=inventory.ssh_transport,
            ),
        )
    fleet = FleetState(inventory, registry, stale_after_s=3 * slowest + 1)
    bridge = bridge_factory(fleet)
    capacity, quota = fleet_capacity(store_dir(options), inventory, policy,
                                     capacity_mode(options, inventory))
    services = _assemble(options, fleet, bridge, sources, settings, policy, frame_step_s=fastest)
    services.capacity, services.quota = capacity, quota
    if inventory.slurm is not None:  # jobs to charge GPU use to and to book; the queue, waits
        from console.scheduler.job_books import slurm_readers

        services.scheduler_feed, services.scheduler, services.job_books = slurm_readers(
            inventory, store_dir(options), bridge.submit_scheduler_jobs, services.alerts)
    if room is not None and settings.alertmanager.url:  # the room alerts: do not fire twice
        from console.alerts.room_incidents import RoomIncidents

        services.room_alerts = RoomIncidents.of(settings.alertmanager)
        services.alerts = services.incidents = None
    return services


def capacity_mode(options: Options, inventory: Inventory | None) -> str:
    """"nodes" or "quota": --capacity-mode, else the fleet file's [slurm] mode, else nodes."""
    from console.capacity.quota.setup import fleet_mode

    if options.capacity_mode is not None:
        return options.capacity_mode
    return fleet_mode(inventory).value


def store_dir(options: Options):
    """Where history, capacity and audit live. The demo's never mixes with a real fleet's."""
    real = options.inventory is not None or options.prometheus is not None
    return options.data_dir or (data_dir() if real else data_dir() / "demo")


def _assemble(options: Options, fleet: FleetState, bridge, sources: tuple[Source, ...],
              settings: Settings, policy: AccessPolicy, frame_step_s: float) -> Services:
    """The parts every fleet has: poller, history, and the Services that hold them."""
    path = default_history_path(store_dir(options))
    registry = fleet.registry
    history = HistoryStore(
        path,
        fleet.inventory,
        frame_step_s,
        busy_threshold=registry.busy_threshold,
        # a node's samples further apart than its stale age add no energy: a gap is a gap
        energy_gap_s=fleet.stale_after_s,
        tz=options.tz,
    )
    poller = Poller(sources, on_batch=bridge.submit)
    incidents = IncidentStore(incidents_path(path.parent))
    restored, next_id = incidents.load()
    return Services(
        fleet.inventory, registry, fleet, poller, bridge, sources, settings, policy=policy,
        history=history,
        alerts=AlertEngine(registry, settings.alerts, restored, next_id),
        incidents=incidents,
    )


def _demo_services(
    options: Options,
    registry: MetricRegistry,
    settings: Settings,
    policy: AccessPolicy,
    bridge_factory: BridgeFactory,
) -> Services:
    from console.sources.demo import faults as demo_faults
    from console.sources.demo.fleet import SimFleet, SimSource

    start = time.time()
    faults_from = start if options.scenario == "faults" else None
    on_s = options.faults_on_s or demo_faults.ACTIVE_S
    sim = SimFleet.build(options.demo, seed=options.seed, faults_from=faults_from,
                         faults_on_s=on_s)
    # the demo fleet follows the local capacity store (moves and drains) from the first sample
    capacity = local_capacity(store_dir(options), sim.inventory, policy, sim=sim)
    fleet = FleetState(sim.inventory, registry, stale_after_s=max(10.0, 5 * options.interval))
    fleet.reallocate(capacity.state().allocation())
    # The demo fleet's past is known (it is a function of time), so its plot starts full.
    now = time.time()
    fleet.preload_series(
        *sim.sector_series(
            now - fleet.series_window_s, now, BACKFILL_STEP_S, registry.busy_threshold
        )
    )
    bridge = bridge_factory(fleet)
    sources = (SimSource(sim, interval=options.interval),)
    services = _assemble(
        options, fleet, bridge, sources, settings, policy, frame_step_s=options.interval
    )
    services.capacity = capacity
    if capacity_mode(options, None) == "quota":  # the demo's caps live beside its node store
        from console.capacity.quota.setup import demo_quota_capacity

        services.quota = demo_quota_capacity(store_dir(options), sim, policy)
    if faults_from is not None:  # the demo's stand-in for the capacity backend's queue
        services.demand = lambda: demo_faults.pending_demand(faults_from, time.time(), on_s)
    return services


def load_frontend(name: str) -> Frontend:
    found = entry_points(group="hangang_console.frontends", name=name)
    if not found:
        raise SystemExit(
            f"hangang-console: front-end {name!r} is not installed (run `pip install -e .`)"
        )
    return next(iter(found)).load()()


def run_command(name: str, argv: list[str]) -> int:
    from importlib import import_module

    return import_module(COMMANDS[name]).main(argv)


def main(argv: list[str] | None = None) -> int:
    started_at = process_start_time()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in COMMANDS:
        return run_command(argv[0], argv[1:])
    options = parse_args(argv)
    problem = display_problem()
    if problem:
        sys.stderr.write(problem)
        return 2
    from console.settings import SettingsError, load_settings

    try:
        settings = load_settings(options.settings)
    except SettingsError as exc:
        sys.stderr.write(f"hangang-console: {exc}\n")
        return 2
    from console.inventory.loader import InventoryError
    from console.sources.prometheus.client import PrometheusError

    try:
        inventory = load_inventory_for(options)
    except (InventoryError, OSError, PrometheusError, ValueError) as exc:
        sys.stderr.write(f"hangang-console: {exc}\n")
        return 2
    frontend = load_frontend("kiosk" if options.kiosk else "window")
    frontend.create_application([sys.argv[0]])
    services = build_services(options, inventory, settings)
    frontend.open(services, options, started_at)
    services.start()
    try:
        return frontend.exec()
    finally:
        services.stop()


if __name__ == "__main__":
    sys.exit(main())
