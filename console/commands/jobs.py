"""`hangang-console jobs idle|efficiency`: the Slurm jobs that held GPUs at ~0 % ("GPU-hours at
0 %") and efficiency (used ÷ allocated GPU-hours) per job, organisation or sector, from the
per-job usage the console recorded (job-usage.sqlite in the data directory).

    hangang-console jobs idle [--since 24h|7d|2026-12-01[T09:00]] [--min-minutes 60]
    hangang-console jobs efficiency --by sector|org|job [--since …]

Exit status: 0 printed, 2 a bad argument or fleet file, 3 no per-job usage recorded.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from console.capacity.backends.slurm_setup import slurm_options_for
from console.commands.accounting import language
from console.commands.accounting_slurm import inventory_from
from console.fleet.model import SECTORS
from console.history.job_usage_db import JobUsageStore, job_usage_path
from console.i18n.catalogue import translate
from console.i18n.names import sector_name
from console.inventory.model import Inventory, InventoryError
from console.paths import data_dir
from console.scheduler.books import UNMAPPED, AccountMap
from console.scheduler.efficiency import JobRow, by_group, idle_jobs, job_rows

HEADERS = {
    "job": translate("IdleJobs", "Job"),
    "user": translate("IdleJobs", "User"),
    "account": translate("IdleJobs", "Account"),
    "org": translate("IdleJobs", "Organisation"),
    "sector": translate("IdleJobs", "Sector"),
    "jobs": translate("IdleJobs", "Jobs"),
    "gpus": translate("IdleJobs", "GPUs"),
    "held_gpu_h": translate("IdleJobs", "Allocated GPU-h"),
    "used_gpu_h": translate("IdleJobs", "Used GPU-h"),
    "zero_gpu_h": translate("IdleJobs", "GPU-h at 0 %"),
    "idle_h": translate("IdleJobs", "Hours at 0 %"),
    "efficiency": translate("IdleJobs", "Efficiency %"),
}
UNMAPPED_NAME = translate("IdleJobs", "(unmapped account)")
NO_ORG = translate("IdleJobs", "(no organisation)")
_RELATIVE = re.compile(r"^(\d+(?:\.\d+)?)([mhd])$")


def when(text: str, tz: ZoneInfo, now: float) -> float:
    """ "90m", "24h", "7d" before now, or an ISO date/time in `tz`."""
    m = _RELATIVE.match(text.strip())
    if m:
        return now - float(m.group(1)) * {"m": 60, "h": 3600, "d": 86400}[m.group(2)]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"expected 24h, 7d, 2026-12-01 or 2026-12-01T09:00, not {text!r}"
        ) from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).timestamp()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hangang-console jobs", description=__doc__.split("\n\n")[0])
    p.add_argument("what", choices=("idle", "efficiency"))
    p.add_argument("--since", default="24h", help="24h, 7d, 2026-12-01[T09:00] (default 24h)")
    p.add_argument("--until", default=None, help="as --since (default now)")
    p.add_argument(
        "--min-minutes",
        type=float,
        default=60.0,
        metavar="N",
        help="idle: jobs whose GPUs were all at ~0 %% for at least N minutes",
    )
    p.add_argument("--by", choices=("sector", "org", "job"), default="sector")
    p.add_argument("--limit", type=int, default=None, metavar="N")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="default XDG data dir")
    p.add_argument(
        "--inventory",
        type=Path,
        metavar="FLEET.toml",
        help="sectors and organisations by Slurm account (else all unmapped)",
    )
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--tz", default="Asia/Seoul")
    p.add_argument("--lang", choices=("ko", "en"))
    return p


def names(inventory: Inventory | None, lang: str):
    orgs = {o.id: o.name(lang) for o in (inventory.organisations if inventory else ())}

    def sector(s: str) -> str:
        return UNMAPPED_NAME.into(lang) if s == UNMAPPED else sector_name(s, lang)

    def org(o: str) -> str:
        return orgs.get(o, o) if o else NO_ORG.into(lang)

    return sector, org


def job_table(
    rows: list[JobRow], inventory: Inventory | None, lang: str, csv: bool
) -> pd.DataFrame:
    sector, org = names(inventory, lang)
    out = pd.DataFrame(
        [
            {
                "job": r.job_id,
                "user": r.user,
                "account": r.account,
                "org": r.org if csv else org(r.org),
                "sector": r.sector if csv else sector(r.sector),
                "gpus": r.gpus,
                "held_gpu_h": r.held_gpu_h,
                "zero_gpu_h": r.zero_gpu_h,
                "idle_h": r.idle_h,
                "efficiency": _pct(r.efficiency),
            }
            for r in rows
        ],
        columns=[
            "job",
            "user",
            "account",
            "org",
            "sector",
            "gpus",
            "held_gpu_h",
            "zero_gpu_h",
            "idle_h",
            "efficiency",
        ],
    )
    return out


def group_table(
    rows: list[JobRow], by: str, inventory: Inventory | None, lang: str, csv: bool
) -> pd.DataFrame:
    sector, org = names(inventory, lang)
    groups = by_group(rows, by, [s.value for s in SECTORS])
    records = []
    for g in groups:
        rec = {"sector": g.sector if csv else sector(g.sector)}
        if by == "org":
            rec["org"] = g.org if csv else org(g.org)
        rec |= {
            "jobs": g.jobs,
            "held_gpu_h": g.held_gpu_h,
            "used_gpu_h": g.used_gpu_h,
            "zero_gpu_h": g.zero_gpu_h,
            "efficiency": _pct(g.efficiency),
        }
        records.append(rec)
    return pd.DataFrame(records)


def _pct(value: float | None) -> float | None:
    return None if value is None else 100.0 * value


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    tz, now = ZoneInfo(args.tz), time.time()
    try:
        t0 = when(args.since, tz, now)
        t1 = when(args.until, tz, now) if args.until else now
        inventory = inventory_from(args.inventory)
    except (argparse.ArgumentTypeError, InventoryError) as exc:
        sys.stderr.write(f"hangang-console jobs: {exc}\n")
        return 2
    path = job_usage_path(args.data_dir or data_dir())
    if not path.exists():
        sys.stderr.write(
            translate(
                "IdleJobs",
                "hangang-console jobs: no per-job usage recorded "
                "yet ({path}): the console records it while it reads Slurm's "
                "running jobs",
            ).into(lang, path=path)
            + "\n"
        )
        return 3
    store = JobUsageStore(path, readonly=True)
    try:
        totals = store.totals(t0, t1)
    finally:
        store.close()
    # partitions charge what no account does (default: each sector's own name)
    partitions = slurm_options_for(inventory).partitions
    rows = job_rows(totals, AccountMap.from_inventory(inventory, partitions))
    csv = args.format == "csv"
    if args.what == "idle":
        rows = idle_jobs(rows, args.min_minutes, args.limit)
        out = job_table(rows, inventory, lang, csv)
    elif args.by == "job":
        out = job_table(
            sorted(rows, key=lambda r: -r.held_gpu_h)[: args.limit], inventory, lang, csv
        )
    else:
        out = group_table(rows, args.by, inventory, lang, csv)
    out = out.rename(columns={k: h.into(lang) for k, h in HEADERS.items()})
    if csv:
        out.to_csv(sys.stdout, index=False, float_format="%.4f")
        return 0
    period = f"{_stamp(t0, tz)} – {_stamp(t1, tz)}"
    if args.what == "idle":
        head = translate(
            "IdleJobs",
            "{period}: {n} jobs held GPUs all at ~0 % for {m} min or more, {hours} GPU-h at 0 %",
        ).into(
            lang,
            period=period,
            n=len(rows),
            m=f"{args.min_minutes:g}",
            hours=f"{sum(r.zero_gpu_h for r in rows):,.2f}",
        )
    else:
        head = translate(
            "IdleJobs", "{period}: efficiency (used ÷ allocated GPU-h) of {n} jobs"
        ).into(lang, period=period, n=len(totals))
    body = (
        out.to_string(index=False, float_format=lambda v: f"{v:,.2f}", na_rep="–")
        if len(out)
        else translate("IdleJobs", "(none)").into(lang)
    )
    sys.stdout.write(head + "\n" + body + "\n")
    return 0


def _stamp(t: float, tz: ZoneInfo) -> str:
    return datetime.fromtimestamp(t, tz).strftime("%Y-%m-%d %H:%M")
