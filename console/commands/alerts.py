"""`hangang-console alerts`: the incidents the console recorded, for a shift handover or a script.

Reads incidents.sqlite in the data dir (read-only, safe while the console runs).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from console.alerts.incidents import incidents_path, read_incidents
from console.commands.accounting import language
from console.i18n.catalogue import translate
from console.i18n.names import rule_name, sector_name, severity_name
from console.paths import data_dir

HEADERS = (
    translate("AlertsTable", "ID"),
    translate("AlertsTable", "Severity"),
    translate("AlertsTable", "Rule"),
    translate("AlertsTable", "Sector"),
    translate("AlertsTable", "Node"),
    translate("AlertsTable", "GPU"),
    translate("AlertsTable", "Organisation"),
    translate("AlertsTable", "First seen"),
    translate("AlertsTable", "Last seen"),
    translate("AlertsTable", "Closed"),
    translate("AlertsTable", "Peak"),
    translate("AlertsTable", "Acknowledged by"),
    translate("AlertsTable", "Acknowledged at"),
    translate("AlertsTable", "Note"),
)
OPEN = translate("AlertsTable", "open")
NONE = translate("AlertsTable", "none")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console alerts",
        description="Incidents the console recorded (alerts that fired), newest last.",
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="where the console keeps data")
    p.add_argument("--open", action="store_true", help="only incidents still open")
    p.add_argument(
        "--days", type=float, default=7.0, help="incidents seen in the last N days (default 7)"
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--tz", default="Asia/Seoul", help="time zone of the times (Asia/Seoul)")
    p.add_argument("--lang", choices=("ko", "en"), help="default: from LANG")
    return p


def readable(df: pd.DataFrame, lang: str, tz: ZoneInfo) -> pd.DataFrame:
    """Names in `lang`, times in `tz`, empty cells for "none"."""
    def when(t: float) -> str:
        if math.isnan(t):
            return ""
        return pd.Timestamp(t, unit="s", tz=tz).strftime("%Y-%m-%d %H:%M:%S")

    out = pd.DataFrame(
        {
            "id": df["id"],
            "severity": df["severity"].map(lambda s: severity_name(s, lang)),
            "rule": df["rule"].map(lambda r: rule_name(r, lang)),
            "sector": df["sector"].map(lambda s: sector_name(s, lang)),
            "node": df["node"],
            "gpu": df["gpu"].map(lambda g: "" if math.isnan(g) else str(int(g))),
            "org": df["org"],
            "first_seen": df["first_seen"].map(when),
            "last_seen": df["last_seen"].map(when),
            "closed": df["closed_at"].map(lambda t: OPEN.into(lang) if math.isnan(t) else when(t)),
            "peak": df["peak"].map(lambda v: "" if math.isnan(v) else f"{v:g}"),
            "acked_by": df["acked_by"],
            "acked_at": df["acked_at"].map(when),
            "note": df["note"],
        }
    )
    out.columns = [h.into(lang) for h in HEADERS]
    return out


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    try:
        tz = ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        sys.stderr.write(f"hangang-console alerts: unknown time zone {args.tz!r}\n")
        return 2
    path = incidents_path(args.data_dir or data_dir())
    now = time.time()
    df = read_incidents(path, 0.0 if args.open else now - args.days * 86400, math.inf)
    if args.open:
        df = df[df["closed_at"].isna()]
    out = readable(df, lang, tz)
    if args.format == "csv":
        out.to_csv(sys.stdout, index=False)
    elif out.empty:
        sys.stdout.write(f"{NONE.into(lang)} ({path})\n")
    else:
        sys.stdout.write(out.to_string(index=False) + "\n")
    return 0
