"""The node probe: its line, the NVML funnel over every simulated fault, /proc readers, the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import types
from pathlib import Path

import pytest

from console.telemetry import nvml_sim, probe
from tests.paths import FIXTURES

PROBE = Path(probe.__file__)
PROC_FIXTURES = FIXTURES / "node-exporter-proc"
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
MEASURED = (
    "util_gpu",
    "util_mem",
    "mem_used_mib",
    "mem_total_mib",
    "temp_c",
    "power_w",
    "sm_clock_mhz",
    "mem_clock_mhz",
    "pstate",
    "ecc_uncorrected_volatile",
    "remapped_rows",
    "clock_event_reasons",
    "mig_mode",
    "mig_devices",
    "processes",
)


@pytest.fixture
def sample(monkeypatch):
    """Lines from an in-process probe on the simulated NVML, as the console would parse them."""
    monkeypatch.setitem(sys.modules, "nvml_sim", nvml_sim)
    probes = []

    def take(spec, count=1, **options):
        p = probe.build_probe(sim=spec, **options)
        probes.append(p)
        lines = [json.loads(p.line()) for _ in range(count)]
        return lines[0] if count == 1 else lines

    yield take
    for p in probes:
        p.close()
    nvml_sim.configure("8")


def clean_env(**changes):
    """This environment without a simulation the developer may have exported."""
    env = {k: v for k, v in os.environ.items() if k != probe.SIM_ENV}
    env.update(changes)
    return env


def run_probe(*args, env=None, timeout=30):
    env = clean_env() if env is None else env
    return subprocess.run(
        [sys.executable, str(PROBE), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def errors_of(line, gpu=None, field=None):
    return [
        e
        for e in line["errors"]
        if (gpu is None or e["gpu"] == gpu) and (field is None or e["field"] == field)
    ]


# --- the line ------------------------------------------------------------------------------------


def test_once_prints_one_line_with_eight_gpus():
    done = run_probe("--once", "--sim", "8")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert (line["v"], line["source"], line["interval"]) == (1, "nvml_sim", None)
    assert [g["index"] for g in line["gpus"]] == list(range(8))
    assert all(set(g) == set(probe.GPU_FIELDS) for g in line["gpus"])
    assert set(line["node"]) == set(probe.NODE_FIELDS)
    assert line["node"]["driver"] == "550.54.15" and line["node"]["cuda"] == "12.4"
    assert line["host"] == line["node"]["hostname"]
    assert abs(line["t"] - time.time()) < 60


def test_healthy_busy_gpu_has_every_field(sample):
    gpu = sample("count=1,load=busy")["gpus"][0]
    assert gpu["name"] == "NVIDIA H100 80GB HBM3" and gpu["uuid"].startswith("GPU-")
    assert gpu["mem_total_mib"] == 81559 and gpu["power_limit_w"] == 700.0
    assert 90 <= gpu["util_gpu"] <= 100 and gpu["pstate"] == "P0"
    assert gpu["temp_c"] < gpu["temp_mem_c"] < 100
    assert (
        gpu["processes"][0]["user"] == "sim" and gpu["processes"][0]["command"] == "python train.py"
    )
    assert gpu["processes"][0]["used_mib"] > 0
    assert gpu["fan_pct"] is None  # SXM boards: not supported
    assert gpu["lost"] is False and gpu["mig_mode"] is False and gpu["mig_devices"] == []


def test_lost_gpu_is_null_and_reported_while_the_others_stay(sample):
    lines = sample("count=4,load=busy,faults=lost:2", count=2)
    for line in lines:
        lost = line["gpus"][2]
        assert lost["lost"] is True and lost["index"] == 2
        assert all(lost[f] is None for f in MEASURED)
        assert {e["error"] for e in errors_of(line, gpu=2)} == {"NVML_ERROR_GPU_IS_LOST"}
        for other in (0, 1, 3):
            gpu = line["gpus"][other]
            assert gpu["lost"] is False and gpu["util_gpu"] is not None and gpu["name"]


def test_xid79_arrives_once_in_xid(sample):
    first, second = sample("count=4,faults=xid79:1", count=2)
    assert [(x["gpu"], x["xid"]) for x in first["xid"]] == [(1, 79)]
    assert abs(first["xid"][0]["t"] - first["t"]) < 5
    assert second["xid"] == []
    assert not errors_of(first, field="xid")


def test_ecc_fault_shows_counters_and_pending_remap(sample):
    line = sample("count=2,faults=ecc:1")
    bad, good = line["gpus"][1], line["gpus"][0]
    assert (bad["ecc_uncorrected_volatile"], bad["ecc_uncorrected_aggregate"]) == (2, 5)
    assert bad["remapped_rows"] == {
        "correctable": 1,
        "uncorrectable": 2,
        "pending": True,
        "failure": False,
    }
    assert (good["ecc_uncorrected_volatile"], good["remapped_rows"]["pending"]) == (0, False)


def test_throttle_fault_sets_thermal_reasons(sample):
    line = sample("count=2,load=busy,faults=throttle:0")
    hot, cool = line["gpus"]
    assert hot["clock_event_reasons"] == ["sw_thermal_slowdown", "hw_thermal_slowdown"]
    assert hot["clock_event_mask"] == 0x60
    assert hot["sm_clock_mhz"] < cool["sm_clock_mhz"]
    assert cool["clock_event_reasons"] == []


def test_mig_devices(sample):
    gpu = sample("count=1,mig=1,load=busy")["gpus"][0]
    assert gpu["mig_mode"] is True
    assert [d["index"] for d in gpu["mig_devices"]] == [0, 1, 2, 3]
    first = gpu["mig_devices"][0]
    assert first["name"] == "NVIDIA H100 80GB HBM3 MIG 3g.40gb" and first["uuid"].startswith("MIG-")
    assert first["mem_total_mib"] == 40448 and 0 < first["mem_used_mib"] < 40448
    assert len({d["uuid"] for d in gpu["mig_devices"]} | {gpu["uuid"]}) == 5
    assert gpu["util_gpu"] is None  # NVML does not report utilisation per GPU in MIG mode


def test_not_supported_becomes_null_once_and_is_not_asked_again(sample, monkeypatch):
    asked = []
    real = nvml_sim.nvmlDeviceGetFanSpeed
    monkeypatch.setattr(nvml_sim, "nvmlDeviceGetFanSpeed", lambda h: asked.append(h) or real(h))
    first, second, third = sample("count=2", count=3)
    assert len(asked) == 2  # once per GPU, in the first sample only
    assert errors_of(first, field="fan_pct") == [
        {"gpu": 0, "field": "fan_pct", "error": "NVML_ERROR_NOT_SUPPORTED"},
        {"gpu": 1, "field": "fan_pct", "error": "NVML_ERROR_NOT_SUPPORTED"},
    ]
    assert not errors_of(second) and not errors_of(third)
    assert second["gpus"][0]["fan_pct"] is None


def test_every_fault_at_once_keeps_one_line(sample):
    line = sample("count=8,mig=1,faults=lost:3;xid79:5;ecc:2;throttle:1")
    assert len(line["gpus"]) == 8 and line["gpus"][3]["lost"] is True
    assert [x["xid"] for x in line["xid"]] == [79]
    assert line["gpus"][2]["ecc_uncorrected_volatile"] == 2
    assert "hw_thermal_slowdown" in line["gpus"][1]["clock_event_reasons"]


def test_the_consoles_parser_takes_a_line_with_every_fault(sample):
    protocol = pytest.importorskip("console.telemetry.protocol")
    line = sample("count=8,mig=1,faults=lost:3;xid79:5;ecc:2;throttle:1")
    parsed = protocol.parse_line(probe.to_json_line(line).encode(), "node-1")
    assert [g.index for g in parsed.gpus] == list(range(8))
    assert [(x.gpu, x.xid) for x in parsed.xids] == [(5, 79)]
    assert parsed.gpus[2].remapped_rows_pending is True
    assert len(parsed.gpus[0].mig_devices) == 4 and parsed.info.cuda == "12.4"


# --- the funnel against a library that misbehaves -----------------------------------------------


def fake_lib(**functions):
    lib = types.SimpleNamespace(
        **{k: v for k, v in vars(nvml_sim).items() if k.isupper() or k.startswith("NVMLError")}
    )
    vars(lib).update(functions)
    return lib


def test_funnel_falls_back_to_the_older_name_when_the_driver_lacks_the_newer():
    def missing(h):
        raise nvml_sim.NVMLError_FunctionNotFound()

    lib = fake_lib(
        nvmlDeviceGetCurrentClocksEventReasons=missing,
        nvmlDeviceGetCurrentClocksThrottleReasons=lambda h: 0x4,
    )
    funnel = probe.Funnel(lib)
    assert funnel.call(0, "clock_event_reasons", probe.CLOCK_EVENT_REASONS, "h") == 0x4
    assert funnel.call(1, "clock_event_reasons", probe.CLOCK_EVENT_REASONS, "h") == 0x4
    assert funnel.missing == {"nvmlDeviceGetCurrentClocksEventReasons"}
    assert funnel.errors == []


def test_funnel_turns_any_failure_into_none_and_an_entry():
    def mismatch():
        raise nvml_sim.NVMLError(nvml_sim.NVML_ERROR_LIB_RM_VERSION_MISMATCH)

    def broken(h):
        raise RuntimeError("ctypes trouble")

    funnel = probe.Funnel(fake_lib(nvmlSystemGetDriverVersion=mismatch, nvmlDeviceGetName=broken))
    assert funnel.call(None, "driver", "nvmlSystemGetDriverVersion") is None
    assert funnel.call(0, "name", "nvmlDeviceGetName", "h") is None
    assert funnel.call(0, "uuid", "nvmlDeviceGetUUID", "h") is None  # not in this library
    assert funnel.take_errors() == [
        {"gpu": None, "field": "driver", "error": "NVML_ERROR_LIB_RM_VERSION_MISMATCH"},
        {"gpu": 0, "field": "name", "error": "RuntimeError: ctypes trouble"},
        {"gpu": 0, "field": "uuid", "error": "NVML_ERROR_FUNCTION_NOT_FOUND"},
    ]
    # a version mismatch may be fixed by a driver reload: asked again, reported again
    assert funnel.call(None, "driver", "nvmlSystemGetDriverVersion") is None
    assert len(funnel.take_errors()) == 1


def test_json_line_has_no_nan_and_no_newline():
    line = probe.to_json_line({"a": float("nan"), "b": [float("inf"), 1.5], "c": "x\ny"})
    assert json.loads(line) == {"a": None, "b": [None, 1.5], "c": "x\ny"}
    assert "\n" not in line and " " not in line


# --- /proc readers on real captures ---------------------------------------------------------------


def proc_fixture(name):
    path = PROC_FIXTURES / f"node_exporter__proc_{name}"
    if not path.exists():
        pytest.skip(f"fixtures not present: {PROC_FIXTURES}")
    return path.read_text(encoding="utf-8")


def test_proc_stat_fixture():
    # cpu  301854 612 111922 8979004 3552 2 3944 0 44 36: guest time is inside user already
    assert probe.parse_proc_stat(proc_fixture("stat")) == (418334, 9400890)


def test_meminfo_fixture_without_memavailable():
    info = probe.parse_meminfo(proc_fixture("meminfo"))
    assert info["MemTotal"] == 3742148 * 1024 and "MemAvailable" not in info
    used, total, swap_used, swap_total = probe.memory_from_meminfo(info)
    assert total == 3742148 * 1024
    assert used == (3742148 - 225472 - 22040 - 930888) * 1024  # free + buffers + cached
    assert (swap_used, swap_total) == ((4194300 - 3155360) * 1024, 4194300 * 1024)


def test_meminfo_prefers_memavailable():
    info = probe.parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 600 kB\n")
    assert probe.memory_from_meminfo(info)[:2] == (400 * 1024, 1000 * 1024)


def test_loadavg_fixture():
    assert probe.parse_loadavg(proc_fixture("loadavg")) == (0.21, 0.37, 0.39)


def test_net_dev_fixture_odd_names_and_no_loopback():
    # "ibr10:30:" holds a colon, "eth0:68210035552" touches it, "💩0" is a valid name
    rx, tx = probe.parse_net_dev(proc_fixture("net_dev"))
    assert (rx, tx) == (96913891096, 36017099932)
    assert probe.parse_net_dev(proc_fixture("net_dev"), skip=()) == (rx + 435303245, tx + 435303245)


def test_rates_and_percentages():
    assert probe.cpu_percent((100, 1000), (150, 1100)) == 50.0
    assert probe.cpu_percent(None, (1, 2)) is None
    assert probe.cpu_percent((100, 1000), (100, 1000)) is None
    assert probe.cpu_percent((100, 1000), (150, 1020)) == 100.0  # iowait went backwards
    assert probe.rate(1000, 3000, 2.0) == 1000.0
    assert probe.rate(3000, 1000, 2.0) is None  # counter reset


def test_process_readers_on_this_process():
    assert probe.parse_status_uid(Path("/proc/self/status").read_text()) == os.getuid()
    assert probe.parse_cmdline(b"python\0train.py\0--lr\0") == "python train.py --lr"
    assert len(probe.parse_cmdline(b"x" * 500)) == probe.COMMAND_CHARS
    assert probe.parse_cmdline(b"") is None
    names = probe.ProcessNames()
    user, command = names.describe(os.getpid(), object())
    assert command and Path(sys.executable).name in command and user


def test_node_reader_on_captured_proc_files_with_a_stepped_clock(tmp_path):
    proc = tmp_path / "proc"
    (proc / "net").mkdir(parents=True)
    for name in ("stat", "meminfo", "loadavg"):
        (proc / name).write_text(proc_fixture(name), encoding="utf-8")
    (proc / "net" / "dev").write_text(proc_fixture("net_dev"), encoding="utf-8")
    (proc / "uptime").write_text("1571.58 2815.29\n")
    now = [100.0]
    reader = probe.NodeReader(use_psutil=False, proc=str(proc), clock=lambda: now[0])
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
    psutil = pytest.importorskip("psutil")
    absent = str(tmp_path / "absent")
    from_proc = probe.NodeReader(mounts=("/", absent), use_psutil=False)
    node, errors = from_proc.sample()
    assert node["mem_total_bytes"] == psutil.virtual_memory().total
    assert node["uptime_s"] > 0 and node["load1"] >= 0 and node["swap_total_bytes"] >= 0
    assert node["disks"][0]["total_bytes"] >= node["disks"][0]["used_bytes"] > 0
    assert node["disks"][1] == {"mount": absent, "used_bytes": None, "total_bytes": None}
    assert [e["field"] for e in errors] == ["disks"]
    with_psutil = probe.NodeReader(use_psutil=True)
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


# --- the command line ----------------------------------------------------------------------------


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
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, {str(PROBE)!r}, "--stream", "0.1",
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


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def alive(pid):
    """Running, and not a zombie waiting for a reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


