"""/proc readers on real captures, and the node reader from /proc and from psutil."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from console.telemetry.probe import procfs
from console.telemetry.probe.node import NodeReader
from tests.paths import FIXTURES
from tests.peers import require_module, require_peer
from tests.probe_process import wait_for

PROC_FIXTURES = FIXTURES / "node-exporter-proc"


def proc_fixture(name):
    path = PROC_FIXTURES / f"node_exporter__proc_{name}"
    if not path.exists():
        require_peer("fixtures", f"not present: {PROC_FIXTURES} (see ../shared/fixtures)")
    return path.read_text(encoding="utf-8")


def test_proc_stat_fixture():
    # cpu  301854 612 111922 8979004 3552 2 3944 0 44 36: guest time is inside user already
    assert procfs.parse_proc_stat(proc_fixture("stat")) == (418334, 9400890)


def test_meminfo_fixture_without_memavailable():
    info = procfs.parse_meminfo(proc_fixture("meminfo"))
    assert info["MemTotal"] == 3742148 * 1024 and "MemAvailable" not in info
    used, total, swap_used, swap_total = procfs.memory_from_meminfo(info)
    assert total == 3742148 * 1024
    assert used == (3742148 - 225472 - 22040 - 930888) * 1024  # free + buffers + cached
    assert (swap_used, swap_total) == ((4194300 - 3155360) * 1024, 4194300 * 1024)


def test_meminfo_prefers_memavailable():
    info = procfs.parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\n")
    assert procfs.memory_from_meminfo(info)[:2] == (400 * 1024, 1000 * 1024)


def test_loadavg_fixture():
    assert procfs.parse_loadavg(proc_fixture("loadavg")) == (0.21, 0.37, 0.39)


def test_net_dev_fixture_odd_names_and_no_loopback():
    # "ibr10:30:" holds a colon, "eth0:68210035552" touches it, "💩0" is a valid name
    rx, tx = procfs.parse_net_dev(proc_fixture("net_dev"))
    assert (rx, tx) == (96913891096, 36017099932)
    assert procfs.parse_net_dev(proc_fixture("net_dev"), skip=()) == (
        rx + 435303245,
        tx + 435303245,
    )


def test_rates_and_percentages():
    assert procfs.cpu_percent((100, 1000), (150, 1100)) == 50.0
    assert procfs.cpu_percent(None, (1, 2)) is None
    assert procfs.cpu_percent((100, 1000), (100, 1000)) is None
    assert procfs.cpu_percent((100, 1000), (150, 1020)) == 100.0  # iowait went backwards
    assert procfs.rate(1000, 3000, 2.0) == 1000.0
    assert procfs.rate(3000, 1000, 2.0) is None  # counter reset


def test_process_readers_on_this_process():
    assert procfs.parse_status_uid(Path("/proc/self/status").read_text()) == os.getuid()
    assert procfs.parse_cmdline(b"python\0train.py\0--lr\0") == "python train.py --lr"
    assert len(procfs.parse_cmdline(b"x" * 500)) == procfs.COMMAND_CHARS
    assert procfs.parse_cmdline(b"") is None
    names = procfs.ProcessNames()
    user, command, _job = names.describe(os.getpid(), object())
    assert command and Path(sys.executable).name in command and user


def test_node_reader_on_captured_proc_files_with_a_stepped_clock(tmp_path):
    proc = tmp_path / "proc"
    (proc / "net").mkdir(parents=True)
    for name in ("stat", "meminfo", "loadavg"):
        (proc / name).write_text(proc_fixture(name), encoding="utf-8")
    (proc / "net" / "dev").write_text(proc_fixture("net_dev"), encoding="utf-8")
    (proc / "uptime").write_text("1571.58 2815.29\n")
    now = [100.0]
    reader = NodeReader(use_psutil=False, proc=str(proc), clock=lambda: now[0])
    reader.prime()
    # two seconds later: 300 of 400 more jiffies busy, eth0 received 1000 and sent 500 bytes
    stat = proc_fixture("stat").replace("cpu  301854 612", "cpu  302154 712", 1)
    (proc / "stat").write_text(stat, encoding="utf-8")
    net = proc_fixture("net_dev").replace("eth0:68210035552", "eth0:68210036552", 1)
    (proc / "net" / "dev").write_text(net.replace(" 9315587528 ", " 9315588028 ", 1), "utf-8")
    now[0] = 102.0
    node, errors = reader.sample()
    assert errors == []
    assert (node["cpu_pct"], node["net_rx_bps"], node["net_tx_bps"]) == (100.0, 500.0, 250.0)
    assert (node["load1"], node["load5"], node["load15"]) == (0.21, 0.37, 0.39)
    assert node["mem_total_bytes"] == 3742148 * 1024 and node["uptime_s"] == 1571.58


def test_node_reader_on_this_machine_from_proc_and_psutil_agree(tmp_path):
    psutil = require_module("psutil", "psutil is a runtime dependency (pip install -e .)")
    absent = str(tmp_path / "absent")
    from_proc = NodeReader(mounts=("/", absent), use_psutil=False)
    node, errors = from_proc.sample()
    assert node["mem_total_bytes"] == psutil.virtual_memory().total
    assert node["uptime_s"] > 0 and node["load1"] >= 0 and node["swap_total_bytes"] >= 0
    assert node["disks"][0]["total_bytes"] >= node["disks"][0]["used_bytes"] > 0
    assert node["disks"][1] == {"mount": absent, "used_bytes": None, "total_bytes": None}
    assert [e["field"] for e in errors] == ["disks"]
    with_psutil = NodeReader(use_psutil=True)
    first, _ = with_psutil.sample()
    assert first["mem_total_bytes"] == node["mem_total_bytes"]
    assert first["cpu_pct"] is None  # one reading: no rate yet

    def busy():
        times = psutil.cpu_times()
        return times.user + times.system

    before = busy()
    wait_for(lambda: busy() > before)  # busy time only ever grows
    second, _ = with_psutil.sample()
    assert 0 <= second["cpu_pct"] <= 100 and second["net_rx_bps"] >= 0
