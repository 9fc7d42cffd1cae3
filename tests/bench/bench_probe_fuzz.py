"""The probe line fuzzer at full size (`make bench`): 100,000 lines mutated from real probe output
through the real parser, packing and FleetState (tests/probe_fuzz.py). Prints the count of each
outcome per mutation and the rate; exits 1, listing them, if any line escaped (an exception, a
warning, an inf, a rejected line that did not mark its node). `make test` runs 2,000 of them.

Run: .venv/bin/python -m tests.bench.bench_probe_fuzz [--lines 100000] [--seed 20261203]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from tests.probe_fuzz import run_fuzz, seed_lines, seed_streams


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20_261_203)
    args = parser.parse_args()
    seeds, streams = seed_lines(), seed_streams()
    start = time.perf_counter()
    report = run_fuzz(seeds, args.lines, args.seed, streams)  # half v1 lines, half v2 streams
    took = time.perf_counter() - start
    print(
        f"probe fuzz: {report.lines:,} lines from {len(seeds)} probe lines and {len(streams)} v2 "
        f"streams, seed {args.seed}, "
        f"{took:.1f} s ({report.lines / took:,.0f} lines/s) on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(report.table())
    for crash in report.crashes[:20]:
        print(f"CRASH {crash.mutation}: {crash.error}: {crash.line_head[:160]!r}")
    return 1 if report.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
