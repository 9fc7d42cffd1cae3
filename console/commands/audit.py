"""`hangang-console audit list|verify`: the capacity audit log, and whether its chain holds.

Exit status: 0 listed / verified; 1 the chain is broken (the first broken entry is named);
2 bad input.
"""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from console.capacity.audit import AuditLog, audit_path, describe_moves
from console.capacity.text import pick, result_name
from console.commands.capacity_args import add_store_args, store_dir

HEADERS = {
    "en": ("id", "time", "user", "role", "action", "plan", "result", "moves", "reason"),
    "ko": ("번호", "시각", "사용자", "역할", "작업", "계획", "결과", "이동", "사유"),
}
ACTIONS = {"ko": {"apply": "적용", "undo": "되돌리기"}}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hangang-console audit",
                                description="List or verify the capacity audit log.")
    p.add_argument("what", choices=("list", "verify"))
    add_store_args(p)
    p.add_argument("--demo", action="store_true", help="the demo fleet's store")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--tz", default="Asia/Seoul")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    path = audit_path(store_dir(args))
    log = AuditLog(path)
    lang = args.lang
    if args.what == "verify":
        if not path.exists():
            sys.stdout.write(pick(lang, f"{path}: no audit log yet (nothing to verify)\n",
                                  f"{path}: 감사 기록이 아직 없습니다\n"))
            return 0
        v = log.verify()
        if v.ok:
            sys.stdout.write(pick(lang, f"OK: {v.entries} entries, chain intact; head {v.head}\n",
                                  f"정상: 기록 {v.entries}건, 체인 온전; 마지막 해시 {v.head}\n"))
            return 0
        sys.stdout.write(pick(lang, f"BROKEN at entry {v.broken_id}: {v.problem} "
                              f"({v.entries} entries before it verify)\n",
                              f"손상: 기록 {v.broken_id}번 — {v.problem} "
                              f"(그 앞의 {v.entries}건은 정상)\n"))
        return 1
    try:
        tz = ZoneInfo(args.tz)
    except Exception:
        sys.stderr.write(f"hangang-console audit: unknown time zone {args.tz!r}\n")
        return 2
    rows = []
    for e in log.entries():
        when = datetime.fromtimestamp(e.t, tz).strftime("%Y-%m-%d %H:%M:%S %Z")
        action = ACTIONS.get(lang, {}).get(e.action, e.action)
        if e.action == "interrupted":  # a crash mid-apply, written by the recovery
            action = result_name(e.action, lang)
        rows.append((e.id, when, e.user, e.role, action, e.plan_id, result_name(e.result, lang),
                     describe_moves(e.moves), e.reason))
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(HEADERS[lang])
        writer.writerows(rows)
        return 0
    if not rows:
        sys.stdout.write(pick(lang, f"{path}: no entries\n", f"{path}: 기록이 없습니다\n"))
        return 0
    for r in rows:
        sys.stdout.write(f"{r[0]:>4}  {r[1]}  {r[2]} ({r[3]})  {r[4]} {r[5]}  {r[6]}\n"
                         f"      {r[7]}\n      {r[8]}\n")
    return 0
