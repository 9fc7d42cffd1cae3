"""/proc readers: pure functions over the file text, so real captures can test them.

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import os

from .jobs import read_job

COMMAND_CHARS = 200


def parse_proc_stat(text):
    """(busy, total) jiffies of all CPUs from /proc/stat; None if the "cpu" line is missing."""
    for line in text.splitlines():
        if line.startswith("cpu "):
            values = [int(v) for v in line.split()[1:9]]  # guest time is already in user
            total = sum(values)
            idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
            return total - idle, total
    return None


def cpu_percent(previous, current):
    """CPU busy % between two parse_proc_stat readings."""
    if previous is None or current is None:
        return None
    busy = max(0, current[0] - previous[0])
    # iowait (part of idle) may go backwards (proc(5)): never let it make idle time negative
    idle = max(0, (current[1] - current[0]) - (previous[1] - previous[0]))
    if busy + idle <= 0:
        return None
    return round(100.0 * busy / (busy + idle), 1)


def parse_meminfo(text):
    """/proc/meminfo as {name: bytes}."""
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            scale = 1024 if len(parts) > 1 and parts[1] == "kB" else 1
            values[name.strip()] = int(parts[0]) * scale
    return values


def memory_from_meminfo(info):
    """(mem_used, mem_total, swap_used, swap_total) bytes; used = total - available."""
    total = info.get("MemTotal")
    available = info.get("MemAvailable")
    if available is None and "MemFree" in info:  # kernels before 3.14 lack MemAvailable
        available = info["MemFree"] + info.get("Buffers", 0) + info.get("Cached", 0)
    used = total - available if total is not None and available is not None else None
    swap_total = info.get("SwapTotal")
    swap_free = info.get("SwapFree")
    swap_used = swap_total - swap_free if swap_total is not None and swap_free is not None else None
    return used, total, swap_used, swap_total


def parse_loadavg(text):
    parts = text.split()
    return float(parts[0]), float(parts[1]), float(parts[2])


def parse_net_dev(text, skip=("lo",)):
    """(rx_bytes, tx_bytes) summed over interfaces from /proc/net/dev, leaving out loopback."""
    rx = tx = 0
    for line in text.splitlines()[2:]:
        # names may hold colons ("ibr10:30") and numbers may touch the colon ("eth0:6821...")
        name, sep, numbers = line.rpartition(":")
        fields = numbers.split()
        if not sep or len(fields) < 9 or name.strip() in skip:
            continue
        rx += int(fields[0])
        tx += int(fields[8])
    return rx, tx


def parse_uptime(text):
    return float(text.split()[0])


def parse_status_uid(text):
    """Real uid from /proc/<pid>/status."""
    for line in text.splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    return None


def parse_cmdline(raw):
    """/proc/<pid>/cmdline (NUL-separated bytes) as one line of at most COMMAND_CHARS."""
    text = raw.rstrip(b"\0").replace(b"\0", b" ").decode("utf-8", "replace")
    return text[:COMMAND_CHARS] or None


def rate(previous, current, seconds):
    """Per-second rate of a counter; None across a reset or without a time step."""
    if previous is None or current is None or seconds <= 0 or current < previous:
        return None
    return round((current - previous) / seconds, 1)


def read_text(path):
    # interface names may be any bytes (an emoji is a valid name); never fail on them
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


class ProcessNames:
    """User, command line and Slurm job of GPU processes from /proc, cached while the pid stays.

    `proc` is the /proc root (tests lay out real files under a tmp dir)."""

    def __init__(self, proc="/proc"):
        self.proc = proc
        self.cache = {}
        self.seen = set()
        self.users = {}

    def describe(self, pid, proc):
        self.seen.add(pid)
        if pid not in self.cache:
            self.cache[pid] = self._read(pid, proc)
        return self.cache[pid]

    def forget_others(self):
        """Drop pids not seen this sample, so a reused pid is read afresh."""
        self.cache = {pid: v for pid, v in self.cache.items() if pid in self.seen}
        self.seen = set()

    def _read(self, pid, proc):
        """(user, command, job)."""
        base = os.path.join(self.proc, str(pid))
        try:
            uid = parse_status_uid(read_text(os.path.join(base, "status")))
            with open(os.path.join(base, "cmdline"), "rb") as cmdline:
                command = parse_cmdline(cmdline.read())
        except OSError:
            # another pid namespace (containers) or gone: keep what the library knows, if anything
            known = getattr(proc, "user", None), getattr(proc, "command", None)
            return (*known, getattr(proc, "job", None))
        return self._user(uid), command, read_job(pid, self.proc)

    def _user(self, uid):
        if uid is None:
            return None
        if uid not in self.users:
            try:
                import pwd

                self.users[uid] = pwd.getpwuid(uid).pw_name
            except (ImportError, KeyError):
                self.users[uid] = str(uid)
        return self.users[uid]
