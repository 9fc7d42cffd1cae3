"""The headless room: what the window's process runs, minus the window, plus /metrics.

The services are console/app.py's own (build_services: the SSH collectors or the demo source,
the history writer, the alert engine with its incident store, the capacity follower), fed by a
FleetLoop thread instead of the Qt bridge. Every node is watched, so whole samples (UUIDs,
clocks, node info) reach the exposition; in a window only the open node detail needs them.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

from console.alerts.alertmanager import AlertmanagerSender
from console.app import build_services
from console.cli import Options
from console.fleet.model import FleetSnapshot, NodeStatus
from console.inventory.model import Inventory
from console.room.books import RoomBooks
from console.room.exposition import RoomView
from console.room.http import DEFAULT_LISTEN, RoomHttp
from console.room.loop import FleetLoop
from console.services import Services
from console.settings import AlertmanagerSettings, Settings

log = logging.getLogger("hangang.serve")
RECENT_S = 5.0  # /healthz: a snapshot older than this (or than 3 intervals) is not recent
VIEW_EVERY_S = 1.0  # scrapes within a second share one view (and one rendered answer)


def room_options(
    demo: int | None,
    inventory: Path | None,
    data_dir: Path | None = None,
    settings: Path | None = None,
    ssh_config: Path | None = None,
    seed: int = 20261124,
    interval: float = 1.0,
    scenario: str | None = None,
    faults_on_s: float | None = None,
) -> Options:
    """The window's Options for a process that has no window."""
    return Options(
        demo=demo or 0, inventory=inventory, seed=seed, interval=interval, lang=None,
        screenshot=None, quit_after=None, timing=False, data_dir=data_dir, settings=settings,
        ssh_config=ssh_config, scenario=scenario, faults_on_s=faults_on_s,
    )


def headless_services(
    options: Options, inventory: Inventory | None, settings: Settings | None = None
) -> Services:
    return build_services(options, inventory, settings, bridge_factory=FleetLoop)


class Room:
    def __init__(
        self,
        options: Options,
        inventory: Inventory | None,
        settings: Settings | None = None,
        listen: str = DEFAULT_LISTEN,
        alertmanager: AlertmanagerSettings | None = None,
    ) -> None:
        """`alertmanager`: where the room files its incidents (None or no URL: nowhere)."""
        if inventory is not None and inventory.prometheus is not None:
            # serve is the collector: a fleet file's [prometheus] says where the consoles read
            # what serve collects, never where serve itself reads (it would follow its output)
            inventory = replace(inventory, prometheus=None)
        self.services = headless_services(options, inventory, settings)
        self.sender: AlertmanagerSender | None = None
        if alertmanager is not None and alertmanager.url:
            self.sender = AlertmanagerSender(alertmanager.url, alertmanager.timeout_s)
            engine = self.services.alerts
            self.services.alert_listeners.append(
                lambda update: self.sender.observe(update, engine.incidents))
        self.loop: FleetLoop = self.services.bridge
        nodes = self.services.inventory.nodes
        self._names = tuple(s.name for s in nodes)
        self._models = {s.name: s.gpu_model for s in nodes}
        slowest = max((s.interval for s in nodes), default=options.interval)
        interval = options.interval if inventory is None else slowest
        self.recent_s = max(RECENT_S, 3 * interval)
        self.http = RoomHttp(listen, self.view, self.health)
        self._started = False
        self._view_lock = threading.Lock()
        self._view: RoomView | None = None
        # the history's own deltas, as counters: accounting/report --prometheus read them
        self.books = RoomBooks(time.time())
        if self.services.history is not None:
            self.services.history.delta_listeners.append(self.books.add)

    def start(self) -> None:
        # watched before the sources start, so the very first samples arrive whole
        self.services.poller.watch_many(self._names)
        if self.sender is not None:  # before the engine runs: its restored incidents, whole
            self.sender.start(self.services.alerts.incidents())
        self.services.start()
        self.http.start()
        self._started = True
        log.debug("serving %d nodes on %s/metrics", len(self._names), self.http.url)

    def stop(self) -> None:
        """HTTP first (no scrape reads a closing store), then the core; the history is flushed."""
        self.http.stop()
        if self._started:
            self.services.stop()
            if self.sender is not None:  # after the fleet thread: its last changes go too
                self.sender.stop()
        self._started = False

    def view(self) -> RoomView | None:
        """The newest snapshot with the samples and demand of now, made at most once a second
        (snapshots come 4 times a second; a scrape needs no fresher than its interval)."""
        snap = self.loop.latest
        if snap is None:
            return None
        with self._view_lock:
            old = self._view
            if old is None or (old.snapshot is not snap
                               and snap.t - old.snapshot.t >= VIEW_EVERY_S):
                demand = self.services.demand() if self.services.demand is not None else {}
                self._view = RoomView(snap, self.services.poller.details(), self._models,
                                      dict(demand), self._alertmanager(),
                                      self.books.totals())
            return self._view

    def _alertmanager(self):
        return self.sender.state() if self.sender is not None else None

    def health(self) -> tuple[bool, dict]:
        snap: FleetSnapshot | None = self.loop.latest
        age = None if snap is None else max(0.0, time.time() - snap.t)
        history = self.services.history
        facts: dict = {
            "collecting": self._started,
            "nodes": len(self._names),
            "snapshot_age_s": None if age is None else round(age, 3),
            "history_problem": history.problem if history is not None else None,
        }
        if snap is not None:
            facts.update(_counts(snap))
        facts["has_data"] = self.loop.first_data_at is not None
        if self.sender is not None:  # shown, but collection's health is not the receiver's
            facts["alertmanager"] = self.sender.state().facts()
        # running, some node has answered, and the fleet thread keeps making snapshots
        ok = self._started and facts["has_data"] and age is not None and age <= self.recent_s
        facts["status"] = "ok" if ok else "unavailable"
        return ok, facts


def _counts(snap: FleetSnapshot) -> dict[str, int]:
    """Live, stale and unreachable nodes (anything that is neither live nor stale)."""
    live = snap.counts.get(NodeStatus.LIVE, 0)
    stale = snap.counts.get(NodeStatus.STALE, 0)
    return {"live": live, "stale": stale, "unreachable": snap.node_count - live - stale}
