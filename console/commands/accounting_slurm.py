"""`hangang-console accounting --from-slurm`: the GPU-hours Slurm's accounting allocated in a
period (sacct, clipped to the period), per sector, organisation, user or job, with the waits
(submit → start, p50/p90) per sector, and beside them the console's own numbers (allocated and
NVML-observed used GPU-hours) where its history holds the period.

Exit status: 0 printed, 2 a bad argument or fleet file, 3 Slurm's accounting could not be read.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from console.capacity.backends.base import BackendError
from console.fleet.model import SECTORS
from console.history.accounting import accounting
from console.history.database import HistoryDB, HistoryError, default_history_path
from console.i18n.catalogue import Phrase, translate
from console.i18n.names import sector_name
from console.inventory.model import Inventory
from console.paths import data_dir
from console.scheduler.books import UNMAPPED, AccountMap, Books, books
from console.scheduler.queue import Waiting, pending_jobs, waiting
from console.scheduler.reader import SacctReader
from console.scheduler.sacct import SacctError
from console.settings import AccountingSettings

HEADERS = {
    "sector": translate("SchedulerBooks", "Sector"),
    "org": translate("SchedulerBooks", "Organisation"),
    "user": translate("SchedulerBooks", "User"),
    "job": translate("SchedulerBooks", "Job"),
    "slurm_gpu_h": translate("SchedulerBooks", "Slurm GPU-h"),
    "waited": translate("SchedulerBooks", "Jobs started"),
    "wait_p50": translate("SchedulerBooks", "Wait p50"),
    "wait_p90": translate("SchedulerBooks", "Wait p90"),
    "console_alloc_gpu_h": translate("SchedulerBooks", "Console allocated GPU-h"),
    "console_used_gpu_h": translate("SchedulerBooks", "Console used GPU-h"),
    "used_pct": translate("SchedulerBooks", "Used ÷ Slurm %"),
}
UNMAPPED_NAME = translate("SchedulerBooks", "(unmapped account)")
NO_ORG = translate("SchedulerBooks", "(no organisation)")


@dataclass(frozen=True, slots=True)
class Read:
    books: Books
    how: Phrase
    waiting: Mapping[str, Mapping[str, Waiting]] | None  # None: squeue could not be read
    queue_error: str = ""


def read_books(args: argparse.Namespace, inventory: Inventory | None, t0: float, t1: float,
               now: float) -> Read:
    """sacct for the period and, for the sector table, squeue's pending jobs now."""
    from console.capacity.backends.slurm_setup import slurm_options_for, slurm_runner

    options = slurm_options_for(inventory, args.slurm_local)
    accounts = AccountMap.from_inventory(inventory, options.partitions)
    runner = slurm_runner(options)
    try:
        reader = SacctReader(runner)
        result = books(reader.jobs(t0, t1), accounts, t0, t1, now)
        queue, error = None, ""
        if args.by == "sector" and args.format == "table":
            try:  # the books stand without it: slurmctld may be down while slurmdbd is up
                queue = waiting(pending_jobs(runner, bool(reader.json)), accounts)
            except BackendError as exc:
                error = str(exc)
    finally:
        runner.close()
    return Read(result, reader.how(), queue, error)


def console_table(args: argparse.Namespace, t0: float, t1: float,
                  settings: AccountingSettings) -> pd.DataFrame | None:
    """The console's own accounting for the same period; None when its history has none (or
    for users and jobs, which it does not charge by job)."""
    if args.by not in ("sector", "org"):
        return None
    try:
        db = HistoryDB(default_history_path(args.data_dir or data_dir()), readonly=True)
    except HistoryError:
        return None
    try:
        table = accounting(db, t0, t1, "org" if args.by == "org" else "sector", settings)
    finally:
        db.close()
    if table["allocated_gpu_h"].sum() == 0:
        return None
    return table


