"""The whole main window at 2 Hz with 16,384 GPUs (`make bench`): GUI-thread time per update.

The real window (WindowFrontend on the demo fleet of 2,048 nodes × 8 GPUs, 1440 × 900, every
panel visible) is handed a new snapshot every half second of fleet time, as the bridge does; each
frame is timed from the snapshot's signal to the end of the paint it caused (Qt paints the dirty
regions when the event loop runs). Printed, beside a baseline measured in the same run (nothing is
asserted): p50 and p95 of the heatmap's and the sector plot's share, of every panel's, and of
the paint, and the heatmap's plus the plot's in GUI-thread CPU time (a shared box inflates wall
time); the baseline is an empty main window of the same size repainted whole.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.bench_window_update [--frames 60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import NodeEvent, NodeSample, PollBatch
from console.fleet.packing import pack
from widgets.window.frontend import WindowFrontend

SIZE = (1440, 900)


def settle(app: QApplication) -> None:
    """Run the event loop until the paints a change posted are done (pyqtgraph posts its scene
    updates, and they post the widget's repaint)."""
    for _ in range(3):
        app.processEvents()


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def baseline_ms(app: QApplication, repeat: int) -> list[float]:
    """An empty main window of the same size, repainted whole."""
    window = QMainWindow()
    window.setCentralWidget(QWidget())
    window.resize(*SIZE)
    window.show()
    settle(app)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        window.repaint()
        times.append((time.perf_counter() - t) * 1e3)
    window.close()
    return times


def time_graphics_paints() -> tuple[dict[int, float], dict[int, float]]:
    """Milliseconds each pyqtgraph view spent painting, by id(view), since last cleared: wall
    time, and the GUI thread's CPU time (its paintEvent is Python: wrapped on the class, before
    any view exists)."""
    import pyqtgraph as pg

    spent: dict[int, float] = {}
    spent_cpu: dict[int, float] = {}
    paint = pg.GraphicsView.paintEvent

    def timed(self, ev) -> None:
        t, c = time.perf_counter(), time.thread_time()
        paint(self, ev)
        spent[id(self)] = spent.get(id(self), 0.0) + (time.perf_counter() - t) * 1e3
        spent_cpu[id(self)] = spent_cpu.get(id(self), 0.0) + (time.thread_time() - c) * 1e3

    pg.GraphicsView.paintEvent = timed
    return spent, spent_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2048)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--screenshot", type=Path, help="a PNG of the window after the frames")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hangang-window-bench-"))
    for form in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(form, QSettings.Scope.UserScope, str(tmp / "qsettings"))
    options = parse_args(
        ["--demo", str(args.nodes), "--lang", "en", "--data-dir", str(tmp / "data")]
    )
    painted, painted_cpu = time_graphics_paints()
    frontend = WindowFrontend()
    frontend.create_application([])
    app = frontend.app
    services = build_services(options)
    frontend.open(services, options, started_at=time.time())
    window = frontend.window
    window.resize(*SIZE)
    settle(app)
    sim = services.sources[0].fleet
    fleet, bridge = services.fleet, services.bridge

    parts: dict[str, list[float]] = {"heatmap": [], "plot": [], "panels": [], "paint": []}
    # the same two parts in the GUI thread's CPU time: what a box shared with other work (CI,
    # two cores) cannot inflate, where wall-clock p95 there is mostly other processes
    parts_cpu: dict[str, list[float]] = {"heatmap": [], "plot": []}
    timed = {"heatmap": window.heatmap, "plot": window.plot}
    originals = {name: panel.show_snapshot for name, panel in timed.items()}
    current: dict[str, float] = {}
    current_cpu: dict[str, float] = {}

    def timer(name: str):
        def wrapped(snap) -> None:
            t, c = time.perf_counter(), time.thread_time()
            originals[name](snap)
            current[name] = (time.perf_counter() - t) * 1e3
            current_cpu[name] = (time.thread_time() - c) * 1e3

        return wrapped

    for name, panel in timed.items():
        panel.show_snapshot = timer(name)

    t0 = time.time()
    frames: list[float] = []
    cpu: list[float] = []  # the GUI thread's own CPU time: what a loaded box cannot inflate
    for k in range(args.frames + 5):
        t = t0 + 0.5 * k
        items = sim.sample(t)
        samples = tuple(i for i in items if isinstance(i, NodeSample))
        events = tuple(i for i in items if isinstance(i, NodeEvent))
        fleet.apply(PollBatch(t, samples, events, packed=pack(samples)))
        snap = fleet.snapshot(t)
        bridge.latest = snap
        painted.clear()
        painted_cpu.clear()
        start, cpu0 = time.perf_counter(), time.thread_time()
        bridge.snapshot_ready.emit(snap)  # every slot the window connected, as the bridge emits
        signalled = time.perf_counter()
        settle(app)
        end, cpu1 = time.perf_counter(), time.thread_time()
        if k < 5:
            continue  # the first frames lay the heatmap out and size the table
        frames.append((end - start) * 1e3)
        cpu.append((cpu1 - cpu0) * 1e3)
        views = (window.heatmap.view, window.plot.view)
        parts["heatmap"].append(current["heatmap"] + painted.get(id(views[0]), 0.0))
        parts["plot"].append(current["plot"] + painted.get(id(views[1]), 0.0))
        parts_cpu["heatmap"].append(current_cpu["heatmap"] + painted_cpu.get(id(views[0]), 0.0))
        parts_cpu["plot"].append(current_cpu["plot"] + painted_cpu.get(id(views[1]), 0.0))
        parts["panels"].append((signalled - start) * 1e3)
        parts["paint"].append((end - signalled) * 1e3)
    base = baseline_ms(app, args.frames)
    if args.screenshot is not None:
        window.grab().save(str(args.screenshot), "PNG")
    b50 = statistics.median(base)
    gpus = int(services.inventory.gpu_total)

    def line(name: str, values: list[float]) -> str:
        p50, p95 = statistics.median(values), quantile(values, 0.95)
        return f"  {name:34s} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   ({p95 / b50:5.1f}x baseline)"

    hp = [h + p for h, p in zip(parts["heatmap"], parts["plot"], strict=True)]
    print(f"Main window update at 2 Hz, {args.nodes} nodes / {gpus} GPUs, {SIZE[0]}x{SIZE[1]}, "
          f"{len(frames)} frames")  # fmt: skip
    print(f"  baseline (empty main window repaint) p50 {b50:.2f} ms")
    print(line("heatmap (update + paint)", parts["heatmap"]))
    print(line("sector plot (update + paint)", parts["plot"]))
    print(line("heatmap + sector plot (update + paint)", hp))
    hp_cpu = [h + p for h, p in zip(parts_cpu["heatmap"], parts_cpu["plot"], strict=True)]
    print(line("heatmap + sector plot, GUI thread CPU", hp_cpu))
    print(line("every snapshot slot (update)", parts["panels"]))
    print(line("paint (the window's dirty parts)", parts["paint"]))
    print(line("frame: slots + paint (GUI thread)", frames))
    print(line("frame, GUI thread CPU time", cpu))
    window.close()


if __name__ == "__main__":
    main()
