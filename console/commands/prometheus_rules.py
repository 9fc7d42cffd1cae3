"""`hangang-console prometheus-rules [--interval 1m]`: Prometheus recording rules over serve's
series, for a site to load (`rule_files:` in prometheus.yml).

Per sector and per sector and organisation, the allocated, busy and used GPUs as 1-minute
averages (`hangang:sector_gpus_used:avg1m`, `hangang:org_gpus_busy:avg1m`, …): a month of them
is a month's GPU-hours without serve's data directory. The words are serve's (README): busy is
GPU-equivalents of work (Σ utilisation / 100), which the GPU-hour books call "used" hours; used
is GPUs at or above the busy threshold, the books' "busy" hours. `promtool check rules` accepts
the output (tests/integration/test_prometheus_rules.py).
"""

from __future__ import annotations

import argparse
import re
import sys

from console.room import names as n

WINDOW = "1m"  # each recorded point is the mean of the last minute's scrapes
SERIES = (
    # (recorded name, serve's series, kept labels)
    ("hangang:sector_gpus_allocated:avg1m", n.SECTOR_ALLOCATED, ("sector",)),
    ("hangang:sector_gpus_busy:avg1m", n.SECTOR_BUSY, ("sector",)),
    ("hangang:sector_gpus_used:avg1m", n.SECTOR_USED, ("sector",)),
    ("hangang:org_gpus_allocated:avg1m", n.ORG_ALLOCATED, ("sector", "organisation")),
    ("hangang:org_gpus_busy:avg1m", n.ORG_BUSY, ("sector", "organisation")),
    ("hangang:org_gpus_used:avg1m", n.ORG_USED, ("sector", "organisation")),
)
HEADER = """\
# Recording rules for Hangang Console's `serve` (printed by `hangang-console prometheus-rules`).
# Load them beside the scrape config (packaging/prometheus/hangang.yml):
#   rule_files: [/etc/prometheus/hangang-rules.yml]
# busy = GPU-equivalents of work (sum of utilisation / 100); used = GPUs at or above the busy
# threshold; allocated = GPUs on the sector's (organisation's) nodes. Work is charged to the
# organisation whose user's process runs on the GPU, as the console's GPU-hour books charge it.
"""


def rules_yaml(interval: str = WINDOW) -> str:
    lines = [HEADER.rstrip("\n"), "groups:", "  - name: hangang-gpus",
             f"    interval: {interval}", "    rules:"]
    for record, series, by in SERIES:
        lines += [f"      - record: {record}",
                  f"        expr: sum by ({', '.join(by)}) "
                  f"(avg_over_time({series}[{WINDOW}]))"]
    return "\n".join(lines) + "\n"


def _duration(text: str) -> str:
    if not re.fullmatch(r"[1-9][0-9]*(ms|s|m|h)", text):
        raise argparse.ArgumentTypeError(f"{text!r}: a Prometheus duration such as 1m or 15s")
    return text


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console prometheus-rules",
        description="Print Prometheus recording rules (per sector and organisation: allocated, "
        "busy and used GPUs as 1-minute averages) over serve's series.",
    )
    p.add_argument("--interval", type=_duration, default=WINDOW, metavar="DURATION",
                   help="how often Prometheus evaluates them (default 1m)")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    sys.stdout.write(rules_yaml(args.interval))
    return 0
