"""`hangang-console serve` as a real process: demo and a real sshd fleet, /metrics, /healthz,
SIGTERM, the history it leaves behind."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from console.room import names as n
from tests.integration.serve_process import ServeProcess, get
from tests.integration.sshd_testbed import wait_until
from tests.integration.test_console_over_ssh import fleet_file
from tests.paths import REPO


@pytest.fixture
def serve_factory(tmp_path):
    made: list[ServeProcess] = []

    def factory(source: list[str], extra: list[str] = ()) -> ServeProcess:
        proc = ServeProcess(tmp_path / f"serve{len(made)}", source, list(extra))
        made.append(proc)
        return proc

    yield factory
    for proc in made:
        proc.stop()


def gpu_hosts(fams, name=n.DCGM_UTIL) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for s in fams[name].samples if name in fams else ():
        out.setdefault(s.labels["Hostname"], set()).add(s.labels["gpu"])
    return out


def statuses(fams) -> dict[str, str]:
    return {s.labels["node"]: s.labels["status"] for s in fams[n.NODE_STATUS].samples}


def test_serve_demo_exports_the_fleet_and_stops_cleanly(serve_factory):
    serve = serve_factory(["--demo", "8"]).start()
    code, facts = serve.health()
    assert code == 200 and facts["status"] == "ok" and facts["nodes"] == 8
    fams = serve.families()
    status = statuses(fams)
    assert len(status) == 8
    live = {node for node, s in status.items() if s == "live"}
    assert len(live) >= 7  # the demo makes one node unreachable now and then
    util = fams[n.DCGM_UTIL].samples
    assert set(gpu_hosts(fams)) == live
    assert all(gpus == {str(g) for g in range(8)} for gpus in gpu_hosts(fams).values())
    for s in util:
        assert set(s.labels) >= {"gpu", "UUID", "modelName", "Hostname"}
        assert s.labels["UUID"].startswith("GPU-") and s.labels["modelName"]
        assert 0 <= s.value <= 100
    assert len({s.labels["UUID"] for s in util}) == len(util)
    for name in (n.SECTOR_ENTITLED, n.SECTOR_ALLOCATED, n.SECTOR_BUSY, n.SECTOR_USED,
                 n.SECTOR_QUEUED):
        assert {s.labels["sector"] for s in fams[name].samples} == {"public", "interest",
                                                                      "private"}
    assert sum(s.value for s in fams[n.SECTOR_ALLOCATED].samples) == 64
    assert {s.labels["node"] for s in fams[n.NODE_INFO].samples} == set(status)

    code, kind, body = get(serve.url + "/metrics", accept="application/openmetrics-text")
    assert code == 200 and kind.startswith("application/openmetrics-text")
    assert body.endswith("# EOF\n") and n.DCGM_UTIL in body
    assert get(serve.url + "/nothing")[0] == 404

    assert serve.terminate() == 0
    with sqlite3.connect(serve.data_dir / "history.sqlite") as db:
        assert db.execute("SELECT count(*) FROM usage").fetchone()[0] > 0
        assert db.execute("SELECT count(*) FROM node_rollup").fetchone()[0] > 0
    assert (serve.data_dir / "incidents.sqlite").exists()


def test_healthz_is_503_before_collection(tmp_path):
    """The Room's health without its process: nothing collected yet → 503 with a reason."""
    from console.room.serve import Room, room_options

    room = Room(room_options(8, None, data_dir=tmp_path), None,
                listen="127.0.0.1:0")
    try:
        ok, facts = room.health()
        assert not ok and facts["status"] == "unavailable" and facts["snapshot_age_s"] is None
    finally:
        room.stop()


