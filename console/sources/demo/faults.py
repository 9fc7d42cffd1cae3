"""The demo fleet's "faults" scenario (`--demo N --scenario faults`): every alert rule fires within
the first minute, then the faults go away and come back (five minutes on, five off; serve's
`--faults-on S` makes it S on, S off), so operators see incidents open, hold and close.

Like the rest of the demo it is a pure function of (seed, time, start): the same run twice gives
the same incidents. Faults sit on the first public nodes; with fewer than ten nodes some share one.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from console.fleet.model import (
    SECTORS,
    DiskUse,
    GpuSample,
    NodeEvent,
    NodeSample,
    NodeStatus,
    Sector,
    XidEvent,
)
from console.i18n.catalogue import translate

PERIOD_S = 600.0
ACTIVE_S = 300.0
XID_EVERY_S = 20.0
# private nodes are 25 % of the demo fleet: entitled to less, they run above it while busy
ENTITLEMENTS = {Sector.PUBLIC: 0.45, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.20}
DISK_BYTES = 4 * 1024**4

# node position (in the fleet's node order) → what goes wrong there
HOT, ECC, XID, BRAKE, DOWN, STALE, PROBE, HOSTKEY, IDLE = range(1, 10)
STATUS_FAULTS = {
    DOWN: (NodeStatus.UNREACHABLE, translate("Demo", "connection timed out").fill()),
    STALE: (NodeStatus.STALE,
            translate("Collector", "no data for {seconds:.0f} s").fill(seconds=12)),
    PROBE: (NodeStatus.PROBE_ERROR, translate("Demo", "probe exited (status 1) {error}").fill(
        error="ModuleNotFoundError: pynvml")),
    HOSTKEY: (NodeStatus.HOSTKEY_CHANGED,
              translate("Demo", "host key changed: possible man-in-the-middle").fill()),
}
FAKE_FINGERPRINT = "SHA256:Xq0iP8c2VfO1c7n0m9Yl3J4y6w8aT1kPz2bR5dE7gHs"


def active(start: float, t: float, on_s: float = ACTIVE_S) -> bool:
    return t >= start and (t - start) % (2 * on_s) < on_s


def pending_demand(start: float, t: float, on_s: float = ACTIVE_S) -> dict[str, int]:
    """The capacity backend's view in the demo: the interest sector waits for 16 GPUs."""
    return {Sector.INTEREST.value: 16} if active(start, t, on_s) else {}


def adjust_utilisation(
    start: float, t: float, util: np.ndarray, sectors: np.ndarray, on_s: float = ACTIVE_S
) -> np.ndarray:
    """Private nodes run flat out (above their entitlement); one public node idles (so the
    starved sector sees idle GPUs elsewhere)."""
    if not active(start, t, on_s):
        return util
    util = util.copy()
    util[sectors == SECTORS.index(Sector.PRIVATE)] = 92.0
    util[IDLE % len(util)] = 0.0
    return util


def apply(
    start: float, t: float, names: tuple[str, ...], items: list, on_s: float = ACTIVE_S
) -> list:
    """The demo's samples and events at t, with the scenario's faults in them."""
    if not active(start, t, on_s):
        return items
    n = len(names)
    by_name = {item.host: k for k, item in enumerate(items)}
    for position, (status, message) in STATUS_FAULTS.items():
        name = names[position % n]
        fingerprint = FAKE_FINGERPRINT if status == NodeStatus.HOSTKEY_CHANGED else None
        if name in by_name:
            items[by_name[name]] = NodeEvent(name, t, status, message, fingerprint)
    for position, change in ((HOT, _hot), (ECC, _ecc), (XID, _xid), (BRAKE, _brake)):
        k = by_name.get(names[position % n])
        if k is not None and isinstance(items[k], NodeSample):
            items[k] = change(items[k], start, t)
    return items


def _gpus(sample: NodeSample, changes: dict[int, dict]) -> tuple[GpuSample, ...]:
    return tuple(replace(g, **changes[g.index]) if g.index in changes else g for g in sample.gpus)


def _hot(s: NodeSample, start: float, t: float) -> NodeSample:
    hot = {
        "temp_c": 92.0,
        "temp_mem_c": 98.0,
        "clock_event_reasons": ("sw_thermal_slowdown", "hw_thermal_slowdown"),
    }
    return replace(s, gpus=_gpus(s, {0: hot}))


def _ecc(s: NodeSample, start: float, t: float) -> NodeSample:
    changes = {
        1: {"ecc_uncorrected_volatile": 2, "ecc_uncorrected_aggregate": 5,
            "ecc_corrected_volatile": 7, "ecc_corrected_aggregate": 19},
        2: {"remapped_rows_pending": True},
        4: {"retired_pages_sbe": 3, "retired_pages_dbe": 1, "retired_pages_pending": True},
        3: {"remapped_rows_failure": True},
    }
    return replace(s, gpus=_gpus(s, changes))


def _xid(s: NodeSample, start: float, t: float) -> NodeSample:
    gpus = tuple(
        GpuSample(index=g.index, name=g.name, uuid=g.uuid, lost=True) if g.index == 3 else g
        for g in s.gpus
    )
    xids = ()
    if (t - start) % XID_EVERY_S < 2.0:
        xids = (XidEvent(3, 79, t), XidEvent(4, 31, t))
    return replace(s, gpus=gpus, xids=xids)


def _brake(s: NodeSample, start: float, t: float) -> NodeSample:
    brake = {"clock_event_reasons": ("hw_power_brake_slowdown",)}
    info = s.info and replace(s.info, disks=(DiskUse("/", int(DISK_BYTES * 0.98), DISK_BYTES),))
    return replace(s, gpus=_gpus(s, {5: brake}), info=info)
