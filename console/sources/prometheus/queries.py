"""The PromQL the source asks, in one place.

One query per per-GPU gauge (`max by (Hostname, hostname, gpu)` drops the dozen labels
dcgm-exporter adds, so the answer is small), one for the newest sample time per node, then the
node_exporter and `serve` series. No joins: sectors and organisations come from the fleet file or
serve's info series, never from PromQL.

A per-GPU query costs the server about 5 µs a series however little it answers (finding the
series, decoding its newest chunk): at 16,000 GPUs ~100 ms of its CPU for each metric, which was
most of a refresh. So values that hold still are asked less often (`due`): the busy figures'
inputs every refresh, memory in use, temperatures and the framebuffer's size in turn (LANES);
between answers the source keeps the last one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from console.room import names

# Per-GPU gauges the snapshot has a column for (FleetSnapshot gpu_* arrays), one query each.
# Utilisation is one query for two metrics (see gpu_util), keyed by DCGM_UTIL.
GPU_METRICS = (
    names.DCGM_UTIL,
    names.DCGM_FB_USED,
    names.DCGM_FB_FREE,
    names.DCGM_TEMP,
    names.DCGM_MEM_TEMP,
    names.DCGM_POWER,
)
# Per-GPU energy: the counter (mJ, float64 all the way: a float32 loses whole joules of it) and
# serve's flag saying it is integrated power. `max by` the GPU keeps one series per GPU: MIG
# instances' rows repeat their GPU's counter.
ENERGY_METRICS = (names.DCGM_ENERGY, names.GPU_ENERGY_ESTIMATED)
# The series every dcgm-exporter capture has, MIG or not (GPU_UTIL is absent under MIG): its
# scrape time is the node's sample time.
CLOCK_METRIC = names.DCGM_TEMP
FB_TOTAL = "fb_total"  # the framebuffer's size: used + free, summed by the server (decode.py)

# How often each per-GPU value is asked. Every refresh: what the room's figures are made of
# (utilisation → busy/used, power) and the energy counter (the books' deltas).
EVERY = (names.DCGM_UTIL, names.DCGM_POWER, names.DCGM_ENERGY)
JOBS = names.HPC_JOB  # which job each GPU runs, where the exporter maps jobs (gpu_jobs)
HEALTH = "health"  # the GPUs whose memory needs attention (gpu_health), for the alert rules
# the per-GPU health series the alert rules read (decode.py turns each into its Fact)
HEALTH_METRICS = (
    names.DCGM_ECC_DBE,
    names.DCGM_ROW_REMAP_PENDING,
    names.DCGM_ROW_REMAP_FAIL,
    names.DCGM_RETIRED_PENDING,
)
# The others, in a fleet of LANES_FROM_GPUS or more, each at most this often (s): memory in
# use moves with jobs (dcgm-exporter itself reads every 30 s by default), temperatures over
# minutes, and what a GPU is rather than what it does (its memory size, whether its counter
# is estimated) hardly ever. A smaller fleet asks everything every refresh: it costs little.
LANES = {
    names.DCGM_FB_USED: 30.0,
    names.DCGM_TEMP: 60.0,
    names.DCGM_MEM_TEMP: 60.0,
    JOBS: 30.0,
    HEALTH: 60.0,  # a pending retirement waits for a reboot: a minute late is on time
    FB_TOTAL: 300.0,
    names.GPU_ENERGY_ESTIMATED: 300.0,
}
LANES_FROM_GPUS = 2000


def due(refresh: int, interval_s: float, last: Mapping[str, int]) -> list[str]:
    """The per-GPU values refresh number `refresh` asks: EVERY; of the others, those never
    answered (`last`: the refresh that last asked each) at once, then the most overdue for
    their period, as few a refresh as their periods allow (one at a 5 s interval), so the
    server's work per refresh stays flat."""
    out = list(EVERY)
    never = [m for m in LANES if m not in last]
    if never:
        return out + never
    interval_s = max(interval_s, 1e-3)
    heavy = {m: p for m, p in LANES.items() if m != JOBS}  # JOBS finds nothing at most sites
    budget = max(1, math.ceil(sum(interval_s / p for p in heavy.values()) - 1e-9))
    late = sorted(((refresh - last[m]) * interval_s / p, m) for m, p in heavy.items())
    out += [m for lateness, m in reversed(late) if lateness >= 1.0][:budget]
    if (refresh - last[JOBS]) * interval_s >= LANES[JOBS]:
        out.append(JOBS)
    return out


