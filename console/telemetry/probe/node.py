"""The node's own numbers: CPU, load, memory, disks, network, uptime and CPU package energy.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import os
import socket
import time

from .fields import NODE_FIELDS, error_entry
from .procfs import (
    cpu_percent,
    memory_from_meminfo,
    parse_loadavg,
    parse_meminfo,
    parse_net_dev,
    parse_proc_stat,
    parse_uptime,
    rate,
    read_text,
)
from .rapl import POWERCAP, RaplReader

LOAD_FIELDS = ("load1", "load5", "load15")
MEMORY_FIELDS = ("mem_used_bytes", "mem_total_bytes", "swap_used_bytes", "swap_total_bytes")
CPU_TIMES = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")  # no guest


class NodeReader:
    """Host-level numbers, from psutil when importable, else from /proc.

    proc, powercap and clock exist so tests can feed captured /proc files, a RAPL tree, and
    step time.
    """

    def __init__(
        self,
        mounts=("/",),
        use_psutil=True,
        proc="/proc",
        clock=time.monotonic,
        powercap=POWERCAP,
    ):
        self.mounts = tuple(mounts)
        self.psutil = _import_psutil() if use_psutil else None
        self.proc = proc
        self.clock = clock
        self.hostname = socket.gethostname()
        self.kernel = os.uname().release
        self.previous = None  # (monotonic time, cpu (busy, total), net (rx, tx))
        self.rapl = RaplReader(powercap)

    def prime(self):
        self.previous = (self.clock(), *self._counters())

    def sample(self):
        node = dict.fromkeys(NODE_FIELDS)
        node["hostname"], node["kernel"] = self.hostname, self.kernel
        errors = []
        now = self.clock()
        cpu, net = self._counters()
        if self.previous is not None:
            seconds = now - self.previous[0]
            node["cpu_pct"] = cpu_percent(self.previous[1], cpu)
            if net is not None and self.previous[2] is not None:
                node["net_rx_bps"] = rate(self.previous[2][0], net[0], seconds)
                node["net_tx_bps"] = rate(self.previous[2][1], net[1], seconds)
        self.previous = (now, cpu, net)
        readers = (
            (LOAD_FIELDS, self._load),
            (MEMORY_FIELDS, self._memory),
            (("uptime_s",), self._uptime),
        )
        for fields, reader in readers:
            try:
                values = reader()
            except (OSError, ValueError, IndexError) as exc:
                errors.append(error_entry(None, fields[0], f"{type(exc).__name__}: {exc}"))
                continue
            for i, field in enumerate(fields):
                node[field] = values[i]
        node["disks"] = [self._disk(mount, errors) for mount in self.mounts]
        joules, rapl_errors = self.rapl.read()
        node["cpu_energy_j"] = None if joules is None else round(joules, 6)
        errors.extend(rapl_errors)
        return node, errors

    def _counters(self):
        """(cpu (busy, total), net (rx, tx)) for rate computation; either may be None."""
        cpu = net = None
        try:
            if self.psutil is not None:
                times = self.psutil.cpu_times()
                total = sum(getattr(times, name, 0.0) for name in CPU_TIMES)
                idle = times.idle + getattr(times, "iowait", 0.0)
                cpu = (total - idle, total)
                nics = self.psutil.net_io_counters(pernic=True)
                net = (
                    sum(c.bytes_recv for name, c in nics.items() if name != "lo"),
                    sum(c.bytes_sent for name, c in nics.items() if name != "lo"),
                )
            else:
                cpu = parse_proc_stat(self._proc("stat"))
                net = parse_net_dev(self._proc("net/dev"))
        except (OSError, ValueError, IndexError):
            pass
        return cpu, net

    def _proc(self, name):
        return read_text(os.path.join(self.proc, name))

    def _load(self):
        if self.psutil is not None or not os.path.exists(os.path.join(self.proc, "loadavg")):
            return tuple(round(v, 2) for v in os.getloadavg())
        return parse_loadavg(self._proc("loadavg"))

    def _memory(self):
        if self.psutil is not None:
            vm, swap = self.psutil.virtual_memory(), self.psutil.swap_memory()
            return vm.total - vm.available, vm.total, swap.used, swap.total
        return memory_from_meminfo(parse_meminfo(self._proc("meminfo")))

    def _uptime(self):
        if self.psutil is not None:
            return (round(time.time() - self.psutil.boot_time(), 1),)
        return (parse_uptime(self._proc("uptime")),)

    def _disk(self, mount, errors):
        disk = {"mount": mount, "used_bytes": None, "total_bytes": None}
        try:
            st = os.statvfs(mount)
        except OSError as exc:
            errors.append(error_entry(None, "disks", f"{mount}: {type(exc).__name__}: {exc}"))
            return disk
        disk["total_bytes"] = st.f_blocks * st.f_frsize
        disk["used_bytes"] = (st.f_blocks - st.f_bfree) * st.f_frsize  # as df counts it
        return disk


def _import_psutil():
    try:
        import psutil
    except ImportError:
        return None
    return psutil
