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

from console.capacity.audit import AuditLog, audit_path, describe_entry
from console.commands.capacity_args import add_store_args, store_dir
from console.i18n.catalogue import translate
from console.i18n.names import apply_result_name, audit_action_name

HEADERS = (
    translate("AuditTable", "id"),
    translate("AuditTable", "time"),
    translate("AuditTable", "user"),
    translate("AuditTable", "role"),
    translate("AuditTable", "action"),
    translate("AuditTable", "plan"),
    translate("AuditTable", "result"),
    translate("AuditTable", "moves"),
    translate("AuditTable", "reason"),
)


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
            sys.stdout.write(translate(
                "AuditCommand", "{path}: no audit log yet (nothing to verify)"
            ).into(lang, path=path) + "\n")
            return 0
        v = log.verify()
        if v.ok:
            sys.stdout.write(translate(
                "AuditCommand", "OK: {entries} entries, chain intact; head {head}"
            ).into(lang, entries=v.entries, head=v.head) + "\n")
            return 0
        sys.stdout.write(translate(
            "AuditCommand",
            "BROKEN at entry {broken}: {problem} ({entries} entries before it verify)",
        ).into(lang, broken=v.broken_id, problem=v.problem, entries=v.entries) + "\n")
        return 1
    try:
        tz = ZoneInfo(args.tz)
    except Exception:
        sys.stderr.write(f"hangang-console audit: unknown time zone {args.tz!r}\n")
        return 2
    rows = []
    for e in log.entries():
        when = datetime.fromtimestamp(e.t, tz).strftime("%Y-%m-%d %H:%M:%S %Z")
        action = audit_action_name(e.action, lang)  # "interrupted": a crash mid-apply
        result = apply_result_name(e.result, lang)
        rows.append((e.id, when, e.user, e.role, action, e.plan_id, result,
                     describe_entry(e), e.reason))
    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow([h.into(lang) for h in HEADERS])
        writer.writerows(rows)
        return 0
    if not rows:
        none = translate("AuditCommand", "{path}: no entries").into(lang, path=path)
        sys.stdout.write(none + "\n")
        return 0
    for r in rows:
        sys.stdout.write(f"{r[0]:>4}  {r[1]}  {r[2]} ({r[3]})  {r[4]} {r[5]}  {r[6]}\n"
                         f"      {r[7]}\n      {r[8]}\n")
    return 0
