"""HistoryStore: what the running console remembers, and what the plots and accounting read.

The GUI thread hands it every snapshot (`observe`): a frame goes into the full-rate ring and the
snapshot is added to the rollup sums, a few numpy reductions. Every few seconds, and whenever a
minute closes, the sums go as an immutable delta to the writer thread, which adds them to SQLite.
So a `kill -9` loses at most the last flush interval, and a broken disk never blocks the window:
the writer keeps the deltas it could not write (bounded), reports the problem, and retries.
"""

from __future__ import annotations

import contextlib
import logging
import math
import queue
import sqlite3
import threading
import time
from collections import deque
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from console.energy.meter import EnergyMeter
from console.energy.today import TodayEnergy, local_midnight
from console.fleet.model import FleetSnapshot, NodeStatus
from console.history.database import HistoryDB, HistoryError
from console.history.ring import FrameRing
from console.history.rollup import Layout, RollupAccumulator, RollupDelta, layout_of
from console.inventory.model import Inventory

log = logging.getLogger(__name__)

RING_S = 3600.0
FLUSH_S = 5.0
RETRY_S = 10.0
PRUNE_S = 3600.0
BACKLOG = 2000  # deltas kept while the disk refuses them (≈ 2.8 h at one per 5 s)


class HistoryWriter:
    """The one thread that writes the history database."""

    def __init__(
        self, path: Path, organisations: tuple = (), today: TodayEnergy | None = None
    ) -> None:
        self.path = path
        self.organisations = organisations
        self.today = today  # kept up to date after each write (HistoryStore.energy_today)
        self.problem: str | None = None  # the last error, until a write succeeds again
        self.written = 0  # deltas written, for tests and the status line
        self.retry_s = RETRY_S
        self.max_pages: int | None = None  # see HistoryDB; tests fill the "disk" with it
        # deltas are numbered as they are put, so TodayEnergy knows which ones are stored
        self._queue: queue.SimpleQueue[tuple[int, RollupDelta] | None] = queue.SimpleQueue()
        self._backlog: deque[tuple[int, RollupDelta]] = deque(maxlen=BACKLOG)
        self._idle = threading.Condition()
        self._pending = 0
        self._number = 0
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, delta: RollupDelta) -> int:
        """Queue `delta` for writing; returns its number (1, 2, …)."""
        with self._idle:
            self._pending += 1
            self._number += 1
            number = self._number
        if self.today is not None:  # before the writer can see it: it may be stored at once
            self.today.sent(number, delta.minute, delta.sector_energy_j())
        self._queue.put((number, delta))
        return number

    def wait_idle(self, timeout: float) -> bool:
        """Wait until everything put so far was written or failed (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        db = self._read_today()
        # the first write after a start prunes, then at most every PRUNE_S (whatever the uptime)
        last_prune = -math.inf
        newest = -math.inf  # the newest minute written: retention counts back from it
        stopping = False
        while not stopping:
            items: list[tuple[int, RollupDelta] | None] = []
            # with a backlog, wake up to retry even when nothing new comes
            with contextlib.suppress(queue.Empty):
                items.append(self._queue.get(timeout=self.retry_s if self._backlog else None))
            while True:  # take whatever else is waiting: one transaction for all of it
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = None in items
            deltas = [i for i in items if i is not None]
            self._backlog.extend(deltas)
            if self._backlog:
                try:
                    if db is None:
                        db = HistoryDB(self.path, max_pages=self.max_pages)
                        db.write_organisations(self.organisations)
                    batch = list(self._backlog)
                    db.write([d for _, d in batch])
                    self.written += len(batch)
                    self._backlog.clear()
                    self.problem = None
                    self._count_today(db, batch)
                    newest = max(newest, max(d.minute for _, d in batch))
                    if time.monotonic() - last_prune > PRUNE_S:
                        # from the newest data, not the wall clock: the same while collecting,
                        # and a store filled for a past period (simulate --end, tests) keeps it
                        db.prune(min(newest, time.time()))
                        last_prune = time.monotonic()
                except HistoryError as exc:
                    if self.problem != str(exc):
                        log.error("history not written: %s", exc)
                    self.problem = str(exc)
                    if db is not None:
                        db.close()
                        db = None
            with self._idle:
                self._pending -= len(deltas)
                self._idle.notify_all()
        if db is not None:
            db.close()

    def _read_today(self) -> HistoryDB | None:
        """At start, today's stored energy (earlier runs' rows), so the cards show it from the
        first frames rather than after the first write; a store that cannot be opened now is
        retried, and read, at the first write."""
        if self.today is None:
            return None
        try:
            db = HistoryDB(self.path, max_pages=self.max_pages)
            db.write_organisations(self.organisations)
            day = local_midnight(time.time(), self.today.tz)
            self.today.stored(day, db.energy_by_sector(day), 0)
            return db
        except (HistoryError, sqlite3.Error) as exc:
            log.warning("today's energy not read at start: %s", exc)
            return None

    def _count_today(self, db: HistoryDB, batch: list[tuple[int, RollupDelta]]) -> None:
        """Today's stored energy after `batch` was written: read once a day from the database
        (rows of an earlier run count too), then added up from what this writes. A failed read
        leaves the old figure (the batch is written: it must not be written again)."""
        today = self.today
        if today is None or not batch:
            return
        upto = batch[-1][0]
        day = local_midnight(max(d.minute for _, d in batch), today.tz)
        if today.day != day:
            try:
                today.stored(day, db.energy_by_sector(day), upto)
            except sqlite3.Error as exc:
                log.warning("today's energy not read: %s", exc)
            return
        joules = today.stored_joules()
        for _, d in batch:
            if d.minute >= day:
                joules += d.sector_energy_j()
        today.stored(day, joules, upto)


class HistoryStore:
    def __init__(
        self,
        path: Path,
        inventory: Inventory,
        frame_step_s: float,
        ring_s: float = RING_S,
        flush_s: float = FLUSH_S,
        busy_threshold: float = 5.0,
        energy_gap_s: float | None = None,
        tz: str = "Asia/Seoul",
    ) -> None:
        """`energy_gap_s`: samples further apart than this add no energy (default: three frame
        steps, at least 15 s, as the probe's integrator); the fleet's stale age fits a fleet
        whose nodes report at different rates. `tz`: where today starts (energy_today)."""
        self.path = path
        self.frame_step_s = frame_step_s
        self.flush_s = flush_s
        self.busy_threshold = busy_threshold
        self._ring_capacity = math.ceil(ring_s / frame_step_s) + 2
        self._models_by_name = {n.name: n.gpu_model for n in inventory.nodes}
        self.ring: FrameRing | None = None
        self._acc: RollupAccumulator | None = None
        self._layout: Layout | None = None
        self._last_flush = 0.0
        self._rows: dict[str, int] = {}
        # outlives the accumulators: a new layout must not lose the interval in progress
        self._meter = EnergyMeter(energy_gap_s or max(3 * frame_step_s, 15.0))
        self._today = TodayEnergy(ZoneInfo(tz))
        self.delta_listeners: list = []  # told every delta handed to the writer, same thread
        self.writer = HistoryWriter(path, inventory.organisations, self._today)

    @property
    def problem(self) -> str | None:
        return self.writer.problem

    # -- input (GUI thread) ------------------------------------------------------------------

    def observe(self, snap: FleetSnapshot) -> None:
        if snap.node_count == 0:
            return
        self._record_frame(snap)
        layout = self._layout
        if layout is None or layout.sectors != tuple(int(s) for s in snap.node_sector):
            self.flush()  # a node moved sector: sums so far belong to the old layout
            models = tuple(self._models_by_name.get(n) for n in snap.node_names)
            self._layout = layout = layout_of(snap, models)
            last_t = self._acc.last_t if self._acc else None
            self._acc = RollupAccumulator(
                layout, max(3 * self.frame_step_s, 5.0), self.busy_threshold, self._meter
            )
            self._acc.last_t = last_t
        acc = self._acc
        if acc.minute is not None and int(snap.t // 60) * 60 != acc.minute:
            self.flush()
        acc.add(snap)
        if snap.t - self._last_flush >= self.flush_s:
            self.flush(snap.t)

    def _record_frame(self, snap: FleetSnapshot) -> None:
        if self.ring is None:
            self.ring = FrameRing(snap.node_count, snap.gpu_util.shape[1], self._ring_capacity)
            self._rows = {n: i for i, n in enumerate(snap.node_names)}
        last = self.ring.last_t
        if last is not None and snap.t - last < 0.95 * self.frame_step_s:
            return
        live = (snap.node_status == NodeStatus.LIVE)[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = snap.gpu_mem_used_mib / snap.gpu_mem_total_mib
        gpu = np.stack([snap.gpu_util, frac, snap.gpu_temp_c, snap.gpu_power_w])
        gpu = np.where(live[None], gpu, np.nan)
        cpu = np.where(live[:, 0], snap.node_cpu_percent, np.nan)
        self.ring.append(snap.t, gpu, cpu)

    def flush(self, now: float | None = None) -> None:
        if now is not None:
            self._last_flush = now
        if self._acc is not None:
            delta = self._acc.take()
            if delta is not None:
                self.writer.put(delta)
                for listen in self.delta_listeners:  # serve's book counters (room/books.py)
                    listen(delta)

    def start(self) -> None:
        self.writer.start()

    def close(self) -> None:
        """Write what is left and stop the writer (it waits for the last transaction)."""
        self.flush()
        self.writer.stop()

    def energy_today(self, now: float) -> dict[str, float] | None:
        """GPU kWh per sector (value → kWh) since local midnight: stored rows + what is not
        stored yet. None before the history could be read. Never touches the database: the
        GUI thread may call it every frame."""
        unflushed = self._acc.unflushed_energy() if self._acc is not None else None
        return self._today.kwh(now, unflushed)

    # -- queries (any thread: each opens its own connection) ---------------------------------

    def reader(self) -> HistoryDB:
        """Before the writer's first write (a fresh data dir) an empty history, not an error."""
        return HistoryDB(self.path, readonly=True, missing_ok=True)

    def sector_series(self, t0: float, t1: float, res: int) -> pd.DataFrame:
        """Per bucket and sector: allocated, live, used, busy and entitled GPUs (averages over the
        seconds recorded) and utilisation %. Columns: t, sector, allocated, used, busy,
        entitled, util."""
        try:
            db = self.reader()
        except HistoryError:
            return sector_frame(pd.DataFrame(), pd.DataFrame())
        try:
            return sector_frame(db.usage(t0, t1, res), db.capacity(t0, t1, res))
        finally:
            db.close()

    def node_frames(self, node: str, since: float):
        """Full-rate history of one node from the ring: (t, gpu[fields, frames, width], cpu)."""
        if self.ring is None or node not in self._rows:
            return None
        return self.ring.node_window(self._rows[node], since)


def sector_frame(usage: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Usage and capacity rows → one row per (t, sector) with average GPUs over the bucket."""
    columns = ["t", "sector", "allocated", "used", "busy", "entitled", "util"]
    if usage.empty or capacity.empty:
        return pd.DataFrame(columns=columns)
    sums = usage.groupby(["t", "sector"], as_index=False)[
        ["alloc_s", "live_s", "used_s", "busy_s"]
    ].sum()
    merged = capacity.merge(sums, on=["t", "sector"], how="left").fillna(0.0)
    span = merged["span_s"].where(merged["span_s"] > 0)
    out = pd.DataFrame(
        {
            "t": merged["t"],
            "sector": merged["sector"],
            "allocated": merged["alloc_s"] / span,
            "used": merged["used_s"] / span,
            "busy": merged["busy_s"] / span,
            "entitled": merged["entitled_s"] / span,
            "util": 100.0 * merged["used_s"] / merged["live_s"].where(merged["live_s"] > 0),
        }
    )
    return out.sort_values(["t", "sector"]).reset_index(drop=True)