# Both spellings of the host label, and where the exporter runs (for `up`).
CELL = (*names.HOSTNAME_LABELS, "gpu")
HOST_GROUP = (*names.HOSTNAME_LABELS, "instance")
FS_IGNORED = "tmpfs|devtmpfs|overlay|squashfs|nsfs|proc|sysfs|ramfs|autofs|fuse.lxcfs"


def _by(labels: tuple[str, ...]) -> str:
    return ", ".join(labels)


def gpu_values(metric: str) -> str:
    """One per-GPU gauge, one series per (host, GPU) with only those labels: a query per metric
    (asked in parallel) answers in a fraction of one `__name__=~` query's time, and small."""
    if metric == names.DCGM_UTIL:
        return gpu_util()
    if metric == FB_TOTAL:
        cell = _by(CELL)
        return f"max by ({cell}) ({names.DCGM_FB_USED}) + max by ({cell}) ({names.DCGM_FB_FREE})"
    return f"max by ({_by(CELL)}) ({metric})"


def gpu_util() -> str:
    """The profiling counter (a ratio: what the engines really did) where exported, else the
    coarse GPU_UTIL (%): chosen by the server, so one query and one series per GPU."""
    cell = _by(CELL)
    return (f"max by ({cell}) ({names.DCGM_PROF_ACTIVE}) * 100 "
            f"or max by ({cell}) ({names.DCGM_UTIL})")


def gpu_jobs() -> str:
    """dcgm-exporter's hpc_job label, per GPU that has one (nothing at most sites: cheap)."""
    return (f"count by ({_by((*CELL, names.HPC_JOB))}) "
            f'({CLOCK_METRIC}{{{names.HPC_JOB}!=""}})')


def gpu_health() -> str:
    """Only the GPUs with a memory fault (uncorrected ECC errors, a pending or failed row
    remap, a page retirement pending): nothing at all on a healthy fleet, so the answer is
    tiny however many GPUs there are."""
    pattern = "|".join(HEALTH_METRICS)
    return f'max by (__name__, {_by(CELL)}) ({{__name__=~"{pattern}"}} > 0)'


def gpu_times() -> str:
    """When each node's GPUs were last scraped (the age that makes a node stale), and by which
    target (so a target that goes down names its node)."""
    # GPU 0 only: timestamp() walks every series it is given, and one GPU per node tells the
    # node's scrape time (a node without a GPU 0 counts as fresh while its series are there)
    return f'max by ({_by(HOST_GROUP)}) (timestamp({CLOCK_METRIC}{{gpu="0"}}))'


def targets() -> str:
    return "up"


def uname() -> str:
    """node_exporter's own name for its machine: maps its `instance` to a node."""
    return "max by (instance, nodename) (node_uname_info)"


def node_cpu(window_s: float) -> str:
    """CPU busy % per node_exporter instance (node_exporter has no gauge for it)."""
    window = f"{max(int(window_s), 10)}s"
    return (
        f'100 * (1 - avg by (instance) (rate({names.NODE_CPU}{{mode="idle"}}[{window}])))'
    )


def node_disk() -> str:
    """The fullest real filesystem per node_exporter instance, % used."""
    match = f'{{fstype!~"{FS_IGNORED}"}}'
    return (
        f"100 * max by (instance) (1 - {names.NODE_FS_AVAIL}{match} / "
        f"{names.NODE_FS_SIZE}{match})"
    )


def serve_status() -> str:
    """serve's view of each node, and which target is a serve (it speaks for many nodes)."""
    return f"max by (node, instance) ({names.NODE_STATUS})"


def serve_node_values() -> str:
    """serve's own per-node series (CPU %, fullest disk %, CPU joules), one query for all."""
    pattern = f"{names.NODE_CPU_PERCENT}|{names.NODE_DISK_PERCENT}|{names.NODE_CPU_ENERGY}"
    return f'max by (__name__, node) ({{__name__=~"{pattern}"}})'


def node_cpu_energy() -> str:
    """node_exporter's RAPL package joules, summed over the node's packages (sockets); the
    core and uncore zones are parts of a package's and are not added again."""
    return f"sum by (instance) ({names.NODE_RAPL_PACKAGE})"


def node_info() -> str:
    return names.NODE_INFO


def sector_entitled() -> str:
    return f"max by (sector) ({names.SECTOR_ENTITLED})"
