"""`hangang-console accounting`: GPU-hours, SUs and energy (kWh, facility kWh, kgCO2e) per sector
or organisation for a period; with --from-slurm, Slurm's own books beside them
(console/commands/accounting_slurm.py)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from console.commands import accounting_slurm
from console.commands.books_source import BooksUnavailable, prometheus_history
from console.energy.accounting import KWH_COLUMNS, energy_table, with_energy_total
from console.history.accounting import accounting, period_bounds, with_total
from console.history.database import HistoryDB, HistoryError, default_history_path
from console.i18n.catalogue import reason_of, say, translate
from console.i18n.names import sector_name
from console.inventory.model import InventoryError
from console.paths import data_dir
from console.reports.period import KINDS, Period, containing, last_complete
from console.settings import SettingsError, load_settings

HEADERS = {
    "sector": translate("AccountingTable", "Sector"),
    "org": translate("AccountingTable", "Organisation"),
    "entitled_gpu_h": translate("AccountingTable", "Entitled GPU-h"),
    "allocated_gpu_h": translate("AccountingTable", "Allocated GPU-h"),
    "live_gpu_h": translate("AccountingTable", "Reporting GPU-h"),
    "used_gpu_h": translate("AccountingTable", "Used GPU-h"),
    "busy_gpu_h": translate("AccountingTable", "Busy GPU-h"),
    "su": translate("AccountingTable", "SU"),
    "util_pct": translate("AccountingTable", "Util %"),
    "job_gpu_h": translate("AccountingTable", "Used GPU-h by job account"),
    "user_gpu_h": translate("AccountingTable", "Used GPU-h by user map"),
    "node_gpu_h": translate("AccountingTable", "Used GPU-h by node"),
    "gpu_kwh": translate("AccountingTable", "GPU kWh"),
    "estimated_kwh": translate("AccountingTable", "Estimated kWh"),
    "cpu_kwh": translate("AccountingTable", "CPU kWh"),
    "it_kwh": translate("AccountingTable", "IT kWh"),
    "facility_kwh": translate("AccountingTable", "Facility kWh"),
    "co2e_kg": translate("AccountingTable", "kgCO2e"),
}
CARBON = translate(
    "AccountingTable",
    "Facility kWh = IT kWh (GPU + CPU) × PUE {pue}; kgCO2e = facility kWh × {grid} kgCO2e/kWh "
    "(settings.toml [energy]). Estimated kWh: GPUs without an energy counter, power × time.",
)
RULES = translate(
    "AccountingTable",
    "Used GPU-h are charged to the GPU's Slurm job's account when the fleet file gives it an "
    "organisation, else to the organisation of the user of its main process (user map), else "
    "to the node's organisation; the by-rule columns add up to used GPU-h.",
)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-01, not {text!r}") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console accounting",
        description="Allocated, used and busy GPU-hours, service units (SU) and energy (GPU and "
        "CPU kWh, facility kWh, kgCO2e) for a period.",
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="history store (default XDG)")
    p.add_argument("--from", dest="first", type=iso_date, metavar="YYYY-MM-DD")
    p.add_argument(
        "--to",
        dest="last",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day, included",
    )
    p.add_argument("--period", choices=KINDS[:3], help="instead of --from/--to: the last "
                   "complete day, week (Mon–Sun) or month, or the one holding --date")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="with --period: holding it")
    p.add_argument("--by", choices=("sector", "org", "user", "job"), default="sector",
                   help="user and job: with --from-slurm only")
    p.add_argument("--from-slurm", action="store_true",
                   help="Slurm's books (sacct): allocated GPU-hours and waits, beside the "
                   "console's own numbers")
    p.add_argument("--prometheus", metavar="URL",
                   help="the room's books as this Prometheus (or VictoriaMetrics) kept them "
                   "from serve, instead of a data directory")
    p.add_argument("--inventory", type=Path, metavar="FLEET.toml",
                   help="with --from-slurm: accounts of sectors and organisations, [slurm]; "
                   "with --prometheus: the organisations' names")
    p.add_argument("--slurm-local", action="store_true",
                   help="with --from-slurm: run sacct here, whatever the fleet file's [slurm] says")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    p.add_argument("--tz", default="Asia/Seoul", help="days start at midnight here (Asia/Seoul)")
    p.add_argument("--lang", choices=("ko", "en"), help="default: from LANG")
    p.add_argument("--settings", type=Path, metavar="FILE.toml",
                   help="SU multipliers, PUE and grid factor from here")
    return p


def period_of(args: argparse.Namespace, tz: ZoneInfo) -> Period:
    if args.period:
        if args.first or args.last:
            raise ValueError("give either --period or --from/--to, not both")
        if args.date:
            return containing(args.period, args.date)
        return last_complete(args.period, datetime.now(tz).date())
    if not (args.first and args.last):
        raise ValueError("give --from and --to (or --period day|week|month)")
    return Period("custom", args.first, args.last)


def language(explicit: str | None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "ko" if env.startswith("ko") else "en"


def readable(table: pd.DataFrame, names: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Sector and organisation names in `lang`, columns titled, numbers rounded."""
    out = table.copy()
    out["sector"] = out["sector"].map(lambda s: sector_name(s, lang))
    if "org" in out:
        label = names.set_index("id")["name_ko" if lang == "ko" else "name_en"]
        none = translate("AccountingTable", "(no organisation)").into(lang)
        out["org"] = out["org"].map(label).fillna(out["org"]).replace("", none)
    return out.rename(columns={k: h.into(lang) for k, h in HEADERS.items()})


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    inventory = None
    try:
        tz = ZoneInfo(args.tz)
        period = period_of(args, tz)
        args.first, args.last = period.first, period.last
        t0, t1 = period_bounds(args.first, args.last, tz)
        settings = load_settings(args.settings)
        if args.from_slurm:
            inventory = accounting_slurm.inventory_from(args.inventory)
        elif args.by in ("user", "job") or args.slurm_local:
            raise ValueError("--by user|job and --slurm-local need --from-slurm")
        elif args.inventory and not args.prometheus:
            raise ValueError("--inventory needs --from-slurm or --prometheus")
        if args.prometheus and args.data_dir:
            raise ValueError("give either --prometheus or --data-dir, not both")
    except (ValueError, SettingsError, InventoryError) as exc:
        sys.stderr.write(f"hangang-console accounting: {exc}\n")
        return 2
    if args.from_slurm:
        label = f"{args.first} – {args.last} ({args.tz})"
        return accounting_slurm.run(args, inventory, t0, t1, label, lang, settings.accounting)
    with tempfile.TemporaryDirectory(prefix="hangang-books-") as scratch:
        try:
            path = (
                prometheus_history(args.prometheus, t0, t1, args.inventory, Path(scratch))
                if args.prometheus else default_history_path(args.data_dir or data_dir())
            )
            db = HistoryDB(path, readonly=True)
        except (HistoryError, BooksUnavailable, InventoryError, OSError) as exc:
            sys.stderr.write(f"hangang-console accounting: {say(reason_of(exc), lang)}\n")
            return 2
        return _report(args, db, t0, t1, tz, lang, settings)


