"""The probe's command line, run as the shipped payload: once, streaming, its exits."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

from console.telemetry.probe.fields import GPU_FIELDS, NODE_FIELDS
from tests.paths import REPO
from tests.probe_process import alive, clean_env, probe_file, run_probe, wait_for


def test_once_prints_one_line_with_eight_gpus():
    done = run_probe("--once", "--sim", "8")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert (line["v"], line["source"], line["interval"]) == (1, "nvml_sim", None)
    assert [g["index"] for g in line["gpus"]] == list(range(8))
    assert all(set(g) == set(GPU_FIELDS) for g in line["gpus"])
    assert set(line["node"]) == set(NODE_FIELDS)
    assert line["node"]["driver"] == "550.54.15" and line["node"]["cuda"] == "12.4"
    assert line["host"] == line["node"]["hostname"]
    assert abs(line["t"] - time.time()) < 60


def test_stream_prints_lines_until_max_seconds():
    done = run_probe("--stream", "0.1", "--max-seconds", "0.7", "--sim", "2")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) >= 3
    assert all(line["interval"] == 0.1 and len(line["gpus"]) == 2 for line in lines)
    assert lines[-1]["node"]["cpu_pct"] is not None


def test_sim_from_the_environment():
    env = clean_env(HANGANG_NVML_SIM="count=3,load=idle")
    line = json.loads(run_probe("--once", env=env).stdout)
    assert line["source"] == "nvml_sim" and len(line["gpus"]) == 3


def test_bad_sim_spec_is_a_usage_error():
    done = run_probe("--once", "--sim", "count=x")
    assert done.returncode == 2 and "count must be an integer" in done.stderr
    assert done.stdout == ""


def test_probe_exits_when_its_parent_dies(tmp_path):
    pid_file, out = tmp_path / "probe.pid", tmp_path / "probe.out"
    script = probe_file(tmp_path)
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, {str(script)!r}, "--stream", "0.1",
                                  "--max-seconds", "60", "--sim", "1"],
                                 stdout=open({str(out)!r}, "w"))
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
    """),
        ]
    )
    try:
        pid = int(wait_for(lambda: pid_file.exists() and pid_file.read_text()))
        wait_for(lambda: out.stat().st_size > 0)  # streaming, so it knows its parent
        assert alive(pid)
    finally:
        parent.kill()
        parent.wait()
    wait_for(lambda: not alive(pid), timeout=10)


def test_operators_run_it_from_a_checkout_with_python_m(tmp_path):
    """README: `python3 -m console.telemetry.probe --once --sim 8`, the simulation found beside."""
    done = subprocess.run(
        [sys.executable, "-m", "console.telemetry.probe", "--once", "--sim", "3"],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(PYTHONPATH=str(REPO)),
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout)
    assert line["source"] == "nvml_sim" and [g["index"] for g in line["gpus"]] == [0, 1, 2]
