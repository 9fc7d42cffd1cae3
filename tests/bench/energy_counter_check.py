"""The probe's GPU energy counter against its own power readings integrated over a stream: run it
on a node with a real GPU (issue 20's device check), or with --sim here.

    python tests/bench/energy_counter_check.py 60                  # real NVML, one minute
    python tests/bench/energy_counter_check.py 60 --no-nvml        # the nvidia-smi fallback
    python tests/bench/energy_counter_check.py 30 --sim count=2,load=training,seed=8

Prints per GPU the counter's delta, the trapezoid of power.draw over the same samples, their ratio
and whether the counter is the GPU's (estimated=False) or the probe's integral. Not a test: it
measures, and needs a GPU for a real figure.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys


def main(argv: list[str]) -> int:
    seconds, extra = argv[0] if argv else "60", argv[1:]
    probe = [sys.executable, "-m", "console.telemetry.probe", "--stream", "1", "--max-seconds",
             seconds, *extra]
    out = subprocess.run(probe, capture_output=True, text=True, check=False).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    if len(lines) < 2:
        print("fewer than two lines from the probe: nothing to compare", file=sys.stderr)
        return 1
    for g in range(len(lines[0]["gpus"])):
        pts = [(x["t"], x["gpus"][g].get("power_w"), x["gpus"][g].get("energy_mj"))
               for x in lines if g < len(x["gpus"])]
        pts = [p for p in pts if p[1] is not None and p[2] is not None]
        if len(pts) < 2:
            print(f"gpu{g}: no power or no energy counter")
            continue
        power = sum((t1 - t0) * (p0 + p1) / 2
                    for (t0, p0, _), (t1, p1, _) in itertools.pairwise(pts))
        counter = (pts[-1][2] - pts[0][2]) / 1000.0
        estimated = lines[-1]["gpus"][g].get("energy_estimated")
        ratio = counter / power if power else float("nan")
        print(f"gpu{g}: counter {counter:10.1f} J  power integrated {power:10.1f} J  "
              f"ratio {ratio:.4f}  estimated={estimated}  over {pts[-1][0] - pts[0][0]:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