def _report(args, db, t0, t1, tz, lang, settings) -> int:
    try:
        table = accounting(db, t0, t1, args.by, settings.accounting)
        energy = energy_table(db, t0, t1, args.by, settings.energy)
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
        table, energy = with_total(table), with_energy_total(energy)
    out = readable(with_energy(table, energy), names, lang)
    if args.format == "csv":
        out.to_csv(sys.stdout, index=False, float_format="%.3f")
    else:
        sys.stdout.write(f"{args.first} – {args.last} ({args.tz})\n")
        sys.stdout.write(out.to_string(index=False, float_format=lambda v: f"{v:,.1f}") + "\n")
        e = settings.energy
        note = CARBON.fill(pue=f"{e.pue:g}", grid=f"{e.grid_kgco2e_per_kwh:g}")
        sys.stdout.write(note.into(lang) + "\n")
        sys.stdout.write(RULES.into(lang) + "\n")
    return 0


def with_energy(table: pd.DataFrame, energy: pd.DataFrame) -> pd.DataFrame:
    """The GPU-hour table with the energy columns beside it (an organisation with energy but
    no GPU-hours, or the other way round, gets zeros for what it lacks)."""
    keys = ["sector", "org"] if "org" in table else ["sector"]
    merged = table.merge(energy, on=keys, how="left")  # keeps the table's order
    seen = pd.MultiIndex.from_frame(table[keys])
    only_energy = energy[~pd.MultiIndex.from_frame(energy[keys]).isin(seen)]
    merged = pd.concat([merged, only_energy], ignore_index=True)
    merged[KWH_COLUMNS] = merged[KWH_COLUMNS].fillna(0.0)
    hours = [c for c in table.columns if c not in keys and c != "util_pct"]
    merged[hours] = merged[hours].fillna(0.0)
    return merged
