"""Building the capacity service for a fleet: one function for the console and the CLI."""

from __future__ import annotations

from pathlib import Path

from console.access import AccessPolicy
from console.capacity.audit import AuditLog, audit_path
from console.capacity.backends.local import LocalBackend, capacity_path
from console.capacity.journal import ApplyJournal, journal_path
from console.capacity.model import Entitlement, entitlements_from_shares
from console.capacity.service import CapacityService
from console.fleet.model import Sector
from console.inventory.model import Inventory


def fleet_entitlements(inventory: Inventory) -> dict[Sector, Entitlement]:
    return entitlements_from_shares(
        inventory.entitlements, inventory.guarantees, inventory.maximums
    )


def local_capacity(
    data_dir: Path, inventory: Inventory, policy: AccessPolicy, sim=None, **service_options
) -> CapacityService:
    """The embedded backend in `data_dir`; with `sim` (the demo fleet) the fleet follows it."""
    workload = on_change = None
    path = capacity_path(data_dir)
    if sim is not None:
        workload, on_change = sim.capacity_workload()
        # demo fleets of other sizes name the same nodes in other sectors: one store per shape
        path = path.with_name(f"capacity-demo{len(inventory.nodes)}-{sim.seed}.sqlite")
    backend = LocalBackend(path, inventory, workload, on_change=on_change)
    backend.read()  # the demo fleet starts where the store says
    service = CapacityService(
        backend,
        fleet_entitlements(inventory),
        policy,
        AuditLog(audit_path(data_dir)),
        journal=ApplyJournal(journal_path(data_dir)),
        **service_options,
    )
    if sim is not None:
        service.job_history = sim.job_history_source()
    return service


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
