"""N consoles on one fleet, two ways (`make bench`): what the nodes carry as consoles are added.

On one real sshd that answers as K nodes (tests/integration/sshd_testbed.py), running the real
probe with simulated NVML:
  ssh   each console follows the fleet itself (its own SSH collectors: one session and one
        streaming probe per node), as a desktop console without a room does;
  room  one `serve` follows the fleet over SSH, a real Prometheus scrapes it, and every console
        reads Prometheus (`[prometheus]` in its fleet file): none opens a session on a node.
For 1 … N consoles it prints the SSH connections the nodes hold and the node-side CPU (everything
under the test sshd: sessions and probes) over a steady window. A console here is the console's
core without a window (build_services with a plain-thread bridge, as serve and status use): the
window adds no node load of its own.

    .venv/bin/python tests/bench/bench_room_consoles.py [--nodes 10] [--consoles 5] [--seconds 8]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_fanout import tree_cpu  # noqa: E402
from tests.integration.prometheus_testbed import PrometheusTestbed  # noqa: E402
from tests.integration.serve_process import ServeProcess  # noqa: E402
from tests.integration.sshd_testbed import SshdTestbed, wait_until  # noqa: E402
from tests.integration.test_console_over_ssh import fleet_file  # noqa: E402

# a console's core, no window: follows its fleet file until killed
CONSOLE = """
import sys, time
from console.cli import parse_args
from console.fleet_choice import load_inventory_for
from console.room.serve import headless_services
options = parse_args(["--inventory", sys.argv[1], "--ssh-config", sys.argv[2],
                      "--data-dir", sys.argv[3]])
services = headless_services(options, load_inventory_for(options))
services.start()
print("started", flush=True)
while True:
    time.sleep(1)
"""


def connections(tb: SshdTestbed) -> int:
    """TCP connections established to the testbed's sshd (every node address)."""
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{tb.port} )"],
                         capture_output=True, text=True, check=False).stdout
    return sum(1 for line in out.splitlines() if line.strip())


def start_console(fleet: Path, ssh_config: Path, data: Path, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", CONSOLE, str(fleet), str(ssh_config),
                             str(data)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()  # "started"
    return proc


def steady(tb: SshdTestbed, seconds: float, want_connections: int) -> tuple[int, float]:
    """Connections held and node-side CPU % (of one core) over `seconds`, once settled."""
    wait_until(lambda: connections(tb) >= want_connections, 90, interval=0.2,
               message=f"never {want_connections} connections")
    time.sleep(2.0)  # the probes' first seconds (imports, NVML open) are not the steady state
    cpu0, t0 = tree_cpu(tb.pids()), time.monotonic()
    time.sleep(seconds)
    cpu1, t1 = tree_cpu(tb.pids()), time.monotonic()
    return connections(tb), 100.0 * (cpu1 - cpu0) / (t1 - t0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=10)
    p.add_argument("--consoles", type=int, default=5)
    p.add_argument("--seconds", type=float, default=8.0)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-room-"))
    tb = SshdTestbed(tmp, args.nodes).start()
    ssh_config = tmp / "ssh_config"
    ssh_config.write_text(f"Host *\n    UserKnownHostsFile {tmp / 'user_known_hosts'}\n"
                          f"    GlobalKnownHostsFile {tmp / 'global_known_hosts'}\n")
    fleet = fleet_file(tmp, tb, tb.addresses)
    rows: dict[int, list] = {c: [] for c in range(1, args.consoles + 1)}
    try:
        # ssh: every console its own collectors (its own config dir: its own known_hosts)
        procs: list[subprocess.Popen] = []
        for c in range(1, args.consoles + 1):
            home = tmp / f"ssh-console-{c}"
            (home / "config" / "hangang-console").mkdir(parents=True)
            tb.write_known_hosts(home / "config" / "hangang-console" / "known_hosts",
                                 tb.addresses)
            env = {**os.environ, "XDG_CONFIG_HOME": str(home / "config"),
                   "XDG_DATA_HOME": str(home / "data")}
            procs.append(start_console(fleet, ssh_config, home / "data", env))
            rows[c] += steady(tb, args.seconds, c * args.nodes)
        for proc in procs:
            proc.kill()
            proc.wait()
        wait_until(lambda: connections(tb) == 0, 60, interval=0.2, message="sessions left")

        # room: one serve over SSH, Prometheus scraping it, consoles reading Prometheus
        serve = ServeProcess(tmp / "serve", ["--inventory", str(fleet), "--ssh-config",
                                             str(ssh_config)])
        serve.config_dir.mkdir(parents=True)
        tb.write_known_hosts(serve.config_dir / "known_hosts", tb.addresses)
        serve.start()
        prom = PrometheusTestbed(tmp / "prom", interval_s=1.0,
                                 jobs={"hangang": [f"127.0.0.1:{serve.port}"]}).start()
        room_fleet = tmp / "room-fleet.toml"
        room_fleet.write_text(fleet.read_text() + f'\n[prometheus]\nurl = "{prom.url}"\n'
                              "interval = 1.0\n", encoding="utf-8")
        try:
            procs = []
            for c in range(1, args.consoles + 1):
                home = tmp / f"room-console-{c}"
                env = {**os.environ, "XDG_CONFIG_HOME": str(home / "config"),
                       "XDG_DATA_HOME": str(home / "data")}
                procs.append(start_console(room_fleet, ssh_config, home / "data", env))
                rows[c] += steady(tb, args.seconds, args.nodes)
            for proc in procs:
                proc.kill()
                proc.wait()
        finally:
            prom.stop()
            serve.stop()
    finally:
        tb.stop()
    print(f"N consoles on {args.nodes} nodes (real sshd + probe with simulated NVML), "
          f"{args.seconds:g} s steady windows; node CPU = everything under sshd, % of one core")
    print(f"{'consoles':>8}  {'ssh: connections':>16}  {'node CPU %':>10}  "
          f"{'room: connections':>17}  {'node CPU %':>10}")
    for c, (ssh_n, ssh_cpu, room_n, room_cpu) in rows.items():
        print(f"{c:>8}  {ssh_n:>16}  {ssh_cpu:>10.1f}  {room_n:>17}  {room_cpu:>10.1f}")


if __name__ == "__main__":
    main()
