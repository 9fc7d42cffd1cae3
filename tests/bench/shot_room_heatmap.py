"""The window at fleet size in Prometheus mode, photographed: N nodes × 8 GPUs in dcgm-exporter
format (the fixture exporter, a real T4 capture scaled, in groups of nodes at different loads),
scraped by real Prometheus, read by the console through `--prometheus`; the window and its
heatmap saved as PNGs (look at them: every sector told apart, nothing cut).

    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python -m tests.bench.shot_room_heatmap \
        [--nodes 10000] [--out /tmp/heatmap-10k.png] [--lang en|ko]

Nothing is asserted beyond the window showing every node; it is a picture for a person.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from console.room import names
from console.sources.prometheus.queries import GPU_METRICS
from tests.integration.fixture_exporter import FixtureExporter
from tests.integration.prometheus_testbed import PrometheusTestbed

GPUS = 8
GROUPS = 10  # exporters, each its nodes at one load: bands of colour a person can tell apart
SHARES = {"public": 0.4, "interest": 0.35, "private": 0.25}


def fleet_file(path: Path, nodes: int, url: str, interval: float) -> Path:
    """Contiguous sectors (as a centre numbers its racks), one organisation each."""
    lines = ["[sectors]"] + [f'{s} = "{round(100 * v)}%"' for s, v in SHARES.items()]
    start = 0
    for k, (sector, share) in enumerate(SHARES.items()):
        end = nodes if k == len(SHARES) - 1 else start + round(nodes * share)
        lines += [
            "",
            "[[organisations]]",
            f'id = "org-{sector}"',
            f'sector = "{sector}"',
            f'name_ko = "{sector}"',
            f'name_en = "{sector}"',
            "",
            "[[nodes]]",
            f'name = "gpu[{start:05d}-{end - 1:05d}]"',
            f'sector = "{sector}"',
            f'organisation = "org-{sector}"',
            f"gpus = {GPUS}",
        ]
        start = end
    lines += ["", "[prometheus]", f'url = "{url}"', f"interval = {interval:g}", "timeout = 60"]
    path.write_text("\n".join(lines) + "\n")
    return path


def scraped(prom: PrometheusTestbed) -> float:
    """GPUs Prometheus holds; 0 while it is too busy ingesting to answer in time."""
    try:
        return prom.value(f"count({names.DCGM_UTIL})") or 0
    except OSError:  # a timeout too
        return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=10000)
    ap.add_argument("--out", type=Path, default=Path("/tmp/heatmap-10k.png"))
    ap.add_argument("--lang", default="en")
    ap.add_argument("--interval", type=float, default=15.0)
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    args = ap.parse_args(argv)
    node_names = [f"gpu{i:05d}" for i in range(args.nodes)]
    per = -(-args.nodes // GROUPS)
    t0 = time.perf_counter()
    exporters = []
    for k, i in enumerate(range(0, args.nodes, per)):
        load = (k * 37) % 100  # 0, 37, 74, 11, …: neighbouring groups far apart
        exporters.append(
            FixtureExporter(
                node_names[i : i + per],
                gpus=GPUS,
                only=GPU_METRICS,
                overrides={names.DCGM_PROF_ACTIVE: load / 100, names.DCGM_UTIL: load},
            ).start()
        )
    print(
        f"{args.nodes} nodes in {len(exporters)} exporters, rendered in "
        f"{time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            PrometheusTestbed(
                Path(tmp), [e.target for e in exporters], interval_s=args.interval
            ) as prom,
        ):
            want = args.nodes * GPUS
            deadline = time.monotonic() + 900
            while scraped(prom) < want:
                if time.monotonic() > deadline:
                    raise AssertionError("not every GPU scraped in 900 s")
                time.sleep(2)
            print(f"scraped after {time.perf_counter() - t0:.0f} s", flush=True)
            return shoot(
                args,
                fleet_file(Path(tmp) / "fleet.toml", args.nodes, prom.url, args.interval),
                Path(tmp),
            )
    finally:
        for e in exporters:
            e.stop()


def shoot(args, fleet: Path, data_dir: Path) -> int:
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtWidgets import QApplication

    from console.app import build_services
    from console.cli import parse_args
    from console.fleet.model import NodeStatus
    from console.fleet_choice import load_inventory_for
    from widgets.window.frontend import WindowFrontend

    options = parse_args(
        ["--inventory", str(fleet), "--lang", args.lang, "--data-dir", str(data_dir / "console")]
    )
    frontend = WindowFrontend()
    frontend.create_application([])
    app = frontend.app
    services = build_services(options, load_inventory_for(options))
    frontend.open(services, options, started_at=0.0)
    window = frontend.window
    window.resize(args.width, args.height)
    window.show()
    services.start()
    clock = QElapsedTimer()
    clock.start()
    try:
        while clock.elapsed() < 600_000:
            app.processEvents()
            snap = services.bridge.latest
            live = 0 if snap is None else int((snap.node_status == NodeStatus.LIVE).sum())
            if live == args.nodes:
                break
            if clock.elapsed() // 1000 % 10 == 0 and clock.elapsed() % 1000 < 60:
                print(f"{clock.elapsed() // 1000} s: {live} of {args.nodes} live", flush=True)
            time.sleep(0.05)
        else:
            print("the window never showed every node live", file=sys.stderr)
            return 1
        settle = QElapsedTimer()
        settle.start()
        while settle.elapsed() < 3000:  # a few snapshots drawn
            app.processEvents()
            time.sleep(0.02)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(args.out))
        heatmap = args.out.with_name(args.out.stem + "-heatmap" + args.out.suffix)
        window.heatmap.grab().save(str(heatmap))
        print(f"saved {args.out} and {heatmap}", flush=True)
        return 0
    finally:
        services.stop()
        window.close()
        QApplication.processEvents()


if __name__ == "__main__":
    sys.exit(main())
