"""Startup: one ordered function that wires sources → poller → bridge → fleet → front-end.

What it builds is a Services (console/services.py). The core never imports widgets (DESIGN.md
§2). The window is a front-end found through the `hangang_console.frontends` entry point, which
widgets/ registers in pyproject.toml; the core hands it the running services and the options,
and the front-end owns everything Qt-Widgets.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from importlib.metadata import entry_points

from console.access import AccessPolicy
from console.alerts.engine import AlertEngine
from console.alerts.incidents import IncidentStore, incidents_path
from console.capacity.choice import fleet_capacity
from console.capacity.setup import local_capacity
from console.cli import COMMANDS, Options, parse_args
from console.fleet.metrics import MetricRegistry, default_registry
from console.fleet.poller import Poller, Source
from console.fleet.state import FleetState
from console.fleet_choice import load_inventory_for, prometheus_room
from console.history.database import default_history_path
from console.history.store import HistoryStore
from console.inventory.model import Inventory
from console.launch import display_problem, process_start_time
from console.paths import config_dir, data_dir
from console.services import Frontend, Services
from console.settings import Settings

log = logging.getLogger("hangang")
BACKFILL_STEP_S = 10.0

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
    if inventory.slurm is not None:  # the what-if learns from sacct (read on its worker)
        from console.scheduler.job_history import attach_job_history

        for service in (capacity, quota):
            if service is not None:
                attach_job_history(service, inventory)
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
