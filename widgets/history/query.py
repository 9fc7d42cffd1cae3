"""History queries off the GUI thread: request → pure work on a pool thread → result on the GUI
thread (the Picard/napari pattern, DESIGN.md §7).

A widget asks on a *channel* ("sector-plot", "node:hg-r01n1", …). Asking again on the same channel
makes every earlier question on it stale: its answer is dropped when it arrives, so a plot never
shows the range the operator left a second ago. The work functions below take immutable values,
open their own read-only SQLite connection (HistoryStore.reader) and return immutable values.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

from console.energy.accounting import energy_table
from console.history.accounting import accounting, resolution_for, with_total
from console.history.rollup import NODE_FIELDS
from console.history.store import HistoryStore
from console.settings import AccountingSettings, EnergySettings

log = logging.getLogger(__name__)


class HistoryQueries(QObject):
    """A small thread pool for history queries; one per window, shut down when it closes."""

    _answer = Signal(str, int, bool, object)  # channel, ticket, ok, result or error text

    def __init__(
        self, history: HistoryStore | None, threads: int = 2, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.history = history
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._tickets: dict[str, int] = {}
        self._waiting: dict[str, tuple[int, Callable, Callable | None]] = {}
        self._closed = False
        self.asked = 0
        self.dropped = 0  # stale answers thrown away (tests look)
        # emitted from pool threads; the slot runs on the thread this object lives on (the GUI's)
        self._answer.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def available(self) -> bool:
        return self.history is not None and not self._closed

    def ask(
        self,
        channel: str,
        work: Callable[[], object],
        on_done: Callable[[object], None],
        on_error: Callable[[str], None] | None = None,
    ) -> int:
        """Run `work()` on the pool; hand its result to `on_done` on the GUI thread unless the
        channel was asked again (or forgotten) meanwhile. Returns the question's ticket."""
        if self._closed:
            return 0
        ticket = self._tickets.get(channel, 0) + 1
        self._tickets[channel] = ticket
        self._waiting[channel] = (ticket, on_done, on_error)
        self.asked += 1
        answer = self._answer

        def run() -> None:
            try:
                result, ok = work(), True
            except Exception as exc:  # a query must never take the pool thread down
                log.warning("history query %s failed: %s", channel, exc)
                result, ok = str(exc) or type(exc).__name__, False
            answer.emit(channel, ticket, ok, result)

        self.pool.start(run)
        return ticket

    def busy(self, channel: str) -> bool:
        return channel in self._waiting

    def forget(self, channel: str) -> None:
        """Drop whatever is still to come on `channel` (its widget closed or went live)."""
        if channel in self._tickets:
            self._tickets[channel] += 1
        self._waiting.pop(channel, None)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """No more questions; wait for the ones running (each is one short SQLite read)."""
        self._closed = True
        self._waiting.clear()
        self.pool.clear()
        self.pool.waitForDone(timeout_ms)

    @Slot(str, int, bool, object)
    def _deliver(self, channel: str, ticket: int, ok: bool, result: object) -> None:
        waiting = self._waiting.get(channel)
        if waiting is None or waiting[0] != ticket:
            self.dropped += 1
            return
        del self._waiting[channel]
        _, on_done, on_error = waiting
        if ok:
            on_done(result)
        elif on_error is not None:
            on_error(result)


# -- the work (any thread; plain values in, plain values out) ---------------------------------


def on_grid(times: np.ndarray, values: np.ndarray, res: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows at `times` (bucket starts) spread onto a regular grid of `res` with NaN where a
    bucket is missing, so that a plot drawn with connect="finite" shows the gap. `values` is
    (..., len(times))."""
    if len(times) == 0:
        return np.zeros(0), values
    grid = np.arange(int(times[0]), int(times[-1]) + 1, res, dtype=np.int64)
    out = np.full((*values.shape[:-1], len(grid)), np.nan)
    out[..., ((times - grid[0]) // res).astype(np.intp)] = values
    return grid.astype(np.float64), out


@dataclass(frozen=True, slots=True)
class NodeRollups:
    """One node's rollups as means and maxima on a regular grid (NaN: nothing recorded)."""

    t: np.ndarray
    values: dict[str, np.ndarray]  # util_mean, util_max, mem_pct, temp_max, power_w, cpu_pct
    res: int


def node_rollups(history: HistoryStore, node: str, t0: float, t1: float, res: int) -> NodeRollups:
    """The node's lines: from the room's Prometheus where the history is a room's
    (PrometheusHistory.node_series), else from the local store's rollups."""
    room = getattr(history, "node_series", None)
    if room is not None:
        t, values = room(node, t0, t1, res)
        return NodeRollups(t, values, res)
    db = history.reader()
    try:
        times, _, sums = db.node_rollups(t0, t1, res, nodes=(node,))
    finally:
        db.close()
    f = {name: sums[i, :, 0].astype(np.float64) for i, name in enumerate(NODE_FIELDS)}
    live = np.where(f["live_s"] > 0, f["live_s"], np.nan)
    node_live = np.where(f["node_live_s"] > 0, f["node_live_s"], np.nan)
    values = np.stack(
        [
            f["util_dt"] / live,
            np.where(np.isnan(live), np.nan, f["util_max"]),
            100.0 * f["mem_dt"] / live,
            np.where(np.isnan(live), np.nan, f["temp_max"]),
            f["power_dt"] / live,  # watts per GPU, averaged like the other GPU lines
            f["cpu_dt"] / node_live,
        ]
    )
    t, grid = on_grid(times, values, res)
    names = ("util_mean", "util_max", "mem_pct", "temp_max", "power_w", "cpu_pct")
    return NodeRollups(t, {n: grid[i] for i, n in enumerate(names)}, res)


@dataclass(frozen=True, slots=True)
class AccountingResult:
    table: pd.DataFrame  # console.history.accounting columns, with the total row last
    organisations: pd.DataFrame  # id, sector, name_ko, name_en
    t0: float
    t1: float
    by: str
    res: int
    energy: pd.DataFrame | None = None  # console.energy.accounting.energy_table, same grouping


def accounting_report(
    history: HistoryStore,
    t0: float,
    t1: float,
    by: str,
    settings: AccountingSettings,
    energy: EnergySettings | None = None,
) -> AccountingResult:
    """GPU-hours and, given the energy settings, kWh and kgCO2e of the same keys: the room's
    books where the history is a room's (PrometheusHistory.books_reader), else the local store."""
    books = getattr(history, "books_reader", None)
    db = books(t0, t1) if books is not None else history.reader()
    try:
        table = with_total(accounting(db, t0, t1, by, settings))
        kwh = None if energy is None else energy_table(db, t0, t1, by=by, settings=energy)
        organisations = db.organisations()
    finally:
        db.close()
    return AccountingResult(table, organisations, t0, t1, by, resolution_for(t0, t1), kwh)
