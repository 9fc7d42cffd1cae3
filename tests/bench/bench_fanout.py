"""Fan-out benchmark: what one node-sample costs the console and the node, three ways.

On one real sshd that answers as N nodes (tests/integration/sshd_testbed.py), in one run:
  (a) connect   a new SSH connection per poll (connect, auth, exec the probe --once, close);
  (b) exec      a persistent connection, and an exec of the probe per poll (gpustat-web's way);
  (c) stream    our way: one persistent connection and one streaming probe per node, run by
                collector processes (console/telemetry/workers.py), as the app does: paramiko;
  (d) openssh   the same with `[ssh] transport = "openssh"`: an `ssh` process per node
                (console/telemetry/openssh_collector.py).
Client CPU is the client process's own plus its collector processes' (and, for (d), their ssh
children's: the scheduler's run time from /proc/PID/schedstat of every descendant found
(psutil children(recursive=True)) just before the window, read at both ends; ssh lives through
the window, so none is lost to reaping); node CPU is everything under the test sshd (sessions
and probes). Each is divided by the node-samples received. (c) and (d) are measured in a
steady window after every node has reported, and again including their start.

The node side runs on CPU 1 and the console side on CPU 0 (where the machine has two), so one
side cannot starve the other as it could not across a network.
Then the GUI: the event loop's stall p99 (lateness of a 10 ms timer) in a process that runs the
real window while collector processes connect 1,000 nodes.

    .venv/bin/python tests/bench/bench_fanout.py [--nodes 100,300,1000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds of live processes plus the children they have reaped (no double counting)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def live_cpu(pids: list[int]) -> float:
    """CPU seconds so far of live processes, every thread of each, from
    /proc/PID/task/TID/schedstat (the scheduler's own nanoseconds). /proc/PID/stat rounds each
    process to 10 ms ticks: too coarse for a hundred ssh processes that each run ~1 ms in a
    window. (A thread that ends inside the window takes its time with it: steady state only.)"""
    total = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return total / 1e9


def specs_for(tb, addresses, interval):
    from console.fleet.model import Sector
    from console.inventory.model import NodeSpec

    return [
        NodeSpec(
            f"n{i:04d}",
            Sector.PUBLIC,
            None,
            8,
            address=a,
            port=tb.port,
            user="root",
            identity_file=str(tb.client_key_path),
            python=tb.python,
            interval=interval,
        )
        for i, a in enumerate(addresses)
    ]


def spec_dicts(tb, addresses, interval) -> list[dict]:
    """NodeSpecs as JSON-able dicts, for a client subprocess to rebuild."""
    fields = ("name", "gpu_count", "address", "port", "user", "identity_file", "python", "interval")
    return [
        {k: getattr(s, k) for k in fields} | {"sector": "public", "organisation": None}
        for s in specs_for(tb, addresses, interval)
    ]


# -- the client side, run as a subprocess so its CPU is its own ---------------------------------


def client_poll(mode: str, config: dict) -> None:
    """Modes (a) and (b): `rounds` polls of every node, 16 at a time."""
    import paramiko

    from console.telemetry.bundle import probe_payload
    from console.telemetry.hostkeys import HostKeyStore
    from console.telemetry.protocol import parse_line
    from console.telemetry.ssh import Authenticator, Timeouts, open_transport

    payload = probe_payload()
    keys = HostKeyStore(Path(config["known_hosts"]))
    auth = Authenticator()
    t = Timeouts(connect=20, banner=30, handshake=30, auth=30, channel=30)
    nodes = config["nodes"]
    command = f"{config['python']} -u - --once"

    def connect(address: str) -> paramiko.Transport:
        return open_transport(address, config["port"], "root", config["key"], keys, auth, t)

    def once(transport: paramiko.Transport, name: str) -> None:
        channel = transport.open_session(timeout=30)
        channel.exec_command(command)
        channel.sendall(payload)
        channel.shutdown_write()
        data = b""
        while not data.endswith(b"\n"):
            chunk = channel.recv(1 << 16)
            if not chunk:
                break
            data += chunk
        channel.close()
        parse_line(data.strip(), name)

    persistent: dict[str, paramiko.Transport] = {}
    if mode == "exec":
        with ThreadPoolExecutor(16) as pool:
            for address, transport in zip(nodes, pool.map(connect, nodes), strict=True):
                persistent[address] = transport
    print("WINDOW_START", flush=True)
    start = cpu_self()
    samples = 0

    def poll(address: str) -> None:
        if mode == "exec":
            once(persistent[address], address)
        else:
            transport = connect(address)
            try:
                once(transport, address)
            finally:
                transport.close()

    with ThreadPoolExecutor(16) as pool:
        for _ in range(config["rounds"]):
            list(pool.map(poll, nodes))
            samples += len(nodes)
    used = cpu_self() - start
    print("WINDOW_END", flush=True)
    print(json.dumps({"samples": samples, "client_cpu": used}), flush=True)
    for transport in persistent.values():
        transport.close()


def client_stream(config: dict) -> None:
    """Mode (c): the app's SshSource (collector processes), steady window after all reported."""
    import psutil

    from console.fleet.model import Sector
    from console.inventory.model import NodeSpec
    from console.telemetry.workers import SshSource

    specs = [NodeSpec(**{**s, "sector": Sector(s["sector"])}) for s in config["specs"]]
    seen: set[str] = set()
    counts = {"samples": 0}
    from console.fleet.model import NodeSample

    def sink(item) -> None:
        if isinstance(item, NodeSample):
            seen.add(item.host)
            counts["samples"] += 1

    me = psutil.Process()

    def cpu_main() -> float:
        t = me.cpu_times()
        return t.user + t.system

    kids: list[int] = []  # the collector processes and their ssh, found once per window

    def cpu_all() -> float:
        # Reading each known pid's /proc/PID/stat costs little; psutil's children(recursive)
        # reads every process's stat (tens of ms on a busy box), which would land in the window.
        return cpu_self() + live_cpu(kids)

    source = SshSource(specs, Path(config["known_hosts"]),
                       transport=config.get("transport", "paramiko"))
    t0, cpu0 = time.monotonic(), cpu_all()

    def packed_sink(packed) -> None:
        seen.update(packed.hosts)
        counts["samples"] += len(packed.hosts)

    source.start(sink, packed_sink)
    deadline = time.monotonic() + 600
    while len(seen) < len(specs) and time.monotonic() < deadline:
        time.sleep(0.2)  # a benchmark's poll of a counter; no test waits on this
    kids[:] = [c.pid for c in me.children(recursive=True)]
    print("WINDOW_START", flush=True)
    ready_s, samples0, cpu1 = time.monotonic() - t0, counts["samples"], cpu_all()
    main1 = cpu_main()
    time.sleep(config["seconds"])
    samples1, cpu2 = counts["samples"], cpu_all()
    main2 = cpu_main()
    print("WINDOW_END", flush=True)
    ssh = [c for c in me.children(recursive=True) if c.name() == "ssh"]
    rss = uss = 0
    for child in ssh:  # what each node's ssh costs in memory (USS: its own pages only)
        try:
            info = child.memory_full_info()
            rss, uss = rss + info.rss, uss + info.uss
        except psutil.NoSuchProcess:
            pass
    print(
        json.dumps(
            {
                "samples": samples1 - samples0,
                "client_cpu": cpu2 - cpu1,
                "samples_all": samples1,
                "client_cpu_all": cpu2 - cpu0,
                "ready_s": ready_s,
                "reported": len(seen),
                "main_cpu": main2 - main1,
                "ssh_processes": len(ssh),
                "ssh_rss": rss,
                "ssh_uss": uss,
            }
        ),
        flush=True,
    )
    source.stop()


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


# -- the harness ---------------------------------------------------------------------------------


def run_client(tb, mode: str, config: dict) -> dict:
    # the config goes through a file: a thousand nodes' specs overflow one argv string
    config_file = Path(tempfile.mkstemp(suffix=".json")[1])
    config_file.write_text(json.dumps(config))
    proc = subprocess.Popen(
        [sys.executable, __file__, "--client", mode, str(config_file)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    node = {}
    result = {}
    for line in proc.stdout:
        line = line.strip()
        if line in ("WINDOW_START", "WINDOW_END"):
            # the reaper adopts orphaned sessions' children: their CPU lands in its cutime
            node[line] = tree_cpu([tb._reaper.pid, *tb.pids()])
        elif line.startswith("{"):
            result = json.loads(line)
    proc.wait(timeout=120)
    result["node_cpu"] = node["WINDOW_END"] - node["WINDOW_START"]
    return result


def bench_n(tb, n: int, seconds: float, tmp: Path) -> list[str]:
    addresses = tb.node_addresses(n)
    known = tb.write_known_hosts(tmp / f"known-{n}", addresses)
    base = {
        "known_hosts": str(known),
        "port": tb.port,
        "key": str(tb.client_key_path),
        "python": tb.python,
        "nodes": addresses,
    }
    rounds = 3 if n <= 100 else 1
    rows = {}
    for mode in ("connect", "exec"):
        rows[mode] = run_client(tb, mode, {**base, "rounds": rounds})
    # One 2-core machine plays all N nodes *and* the console: at 1,000 nodes a 2 s interval
    # saturates it (the probes alone want a core), first lines miss the watchdog and nodes
    # flap. A real node has its own CPU; here the interval grows so the box keeps up.
    interval = 1.0 if n <= 300 else 5.0
    specs = spec_dicts(tb, addresses, interval)
    rows["stream"] = run_client(tb, "stream", {**base, "specs": specs, "seconds": seconds})
    rows["openssh"] = run_client(
        tb, "stream", {**base, "specs": specs, "seconds": seconds, "transport": "openssh"}
    )
    per = {
        m: (r["client_cpu"] / r["samples"] * 1e3, r["node_cpu"] / r["samples"] * 1e3)
        for m, r in rows.items()
    }
    s = rows["stream"]
    lines = [
        f"N = {n} (stream interval {interval:g} s; {s['reported']} nodes reported, "
        f"all within {s['ready_s']:.1f} s)"
    ]
    for mode, (client, node) in per.items():
        lines.append(
            f"  ({'abcd'[list(per).index(mode)]}) {mode:8s} client {client:8.3f} ms/sample"
            f"   node {node:8.3f} ms/sample   ({rows[mode]['samples']} samples)"
        )
    sc, sn = per["stream"]
    lines.append(
        f"  stream vs exec:    client {per['exec'][0] / sc:6.1f}x less, "
        f"node {per['exec'][1] / sn:6.1f}x less"
    )
    lines.append(
        f"  stream vs connect: client {per['connect'][0] / sc:6.1f}x less, "
        f"node {per['connect'][1] / sn:6.1f}x less"
    )
    oc, on = per["openssh"]
    o = rows["openssh"]
    lines.append(
        f"  openssh vs exec:   client {per['exec'][0] / oc:6.1f}x less, "
        f"node {per['exec'][1] / on:6.1f}x less; vs stream (paramiko): client "
        f"{sc / oc:.1f}x less"
    )
    lines.append(
        f"  openssh memory: {o['ssh_processes']} ssh processes, RSS "
        f"{o['ssh_rss'] / max(1, o['ssh_processes']) / 2**20:.1f} MiB each "
        f"(USS {o['ssh_uss'] / max(1, o['ssh_processes']) / 2**20:.2f} MiB of its own); "
        f"2,000 nodes: {o['ssh_uss'] / max(1, o['ssh_processes']) * 2000 / 2**30:.2f} GiB USS"
    )
    lines.append(
        f"  openssh client split: console process {o['main_cpu'] / o['samples'] * 1e3:.3f}, "
        f"collectors + ssh {(o['client_cpu'] - o['main_cpu']) / o['samples'] * 1e3:.3f} ms/sample"
    )
    lines.append(
        f"  stream client split: console process {s['main_cpu'] / s['samples'] * 1e3:.3f}, "
        f"collector processes {(s['client_cpu'] - s['main_cpu']) / s['samples'] * 1e3:.3f} "
        "ms/sample"
    )
    all_client = s["client_cpu_all"] / s["samples_all"] * 1e3
    lines.append(
        f"  stream including its start: client {all_client:.3f} ms/sample "
        f"over {s['samples_all']} samples; openssh "
        f"{o['client_cpu_all'] / o['samples_all'] * 1e3:.3f} over {o['samples_all']}"
    )
    return lines


GUI_SCRIPT = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from PySide6.QtCore import QTimer
from console.services import Services
from console.bridge import Bridge
from console.fleet.state import FleetState
from console.inventory.model import Inventory, NodeSpec
from console.fleet.metrics import default_registry
from console.fleet.model import NodeStatus, Sector
from console.fleet.poller import Poller
from console.telemetry.workers import SshSource
from widgets.window.frontend import WindowFrontend
from console.cli import parse_args

cfg = json.loads(Path(sys.argv[2]).read_text())
specs = tuple(NodeSpec(**{**s, "sector": Sector(s["sector"])}) for s in cfg["specs"])
inv = Inventory(specs, {Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25})
front = WindowFrontend(); front.create_application([])
fleet = FleetState(inv, default_registry(), stale_after_s=10)
bridge = Bridge(fleet)
source = SshSource(specs, Path(cfg["known_hosts"]), niceness=cfg["niceness"])
poller = Poller([source], on_batch=bridge.submit)
services = Services(inv, default_registry(), fleet, poller, bridge, (source,))
opts = parse_args(["--lang", "en"])
front.open(services, opts, started_at=time.time())
late = []
t0 = time.monotonic()
last = [time.monotonic()]
worst = []
def tick():
    now = time.monotonic(); late.append(now - last[0] - 0.010)
    if late[-1] > 1.0: worst.append((round(last[0] - t0, 1), round(late[-1], 1)))
    last[0] = now
timer = QTimer(); timer.setInterval(10); timer.timeout.connect(tick); timer.start()
done = {}
def check(snap):
    live = int((snap.node_status == NodeStatus.LIVE).sum())
    if live == len(specs) and "all" not in done:
        done["all"] = time.monotonic() - t0
        QTimer.singleShot(3000, front.app.quit)
bridge.snapshot_ready.connect(check)
QTimer.singleShot(int(cfg["limit_s"] * 1000), front.app.quit)
services.start(); front.app.exec(); services.stop()
late.sort()
p = lambda q: late[min(len(late) - 1, int(q * len(late)))] * 1e3
print(json.dumps({"p50": p(0.5), "p99": p(0.99), "max": late[-1] * 1e3,
                  "all_live_s": done.get("all"), "ticks": len(late), "worst": worst[:10]}))
"""


def bench_gui(tb, n: int, tmp: Path, niceness: int | None = None) -> str:
    """The stall while n nodes connect; `niceness` of the collector processes (None: the app's
    COLLECTOR_NICENESS; 0: the baseline, collectors at the window's own priority)."""
    from console.telemetry.workers import COLLECTOR_NICENESS

    niceness = COLLECTOR_NICENESS if niceness is None else niceness
    addresses = tb.node_addresses(n)
    known = tb.write_known_hosts(tmp / "known-gui", addresses)
    specs = spec_dicts(tb, addresses, 5.0)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CACHE_HOME=str(tmp / "cache"))
    config_file = tmp / "gui.json"
    config_file.write_text(json.dumps({"specs": specs, "known_hosts": str(known), "limit_s": 300,
                                       "niceness": niceness}))
    out = subprocess.run(
        [sys.executable, "-c", GUI_SCRIPT, str(ROOT), str(config_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=400,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return (
        f"GUI event loop while {n} nodes connect (collectors at nice {niceness}): "
        f"stall p50 {r['p50']:.1f} ms, "
        f"p99 {r['p99']:.1f} ms, max {r['max']:.0f} ms; all live after {r['all_live_s']} s; "
        f"stalls over 1 s (at s, for s): {r['worst']}"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        mode, config = sys.argv[2], json.loads(Path(sys.argv[3]).read_text())
        client_stream(config) if mode == "stream" else client_poll(mode, config)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", default="100,300,1000")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--gui-nodes", type=int, default=1000, help="0: no GUI run")
    args = parser.parse_args()
    from tests.integration.sshd_testbed import SshdTestbed

    tmp = Path(tempfile.mkdtemp(prefix="hangang-fanout-"))
    sizes = [int(x) for x in args.nodes.split(",") if x]
    tb = SshdTestbed(tmp, 0).start()
    # The nodes share this machine with the console. Real nodes have their own CPUs, so the
    # node side (sshd, sessions, probes) gets CPU 1 and the console side CPU 0; children inherit
    # affinity. (Nice alone is not enough: a thousand nice-19 probes starting at once outweigh
    # one nice-0 GUI process in the scheduler, and the window would starve for seconds.)
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) >= 2:
        for pid in (tb._reaper.pid, *tb.pids()):
            with contextlib.suppress(ProcessLookupError):  # gone already: nothing to pin
                os.sched_setaffinity(pid, set(cpus[1:]))
        os.sched_setaffinity(0, {cpus[0]})
    try:
        for n in sizes:
            print("\n".join(bench_n(tb, n, args.seconds, tmp)), flush=True)
        if args.gui_nodes:
            # the baseline first (collectors at the window's priority), then as the app runs
            print(bench_gui(tb, args.gui_nodes, tmp, niceness=0), flush=True)
            print(bench_gui(tb, args.gui_nodes, tmp), flush=True)
    finally:
        tb.stop()


if __name__ == "__main__":
    main()
