"""The kiosk as the wall runs it: a subprocess on a 1920×1080 X server (Xvfb), no window manager.

Screenshots of every page are kept in test-artifacts/ (kiosk-wall-*.png).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.probe_process import wait_for

pytestmark = pytest.mark.e2e
WALL = "-screen 0 1920x1080x24"
PAGES = ("overview", "sector-public", "sector-interest", "sector-private", "heatmap", "alerts")
APP = Path(sys.executable).parent / "hangang-console"


def x_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the app must find the X server by itself
    return env


def distinct_colours(image: QImage, step: int = 7) -> int:
    return len(
        {
            image.pixel(x, y)
            for y in range(0, image.height(), step)
            for x in range(0, image.width(), step)
        }
    )


def run_kiosk(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["xvfb-run", "-a", "-s", WALL, str(APP), "--kiosk", *args],
        env=x_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_wall_picture(path, min_colours: int = 50) -> None:
    image = QImage(str(path))
    assert not image.isNull(), path
    assert (image.width(), image.height()) == (1920, 1080), path
    assert distinct_colours(image) > min_colours, f"{path} is (nearly) blank"


def test_the_wall_screenshot_fills_the_screen(artifacts, xvfb):
    out = artifacts / "kiosk-wall.png"
    out.unlink(missing_ok=True)
    proc = run_kiosk("--demo", "48", "--screenshot", str(out), "--quit-after", "8", "--timing")
    assert proc.returncode == 0, proc.stderr
    assert "first frame with data:" in proc.stderr
    assert_wall_picture(out)


def test_a_screenshot_of_every_page(artifacts, xvfb):
    for page in PAGES:
        (artifacts / f"kiosk-wall-{page}.png").unlink(missing_ok=True)
    pattern = artifacts / "kiosk-wall-{page}.png"
    proc = run_kiosk("--demo", "48", "--screenshot", str(pattern), "--quit-after", "6")
    assert proc.returncode == 0, proc.stderr
    for page in PAGES:
        # the alerts page of a healthy fleet is mostly black: text only
        assert_wall_picture(artifacts / f"kiosk-wall-{page}.png", 20 if page == "alerts" else 50)


OUTAGE_EVENTS = re.compile(r"demo source stops|STALE banner shown|demo outage over|data live again")
WAIT_S = 180  # generous: each step waits on what the kiosk logs, never on the clock


@pytest.mark.timeout(4 * WAIT_S)
def test_stale_banner_appears_when_the_demo_source_stops_and_clears_when_it_runs(artifacts, xvfb):
    """The test stops the demo source once data shows, resumes it once the STALE banner shows
    (nodes go stale 10 s without data), and quits once data is live again."""
    out = artifacts / "kiosk-wall-after-outage.png"
    out.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [xvfb, "-a", "-s", WALL, str(APP), "--kiosk", "--demo", "12", "--interval", "0.5",
         "--lang", "en", "--timing", "--demo-control", "--screenshot", str(out)],
        env=x_env(), stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )  # fmt: skip
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(proc.stderr), name="e2e-stderr")
    reader.start()

    def step(command: str | None, seen: str) -> None:
        if command:
            proc.stdin.write(command + "\n")
            proc.stdin.flush()
        try:
            wait_for(lambda: any(seen in line for line in log) or proc.poll() is not None, WAIT_S)
        except AssertionError:
            raise AssertionError(f"no {seen!r} in {WAIT_S} s:\n{''.join(log)}") from None
        assert any(seen in line for line in log), f"kiosk ended early:\n{''.join(log)}"

    try:
        step(None, "first frame with data")
        step("stop", "STALE banner shown")
        step("run", "data live again")
        proc.stdin.write("quit\n")
        proc.stdin.close()
        assert proc.wait(timeout=WAIT_S) == 0, "".join(log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # xvfb-run, its Xvfb and the app
            proc.wait()
        reader.join(timeout=WAIT_S)
    events = OUTAGE_EVENTS.findall("".join(log))
    assert events == [
        "demo source stops",
        "STALE banner shown",
        "demo outage over",
        "data live again",
    ], "".join(log)
    assert_wall_picture(out)


def test_the_demo_control_option_is_hidden():
    proc = subprocess.run([str(APP), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "--kiosk" in proc.stdout
    assert "--demo-control" not in proc.stdout
