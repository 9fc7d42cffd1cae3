"""The demo fleet's power and energy: what each GPU draws, and counters that add up to it.

A real GPU's energy counter (NVML's total energy) is the integral of the power it draws, so the
demo's counter is the integral of the power the demo reports: the same formulas (`gpu_power`,
`cpu_percent`) feed both. The demo's utilisation is a pure function of time but has no closed
integral, so each fleet instance keeps its counters and integrates forward from its first
sample, which starts at a per-GPU offset from the seed (the joules "since the driver loaded").
Time only moves forward per instance (the live sources, serve, `simulate`); a new instance may
start anywhere, as a restarted console sees a counter it has not seen before.

The integral is taken over cells: power is steady within each ten seconds apart from the
utilisation's changes (minute jitter, five-minute bursts, ramps), which are read once per cell
of 10 s, 60 s or 300 s depending on the stretch to cover (a 1 s poll reads ten-second cells,
`simulate`'s 5 min frames one cell each), while the ten-second noise is summed exactly.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

import numpy as np

from console.sources.demo.noise import uniform

GPU_IDLE_POWER_W = 70.0
GPU_POWER_LIMIT_W = 700.0
GPU_W_PER_UTIL = 6.1
GPU_NOISE_W = 15.0
NOISE_STEP_S = 10  # the power noise changes every ten seconds
# a two-socket CPU node's package power (RAPL): ~120 W idle, up to ~560 W flat out
CPU_IDLE_W = 120.0
CPU_W_PER_PERCENT = 4.4
GPU_OFFSET_MAX_J = 1.5e9  # up to ~25 days at 700 W since the driver loaded
CPU_OFFSET_MAX_J = 5e8


def noise_at(seed: int, nodes: int, gpus: int, step: np.ndarray | int) -> np.ndarray:
    """The power noise of every GPU in ten-second step(s) `step`: (nodes, GPUs), or
    (steps, nodes, GPUs) for an array of steps."""
    node = np.arange(nodes)[:, None]
    gpu = np.arange(gpus)[None, :]
    if np.ndim(step) == 0:
        return uniform(seed, 10, node, gpu, int(step))
    return uniform(seed, 10, node[None], gpu[None], np.asarray(step)[:, None, None])


def gpu_power(util: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Watts a GPU draws at `util` % (the demo's H100: 70 W idle, capped at its limit)."""
    return np.minimum(
        GPU_IDLE_POWER_W + GPU_W_PER_UTIL * util + GPU_NOISE_W * noise, GPU_POWER_LIMIT_W
    )


def cpu_percent(util: np.ndarray, noise0: np.ndarray) -> np.ndarray:
    """A node's CPU % from its GPUs' utilisation (…, GPUs) and its GPU 0's noise (…)."""
    return np.clip(util.mean(axis=-1) * 0.3 + 5 + 5 * noise0, 0, 100)


def cpu_power(percent: np.ndarray) -> np.ndarray:
    """Watts of a node's CPU packages at `percent` % busy."""
    return CPU_IDLE_W + CPU_W_PER_PERCENT * percent


class DemoEnergy:
    """One fleet instance's counters: GPU joules (nodes, GPUs) and CPU package joules (nodes,).
    Any thread (a lock keeps one integration at a time)."""

    def __init__(
        self, seed: int, nodes: int, gpus: int, utilisation: Callable[[float], np.ndarray]
    ) -> None:
        self.seed, self.nodes, self.gpus = seed, nodes, gpus
        self._utilisation = utilisation
        self._lock = threading.Lock()
        self._t: float | None = None
        node = np.arange(nodes)
        self._gpu = GPU_OFFSET_MAX_J * uniform(seed, 20, node[:, None], np.arange(gpus)[None])
        self._cpu = CPU_OFFSET_MAX_J * uniform(seed, 21, node)
        self._cell: tuple[float, int] | None = None  # (cell length, index) of _cell_util
        self._cell_util: np.ndarray | None = None

    def at(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """The counters at t (copies). An earlier t than the last gives the last counters:
        a counter never runs backwards."""
        with self._lock:
            if self._t is None:
                self._t = t
            elif t > self._t:
                gpu, cpu = self.integral(self._t, t)
                self._gpu += gpu
                self._cpu += cpu
                self._t = t
            return self._gpu.copy(), self._cpu.copy()

    def integral(self, a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
        """Joules over (a, b]: GPUs (nodes, GPUs) and CPUs (nodes,)."""
        span = b - a
        length = 10.0 if span < 60 else 60.0 if span < 300 else 300.0
        gpu = np.zeros((self.nodes, self.gpus))
        cpu = np.zeros(self.nodes)
        for k in range(math.floor(a / length), math.ceil(b / length)):
            lo, hi = max(a, k * length), min(b, (k + 1) * length)
            if hi <= lo:
                continue
            util = self._util_of(length, k)
            steps = np.arange(math.floor(lo / NOISE_STEP_S), math.ceil(hi / NOISE_STEP_S))
            starts = steps * float(NOISE_STEP_S)
            weight = np.minimum(hi, starts + NOISE_STEP_S) - np.maximum(lo, starts)
            noise = noise_at(self.seed, self.nodes, self.gpus, steps)
            gpu += np.einsum("s,sng->ng", weight, gpu_power(util[None], noise))
            cpu += weight @ cpu_power(cpu_percent(util[None], noise[:, :, 0]))
        return gpu, cpu

    def _util_of(self, length: float, k: int) -> np.ndarray:
        """Utilisation at the middle of cell k (the last cell's kept: a 1 s poll asks it ten
        times)."""
        if self._cell != (length, k) or self._cell_util is None:
            self._cell_util = self._utilisation((k + 0.5) * length)
            self._cell = (length, k)
        return self._cell_util
