"""A history whose report can be checked by hand, and incidents and changes built by hand.

Three nodes of two GPUs, one per sector, for two days (2026-11-28 and 29, Asia/Seoul), sampled
every 5 minutes through the real FleetState → HistoryStore path:
- public's pub1 runs GPU 0 at 50 % and leaves GPU 1 idle: 48 allocated, 12 used GPU-h a day;
- interest's int1 runs both GPUs at 100 %: 48 allocated, 48 used;
- private's prv1 runs both at 100 %, but on the 29th it is unreachable 12:00–18:00: 48
  allocated, 36 live and used, availability 75 % (the 28th: 48 used, 100 %).
Entitlements 50/25/25 % of 6 GPUs: public 72, interest 36, private 36 GPU-h a day.
Power: a busy GPU draws 400 W, pub1's 250 W and 100 W (each GPU's energy counter is the integral
of it); each node's CPU packages 200 W: public 8.4 GPU kWh a day, interest 19.2, private 19.2 on
the 28th and 14.4 on the 29th (18 h live), CPU 4.8 kWh a day a node (3.6 for prv1 on the 29th).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from console.fleet.metrics import default_registry
from console.fleet.model import (
    GpuSample,
    NodeEvent,
    NodeInfo,
    NodeSample,
    NodeStatus,
    Organisation,
    PollBatch,
    Sector,
)
from console.fleet.state import FleetState
from console.history.store import HistoryStore
from console.inventory.model import Inventory, NodeSpec
from console.reports.sources import CHANGE_COLUMNS, INCIDENT_COLUMNS

DAY = date(2026, 11, 29)
D0 = 1_795_878_000.0  # 2026-11-29 00:00 Asia/Seoul
PREV0 = D0 - 86400  # 2026-11-28 00:00
H = 3600.0
STEP = 300.0  # the outage starts and ends on a frame
CITY = Organisation("city", Sector.PUBLIC, "시청", "City Hall")
UNI = Organisation("uni", Sector.INTEREST, "한강대학교", "Hangang University")
LAB = Organisation("lab", Sector.PRIVATE, "연구소", "Lab")

GPU_W = {"pub1": (250.0, 100.0), "int1": (400.0, 400.0), "prv1": (400.0, 400.0)}
CPU_W = 200.0
EXPECTED_KWH_DAY = {  # sector: (GPU, CPU) kWh on the 29th, within a frame at each end of a gap
    "public": (8.4, 4.8),
    "interest": (19.2, 4.8),
    "private": (14.4, 3.6),
}

EXPECTED_DAY = {  # sector: (entitled, allocated, used, util %) on the 29th
    "public": (72.0, 48.0, 12.0, 25.0),
    "interest": (36.0, 48.0, 48.0, 100.0),
    "private": (36.0, 48.0, 36.0, 100.0),
    "total": (144.0, 144.0, 96.0, 100.0 * 96 / 132),
}


def inventory() -> Inventory:
    return Inventory(
        nodes=(
            NodeSpec("pub1", Sector.PUBLIC, CITY, 2, gpu_model="H100"),
            NodeSpec("int1", Sector.INTEREST, UNI, 2, gpu_model="H100"),
            NodeSpec("prv1", Sector.PRIVATE, LAB, 2, gpu_model="H100"),
        ),
        entitlements={Sector.PUBLIC: 0.5, Sector.INTEREST: 0.25, Sector.PRIVATE: 0.25},
        organisations=(CITY, UNI, LAB),
    )


def sample(host: str, t: float, utils: tuple[float, float]) -> NodeSample:
    """One node's sample; energy counters run from PREV0 - 1 h (the probe's start)."""
    run = t - (PREV0 - H)
    gpus = tuple(
        GpuSample(
            i, util_gpu=u, power_w=w, energy_j=1e6 * (i + 1) + w * run, energy_estimated=False
        )
        for i, (u, w) in enumerate(zip(utils, GPU_W[host], strict=True))
    )
    return NodeSample(host, t, gpus, info=NodeInfo(cpu_energy_j=CPU_W * run))


def batch(t: float) -> PollBatch:
    samples = [sample("pub1", t, (50.0, 0.0)), sample("int1", t, (100.0, 100.0))]
    if D0 + 12 * H < t <= D0 + 18 * H:
        return PollBatch(
            t, samples=tuple(samples), events=(NodeEvent("prv1", t, NodeStatus.UNREACHABLE),)
        )
    samples.append(sample("prv1", t, (100.0, 100.0)))
    return PollBatch(t, samples=tuple(samples))


def build_history(data_dir: Path) -> Path:
    """Write the two days into DATA_DIR/history.sqlite; returns its path."""
    path = data_dir / "history.sqlite"
    store = HistoryStore(path, inventory(), frame_step_s=STEP)
    store.start()
    fleet = FleetState(inventory(), default_registry(), stale_after_s=1.5 * STEP)
    try:
        # the first frame only starts the clock; a frame counts for the minute it arrives in
        for t in np.arange(PREV0 - STEP, D0 + 86400 - STEP / 2, STEP):
            fleet.apply(batch(float(t)))
            store.observe(fleet.snapshot(float(t)))
    finally:
        store.close()
    return path


def incidents() -> pd.DataFrame:
    nan = math.nan
    rows = [
        # id, rule, severity, node, gpu, sector, org, first, last, closed, peak
        (1, "node_unreachable", "critical", "prv1", nan, "private", "lab",
         D0 + 12 * H, D0 + 18 * H, D0 + 18 * H, nan),
        # began the day before: only its hour inside the 29th counts
        (2, "xid", "error", "pub1", 0.0, "public", "city", D0 - H, D0 + H, D0 + H, 79.0),
        # still open at the end of the day: counts to midnight, 4 h
        (3, "thermal_throttle", "warning", "int1", 1.0, "interest", "uni",
         D0 + 20 * H, D0 + 23 * H, nan, 91.0),
        # closed before the period: not in it
        (4, "ecc_uncorrected", "critical", "prv1", 0.0, "private", "lab",
         D0 - 30 * H, D0 - 29 * H, D0 - 29 * H, 2.0),
    ]  # fmt: skip
    frame = pd.DataFrame([(*r, "", nan, "") for r in rows], columns=INCIDENT_COLUMNS)
    frame.attrs.update(store="read", path="incidents.sqlite")
    return frame


def changes() -> pd.DataFrame:
    rows = [
        (D0 + 9.5 * H, "kim", "operator", "p-1", "apply", "시청 수요 증가",
         "int1 interest→public", 2, "applied"),
        (D0 - 40 * H, "lee", "operator", "p-0", "apply", "old", "pub1 public→private", 2,
         "applied"),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    frame.attrs.update(store="read", path="audit.sqlite")
    return frame
