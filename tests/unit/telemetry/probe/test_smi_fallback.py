"""The nvidia-smi fallback, with a stand-in nvidia-smi on PATH."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from tests.paths import FIXTURES
from tests.peers import require_peer
from tests.probe_process import alive, clean_env, errors_of, run_probe, start_probe, wait_for

SMI_FIXTURES = FIXTURES / "nvidia-smi-query-gpu-csv"
SMI_2080 = "__".join(
    (
        "nvidia_gpu_exporter",
        "linux-x86_64",
        "nvidia-geforce-rtx-2080-super",
        "595.71.05",
        "idle",
        "query-gpu.csv",
    )
)


def fake_smi(tmp_path, capture, reject_new_fields=False):
    """An nvidia-smi that prints a real capture; in -lms mode it repeats the rows until killed."""
    script = tmp_path / "bin" / "nvidia-smi"
    script.parent.mkdir()
    script.write_text(
        textwrap.dedent(f"""\
        #!{sys.executable}
        import os, sys, time
        args = sys.argv[1:]
        with open({str(tmp_path / "calls")!r}, "a") as log:
            log.write(str(os.getpid()) + " " + " ".join(args) + "\\n")
        if {reject_new_fields!r} and "remapped_rows" in args[0]:
            print('Field "remapped_rows.pending" is not a valid field to query.')
            sys.exit(2)
        header, row = open({str(capture)!r}).read().splitlines()[:2]
        print(header, flush=True)
        print(row, flush=True)
        if "-lms" in args:
            while True:  # like a loop that outlives its reader: only a signal ends it
                time.sleep(int(args[args.index("-lms") + 1]) / 1000)
                try:
                    print(row, flush=True)
                except OSError:
                    pass
    """)
    )
    script.chmod(0o755)
    return clean_env(PATH=f"{script.parent}:{os.environ['PATH']}")


def smi_capture():
    path = SMI_FIXTURES / SMI_2080
    if not path.exists():
        require_peer("fixtures", f"not present: {SMI_FIXTURES} (see ../shared/fixtures)")
    return path


def test_nvidia_smi_fallback_once(tmp_path):
    env = fake_smi(tmp_path, smi_capture())
    line = json.loads(run_probe("--once", "--no-nvml", env=env).stdout)
    assert line["source"] == "nvidia-smi" and line["node"]["driver"] == "595.71.05"
    gpu = line["gpus"][0]
    assert (gpu["name"], gpu["mem_total_mib"], gpu["power_w"]) == (
        "NVIDIA GeForce RTX 2080 SUPER",
        8192,
        39.32,
    )
    assert gpu["processes"] is None  # unknown, not "none"
    calls = (tmp_path / "calls").read_text().splitlines()
    assert len(calls) == 1 and "--format=csv" in calls[0]


def test_nvidia_smi_fallback_stream_keeps_one_loop_and_stops_it_on_sigterm(tmp_path):
    env = fake_smi(tmp_path, smi_capture(), reject_new_fields=True)
    proc = start_probe(
        "--stream",
        "0.2",
        "--no-nvml",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = [json.loads(proc.stdout.readline()) for _ in range(4)]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert all(line["source"] == "nvidia-smi" for line in lines)
    assert all(len(line["gpus"]) == 1 and line["gpus"][0]["temp_c"] == 40 for line in lines)
    calls = [c.split(" ", 1) for c in (tmp_path / "calls").read_text().splitlines()]
    # full field list refused, basic list accepted, then one loop with the basic list
    assert ["remapped_rows" in args for _, args in calls] == [True, False, False]
    assert "-lms 200" in calls[2][1]
    loop = int(calls[2][0])
    try:
        wait_for(lambda: not alive(loop), timeout=5)
    finally:
        if alive(loop):  # the probe failed to stop it: do not leave it running
            os.kill(loop, signal.SIGKILL)


def test_a_probe_killed_outright_takes_its_nvidia_smi_loop_with_it(tmp_path):
    """SIGKILL leaves the probe no time to stop the loop: the kernel ends it (PR_SET_PDEATHSIG),
    or the fake's loop, which ignores its closed pipe, would run on for good."""
    env = fake_smi(tmp_path, smi_capture())
    proc = start_probe("--stream", "0.2", "--no-nvml", stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        json.loads(proc.stdout.readline())
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    calls = [c.split(" ", 1) for c in (tmp_path / "calls").read_text().splitlines()]
    loop = int(next(pid for pid, args in calls if "-lms" in args))
    try:
        wait_for(lambda: not alive(loop), timeout=10)
    finally:
        if alive(loop):
            os.kill(loop, signal.SIGKILL)


def test_nvidia_smi_fallback_integrates_power_draw_as_estimated_energy(tmp_path):
    env = fake_smi(tmp_path, smi_capture())
    proc = start_probe(
        "--stream", "0.2", "--no-nvml", stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip
    try:
        lines = [json.loads(proc.stdout.readline()) for _ in range(10)]
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    gpus = [line["gpus"][0] for line in lines]
    assert all(g["energy_estimated"] is True for g in gpus)
    energy = [g["energy_mj"] for g in gpus]
    assert energy == sorted(energy) and energy[-1] > energy[0]
    # the capture's power.draw, 39.32 W, over the lines' time (rows come at the loop's rhythm)
    expected = 39.32 * (lines[-1]["t"] - lines[0]["t"]) * 1000
    assert energy[-1] - energy[0] == pytest.approx(expected, abs=39.32 * 0.5 * 1000)


def test_no_nvml_and_no_nvidia_smi_gives_an_empty_gpu_list(tmp_path):
    env = clean_env(PATH=str(tmp_path))
    line = json.loads(run_probe("--once", "--no-nvml", env=env).stdout)
    assert line["source"] == "none" and line["gpus"] == []
    assert errors_of(line, field="nvidia-smi")[0]["error"] == "not found on PATH"
    assert line["node"]["mem_total_bytes"] > 0
