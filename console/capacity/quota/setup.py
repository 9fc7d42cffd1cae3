"""Building the quota service for a fleet: the embedded store or Slurm's QOS, one audit log.

[slurm]
mode = "quota"                      # "nodes" (default): whole nodes between partitions
[slurm.quota]
partition = "shared"                # the shared partition every sector's jobs run in
borrow_qos = "hangang_borrow"       # optional: a preemptible QOS to run above the caps
grace_time = 120                    # seconds a borrowing job gets before it is requeued
[slurm.quota.qos]                   # sector → QOS (default hangang_<sector>)
public = "hangang_public"
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from console.access import AccessPolicy
from console.capacity.audit import AuditLog, audit_path
from console.capacity.quota.journal import QuotaJournal, quota_journal_path
from console.capacity.quota.local import LocalQuotaBackend, Workload, quota_path
from console.capacity.quota.model import CapacityMode, QuotaSettings
from console.capacity.quota.service import QuotaService
from console.inventory.model import Inventory


def fleet_mode(inventory: Inventory | None) -> CapacityMode:
    """The fleet file's `[slurm] mode`; node moves when it says nothing."""
    table: Mapping = (inventory.slurm if inventory is not None else None) or {}
    return CapacityMode(table.get("mode", CapacityMode.NODES.value))


def quota_settings(inventory: Inventory | None) -> QuotaSettings:
    table: Mapping = (inventory.slurm if inventory is not None else None) or {}
    return QuotaSettings.from_table(table.get("quota"))


def _entitlements(inventory: Inventory | None):
    from console.capacity.backends.slurm_setup import DEFAULT_SHARES
    from console.capacity.model import entitlements_from_shares
    from console.capacity.setup import fleet_entitlements

    if inventory is None:
        return entitlements_from_shares(DEFAULT_SHARES)
    return fleet_entitlements(inventory)


def quota_service(
    data_dir: Path, backend, inventory: Inventory | None, policy: AccessPolicy
) -> QuotaService:
    """The service over `backend`, with the audit log and the journal in `data_dir`."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return QuotaService(
        backend,
        _entitlements(inventory),
        policy,
        AuditLog(audit_path(data_dir)),
        journal=QuotaJournal(quota_journal_path(data_dir)),
    )


def quota_capacity(
    data_dir: Path,
    inventory: Inventory,
    policy: AccessPolicy,
    workload: Workload | None = None,
    slurm: bool | None = None,
    runner=None,
) -> QuotaService:
    """Quota mode for this fleet: Slurm's QOS when the fleet file has a [slurm] table (or
    `slurm` says so), else the embedded store in `data_dir` (the demo: `workload` gives use)."""
    settings = quota_settings(inventory)
    use_slurm = (inventory.slurm is not None) if slurm is None else slurm
    if not use_slurm:
        backend = LocalQuotaBackend(quota_path(data_dir), inventory, workload, settings)
        return quota_service(data_dir, backend, inventory, policy)
    from console.capacity.backends.slurm_setup import slurm_options_for, slurm_runner
    from console.capacity.quota.slurm import SlurmQuotaBackend

    if runner is None:
        runner = slurm_runner(slurm_options_for(inventory, local=bool(slurm)))
    backend = SlurmQuotaBackend(runner, settings, inventory=inventory)
    return quota_service(data_dir, backend, inventory, policy)


def demo_quota_capacity(data_dir: Path, sim, policy: AccessPolicy) -> QuotaService:
    """Quota mode on the demo fleet: the embedded store (one per demo shape, as for node moves)
    with the demo's load (console/capacity/quota/demo_load.py), borrowing on."""
    from console.capacity.quota.demo_load import DemoQuotaLoad

    inventory = sim.inventory
    path = quota_path(data_dir).with_name(f"quota-demo{len(inventory.nodes)}-{sim.seed}.sqlite")
    load = DemoQuotaLoad(inventory.gpu_total, inventory.entitlements)
    settings = QuotaSettings(partition="shared", borrow_qos="hangang_borrow")
    backend = LocalQuotaBackend(path, inventory, load, settings)
    service = quota_service(data_dir, backend, inventory, policy)
    service.job_history = sim.job_history_source()  # the what-if's synthetic jobs
    return service
