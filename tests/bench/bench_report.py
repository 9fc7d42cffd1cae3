"""A 30-day report for 2,000 nodes (`make bench`; goal < 10 s), and its peak memory.

The history is made once with `hangang-console simulate` (a child process, ~80 s on a quiet
machine; --data-dir reuses one). Then, in this process:
- baseline: the sector accounting query for the period alone (every report runs it);
- the report as the command makes it: model, charts, PDF, CSV files (median of 3);
- peak memory: Python/numpy allocations traced during one report (tracemalloc), and the
  process's peak RSS before and after.

Run: .venv/bin/python tests/bench/bench_report.py [--nodes 2000] [--days 30] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from console.history.accounting import accounting, period_bounds
from console.history.database import HistoryDB, default_history_path
from console.reports.make import make_report
from console.reports.period import Period
from console.reports.request import ReportRequest

END = 1_796_050_800  # 2026-12-01 00:00 Asia/Seoul
LAST = date(2026, 11, 30)
TZ = ZoneInfo("Asia/Seoul")


def median_time(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_history(data: Path, nodes: int, days: int) -> None:
    start = time.perf_counter()
    argv = ["simulate", "--nodes", str(nodes), "--days", str(days + 1), "--fine-hours", "0"]
    subprocess.run(
        [sys.executable, "-m", "console.app", *argv, "--end", str(END), "--data-dir", str(data)],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    size = default_history_path(data).stat().st_size / 2**20
    print(
        f"simulate: {days + 1} days × {nodes} nodes in {time.perf_counter() - start:.0f} s; "
        f"file {size:.0f} MB"
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=2000)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--data-dir", type=Path, help="an existing history ending 2026-12-01")
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="hangang-bench-report-") as tmp:
        data = args.data_dir or Path(tmp) / "data"
        if args.data_dir is None:
            make_history(data, args.nodes, args.days)
        history = default_history_path(data)
        period = Period("custom", LAST - timedelta(days=args.days - 1), LAST)
        request = ReportRequest(period, lang="ko", generated_by="bench")
        out = Path(tmp) / "report.pdf"
        t0, t1 = period_bounds(period.first, period.last, TZ)

        def baseline() -> None:
            db = HistoryDB(history, readonly=True)
            try:
                accounting(db, t0, t1, "sector")
            finally:
                db.close()

        made = []

        def report() -> None:
            made.append(make_report(history, request, out, Path(tmp) / "csv"))

        rss_before = peak_rss_mb()
        base = median_time(baseline)
        ours = median_time(report)
        pages = made[-1].pages
        tracemalloc.start()
        report()
        _, traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{args.days}-day report, {args.nodes} nodes ({len(made[-1].report.heat)} in the heat "
            f"strip), {pages} pages + {len(made[-1].csv_files)} CSV: {ours:.2f} s (goal < 10 s); "
            f"baseline (the sector accounting query alone) {base:.2f} s; ratio {ours / base:.1f}"
        )
        print(
            f"peak memory: {traced / 2**20:.0f} MB traced (Python and numpy) during one report; "
            f"process peak RSS {peak_rss_mb():.0f} MB (before the first report: "
            f"{rss_before:.0f} MB)"
        )


if __name__ == "__main__":
    main()
