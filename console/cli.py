"""Command line of `hangang-console`."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

LANGUAGES = ("ko", "en")
DEMO_NODES = 48


@dataclass(frozen=True, slots=True)
class Options:
    demo: int
    inventory: Path | None
    seed: int
    interval: float
    lang: str | None  # None: from the system locale
    screenshot: Path | None
    quit_after: float | None
    timing: bool
    tz: str = "Asia/Seoul"
    data_dir: Path | None = None  # None: the XDG data dir
    settings: Path | None = None  # None: settings.toml in the XDG config dir
    kiosk: bool = False
    screen: int | None = None  # kiosk: index of the screen to fill
    rotate: float | None = None  # kiosk: seconds per page; None: from settings
    demo_control: bool = False  # demo only, hidden: stdin lines stop/run/quit (kiosk e2e test)
    scenario: str | None = None  # demo only: "faults" makes every alert rule fire
    faults_on_s: float | None = None  # … for this long, then none as long (None: 300 s)
    ssh_config: Path | None = None  # ssh's -F for every node; None: ~/.ssh/config, /etc/ssh
    # how the fleet was chosen: "given" (--demo/--inventory), "default" (a fleet file found in
    # the usual places), "fallback" (none found: the demo, and the window says so)
    fleet_origin: str = "given"
    fleet_searched: tuple[Path, ...] = ()  # the places looked at when not given
    theme: str | None = None  # the window's: "dark" or "light"; None: settings, then desktop
    prometheus: str | None = None  # read the fleet from this Prometheus query API, not over SSH
    interval_given: bool = False  # --interval on the command line (it then wins over the file)
    capacity_mode: str | None = None  # "nodes" | "quota"; None: the fleet file's [slurm] mode


# `hangang-console NAME …` runs a command instead of the window; each module has main(argv).
COMMANDS = {
    "simulate": "console.commands.simulate",
    "accounting": "console.commands.accounting",
    "accounts": "console.commands.accounts",
    "rebalance": "console.commands.rebalance",
    "audit": "console.commands.audit",
    "alerts": "console.commands.alerts",
    "report": "console.commands.report",
    "fleet": "console.commands.fleet",
    "serve": "console.commands.serve",
    "status": "console.commands.status",
    "prometheus-rules": "console.commands.prometheus_rules",
    "jobs": "console.commands.jobs",
}


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 3:
        raise argparse.ArgumentTypeError("the demo fleet needs at least 3 nodes")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _time_zone(text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"unknown time zone {text!r}") from exc
    return text


def program_version() -> str:
    """The installed distribution's version (a checkout without an install says so)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hangang-console")
    except PackageNotFoundError:
        return "0+checkout"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hangang-console",
        description="Hangang Console: live GPU fleet and sector capacity of the "
        "Hangang AI center.",
        epilog="commands (each has --help): " + ", ".join(COMMANDS),
    )
    p.add_argument("--version", action="version", version=f"hangang-console {program_version()}")
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--demo",
        type=_positive_int,
        default=None,
        metavar="N",
        help="run on the embedded demo fleet of N nodes × 8 GPUs (without --demo or --inventory: "
        "the fleet file ~/.config/hangang-console/fleet.toml, then "
        "/etc/hangang-console/fleet.toml, else the demo of 48 nodes)",
    )
    source.add_argument(
        "--inventory",
        type=Path,
        metavar="FLEET.toml",
        help="follow the real fleet described in this file over SSH (see "
        "resources/examples/fleet.toml)",
    )
    p.add_argument(
        "--prometheus",
        metavar="URL",
        help="read the fleet from a Prometheus (or VictoriaMetrics) query API at URL instead of "
        "over SSH: `serve`'s metrics or a site's dcgm-exporter + node_exporter; with "
        "--inventory the fleet file names the nodes and sectors, else serve's info series do",
    )
    p.add_argument(
        "--ssh-config",
        type=Path,
        metavar="FILE",
        help="with --inventory: read this ssh config (ssh -F) instead of ~/.ssh/config and "
        "/etc/ssh/ssh_config",
    )
    p.add_argument("--seed", type=int, default=20261124, help="seed of the demo fleet")
    p.add_argument(
        "--scenario",
        choices=("faults",),
        help="demo fleet: 'faults' makes every alert rule fire within the first minute",
    )
    p.add_argument(
        "--interval",
        type=_positive_float,
        default=None,
        metavar="SECONDS",
        help="sampling interval of the demo fleet (default 1 s); with --prometheus, the scrape "
        "interval (default: the fleet file's [prometheus] interval, else 15 s)",
    )
    p.add_argument(
        "--capacity-mode",
        choices=("nodes", "quota"),
        default=None,
        help="how the board moves capacity: whole nodes between partitions, or GPU caps of the "
        "sectors' QOS (default: the fleet file's [slurm] mode; the demo: nodes)",
    )
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of the interface (default: the system locale)",
    )
    p.add_argument(
        "--theme",
        choices=("dark", "light"),
        default=None,
        help="colours of the window (default: settings.toml's theme, else the desktop's scheme; "
        "the kiosk is always dark)",
    )
    p.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="save a screenshot of the window (with --quit-after: just before quitting)",
    )
    p.add_argument(
        "--quit-after",
        type=_positive_float,
        metavar="SECONDS",
        help="quit after this many seconds (exit code 0)",
    )
    p.add_argument(
        "--tz",
        default="Asia/Seoul",
        type=_time_zone,
        help="time zone for clocks and time axes (default Asia/Seoul)",
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where history is kept (default: the XDG data dir, ~/.local/share/hangang-console)",
    )
    p.add_argument(
        "--settings",
        type=Path,
        metavar="FILE.toml",
        help="settings file (default: settings.toml in ~/.config/hangang-console)",
    )
    kiosk = p.add_argument_group("kiosk (the read-only wall display)")
    kiosk.add_argument("--kiosk", action="store_true", help="full-screen read-only status board")
    kiosk.add_argument(
        "--screen", type=int, metavar="N", help="kiosk: fill screen N (default: the primary one)"
    )
    kiosk.add_argument(
        "--rotate",
        type=_positive_float,
        metavar="SECONDS",
        help="kiosk: seconds per page (default from settings, 20 s)",
    )
    # Demo only, for the kiosk's end-to-end test: stdin lines "stop" and "run" pause and resume
    # the demo source (as if it went down), "quit" quits (widgets/kiosk/demo_control.py).
    kiosk.add_argument("--demo-control", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--timing",
        action="store_true",
        help="print the time from process start to the first frame with data",
    )
    return p


