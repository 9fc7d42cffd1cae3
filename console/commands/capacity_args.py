"""The fleet and store options shared by the capacity commands (rebalance, audit)."""

from __future__ import annotations

import argparse
from pathlib import Path

from console.access import AccessPolicy
from console.capacity.service import CapacityService
from console.capacity.setup import local_capacity
from console.paths import data_dir


def _positive(text: str) -> int:
    value = int(text)
    if value < 3:
        raise argparse.ArgumentTypeError("the demo fleet needs at least 3 nodes")
    return value


def add_store_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path,
                   help="where history, capacity and audit live (default: the console's)")
    p.add_argument("--lang", choices=("ko", "en"), default="en")


def add_fleet_args(p: argparse.ArgumentParser) -> None:
    fleet = p.add_mutually_exclusive_group(required=True)
    fleet.add_argument("--demo", type=_positive, metavar="N", help="the demo fleet of N nodes")
    fleet.add_argument("--inventory", type=Path, metavar="FILE", help="a fleet file (TOML)")
    p.add_argument("--seed", type=int, default=20261124, help=argparse.SUPPRESS)
    p.add_argument("--settings", type=Path, help="settings file (roles)")
    add_store_args(p)


def store_dir(args) -> Path:
    """The same default as the console: the demo's store never mixes with a real fleet's."""
    if args.data_dir is not None:
        return args.data_dir
    return data_dir() / "demo" if getattr(args, "demo", None) else data_dir()


def open_capacity(args, kiosk: bool = False) -> CapacityService:
    """The capacity service the console would use for this fleet; errors as ValueError/OSError."""
    from console.settings import SettingsError, load_settings

    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        raise ValueError(str(exc)) from None
    policy = AccessPolicy.for_session(settings.roles, kiosk=kiosk)
    if args.demo:
        from console.telemetry.sim import SimFleet

        sim = SimFleet.build(args.demo, seed=args.seed)
        return local_capacity(store_dir(args), sim.inventory, policy, sim=sim)
    from console.inventory_toml import InventoryError, load_inventory

    try:
        inventory = load_inventory(args.inventory)
    except InventoryError as exc:
        raise ValueError(str(exc)) from None
    return local_capacity(store_dir(args), inventory, policy)
