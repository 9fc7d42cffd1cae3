"""Health facts: the few abnormal things in a node's sample that alert rules need.

A whole NodeSample never crosses the collector pipe at fleet scale (console/fleet/packing.py), but
ECC counters, remapped rows, clock-event reasons, lost GPUs and XID events must reach the alert
engine. Where a sample is packed, `health_facts` keeps only what is abnormal, as a short tuple of
(gpu, fact, value); a healthy node has none, so 2,000 healthy nodes cost 2,000 empty tuples.
"""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum

from console.fleet.compact import CompactSample
from console.fleet.model import NodeSample

NODE = -1  # the "gpu" of a fact about the node itself (an XID the driver did not place)

THERMAL_REASONS = frozenset({"sw_thermal_slowdown", "hw_thermal_slowdown"})
POWER_BRAKE_REASONS = frozenset({"hw_power_brake_slowdown"})

Fact3 = tuple[int, int, float]


class Fact(IntEnum):
    LOST = 1  # GPU_IS_LOST: the driver can no longer reach the board
    THERMAL = 2  # clocks slowed for heat (software or hardware thermal slowdown)
    POWER_BRAKE = 3  # hardware power brake (the board's external power signal)
    ECC_UNCORRECTED = 4  # value: volatile uncorrected ECC errors since the driver loaded
    REMAP_PENDING = 5  # a row remap waits for the next GPU reset
    REMAP_FAILURE = 6  # a row could not be remapped: the board needs service
    XID = 7  # value: the XID code
    RETIRE_PENDING = 8  # a page retirement waits for the next reboot or GPU reset (Volta, older)


def health_facts(sample: NodeSample) -> tuple[Fact3, ...]:
    """The abnormal facts of one sample; () for a healthy node (the common case, kept cheap)."""
    out: list[Fact3] = []
    for g in sample.gpus:
        if g.lost:
            out.append((g.index, Fact.LOST, 1.0))
            continue
        reasons = g.clock_event_reasons
        if reasons:
            if not THERMAL_REASONS.isdisjoint(reasons):
                out.append((g.index, Fact.THERMAL, 1.0))
            if not POWER_BRAKE_REASONS.isdisjoint(reasons):
                out.append((g.index, Fact.POWER_BRAKE, 1.0))
        if g.ecc_uncorrected_volatile:
            out.append((g.index, Fact.ECC_UNCORRECTED, float(g.ecc_uncorrected_volatile)))
        if g.remapped_rows_pending:
            out.append((g.index, Fact.REMAP_PENDING, 1.0))
        if g.remapped_rows_failure:
            out.append((g.index, Fact.REMAP_FAILURE, 1.0))
        if g.retired_pages_pending:
            out.append((g.index, Fact.RETIRE_PENDING, 1.0))
    for x in sample.xids:
        out.append((NODE if x.gpu is None else x.gpu, Fact.XID, float(x.xid)))
    return tuple(out)


def fullest_disk_pct(sample: NodeSample) -> float:
    """Use of the node's fullest disk in percent; NaN when the sample says nothing of disks."""
    info = sample.info
    return float("nan") if info is None else fullest_pct(info.disks)


def fullest_pct(disks) -> float:
    """The highest use in percent of these DiskUse; NaN when none has both numbers."""
    best = float("nan")
    for d in disks:
        if d.used_bytes is not None and d.total_bytes:
            pct = 100.0 * d.used_bytes / d.total_bytes
            if not pct <= best:  # also replaces the NaN start
                best = pct
    return best


def newest_keeping_xids(old: object, new: NodeSample | CompactSample):
    """`new`, carrying the XIDs of the `old` sample it replaces in a "newest wins" buffer."""
    if isinstance(old, NodeSample | CompactSample) and old.xids:
        if isinstance(new, CompactSample):
            return new.with_earlier_xids(old.xids)
        return replace(new, xids=old.xids + new.xids)
    return new
