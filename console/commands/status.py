"""`hangang-console status (--demo N | --inventory FLEET.toml) [--format table|json]`: the
sector figures once, for scripts and checks.

Waits for the first complete snapshot (every node has answered or failed) or the timeout, prints
per sector the entitled, allocated, busy and used GPUs, queued demand, and live, stale and
unreachable nodes, and exits. The figures come from `sector_figures(snapshot)`, whatever the
source; a source is a function that returns a snapshot and the queued demand, or raises
SourceError.

Exit status: 0 printed; 2 the source cannot be read (bad file, no answer before the timeout).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Mapping

import numpy as np

from console.commands.fleet import language
from console.commands.room_args import SourceError, add_source_args, open_source
from console.fleet.model import SECTORS, FleetSnapshot, NodeStatus
from console.i18n.catalogue import translate
from console.i18n.names import sector_name

UNSETTLED = (NodeStatus.WAITING, NodeStatus.CONNECTING)
HEADERS = (
    ("sector", translate("Status", "Sector")),
    ("entitled", translate("Status", "Entitled")),
    ("allocated", translate("Status", "Allocated")),
    ("busy", translate("Status", "Busy")),
    ("used", translate("Status", "Used")),
    ("queued", translate("Status", "Queued")),
    ("live", translate("Status", "Live")),
    ("stale", translate("Status", "Stale")),
    ("unreachable", translate("Status", "Unreachable")),
)
TOTAL = translate("Status", "Total")
# a source: (timeout in s) -> (snapshot, queued GPUs per sector id)
Reader = Callable[[float], tuple[FleetSnapshot, Mapping[str, int]]]


def sector_figures(snap: FleetSnapshot, demand: Mapping[str, int] | None = None) -> list[dict]:
    """One dict per sector (SECTORS order): entitled, allocated, busy (GPU-equivalents of work,
    Σ utilisation / 100 over reporting GPUs), used (reporting GPUs at or above the busy
    threshold), queued GPUs, and live, stale and unreachable (everything else) nodes."""
    demand = demand or {}
    live = snap.node_status == NodeStatus.LIVE
    stale = snap.node_status == NodeStatus.STALE
    work = np.where(live[:, None], snap.gpu_util, np.nan) / 100.0
    out = []
    for i, summary in enumerate(snap.sectors):
        mine = snap.node_sector == i
        out.append({
            "sector": SECTORS[i].value,
            "entitled": round(float(summary.entitled_gpus), 2),
            "allocated": int(summary.allocated_gpus),
            "busy": round(float(np.nansum(work[mine])), 2) if mine.any() else 0.0,
            "used": int(summary.used_gpus),
            "queued": int(demand.get(SECTORS[i].value, 0)),
            "live": int((mine & live).sum()),
            "stale": int((mine & stale).sum()),
            "unreachable": int((mine & ~live & ~stale).sum()),
        })
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console status",
        description="Print the sector figures once (entitled, allocated, busy, used GPUs; "
        "live, stale, unreachable nodes) and exit.",
    )
    add_source_args(p).add_argument(
        "--prometheus", metavar="URL",
        help="read the room's fleet from this Prometheus query API (serve's metrics, or a "
        "site's exporters with --inventory's sectors: then give the URL in [prometheus])",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                   help="wait this long for every node to answer (default 30 s)")
    p.add_argument("--lang", choices=("ko", "en"), help="default: from LANG")
    return p


def source_reader(args: argparse.Namespace) -> Reader:
    """The source the command line names: a room's Prometheus, else the window's own
    collection (demo or SSH)."""
    if getattr(args, "prometheus", None):
        return from_prometheus(args)
    return collected(args)


def from_prometheus(args: argparse.Namespace) -> Reader:
    """The fleet as a room's Prometheus has it (console/sources/prometheus): nodes, sectors and
    organisations from serve's info series; a Prometheus that cannot be read is exit 2."""
    from dataclasses import replace

    from console.fleet_choice import load_inventory_for
    from console.room.serve import room_options
    from console.sources.prometheus.client import PrometheusError

    options = replace(room_options(None, None, settings=args.settings),
                      prometheus=args.prometheus)
    try:
        inventory = load_inventory_for(options)
    except (PrometheusError, OSError, ValueError) as exc:
        raise SourceError(str(exc)) from exc

    def read(timeout: float) -> tuple[FleetSnapshot, Mapping[str, int]]:
        from console.room.serve import headless_services

        services = headless_services(options, inventory)
        services.history = services.alerts = services.incidents = None
        services.start()
        try:
            return _first_complete(services.bridge, timeout), {}
        finally:
            services.stop()

    return read


def collected(args: argparse.Namespace) -> Reader:
    """The window's own collection (demo or SSH), run until the first complete snapshot; no
    history or incidents are written."""
    opened = open_source(args)

    def read(timeout: float) -> tuple[FleetSnapshot, Mapping[str, int]]:
        from console.room.serve import headless_services

        services = headless_services(opened.options, opened.inventory, opened.settings)
        services.history = services.alerts = services.incidents = None
        services.start()
        try:
            snap = _first_complete(services.bridge, timeout)
            demand = services.demand() if services.demand is not None else {}
        finally:
            services.stop()
        return snap, demand

    return read


def _first_complete(loop, timeout: float) -> FleetSnapshot:
    deadline = time.monotonic() + timeout
    while True:
        snap = loop.latest
        settled = snap is not None and not np.isin(snap.node_status, UNSETTLED).any()
        if settled or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if snap is None or np.isin(snap.node_status, UNSETTLED).all():
        raise SourceError(translate("Status", "no node answered within {s:g} s").fill(s=timeout))
    return snap  # at the timeout: the nodes still waiting count as unreachable


def table(rows: list[dict], lang: str) -> str:
    keys = [k for k, _ in HEADERS]
    head = [h.into(lang) for _, h in HEADERS]
    body = [[sector_name(r["sector"], lang)] + [_num(r[k]) for k in keys[1:]] for r in rows]
    total = [TOTAL.into(lang)] + [_num(sum(r[k] for r in rows)) for k in keys[1:]]
    lines = [head, *body, total]
    widths = [max(_width(line[c]) for line in lines) for c in range(len(head))]
    return "".join(
        "  ".join(_pad(cell, w, left=c == 0) for c, (cell, w) in enumerate(zip(line, widths,
                                                                             strict=True))
                  ).rstrip() + "\n"
        for line in lines
    )


def _num(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _width(text: str) -> int:
    """Columns on a terminal: Hangul and other wide characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, left: bool) -> str:
    gap = " " * (width - _width(text))
    return text + gap if left else gap + text


def main(argv: list[str], reader: Reader | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = language(args.lang)
    try:
        read = reader or source_reader(args)
        snap, demand = read(args.timeout)
    except SourceError as exc:
        sys.stderr.write(f"hangang-console status: {exc}\n")
        return 2
    rows = sector_figures(snap, demand)
    if args.format == "json":
        sys.stdout.write(json.dumps({"t": snap.t, "sectors": rows}, indent=2) + "\n")
    else:
        sys.stdout.write(table(rows, lang))
    return 0
