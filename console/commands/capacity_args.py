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
    fleet = p.add_mutually_exclusive_group()
    fleet.add_argument("--demo", type=_positive, metavar="N", help="the demo fleet of N nodes")
    fleet.add_argument("--inventory", type=Path, metavar="FILE",
                       help="a fleet file (TOML); its [slurm] table, if any, drives Slurm")
    p.add_argument("--slurm", action="store_true",
                   help="apply through Slurm with scontrol on this machine (SLURM_CONF from the "
                   "environment); with --inventory, its entitlements and partitions")
    p.add_argument("--slurm-include", metavar="FILE",
                   help="partition include file that slurm.conf reads; rewritten on every move "
                   "so it survives restarts (default: the fleet file's [slurm] include_file)")
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
    slurm = getattr(args, "slurm", False)
    if args.demo:
        if slurm:
            raise ValueError("--slurm drives a real scheduler: use it without --demo")
        from console.sources.demo.fleet import SimFleet

        sim = SimFleet.build(args.demo, seed=args.seed)
        return local_capacity(store_dir(args), sim.inventory, policy, sim=sim)
    if args.inventory is None and not slurm:
        raise ValueError("one of --demo N, --inventory FILE or --slurm is required")
    inventory = None
    if args.inventory is not None:
        from console.inventory.loader import InventoryError, load_inventory

        try:
            inventory = load_inventory(args.inventory)
        except InventoryError as exc:
            raise ValueError(str(exc)) from None
    if slurm or inventory.slurm is not None:
        from console.capacity.backends.slurm_setup import slurm_capacity, slurm_options_for
        from console.scheduler.job_history import attach_job_history

        options = slurm_options_for(inventory, slurm, getattr(args, "slurm_include", None))
        service = slurm_capacity(store_dir(args), inventory, policy, options)
        attach_job_history(service, inventory)  # the what-if's jobs: sacct's last days
        return service
    return local_capacity(store_dir(args), inventory, policy)


def open_quota(args, kiosk: bool = False):
    """The quota-mode service for this fleet (console/capacity/quota/setup.py): Slurm's QOS
    with --slurm or a fleet file's [slurm] table, else the embedded store in the data dir."""
    from console.capacity.quota.setup import quota_capacity
    from console.settings import SettingsError, load_settings

    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        raise ValueError(str(exc)) from None
    policy = AccessPolicy.for_session(settings.roles, kiosk=kiosk)
    slurm = getattr(args, "slurm", False)
    if args.demo:
        if slurm:
            raise ValueError("--slurm drives a real scheduler: use it without --demo")
        from console.capacity.quota.setup import demo_quota_capacity
        from console.sources.demo.fleet import SimFleet

        sim = SimFleet.build(args.demo, seed=args.seed)
        return demo_quota_capacity(store_dir(args), sim, policy)
    if args.inventory is None and not slurm:
        raise ValueError("one of --demo N, --inventory FILE or --slurm is required")
    inventory = None
    if args.inventory is not None:
        from console.inventory.loader import InventoryError, load_inventory

        try:
            inventory = load_inventory(args.inventory)
        except InventoryError as exc:
            raise ValueError(str(exc)) from None
    from console.scheduler.job_history import attach_job_history

    service = quota_capacity(store_dir(args), inventory, policy, slurm=True if slurm else None)
    attach_job_history(service, inventory)  # on Slurm only: the embedded store has no books
    return service