# --- the nvidia-smi fallback, with a stand-in nvidia-smi on PATH ---------------------------------


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
        pytest.skip(f"fixtures not present: {SMI_FIXTURES}")
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
    proc = subprocess.Popen(
        [sys.executable, str(PROBE), "--stream", "0.2", "--no-nvml"],
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


def test_no_nvml_and_no_nvidia_smi_gives_an_empty_gpu_list(tmp_path):
    env = clean_env(PATH=str(tmp_path))
    line = json.loads(run_probe("--once", "--no-nvml", env=env).stdout)
    assert line["source"] == "none" and line["gpus"] == []
    assert errors_of(line, field="nvidia-smi")[0]["error"] == "not found on PATH"
    assert line["node"]["mem_total_bytes"] > 0


def test_nvml_that_fails_to_start_is_named_before_falling_back(monkeypatch, tmp_path):
    def no_driver():
        raise nvml_sim.NVMLError(nvml_sim.NVML_ERROR_DRIVER_NOT_LOADED)

    broken = types.ModuleType("pynvml")
    vars(broken).update(vars(fake_lib(nvmlInit=no_driver)))
    monkeypatch.setitem(sys.modules, "pynvml", broken)
    monkeypatch.setenv("PATH", str(tmp_path))
    gpus, errors = probe.open_gpus()
    assert gpus.source == "none"
    assert errors == [
        {"gpu": None, "field": "nvml", "error": "NVML_ERROR_DRIVER_NOT_LOADED"},
        {"gpu": None, "field": "nvidia-smi", "error": "not found on PATH"},
    ]
