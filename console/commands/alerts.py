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
from console.i18n.sector_names import SECTOR_NAMES
from console.paths import data_dir

RULE_NAMES = {
    "gpu_temp": ("GPU 온도", "GPU temperature"),
    "mem_temp": ("메모리 온도", "Memory temperature"),
    "thermal_throttle": ("열 스로틀링", "Thermal throttling"),
    "power_brake": ("전력 브레이크", "Power brake"),
    "ecc_uncorrected": ("정정 불가 ECC", "Uncorrected ECC"),
    "remap_pending": ("행 재매핑 대기", "Row remap pending"),
    "remap_failure": ("행 재매핑 실패", "Row remap failure"),
    "xid": ("XID 오류", "XID error"),
    "gpu_lost": ("GPU 유실", "GPU lost"),
    "node_unreachable": ("노드 연결 불가", "Node unreachable"),
    "node_stale": ("노드 데이터 지연", "Node stale"),
    "probe_error": ("프로브 오류", "Probe error"),
    "hostkey_changed": ("호스트 키 변경", "Host key changed"),
    "disk_full": ("디스크 부족", "Disk almost full"),
    "sector_over_entitlement": ("부문 보장량 초과", "Sector above entitlement"),
    "sector_starved": ("부문 자원 부족", "Sector starved"),
}
SEVERITY_NAMES = {
    "critical": ("심각", "critical"),
    "error": ("오류", "error"),
    "warning": ("경고", "warning"),
}
HEADERS = {
    "ko": ("번호", "심각도", "규칙", "부문", "노드", "GPU", "기관", "처음", "마지막", "종료",
           "최대값", "확인자", "확인 시각", "메모"),
    "en": ("ID", "Severity", "Rule", "Sector", "Node", "GPU", "Organisation", "First seen",
           "Last seen", "Closed", "Peak", "Acknowledged by", "Acknowledged at", "Note"),
}  # fmt: skip
OPEN = {"ko": "진행 중", "en": "open"}
NONE = {"ko": "없음", "en": "none"}


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
    k = 0 if lang == "ko" else 1

    def when(t: float) -> str:
        if math.isnan(t):
            return ""
        return pd.Timestamp(t, unit="s", tz=tz).strftime("%Y-%m-%d %H:%M:%S")

    out = pd.DataFrame(
        {
            "id": df["id"],
            "severity": df["severity"].map(lambda s: SEVERITY_NAMES.get(s, (s, s))[k]),
            "rule": df["rule"].map(lambda r: RULE_NAMES.get(r, (r, r))[k]),
            "sector": df["sector"].map(lambda s: SECTOR_NAMES[lang].get(s, s)),
            "node": df["node"],
            "gpu": df["gpu"].map(lambda g: "" if math.isnan(g) else str(int(g))),
            "org": df["org"],
            "first_seen": df["first_seen"].map(when),
            "last_seen": df["last_seen"].map(when),
            "closed": df["closed_at"].map(lambda t: OPEN[lang] if math.isnan(t) else when(t)),
            "peak": df["peak"].map(lambda v: "" if math.isnan(v) else f"{v:g}"),
            "acked_by": df["acked_by"],
            "acked_at": df["acked_at"].map(when),
            "note": df["note"],
        }
    )
    out.columns = list(HEADERS[lang])
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
        sys.stdout.write(f"{NONE[lang]} ({path})\n")
    else:
        sys.stdout.write(out.to_string(index=False) + "\n")
    return 0
