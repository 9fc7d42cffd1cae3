"""What `serve` and `status` share: choosing the source (--demo N or --inventory FILE) and
opening it, with the errors a person can act on."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from console.cli import Options
from console.i18n.catalogue import translate


class SourceError(Exception):
    """The source cannot be read (exit 2): a bad fleet or settings file, an unreadable path."""


@dataclass(frozen=True)
class Opened:
    options: Options
    inventory: object | None  # console.inventory.model.Inventory; None for the demo
    settings: object  # console.settings.Settings


def add_source_args(p: argparse.ArgumentParser) -> argparse._MutuallyExclusiveGroup:
    """--demo | --inventory and their options; returns the group, so a command can offer one
    more source in it (status: --prometheus URL)."""
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--demo", type=int, metavar="N", help="the embedded demo fleet of N nodes")
    source.add_argument("--inventory", type=Path, metavar="FLEET.toml",
                        help="the real fleet in this file, followed over SSH")
    p.add_argument("--ssh-config", type=Path, metavar="FILE",
                   help="with --inventory: ssh's -F instead of ~/.ssh/config")
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="history, incidents and capacity (default: the XDG data dir)")
    p.add_argument("--settings", type=Path, metavar="FILE.toml", help="settings file")
    p.add_argument("--seed", type=int, default=20261124, help="seed of the demo fleet")
    p.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                   help="sampling interval of the demo fleet (default 1 s)")
    p.add_argument("--scenario", choices=("faults",),
                   help="demo fleet: 'faults' makes every alert rule fire within the first minute")
    p.add_argument("--faults-on", type=float, metavar="SECONDS",
                   help="with --scenario faults: the faults last this long, then are gone as long "
                   "(default 300)")
    return source


def open_source(args: argparse.Namespace) -> Opened:
    from console.inventory.loader import InventoryError
    from console.room.serve import room_options
    from console.settings import SettingsError, load_settings

    if args.demo is not None and args.demo < 3:
        raise SourceError(translate("Room", "the demo fleet needs at least 3 nodes").fill())
    if args.faults_on is not None and args.faults_on <= 0:
        raise SourceError(translate("Room", "--faults-on must be greater than 0").fill())
    if args.interval <= 0:
        raise SourceError(translate("Room", "--interval must be greater than 0").fill())
    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        raise SourceError(str(exc)) from exc
    inventory = None
    if args.inventory is not None:
        from console.telemetry.ssh_resolve import load_fleet

        try:
            inventory, _ = load_fleet(args.inventory, args.ssh_config)
        except (InventoryError, OSError) as exc:
            raise SourceError(str(exc)) from exc
    options = room_options(
        args.demo, args.inventory, data_dir=args.data_dir, settings=args.settings,
        ssh_config=args.ssh_config, seed=args.seed, interval=args.interval,
        scenario=args.scenario if args.demo is not None else None, faults_on_s=args.faults_on,
    )
    return Opened(options, inventory, settings)
