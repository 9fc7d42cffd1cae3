"""The demo fleet under a capacity backend: nodes follow their allocation, drains empty them.

`SimControl` is what the local backend tells the demo fleet (it is the backend's `on_change`):
which sector each node is in and which nodes drain since when. A drained node's GPUs finish their
jobs one by one within DRAIN_S and take no new work until resumed; a moved node runs the load of
its new sector. `SimWorkload` answers the backend's questions (what runs where, queued demand)
from the same deterministic model, so board, CLI and telemetry agree.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import numpy as np

from console.capacity.backends.local import NodeWork
from console.fleet.model import SECTORS, Sector
from console.sources.demo.noise import uniform

DRAIN_S = 20.0  # a short time: the demo's jobs end within this after a drain
BUSY_PERCENT = 5.0
DEMAND_WINDOW_S = 600  # queued demand changes every ten minutes
DEMAND_MAX_GPUS = {Sector.PUBLIC: 16, Sector.INTEREST: 48, Sector.PRIVATE: 64}


class SimControl:
    """Thread-safe: the backend writes from its thread, the demo source reads from its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sectors: dict[str, Sector] = {}
        self._drains: dict[str, float] = {}

    def update(self, allocation: Mapping[str, Sector], drains: Mapping[str, float]) -> None:
        with self._lock:
            self._sectors = dict(allocation)
            self._drains = dict(drains)

    def sector_index(self, specs: Sequence) -> np.ndarray:
        with self._lock:
            sectors = self._sectors
        return np.array([SECTORS.index(sectors.get(s.name, s.sector)) for s in specs])

    def drains(self) -> dict[str, float]:
        with self._lock:
            return dict(self._drains)

    def drain(self, util: np.ndarray, t: float, seed: int, names: Sequence[str] = ()) -> np.ndarray:
        """`util` with drained nodes' jobs ended by time t (rows in inventory order)."""
        drains = self.drains()
        if not drains:
            return util
        out = util.copy()
        for row, name in enumerate(names):
            since = drains.get(name)
            if since is None:
                continue
            ends = since + DRAIN_S * uniform(seed, 21, row, np.arange(util.shape[1]))
            out[row] = np.where(t < ends, util[row], 0.0)
        return out


class SimWorkload:
    """The backend's view of the demo fleet's work (local backend's `workload`)."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self._names = tuple(s.name for s in sim.inventory.nodes)

    def work(
        self, allocation: Mapping[str, Sector], drains: Mapping[str, float], now: float
    ) -> dict[str, NodeWork]:
        util = self.sim.utilisation(now)
        busy = (util >= BUSY_PERCENT).sum(axis=1)
        out = {}
        for row, name in enumerate(self._names):
            if not busy[row]:
                continue
            ends = None
            if name in drains:
                ends = drains[name] + DRAIN_S
            out[name] = NodeWork(1, int(busy[row]), ends, (f"{int(busy[row])}× GPU",))
        return out

    def demand(self, now: float) -> dict[Sector, int]:
        window = int(now // DEMAND_WINDOW_S)
        out = {}
        for i, sector in enumerate(SECTORS):
            draw = float(uniform(self.sim.seed, 22, i, window))
            # queued work about a third of the time, in whole 8-GPU jobs
            jobs = int(draw * 3 * DEMAND_MAX_GPUS[sector] / 8) if draw < 0.35 else 0
            out[sector] = 8 * jobs
        return out
