"""A two-node fleet whose snapshots carry energy counters set by the test.

FleetState makes real snapshots (layout, organisations, sectors); the energy fields, the data's
age and the node status are then set directly, as the fleet state would from its sources.
public's pub1 (City Hall, H100 × 2) and private's prv1 (Lab, A100 × 2), whose GPUs run for kim,
a user of Startup.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from console.fleet.metrics import default_registry
from console.fleet.model import (
    FleetSnapshot,
    GpuProcess,
    GpuSample,
    NodeSample,
    NodeStatus,
    PollBatch,
)
from console.fleet.state import FleetState
from tests.unit.history.test_history import T0, inventory  # one fleet


def base(t: float = T0) -> FleetSnapshot:
    fleet = FleetState(inventory(), default_registry(), stale_after_s=30.0)
    kim = (GpuProcess(pid=1, user="kim", used_mib=1000),)
    fleet.apply(
        PollBatch(
            t,
            samples=(
                NodeSample("pub1", t, tuple(GpuSample(i, util_gpu=50.0) for i in range(2))),
                NodeSample(
                    "prv1", t, tuple(GpuSample(i, util_gpu=90.0, processes=kim) for i in range(2))
                ),
            ),
        )
    )
    return fleet.snapshot(t)


def frozen(a) -> np.ndarray:
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


def snap(
    template: FleetSnapshot,
    t: float,
    energy,
    power=((300.0, 300.0), (300.0, 300.0)),
    age=(0.0, 0.0),
    estimated=None,
    cpu=None,
    status=(NodeStatus.LIVE, NodeStatus.LIVE),
    split=None,
) -> FleetSnapshot:
    """`template` at time `t` with these counters (joules, NaN none), power and data ages."""
    shape = np.shape(energy)
    return replace(
        template,
        t=t,
        node_age_s=frozen(age),
        node_status=np.array(status, dtype=np.int8),
        gpu_power_w=frozen(power),
        gpu_energy_j=frozen(energy),
        gpu_energy_estimated=(
            np.zeros(shape, bool) if estimated is None else np.array(estimated, bool)
        ),
        node_cpu_energy_j=None if cpu is None else frozen(cpu),
        node_energy_split=split if split is not None else ((),) * shape[0],
    )


STEP = 10.0
KWH = 3.6e6
# per-GPU power (W): pub1's GPU 1 has no counter (estimated from power); prv1's GPU 0 is MIG
POWER = np.array([[310.0, 120.0], [400.0, 650.0]])
OFFSET = np.array([[5e6, 0.0], [1.2e8, 3e4]])
CPU_W = np.array([150.0, 90.0])
LAB_I, STARTUP_I = 1, 2  # index into the snapshot's org_ids (city, lab, startup)
# prv1 GPU 0: a 4g slice for Lab's job, a 3g slice for Startup's (kim)
SPLIT = ((), ((0, ((LAB_I, 4 / 7), (STARTUP_I, 3 / 7))),))


def counters(
    t: float, reset_at: float | None = None, power: np.ndarray = POWER
) -> tuple[np.ndarray, np.ndarray]:
    """Energy counters at `t`: the integral of POWER from an offset; prv1's GPU 1 counter
    restarts from 0 at `reset_at` (a driver reload)."""
    gpu = OFFSET + power * (t - T0)
    if reset_at is not None and t >= reset_at:
        gpu[1, 1] = power[1, 1] * (t - reset_at)
    gpu[0, 1] = np.nan
    cpu = np.array([1e5, 2e5]) + CPU_W * (t - T0)
    return gpu, cpu


def frames(seconds: float, start: float = T0, reset_at: float | None = None, power=POWER):
    template = base(start)
    for t in np.arange(start, start + seconds + STEP / 2, STEP):
        gpu, cpu = counters(float(t), reset_at, power)
        yield snap(template, float(t), gpu, power=power, cpu=cpu, split=SPLIT)