def _duration(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "–"
    if seconds < 120:
        return translate("SchedulerBooks", "{n} s").into(lang, n=f"{seconds:.0f}")
    if seconds < 7200:
        return translate("SchedulerBooks", "{n} min").into(lang, n=f"{seconds / 60:.1f}")
    return translate("SchedulerBooks", "{n} h").into(lang, n=f"{seconds / 3600:.1f}")


def books_table(result: Books, by: str, inventory: Inventory | None,
                mine: pd.DataFrame | None, lang: str, csv: bool) -> pd.DataFrame:
    """One row per sector, organisation, user or job; columns keyed as HEADERS."""
    if by == "sector":
        rows = []
        for sector, hours in result.by_sector.items():
            w = result.waits.get(sector)
            rows.append({"sector": sector, "slurm_gpu_h": hours, "waited": w.jobs if w else 0,
                         "wait_p50": w.p50_s if w else None, "wait_p90": w.p90_s if w else None})
        out = pd.DataFrame(rows)
        key = ["sector"]
    elif by == "org":
        rank = {s: i for i, s in enumerate(result.by_sector)}
        rows = sorted(result.by_org.items(), key=lambda kv: (rank.get(kv[0][0], 99), -kv[1]))
        out = pd.DataFrame([{"sector": s, "org": o, "slurm_gpu_h": h} for (s, o), h in rows],
                           columns=["sector", "org", "slurm_gpu_h"])
        key = ["sector", "org"]
    else:
        table = result.by_user if by == "user" else result.by_job
        out = pd.DataFrame(sorted(table.items(), key=lambda kv: -kv[1]),
                           columns=[by, "slurm_gpu_h"])
        key = []
    if mine is not None and key:
        theirs = mine.rename(columns={"allocated_gpu_h": "console_alloc_gpu_h",
                                      "used_gpu_h": "console_used_gpu_h"})
        out = out.merge(theirs[[*key, "console_alloc_gpu_h", "console_used_gpu_h"]], on=key,
                        how="outer").fillna({"slurm_gpu_h": 0.0})
        rank = {s: i for i, s in enumerate(result.by_sector)}  # the sectors' order, not A–Z
        out = out.sort_values("sector", key=lambda c: c.map(rank).fillna(99),
                              kind="stable").reset_index(drop=True)
        slurm = out["slurm_gpu_h"].where(out["slurm_gpu_h"] > 0)
        out["used_pct"] = out["console_used_gpu_h"] / slurm * 100.0
    if csv:
        return out
    if "sector" in out:
        out["sector"] = out["sector"].map(
            lambda s: UNMAPPED_NAME.into(lang) if s == UNMAPPED else sector_name(s, lang))
    if "org" in out:
        names = {o.id: o.name(lang) for o in (inventory.organisations if inventory else ())}
        out["org"] = out["org"].map(lambda o: names.get(o, o) if o else NO_ORG.into(lang))
    for col in ("wait_p50", "wait_p90"):
        if col in out:
            out[col] = out[col].map(lambda v: _duration(None if pd.isna(v) else v, lang))
    return out


def run(args: argparse.Namespace, inventory: Inventory | None, t0: float, t1: float,
        label: str, lang: str, settings: AccountingSettings) -> int:
    try:
        read = read_books(args, inventory, t0, t1, time.time())
    except (BackendError, SacctError) as exc:
        message = translate("SchedulerBooks", "hangang-console accounting: Slurm's accounting "
                            "could not be read: {error}")
        sys.stderr.write(message.into(lang, error=exc) + "\n")
        return 3
    result, how = read.books, read.how
    mine = console_table(args, t0, t1, settings)
    out = books_table(result, args.by, inventory, mine, lang, args.format == "csv")
    out = out.rename(columns={k: h.into(lang) for k, h in HEADERS.items()})
    if args.format == "csv":
        out.to_csv(sys.stdout, index=False, float_format="%.4f")
        return 0
    lines = [translate("SchedulerBooks", "{period}: {jobs} jobs held GPUs, {hours} GPU-h "
                       "allocated in Slurm ({how})").into(
        lang, period=label, jobs=result.jobs, hours=f"{result.total:,.2f}", how=how.into(lang))]
    if mine is None and args.by in ("sector", "org"):
        lines.append(translate("SchedulerBooks", "(the console's history has nothing for this "
                               "period: its columns are left out)").into(lang))
    guessed = result.by_rule.get("partition", 0.0) + result.by_rule.get("unmapped", 0.0)
    if guessed > 0:
        lines.append(translate("SchedulerBooks", "{hours} GPU-h charged by partition or "
                               "unmapped: give the fleet file's sectors and organisations their "
                               "Slurm account").into(lang, hours=f"{guessed:,.2f}"))
    lines.append(out.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    if read.waiting is not None:
        lines += queue_lines(read.waiting, lang)
    elif read.queue_error:
        lines.append(translate("SchedulerBooks", "The queue could not be read: {error}").into(
            lang, error=read.queue_error))
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def queue_lines(table: Mapping[str, Mapping[str, Waiting]], lang: str) -> list[str]:
    """Pending now, per sector, by Slurm's reason."""
    title = translate("SchedulerBooks", "Waiting now (squeue), by reason:").into(lang)
    if not table:
        return [title, "  " + translate("SchedulerBooks", "no job waits").into(lang)]
    lines = [title]
    order = [s.value for s in SECTORS] + [UNMAPPED]
    for sector in sorted(table, key=lambda s: order.index(s) if s in order else 99):
        name = UNMAPPED_NAME.into(lang) if sector == UNMAPPED else sector_name(sector, lang)
        reasons = ", ".join(
            translate("SchedulerBooks", "{reason} {jobs} jobs / {gpus} GPUs").into(
                lang, reason=reason, jobs=w.jobs, gpus=w.gpus)
            for reason, w in table[sector].items())
        lines.append(f"  {name}: {reasons}")
    return lines


def inventory_from(path: Path | None) -> Inventory | None:
    if path is None:
        return None
    from console.inventory.loader import load_inventory

    return load_inventory(path)
