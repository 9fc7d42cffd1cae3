"""`hangang-console accounting`: GPU-hours and SUs per sector or organisation for a period."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from console.history.accounting import accounting, period_bounds, with_total
from console.history.database import HistoryDB, HistoryError, default_history_path
from console.i18n.sector_names import SECTOR_NAMES
from console.paths import data_dir
from console.settings import SettingsError, load_settings

HEADERS = {
    "ko": {
        "sector": "부문",
        "org": "기관",
        "entitled_gpu_h": "보장 GPU시간",
        "allocated_gpu_h": "배정 GPU시간",
        "live_gpu_h": "보고 GPU시간",
        "used_gpu_h": "사용 GPU시간",
        "busy_gpu_h": "가동 GPU시간",
        "su": "SU",
        "util_pct": "사용률 %",
    },
    "en": {
        "sector": "Sector",
        "org": "Organisation",
        "entitled_gpu_h": "Entitled GPU-h",
        "allocated_gpu_h": "Allocated GPU-h",
        "live_gpu_h": "Reporting GPU-h",
        "used_gpu_h": "Used GPU-h",
        "busy_gpu_h": "Busy GPU-h",
        "su": "SU",
        "util_pct": "Util %",
    },
}


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-01, not {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console accounting",
        description="Allocated, used and busy GPU-hours and service units (SU) for a period.",
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="history store (default XDG)")
    p.add_argument("--from", dest="first", type=iso_date, required=True, metavar="YYYY-MM-DD")
    p.add_argument(
        "--to",
        dest="last",
        type=iso_date,
        required=True,
        metavar="YYYY-MM-DD",
        help="last day, included",
    )
    p.add_argument("--by", choices=("sector", "org"), default="sector")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--tz", default="Asia/Seoul", help="days start at midnight here (Asia/Seoul)")
    p.add_argument("--lang", choices=("ko", "en"), help="default: from LANG")
    p.add_argument("--settings", type=Path, metavar="FILE.toml", help="SU multipliers from here")
    return p


def language(explicit: str | None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "ko" if env.startswith("ko") else "en"


def readable(table: pd.DataFrame, names: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sector and organisation names in `lang`, columns titled, numbers rounded."""
    out = table.copy()
    out["sector"] = out["sector"].map(SECTOR_NAMES[lang]).fillna(out["sector"])
    if "org" in out:
        label = names.set_index("id")["name_ko" if lang == "ko" else "name_en"]
        none = "(기관 없음)" if lang == "ko" else "(no organisation)"
        out["org"] = out["org"].map(label).fillna(out["org"]).replace("", none)
    return out.rename(columns=HEADERS[lang])


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    try:
        tz = ZoneInfo(args.tz)
        t0, t1 = period_bounds(args.first, args.last, tz)
        settings = load_settings(args.settings)
        db = HistoryDB(default_history_path(args.data_dir or data_dir()), readonly=True)
    except (ValueError, SettingsError, HistoryError) as exc:
        sys.stderr.write(f"hangang-console accounting: {exc}\n")
        return 2
    try:
        table = accounting(db, t0, t1, args.by, settings.accounting)
        names = db.organisations()
        span = db.span()
    finally:
        db.close()
    if table[["allocated_gpu_h"]].to_numpy().sum() == 0:
        have = (
            "nothing"
            if span is None
            else (
                f"{pd.Timestamp(span[0], unit='s', tz=tz):%Y-%m-%d %H:%M} – "
                f"{pd.Timestamp(span[1], unit='s', tz=tz):%Y-%m-%d %H:%M}"
            )
        )
        sys.stderr.write(
            f"hangang-console accounting: no history from {args.first} to {args.last} "
            f"(the store holds {have})\n"
        )
        return 1
    if args.by == "sector":
        table = with_total(table)
    out = readable(table, names, lang)
    if args.format == "csv":
        out.to_csv(sys.stdout, index=False, float_format="%.3f")
    else:
        sys.stdout.write(f"{args.first} – {args.last} ({args.tz})\n")
        sys.stdout.write(out.to_string(index=False, float_format=lambda v: f"{v:,.1f}") + "\n")
    return 0
