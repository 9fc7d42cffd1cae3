"""The kiosk as the wall runs it: a subprocess on a 1920×1080 X server (Xvfb), no window manager.

Screenshots of every page are kept in test-artifacts/ (kiosk-wall-*.png).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        shutil.which("xvfb-run") is None, reason="xvfb-run not installed (make test installs it)"
    ),
]
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


def test_the_wall_screenshot_fills_the_screen(artifacts):
    out = artifacts / "kiosk-wall.png"
    out.unlink(missing_ok=True)
    proc = run_kiosk("--demo", "48", "--screenshot", str(out), "--quit-after", "8", "--timing")
    assert proc.returncode == 0, proc.stderr
    assert "first frame with data:" in proc.stderr
    assert_wall_picture(out)


def test_a_screenshot_of_every_page(artifacts):
    for page in PAGES:
        (artifacts / f"kiosk-wall-{page}.png").unlink(missing_ok=True)
    pattern = artifacts / "kiosk-wall-{page}.png"
    proc = run_kiosk("--demo", "48", "--screenshot", str(pattern), "--quit-after", "6")
    assert proc.returncode == 0, proc.stderr
    for page in PAGES:
        # the alerts page of a healthy fleet is mostly black: text only
        assert_wall_picture(artifacts / f"kiosk-wall-{page}.png", 20 if page == "alerts" else 50)


def test_stale_banner_appears_when_the_demo_source_stops_and_clears_when_it_runs(artifacts):
    """The demo source stops 2 s in for 16 s; nodes go stale after 10 s without data."""
    out = artifacts / "kiosk-wall-after-outage.png"
    proc = run_kiosk(
        "--demo", "12", "--interval", "0.5", "--lang", "en",
        "--demo-outage", "2,16", "--quit-after", "21", "--screenshot", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    events = re.findall(
        r"demo source stops|STALE banner shown|demo outage over|data live again", proc.stderr
    )
    assert events == [
        "demo source stops",
        "STALE banner shown",
        "demo outage over",
        "data live again",
    ], proc.stderr
    assert_wall_picture(out)


def test_the_demo_outage_option_is_hidden():
    proc = subprocess.run([str(APP), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "--kiosk" in proc.stdout
    assert "--demo-outage" not in proc.stdout
