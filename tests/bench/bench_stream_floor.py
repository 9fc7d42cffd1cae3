"""Where a streamed node-sample's client CPU goes: SSH transport against decode and pack.

One SshCollector in this process (as a collector process runs it: compact v2 samples, the
newest per node packed and pickled every 0.25 s) follows N streaming nodes on the real test sshd
(tests/integration/sshd_testbed.py). CPU of this process is divided by the lines received in a
steady window, once as the app decodes and once with a decoder that does nothing, which leaves
what paramiko costs per line (reader thread, decryption, channel buffers, the collector loop).
With --transport openssh (or both) the collector is OpensshCollector: an `ssh` process per node,
whose CPU is counted too (run time from /proc/PID/schedstat of the ssh processes found just
before the window, at both ends of it; they live through it). The node side runs on the other
CPU where there are two, as in bench_fanout.py.

    .venv/bin/python -m tests.bench.bench_stream_floor [--nodes 100] [--seconds 20] [--profile]
        [--transport paramiko|openssh|both]

--profile writes a cProfile of every thread of the decoding run to /tmp/stream-floor.pstats.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.bench.bench_fanout import specs_for

FLUSH_S = 0.25


def ssh_children() -> list[int]:
    """This process's `ssh` children (the testbed's sshd and probes are its children too, and
    are the node side: left out). Found once per window: a scan of /proc is itself costly."""
    import psutil

    return [c.pid for c in psutil.Process().children(recursive=True) if c.name() == "ssh"]


def cpu_with(pids: list[int]) -> float:
    """CPU seconds of this process and of these live children."""
    from tests.bench.bench_fanout import live_cpu

    own = os.times()
    return own.user + own.system + live_cpu(pids)


def measure(
    tb, n: int, seconds: float, decode: bool, profile: bool, tmp: Path, transport: str = "paramiko"
) -> float:
    """CPU seconds of this process (and its ssh children) per line over a steady window."""
    from console.fleet.compact import CompactSample
    from console.fleet.health import newest_keeping_xids
    from console.fleet.packing import pack
    from console.telemetry.bundle import probe_payload
    from console.telemetry.collector import SshCollector
    from console.telemetry.hostkeys import HostKeyStore
    from console.telemetry.openssh_collector import OpensshCollector
    from console.telemetry.protocol_v2 import StreamDecoder

    addresses = tb.node_addresses(n)
    known = tb.write_known_hosts(tmp / f"known-{decode}", addresses)
    lock, samples = threading.Lock(), {}

    def sink(item) -> None:
        if isinstance(item, CompactSample):
            with lock:
                samples[item.host] = newest_keeping_xids(samples.get(item.host), item)

    def flush() -> None:
        with lock:
            fresh = list(samples.values())
            samples.clear()
        if fresh:
            pickle.dumps(pack(fresh))

    profiles: list[cProfile.Profile] = []
    on = threading.Event()

    def hook(frame, event, arg):  # starts a profiler in each thread once the window opens
        if on.is_set():
            p = cProfile.Profile(time.thread_time)
            profiles.append(p)
            p.enable()

    original = StreamDecoder.decode
    if not decode:
        StreamDecoder.decode = lambda self, line: None
    if profile:
        threading.setprofile(hook)
        sys.setprofile(hook)
    kind = OpensshCollector if transport == "openssh" else SshCollector
    collector = kind(
        specs_for(tb, addresses, 1.0), sink, HostKeyStore(known), probe_payload(), compact=True
    )
    try:
        collector.start()
        deadline = time.monotonic() + 300
        while sum(1 for link in collector.links.values() if link.lines > 1) < n:
            if time.monotonic() > deadline:
                raise RuntimeError("not every node streamed within 300 s")
            time.sleep(FLUSH_S)  # a benchmark's pacing, as the collector process flushes
            flush()
        ssh = ssh_children()
        lines0, cpu0 = sum(lk.lines for lk in collector.links.values()), cpu_with(ssh)
        on.set()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            time.sleep(FLUSH_S)
            flush()
        lines1, cpu1 = sum(lk.lines for lk in collector.links.values()), cpu_with(ssh)
        for p in profiles:
            p.disable()
    finally:
        threading.setprofile(None)
        sys.setprofile(None)
        StreamDecoder.decode = original
        collector.stop()
    if profiles:
        stats = pstats.Stats(profiles[0])
        for p in profiles[1:]:
            stats.add(p)
        stats.dump_stats("/tmp/stream-floor.pstats")
    return (cpu1 - cpu0) / max(1, lines1 - lines0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--transport", choices=("paramiko", "openssh", "both"), default="both")
    args = parser.parse_args()
    from tests.integration.sshd_testbed import SshdTestbed

    tmp = Path(tempfile.mkdtemp(prefix="hangang-floor-"))
    tb = SshdTestbed(tmp, 0).start()
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) >= 2:
        for pid in (tb._reaper.pid, *tb.pids()):
            os.sched_setaffinity(pid, set(cpus[1:]))
        os.sched_setaffinity(0, {cpus[0]})
    kinds = ("paramiko", "openssh") if args.transport == "both" else (args.transport,)
    floors = {}
    try:
        for kind in kinds:
            full = measure(tb, args.nodes, args.seconds, True, args.profile, tmp, kind)
            floor = floors[kind] = measure(tb, args.nodes, args.seconds, False, False, tmp, kind)
            print(
                f"{kind}: streamed line, {args.nodes} nodes at 1 s: collector {full * 1e3:.3f} "
                f"ms/line, of which SSH transport (decoder doing nothing) {floor * 1e3:.3f} ms "
                f"and decode + pack {(full - floor) * 1e3:.3f} ms", flush=True
            )
    finally:
        tb.stop()
    if len(floors) == 2:
        print(f"transport floor: openssh {floors['paramiko'] / floors['openssh']:.1f}x less "
              "than paramiko per line")


if __name__ == "__main__":
    main()
