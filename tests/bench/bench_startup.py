"""Start to first frame with data (`make bench`), beside a bare PySide6 window on the same box.

The console: `hangang-console --demo N --timing` prints when the window first painted with data
(seconds after process start, as psutil reads the start). The baseline: a fresh interpreter that
imports PySide6, shows one label and paints it, timed the same way. Each is the median of three
runs; then the imports of the window's module tree that cost most (`python -X importtime`).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.bench.bench_startup [--nodes 48,2000]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

BARE = """
import time, psutil
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel("Hangang")
label.show()
label.repaint()
print(time.time() - psutil.Process().create_time())
"""
CONSOLE = Path(sys.executable).with_name("hangang-console")
FIRST = re.compile(r"first frame with data: ([0-9.]+) s")


def env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))


def bare_s() -> float:
    out = subprocess.run([sys.executable, "-c", BARE], capture_output=True, text=True,
                         env=env(), timeout=60, check=True)  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def console_s(nodes: int) -> float:
    args = [str(CONSOLE), "--demo", str(nodes), "--timing", "--quit-after", "4", "--lang", "en"]
    out = subprocess.run(args, capture_output=True, text=True, env=env(), timeout=120)
    found = FIRST.search(out.stderr)
    if found is None:
        raise SystemExit(f"no first frame from {' '.join(args)}:\n{out.stderr[-2000:]}")
    return float(found.group(1))


def heaviest_imports(count: int = 8) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the costliest imports under the window's frontend."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import widgets.window.frontend"],
        capture_output=True, text=True, env=env(), timeout=60, check=True,
    )  # fmt: skip
    rows = []
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            depth = (len(name) - len(name.lstrip())) // 2
            if depth <= 2:
                rows.append((int(parts[1]), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", default="48,2000")
    args = parser.parse_args()
    base = statistics.median(bare_s() for _ in range(3))
    print(f"start to first frame; baseline: bare PySide6 window with one label {base:.2f} s")
    for n in (int(x) for x in args.nodes.split(",") if x):
        first = statistics.median(console_s(n) for _ in range(3))
        print(f"  --demo {n:<5} first frame with data {first:5.2f} s   ratio {first / base:5.1f}")
    print("  heaviest imports under widgets.window.frontend (cumulative):")
    for us, name in heaviest_imports():
        print(f"    {us / 1e3:7.0f} ms  {name}")


if __name__ == "__main__":
    main()
