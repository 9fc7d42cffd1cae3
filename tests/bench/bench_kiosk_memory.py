"""Kiosk memory over hours of rotation: RSS after warm-up, every simulated hour, and at the end.

The real KioskWindow (offscreen, 1920×1080, Korean) draws the demo fleet on an accelerated clock:
one snapshot per simulated `--step` seconds, the page turning every 20 simulated seconds, the
content shifting every 60, and each hour a 5-minute outage, so the STALE banner comes and goes.
Every frame is painted. Nothing is asserted (a slow machine must not fail a build): the numbers go
in the notes. A window that leaks grows by a steady amount per hour; one that does not stays flat.

    .venv/bin/python tests/bench/bench_kiosk_memory.py [--hours 4] [--nodes 48] [--step 2]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

T0 = 1_795_968_000.0
WARM_UP_S = 15 * 60  # simulated: every page drawn several times before the first reading
OUTAGE = (1800.0, 2100.0)  # seconds into each simulated hour without any data


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def rss_mib() -> float:
    import psutil

    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=4.0, help="simulated hours (default 4)")
    parser.add_argument("--nodes", type=int, default=48, help="demo fleet size (default 48)")
    parser.add_argument("--step", type=float, default=2.0, help="simulated s per frame")
    args = parser.parse_args(argv)

    from zoneinfo import ZoneInfo

    from PySide6.QtWidgets import QApplication

    from console.fleet.metrics import default_registry
    from console.fleet.model import NodeEvent, NodeSample, PollBatch
    from console.fleet.state import FleetState
    from console.settings import KioskSettings
    from console.sources.demo.fleet import SimFleet
    from widgets.common.i18n import Translations
    from widgets.common.theme import apply_theme
    from widgets.kiosk.window import KioskWindow

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "kiosk")
    Translations(app).set_language("ko")

    sim = SimFleet.build(args.nodes)
    fleet = FleetState(sim.inventory, default_registry(), stale_after_s=10.0)
    fleet.preload_series(*sim.sector_series(T0 - fleet.series_window_s, T0, 10.0))
    clock = Clock(T0)
    settings = KioskSettings()
    window = KioskWindow(ZoneInfo("Asia/Seoul"), settings, clock=clock)
    for timer in (window.rotation, window.ticker, window.shifter):
        timer.stop()  # the bench turns pages and shifts on the simulated clock instead
    window.setFixedSize(1920, 1080)
    window.show()

    rotate_every = max(1, round(settings.rotate_s / args.step))
    shift_every = max(1, round(60.0 / args.step))
    stale_frames = 0

    def frame(i: int) -> None:
        nonlocal stale_frames
        t = T0 + i * args.step
        clock.t = t
        if not OUTAGE[0] <= (i * args.step) % 3600 < OUTAGE[1]:
            items = sim.sample(t)
            fleet.apply(
                PollBatch(
                    t,
                    samples=tuple(x for x in items if isinstance(x, NodeSample)),
                    events=tuple(x for x in items if isinstance(x, NodeEvent)),
                )
            )
        window.show_snapshot(fleet.snapshot(t))
        window.tick()
        stale_frames += window.stale
        if i % rotate_every == 0:
            window.next_page()
        if i % shift_every == 0:
            window.shift_content()
        app.processEvents()  # paint it

    warm_frames = round(WARM_UP_S / args.step)
    per_hour = round(3600 / args.step)
    total = warm_frames + round(args.hours * 3600 / args.step)
    print(
        f"kiosk memory: {args.nodes} nodes, {args.hours:g} simulated hours after "
        f"{WARM_UP_S // 60} min warm-up, one frame per {args.step:g} simulated s, "
        f"{len(window.pages)} pages turning every {settings.rotate_s:g} s",
        flush=True,
    )
    started = time.perf_counter()
    for i in range(warm_frames):
        frame(i)
    start_rss = rss_mib()
    print(f"  start (after warm-up): RSS {start_rss:7.1f} MiB", flush=True)
    readings = [start_rss]
    for i in range(warm_frames, total):
        frame(i)
        if (i - warm_frames + 1) % per_hour == 0:
            readings.append(rss_mib())
            hour = (i - warm_frames + 1) // per_hour
            print(f"  after hour {hour}:        RSS {readings[-1]:7.1f} MiB", flush=True)
    end_rss = rss_mib()
    wall = time.perf_counter() - started
    hours = max(args.hours, 1e-9)
    print(f"  end:                   RSS {end_rss:7.1f} MiB")
    print(
        f"  growth: {end_rss - start_rss:+.1f} MiB over {args.hours:g} h "
        f"({(end_rss - start_rss) / hours:+.2f} MiB/h); "
        f"{total} frames in {wall:.0f} s wall ({wall / total * 1e3:.1f} ms a frame), "
        f"{stale_frames} with the STALE banner"
    )
    if len(readings) > 2:  # the first hour includes the allocator settling in
        later = (end_rss - readings[1]) / (len(readings) - 2)
        print(f"  from hour 1 to the end: {end_rss - readings[1]:+.1f} MiB ({later:+.2f} MiB/h)")
    window.leave()
    return 0


if __name__ == "__main__":
    sys.exit(main())
