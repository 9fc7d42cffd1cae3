"""What the process checks and reads before the core starts: is there a display to draw on,
and when did the process start (the timing line measures from there)."""

from __future__ import annotations

import os
import sys
import time

NO_DISPLAY_HELP = """\
hangang-console: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set).
Run it on a virtual screen instead:
    xvfb-run -a hangang-console --demo 48            (or: xvfb-run -a make run)
or save a screenshot without any screen:
    QT_QPA_PLATFORM=offscreen hangang-console --screenshot out.png --quit-after 5
"""


def display_problem() -> str | None:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        return NO_DISPLAY_HELP
    return None


def process_start_time() -> float:
    try:
        import psutil

        return psutil.Process().create_time()
    except Exception:  # pragma: no cover - psutil missing or /proc hidden
        return time.time()