def test_serve_imports_no_qt(tmp_path):
    """Headless means headless: a Room runs its demo without PySide6 being imported."""
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from console.room.serve import Room, room_options
        room = Room(room_options(4, None, data_dir=Path({str(tmp_path)!r})), None,
                    listen="127.0.0.1:0")
        room.start()
        deadline = time.monotonic() + 30
        while room.loop.latest is None and time.monotonic() < deadline:
            time.sleep(0.05)
        room.stop()
        assert room.loop.latest is not None, "no snapshot"
        qt = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "pyqtgraph")))
        assert not qt, qt
        print("ok")
    """)
    env_home = {v: str(tmp_path / v.lower()) for v in ("XDG_DATA_HOME", "XDG_CONFIG_HOME",
                                                       "XDG_CACHE_HOME")}
    import os

    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                            text=True, timeout=90, env={**os.environ, **env_home})
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_serve_follows_an_sshd_fleet_and_drops_a_failed_nodes_gpus(
    sshd_testbed_factory, serve_factory, tmp_path
):
    tb = sshd_testbed_factory(nodes=4)
    ssh_config = tmp_path / "ssh_config"
    ssh_config.write_text(
        f"Host *\n    UserKnownHostsFile {tmp_path / 'user_known_hosts'}\n"
        f"    GlobalKnownHostsFile {tmp_path / 'global_known_hosts'}\n"
    )
    fleet = fleet_file(tmp_path, tb, tb.addresses)
    serve = serve_factory(["--inventory", str(fleet), "--ssh-config", str(ssh_config)])
    serve.config_dir.mkdir(parents=True)
    tb.write_known_hosts(serve.config_dir / "known_hosts", tb.addresses)
    serve.start()
    names = [f"gpu{i:02d}" for i in range(1, 5)]

    def all_live():
        fams = serve.families()
        return fams if statuses(fams) == dict.fromkeys(names, "live") and len(
            gpu_hosts(fams)) == 4 else None

    fams = wait_until(all_live, 60, interval=0.2, message="the 4 testbed nodes never all live")
    assert all(len(g) == 8 for g in gpu_hosts(fams).values())
    util = fams[n.DCGM_UTIL].samples
    assert all(s.labels["UUID"] and s.labels["modelName"] for s in util)
    assert {s.labels["node"] for s in fams[n.NODE_LOAD1].samples} == set(names)
    assert gpu_hosts(fams, n.DCGM_SM_CLOCK) == gpu_hosts(fams)  # the probe reads clocks

    tb.freeze(tb.addresses[1])  # gpu02 hangs with its connection open
    try:
        def gpu02_out():
            fams = serve.families()
            return fams if statuses(fams)["gpu02"] != "live" else None

        fams = wait_until(gpu02_out, 60, interval=0.2, message="gpu02 never left live")
        assert statuses(fams)["gpu02"] in ("stale", "unreachable")
        assert "gpu02" not in gpu_hosts(fams) and "gpu02" not in gpu_hosts(fams, n.DCGM_FB_USED)
        assert set(gpu_hosts(fams)) == {"gpu01", "gpu03", "gpu04"}
        ages = {s.labels["node"]: s.value for s in fams[n.NODE_DATA_AGE].samples}
        assert ages["gpu02"] > ages["gpu01"]
        code, facts = serve.health()
        assert code == 200 and facts["live"] == 3
    finally:
        tb.thaw()
    assert serve.terminate() == 0


def test_serve_runs_the_alert_engine_and_keeps_its_incidents(serve_factory):
    """No window, still incidents: the demo's fault scenario fires rules inside serve, and the
    incident store beside the history records them (read while serve runs, as `alerts` does)."""
    import time

    from console.alerts.incidents import read_incidents

    serve = serve_factory(["--demo", "12", "--scenario", "faults"]).start()
    path = serve.data_dir / "incidents.sqlite"

    def recorded():
        frame = read_incidents(path, 0, time.time() + 60)
        return set(frame["rule"]) if len(frame) else None

    rules = wait_until(recorded, 90, interval=0.5, message="no incident recorded by serve")
    assert serve.terminate() == 0
    assert set(read_incidents(path, 0, time.time() + 60)["rule"]) >= rules
