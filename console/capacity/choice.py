"""Which capacity service a fleet file gets: node moves (local store or Slurm) or quota caps."""

from __future__ import annotations

from pathlib import Path

from console.access import AccessPolicy
from console.capacity.setup import local_capacity
from console.inventory.model import Inventory


def fleet_capacity(data_dir: Path, inventory: Inventory, policy: AccessPolicy, mode: str):
    """(node-move service or None, quota service or None) for a fleet file: quota mode moves
    the caps of the sectors' QOS; a [slurm] table moves nodes in Slurm; else the local store."""
    if mode == "quota":
        from console.capacity.quota.setup import quota_capacity

        return None, quota_capacity(data_dir, inventory, policy)
    if inventory.slurm is not None:
        from console.capacity.backends.slurm_setup import slurm_capacity, slurm_options_for

        return slurm_capacity(data_dir, inventory, policy, slurm_options_for(inventory)), None
    return local_capacity(data_dir, inventory, policy), None