def choose_fleet(demo: int | None, inventory: Path | None):
    """(demo nodes, fleet file, origin, places searched). A launcher with no arguments opens the
    site's fleet file; the demo runs only where there is none."""
    from console.paths import default_fleet_files

    if demo is not None or inventory is not None:
        return demo or DEMO_NODES, inventory, "given", ()
    searched = default_fleet_files()
    found = next((path for path in searched if path.is_file()), None)
    if found is not None:
        return DEMO_NODES, found, "default", searched
    return DEMO_NODES, None, "fallback", searched


def parse_args(argv: list[str] | None = None) -> Options:
    ns = build_parser().parse_args(argv)
    demo, inventory, origin, searched = choose_fleet(ns.demo, ns.inventory)
    return Options(
        demo=demo,
        inventory=inventory,
        fleet_origin=origin,
        fleet_searched=searched,
        seed=ns.seed,
        interval=ns.interval if ns.interval is not None else 1.0,
        interval_given=ns.interval is not None,
        lang=ns.lang,
        screenshot=ns.screenshot,
        quit_after=ns.quit_after,
        timing=ns.timing,
        tz=ns.tz,
        data_dir=ns.data_dir,
        settings=ns.settings,
        kiosk=ns.kiosk,
        screen=ns.screen,
        rotate=ns.rotate,
        demo_control=ns.demo_control,
        scenario=ns.scenario,
        ssh_config=ns.ssh_config,
        theme=ns.theme,
        prometheus=ns.prometheus,
        capacity_mode=ns.capacity_mode,
    )
