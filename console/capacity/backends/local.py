"""The embedded backend: allocation and drain state in a SQLite file beside the history.

It drives no scheduler, so it cannot see jobs itself: an optional `workload` tells it what runs
on each node (the demo fleet does; see console/sources/demo/capacity.py). Without one, nodes are
taken to be idle, which is true of a fleet with no scheduler placing work by sector.

The version is a counter bumped by every change; `claim` compares it and takes a lock in one
IMMEDIATE transaction, so of two consoles applying at once exactly one wins.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from console.capacity.backends.base import BackendError, Conflict
from console.capacity.model import ClusterState, NodeRecord, Plan, SchedState
from console.capacity.sqlite_store import connect, write_transaction
from console.fleet.model import Sector
from console.inventory.model import Inventory

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS allocation (node TEXT PRIMARY KEY, sector TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS drain (node TEXT PRIMARY KEY, reason TEXT NOT NULL, since REAL NOT NULL);
"""


def capacity_path(data_dir: Path) -> Path:
    return Path(data_dir) / "capacity.sqlite"


@dataclass(frozen=True, slots=True)
class NodeWork:
    running_jobs: int = 0
    busy_gpus: int = 0
    ends_at: float | None = None
    work: tuple[str, ...] = ()


class Workload(Protocol):
    """What runs where, given the allocation and drains (node → drain start)."""

    def work(
        self, allocation: Mapping[str, Sector], drains: Mapping[str, float], now: float
    ) -> Mapping[str, NodeWork]: ...

    def demand(self, now: float) -> Mapping[Sector, int]: ...


