"""Fault storm benchmark: the window's event-loop stall while half of a real fleet fails.

The storm of tests/integration/fault_storm.py (30 % killed, 10 % blackholed, 5 % changed host
key, 5 % hung probes) over N nodes of one real sshd; prints the lateness of a 10 ms timer in the
window's process from the storm until every node shows its expected state. As in bench_fanout,
the node side (sshd, sessions, probes) runs on CPU 1 and the console on CPU 0 where there are two,
so the nodes' 300 probes do not count as the console's stall.

    .venv/bin/python -m tests.bench.bench_fault_storm [--nodes 300] [--interval 1.0]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=300)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from tests.integration.fault_storm import StallMeter, Storm, run_storm
    from tests.integration.sshd_testbed import SshdTestbed
    from widgets.window.frontend import WindowFrontend

    tmp = Path(tempfile.mkdtemp(prefix="hangang-storm-"))
    tb, reinstalled = SshdTestbed(tmp, 0).start(), SshdTestbed(tmp, 0).start()
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) >= 2:
        for pid in (tb._reaper.pid, *tb.pids(), reinstalled._reaper.pid, *reinstalled.pids()):
            os.sched_setaffinity(pid, set(cpus[1:]))
        os.sched_setaffinity(0, {cpus[0]})
    frontend = WindowFrontend()
    frontend.create_application([])

    def wait(predicate, timeout_ms):
        deadline = time.monotonic() + timeout_ms / 1000
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"not within {timeout_ms / 1000:g} s")
            frontend.app.processEvents()
            time.sleep(0.005)

    try:
        storm = Storm.plan(tb, reinstalled, tmp, args.nodes, interval=args.interval)
        f = run_storm(storm, StallMeter(), frontend, wait, args.nodes)
    finally:
        tb.stop()
        reinstalled.stop()
    print(
        f"fault storm over {args.nodes} nodes (all live after {f['all_live_s']} s, settled "
        f"{f['settled_s']} s after the storm): GUI stall p50 {f['p50_ms']} ms, "
        f"p99 {f['p99_ms']} ms, max {f['max_ms']} ms over {f['ticks']} ticks"
    )


if __name__ == "__main__":
    main()
