"""Run the probe as the console ships it: the bundle's one-script payload on a fresh interpreter.

Every test that runs the probe as a process goes through here, so what they test is the payload
byte for byte (tests/unit/telemetry/test_bundle.py proves it is the package sources).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from console.telemetry.bundle import probe_payload
from console.telemetry.probe.cli import SIM_ENV


def clean_env(**changes: str) -> dict[str, str]:
    """This environment without a simulation the developer may have exported."""
    env = {k: v for k, v in os.environ.items() if k != SIM_ENV}
    env.update(changes)
    return env


def probe_command(*args: str, python: str | Path = sys.executable) -> list[str]:
    """`python3 -u - ARGS`: the probe's command line as ssh.py sends it."""
    return [str(python), "-u", "-", *args]


def run_probe(
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 30,
    sim: bool = True,
    text: bool = True,
    check: bool = False,
    python: str | Path = sys.executable,
    cwd: str | Path | None = None,
) -> subprocess.CompletedProcess:
    """Run the payload to its end with ARGS, stdout and stderr captured."""
    payload = probe_payload(sim)
    return subprocess.run(
        probe_command(*args, python=python),
        input=payload.decode("ascii") if text else payload,
        capture_output=True,
        text=text,
        timeout=timeout,
        env=clean_env() if env is None else env,
        cwd=cwd,
        check=check,
    )


def start_probe(*args: str, sim: bool = True, **popen) -> subprocess.Popen:
    """Start the payload with ARGS; stdin is written and closed (Python then runs the script)."""
    popen.setdefault("env", clean_env())
    proc = subprocess.Popen(probe_command(*args), stdin=subprocess.PIPE, **popen)
    payload = probe_payload(sim)
    proc.stdin.write(payload.decode("ascii") if popen.get("text") else payload)
    proc.stdin.close()
    return proc


def probe_file(folder: Path) -> Path:
    """The payload as a script file (what `python3 -m console.telemetry.bundle` writes)."""
    path = folder / "probe.py"
    path.write_bytes(probe_payload())
    return path


def errors_of(line, gpu=None, field=None):
    return [
        e
        for e in line["errors"]
        if (gpu is None or e["gpu"] == gpu) and (field is None or e["field"] == field)
    ]


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