class LocalBackend:
    name = "local"

    def __init__(
        self,
        path: Path,
        inventory: Inventory,
        workload: Workload | None = None,
        clock: Callable[[], float] = time.time,
        on_change: Callable[[Mapping[str, Sector], Mapping[str, float]], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.inventory = inventory
        self.workload = workload
        self.clock = clock
        self.on_change = on_change  # the demo fleet follows the allocation through this
        self._gpus = {n.name: n.gpu_count for n in inventory.nodes}
        self._init()

    # -- store -------------------------------------------------------------------------------

    def _init(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = connect(self.path)
        try:
            con.executescript(SCHEMA)
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT OR IGNORE INTO meta VALUES ('version', '1')")
            # nodes new to the fleet file start in the sector it names; the store keeps moves
            con.executemany(
                "INSERT OR IGNORE INTO allocation VALUES (?, ?)",
                [(n.name, n.sector.value) for n in self.inventory.nodes],
            )
            con.execute("COMMIT")
        finally:
            con.close()

    def _snapshot(self, con) -> tuple[str, dict[str, Sector], dict[str, tuple[str, float]]]:
        version = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0]
        alloc = {
            n: Sector(s)
            for n, s in con.execute("SELECT node, sector FROM allocation")
            if n in self._gpus
        }
        drains = {n: (r, t) for n, r, t in con.execute("SELECT node, reason, since FROM drain")}
        return version, alloc, drains

    def read(self) -> ClusterState:
        con = connect(self.path)
        try:
            con.execute("BEGIN")
            version, alloc, drains = self._snapshot(con)
            con.execute("COMMIT")
        finally:
            con.close()
        now = self.clock()
        since = {n: t for n, (_, t) in drains.items()}
        if self.on_change is not None:
            self.on_change(alloc, since)
        work = self.workload.work(alloc, since, now) if self.workload else {}
        nodes = {}
        for name, sector in alloc.items():
            w = work.get(name, NodeWork())
            state = SchedState.UP
            reason = ""
            if name in drains:
                reason = drains[name][0]
                busy = w.running_jobs or w.busy_gpus
                state = SchedState.DRAINING if busy else SchedState.DRAINED
            nodes[name] = NodeRecord(
                name,
                sector,
                self._gpus[name],
                state,
                reason,
                w.running_jobs,
                w.busy_gpus,
                w.ends_at,
                w.work,
            )
        demand = self.workload.demand(now) if self.workload else {}
        return ClusterState(version, nodes, dict(demand), now)

    # -- apply steps -------------------------------------------------------------------------

    def _write(self, fn) -> None:
        with write_transaction(self.path) as con:
            fn(con)
            con.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='version'")
        self.read()  # tell the follower (demo fleet) at once

    def claim(self, plan: Plan, who: str) -> None:
        me = f"{socket.gethostname()}:{os.getpid()}"

        def check(con) -> None:
            version = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0]
            lock = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'lock_%'"))
            if lock and _alive(lock.get("lock_at", "")):
                raise Conflict(
                    f"plan {lock['lock_plan']} by {lock['lock_who']} is being "
                    f"applied (since {lock['lock_since']})"
                )
            if version != plan.base_version:
                raise Conflict(
                    f"the allocation changed since the plan was made (version "
                    f"{plan.base_version}, now {version}): someone else applied "
                    "first; plan again"
                )
            con.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    ("lock_plan", plan.plan_id),
                    ("lock_who", who),
                    ("lock_at", me),
                    ("lock_since", time.strftime("%Y-%m-%d %H:%M:%S")),
                ],
            )

        self._write(check)

    def reclaim(self, plan: Plan, who: str) -> None:
        """A recovery takes the lock of `plan`'s interrupted apply (or a free one), with no
        version check: the interrupted apply changed the allocation itself."""
        me = f"{socket.gethostname()}:{os.getpid()}"

        def take(con) -> None:
            lock = dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'lock_%'"))
            holder = lock.get("lock_at", "")
            if lock and holder != me and _alive(holder):
                raise Conflict(
                    f"plan {lock['lock_plan']} by {lock['lock_who']} is being "
                    f"applied (since {lock['lock_since']})"
                )
            con.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [
                    ("lock_plan", plan.plan_id),
                    ("lock_who", who),
                    ("lock_at", me),
                    ("lock_since", time.strftime("%Y-%m-%d %H:%M:%S")),
                ],
            )

        self._write(take)

    def release(self, plan: Plan) -> None:
        def unlock(con) -> None:
            con.execute("DELETE FROM meta WHERE key LIKE 'lock_%'")

        self._write(unlock)

    def drain(self, node: str, reason: str) -> None:
        self._known(node)

        def put(con) -> None:
            row = con.execute("SELECT reason FROM drain WHERE node=?", (node,)).fetchone()
            if row and row[0] != reason:
                raise BackendError(f"{node} is already drained: {row[0]}")
            # drained already for this reason (a recovery finishing): the drain keeps its start
            con.execute(
                "INSERT OR IGNORE INTO drain VALUES (?, ?, ?)", (node, reason, self.clock())
            )

        self._write(put)

    def assign(self, node: str, source: Sector, target: Sector) -> None:
        self._known(node)

        def move(con) -> None:
            row = con.execute("SELECT sector FROM allocation WHERE node=?", (node,)).fetchone()
            if row is None or row[0] != source.value:
                raise BackendError(f"{node} is not in {source.value}")
            if con.execute("SELECT 1 FROM drain WHERE node=?", (node,)).fetchone() is None:
                raise BackendError(f"{node} must be drained before it moves")
            con.execute("UPDATE allocation SET sector=? WHERE node=?", (target.value, node))

        self._write(move)

    def resume(self, node: str, reason: str) -> None:
        def clear(con) -> None:
            row = con.execute("SELECT reason FROM drain WHERE node=?", (node,)).fetchone()
            if row is None:
                return
            if row[0] != reason:
                raise BackendError(
                    f"{node} was drained by someone else ({row[0]}); not resuming it"
                )
            con.execute("DELETE FROM drain WHERE node=?", (node,))

        self._write(clear)

    def features(self) -> tuple[str, ...]:
        return ("allocation and drains in " + str(self.path),)

    def _known(self, node: str) -> None:
        if node not in self._gpus:
            raise BackendError(f"unknown node {node}")


def _alive(holder: str) -> bool:
    """Is the process that took the lock still running? Only answerable on this host."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname():
        return True  # another workstation: assume alive, the operator clears it
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
