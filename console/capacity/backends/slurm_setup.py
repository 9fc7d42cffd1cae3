"""Building the Slurm backend from a fleet file's [slurm] table or the command line.

    [slurm]                                   # all optional
    controller = "hgops@slurm-ctl:22"         # SSH to slurmctld's host; absent: scontrol here
    user = "hgops"                            # SSH user (else controller's user@, else $USER)
    port = 22
    identity_file = "~/.ssh/id_ed25519"
    slurm_conf = "/etc/slurm/slurm.conf"      # SLURM_CONF for the commands
    include_file = "/etc/slurm/hangang-partitions.conf"   # rewritten on every move
    keep_versions = 5                         # previous include files kept (.1 … .5)
    history_days = 30                         # days of sacct the what-if learns from
    [slurm.partitions]                        # sector → partition (default: the sector name)
    public = "public"

The checks (with file:line:field errors) are in console/inventory/loader.py; this module trusts
the table it gets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from console.access import AccessPolicy
from console.capacity.backends.slurm import DEFAULT_PARTITIONS, KEEP_VERSIONS, SlurmBackend
from console.capacity.backends.slurm_runner import LocalRunner, Runner, SshRunner
from console.fleet.model import Sector
from console.inventory.model import Inventory
from console.paths import config_dir

# entitlements when no fleet file says (`rebalance --slurm` alone): the demo fleet's shares
DEFAULT_SHARES = {Sector.PUBLIC: 0.40, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25}


@dataclass(frozen=True, slots=True)
class SlurmOptions:
    controller: str | None = None  # "[user@]host[:port]"; None: the commands run here
    user: str | None = None
    port: int = 22
    identity_file: str | None = None
    partitions: Mapping[Sector, str] = field(default_factory=lambda: dict(DEFAULT_PARTITIONS))
    include_file: str | None = None
    slurm_conf: str | None = None
    keep_versions: int = KEEP_VERSIONS

    @classmethod
    def from_table(cls, table: Mapping[str, object]) -> SlurmOptions:
        """From Inventory.slurm (checked by inventory_toml)."""
        parts = table.get("partitions") or {}
        return cls(
            controller=table.get("controller"),
            user=table.get("user"),
            port=int(table.get("port", 22)),
            identity_file=table.get("identity_file"),
            partitions={**DEFAULT_PARTITIONS, **{Sector(k): v for k, v in parts.items()}},
            include_file=table.get("include_file"),
            slurm_conf=table.get("slurm_conf"),
            keep_versions=int(table.get("keep_versions", KEEP_VERSIONS)),
        )

    def local(self) -> SlurmOptions:
        """The same, with the commands run here (`--slurm` on the controller itself)."""
        return SlurmOptions(None, None, 22, None, self.partitions, self.include_file,
                            self.slurm_conf, self.keep_versions)


def slurm_runner(options: SlurmOptions, known_hosts: Path | None = None) -> Runner:
    if options.controller is None:
        return LocalRunner({"SLURM_CONF": options.slurm_conf} if options.slurm_conf else None)
    from console.telemetry.hostkeys import HostKeyStore
    from console.telemetry.ssh import Endpoint, default_user

    own = known_hosts or config_dir() / "known_hosts"
    end = Endpoint.parse(options.controller, options.user or default_user())
    # only what the fleet file says goes on ssh's command line (-p, -l): the rest, an alias's
    # HostName, Port, User and ProxyJump included, comes from the ssh config as for `ssh`
    port = end.port if ":" in options.controller.rpartition("@")[2] else options.port
    port = None if port == 22 and ":" not in options.controller.rpartition("@")[2] else port
    user = end.user if "@" in options.controller else options.user
    return SshRunner(
        end.host,
        port,
        user,
        own,
        HostKeyStore.default(own).user_files,
        options.identity_file,
        options.slurm_conf,
    )


def slurm_backend_from(options: SlurmOptions, known_hosts: Path | None = None) -> SlurmBackend:
    """The backend for these options: local scontrol, or over SSH to the controller."""
    return SlurmBackend(
        slurm_runner(options, known_hosts),
        options.partitions,
        options.include_file,
        options.keep_versions,
    )


def slurm_options_for(
    inventory: Inventory | None, local: bool = False, include_file: str | None = None
) -> SlurmOptions:
    """The fleet file's [slurm] (if any), then the command line: `local` runs scontrol here
    whatever the file says; `include_file` replaces the file's."""
    options = SlurmOptions()
    if inventory is not None and inventory.slurm is not None:
        options = SlurmOptions.from_table(inventory.slurm)
    if local:
        options = options.local()
    if include_file:
        options = SlurmOptions(options.controller, options.user, options.port,
                               options.identity_file, options.partitions, str(include_file),
                               options.slurm_conf, options.keep_versions)
    return options


def slurm_capacity(
    data_dir: Path,
    inventory: Inventory | None,
    policy: AccessPolicy,
    options: SlurmOptions,
    **service_options,
):
    """A CapacityService on Slurm; the audit log lives in `data_dir` as with the local store."""
    from console.capacity.audit import AuditLog, audit_path
    from console.capacity.journal import ApplyJournal, journal_path
    from console.capacity.model import entitlements_from_shares
    from console.capacity.service import CapacityService
    from console.capacity.setup import fleet_entitlements

    if inventory is not None:
        entitlements = fleet_entitlements(inventory)
    else:
        entitlements = entitlements_from_shares(DEFAULT_SHARES)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return CapacityService(
        slurm_backend_from(options),
        entitlements,
        policy,
        AuditLog(audit_path(data_dir)),
        journal=ApplyJournal(journal_path(data_dir)),
        **service_options,
    )
