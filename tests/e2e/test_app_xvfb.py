"""The installed app as a subprocess on a real X server (Xvfb): it starts, draws, exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

pytestmark = pytest.mark.e2e
APP = Path(sys.executable).parent / "hangang-console"


def x_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the app must find the X server by itself
    return env


def distinct_colours(image: QImage, step: int = 7) -> int:
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_screenshot_under_xvfb_is_a_real_picture(lang, artifacts, xvfb, tmp_path):
    out = artifacts / f"main-window-{lang}.png"
    out.unlink(missing_ok=True)
    env = x_env()
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # a first start: nothing remembered yet
    proc = subprocess.run(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1440x900x24",
            str(APP),
            "--demo",
            "48",
            "--lang",
            lang,
            "--screenshot",
            str(out),
            "--quit-after",
            "5",
            "--timing",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "first frame with data:" in proc.stderr
    image = QImage(str(out))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1440, 900)
    assert distinct_colours(image) > 50, "the screenshot is (nearly) blank"


def test_without_any_display_it_says_how_to_use_xvfb():
    env = x_env()
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.run([str(APP)], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "xvfb-run -a" in proc.stderr
