"""The stdin payload runs the probe on a bare Python, away from the console package, and is the
probe package's sources byte for byte."""

from __future__ import annotations

import ast
import base64
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from console.telemetry import bundle
from console.telemetry.probe.cli import SIM_ENV
from console.telemetry.probe.fields import NODE_FIELDS
from tests.paths import REPO
from tests.peers import require_peer
from tests.probe_process import run_probe

SYSTEM_PYTHON = Path("/usr/bin/python3")
PACKAGES = {
    bundle.NODE_PROBE: REPO / "console" / "telemetry" / "probe",
    bundle.NODE_SIM: REPO / "console" / "telemetry" / "nvml_sim",
}
NODE_SOURCES = sorted(path for folder in PACKAGES.values() for path in folder.glob("*.py"))


def bare_env():
    """No PYTHONPATH and no simulation from the environment: only the payload counts."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", SIM_ENV)}


def run_payload(python, *args, sim=True, cwd):
    return run_probe(*args, python=python, sim=sim, cwd=cwd, env=bare_env(), text=False, timeout=60)


def embedded_sources(payload):
    """{(node package, module name): source bytes} as the payload carries them, in its order."""
    (blob,) = [
        node.args[0].value
        for node in ast.walk(ast.parse(payload.decode("ascii")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "b64decode"
    ]
    modules = json.loads(zlib.decompress(base64.b64decode(blob)))
    return {(package, name): source.encode("utf-8") for package, name, source in modules}


def test_payload_is_cached_ascii_python():
    payload = bundle.probe_payload()
    assert payload is bundle.probe_payload(True)
    ast.parse(payload.decode("ascii"), feature_version=(3, 8))
    assert len(bundle.probe_payload(sim=False)) < len(payload)


@pytest.mark.parametrize("path", NODE_SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_node_sources_are_python_38_syntax(path):
    ast.parse(path.read_text(), feature_version=(3, 8))


def imports_of(path):
    """(absolute top-level names, sibling modules imported relatively) of one source file."""
    absolute, relative = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            absolute |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level:
            assert node.level == 1 and node.module, f"{path.name}: only `from .sibling import`"
            relative.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            absolute.add((node.module or "").split(".")[0])
    return absolute, relative


def test_node_sources_import_only_the_standard_library():
    imported = set()
    for path in NODE_SOURCES:
        absolute, relative = imports_of(path)
        assert relative <= {p.stem for p in path.parent.glob("*.py")}, path
        imported |= absolute
    assert {"os", "subprocess", "zlib"} <= imported
    assert imported - sys.stdlib_module_names <= {"pynvml", "psutil", "nvml_sim"}


@pytest.mark.parametrize(
    ("package", "order"),
    [("probe", bundle.PROBE_MODULES), ("nvml_sim", bundle.SIM_MODULES)],
)
def test_every_module_ships_after_the_modules_it_imports(package, order):
    folder = REPO / "console" / "telemetry" / package
    shipped = set(order) | ({bundle.PROBE_MAIN} if package == "probe" else set())
    assert shipped == {p.stem for p in folder.glob("*.py")}
    for i, name in enumerate(order):
        _, relative = imports_of(folder / f"{name}.py")
        assert relative <= set(order[:i]), f"{package}/{name}.py imports a later module"


@pytest.mark.parametrize("sim", [True, False], ids=["sim", "no-sim"])
def test_payload_carries_the_package_sources_byte_for_byte(sim):
    carried = embedded_sources(bundle.probe_payload(sim))
    expected = {
        (package, path.stem): path.read_bytes()
        for package, folder in PACKAGES.items()
        if sim or package != bundle.NODE_SIM
        for path in folder.glob("*.py")
    }
    assert carried.keys() == expected.keys()
    assert list(carried)[-1] == (bundle.NODE_PROBE, bundle.PROBE_MAIN)  # run once all are in
    for key, source in expected.items():
        assert carried[key] == source, key


def test_payload_built_again_and_in_a_fresh_process_is_the_same_bytes():
    for sim in (True, False):
        assert bundle.build_payload(sim) == bundle.probe_payload(sim)
    for args, sim in (([], True), (["--no-sim"], False)):
        done = subprocess.run(
            [sys.executable, "-m", "console.telemetry.bundle", *args],
            capture_output=True,
            timeout=60,
            check=True,
        )
        assert done.stdout == bundle.probe_payload(sim)


def test_importing_the_probe_loads_no_gpu_or_psutil_module():
    modules = ", ".join(f"console.telemetry.probe.{name}" for name in bundle.PROBE_MODULES[:-1])
    code = f"import sys, {modules}; print({{'pynvml', 'psutil'}} & set(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "set()"


@pytest.mark.parametrize(
    "python",
    [
        pytest.param(Path(sys.executable), id="venv"),
        pytest.param(SYSTEM_PYTHON, id="system-no-psutil"),
    ],
)
def test_payload_once_with_four_simulated_gpus(python, tmp_path):
    if not python.exists():  # a node's python: the Debian one, without psutil
        require_peer("system python", f"no {python}: apt install python3")
    done = run_payload(python, "--once", "--sim", "4", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    (line,) = [json.loads(text) for text in done.stdout.decode().splitlines()]
    assert line["v"] == 1 and line["source"] == "nvml_sim"
    assert [g["index"] for g in line["gpus"]] == [0, 1, 2, 3]
    assert all(g["name"] == "NVIDIA H100 80GB HBM3" and g["lost"] is False for g in line["gpus"])
    node = line["node"]
    assert set(node) == set(NODE_FIELDS)
    assert node["mem_total_bytes"] > node["mem_used_bytes"] > 0
    assert node["uptime_s"] > 0 and node["load1"] is not None and node["kernel"]
    assert node["disks"][0]["mount"] == "/" and node["disks"][0]["total_bytes"] > 0


def test_payload_without_sim_cannot_simulate(tmp_path):
    done = run_payload(sys.executable, "--once", "--sim", "2", sim=False, cwd=tmp_path)
    line = json.loads(done.stdout)
    assert line["source"] == "none" and line["gpus"] == []
    assert line["errors"][0]["field"] == "nvml_sim"


def test_payload_stream_stops_cleanly_when_stdout_closes(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-u", "-", "--stream", "0.2", "--sim", "2", "--max-seconds", "60"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=bare_env(),
    )
    try:
        proc.stdin.write(bundle.probe_payload())
        proc.stdin.close()  # Python runs a "-" script once it has read it to EOF
        lines = [json.loads(proc.stdout.readline()) for _ in range(3)]
        assert [len(line["gpus"]) for line in lines] == [2, 2, 2]
        assert lines[0]["t"] < lines[1]["t"] < lines[2]["t"]
        proc.stdout.close()  # the console went away
        assert proc.wait(timeout=10) == 0
        assert proc.stderr.read() == b""  # no BrokenPipeError traceback either
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
