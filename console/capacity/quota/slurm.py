"""Quota mode on Slurm: each sector's cap is its QOS's GrpTRES gres/gpu, set with sacctmgr.

- caps: `sacctmgr -P -n show qos format=name,grptres` (the parsable text every version has;
  its --json form is not needed for two fields). The version is the caps' digest.
- use: `squeue --json` (or the fixed `-O` format): a job under a sector's QOS is that sector's;
  one under the borrow QOS is borrowed by the sector its account belongs to (fleet file
  `account`s, else an account named like the sector). Pending with QOSGrpGRES: waiting on a cap.
- capacity: GPUs of the shared partition's nodes that are neither down nor drained.
- set_caps: re-read the caps and refuse (Conflict) unless they are still the planned version,
  then `sacctmgr -i modify qos where name=Q set GrpTRES=gres/gpu=N`, one QOS per call. Slurm
  applies a cap at once: running jobs carry on, new ones over it pend.

Caps live in slurmdbd, so with slurmdbd down nothing can be read or set: every sacctmgr call has
a short timeout and fails with a message that says so, never a hang.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from console.capacity.backends.base import BackendError, Conflict
from console.capacity.backends.slurm_parse import (
    parse_nodes,
    tres_gpus,
    version_tuple,
)
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.capacity.backends.slurm_squeue import (
    JobInfo,
)
from console.capacity.backends.squeue_reader import SqueueReader
from console.capacity.quota.model import QuotaSettings, QuotaState, SectorQuota, caps_version
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import Phrase, translate
from console.inventory.model import Inventory

SACCTMGR_TIMEOUT_S = 10.0  # slurmdbd answers in well under a second when it is up
AT_CAP = ("QOSGrpGRES", "QOSGrpGRESRunMinutes")


def accounts_of(inventory: Inventory | None) -> dict[str, Sector]:
    """Slurm account (lower case) → sector: the sectors' and organisations' accounts of the
    fleet file, and the sector names themselves (what `accounts reconcile` creates)."""
    out = {s.value: s for s in SECTORS}
    if inventory is None:
        return out
    sector_of_org = {o.id: o.sector for o in inventory.organisations}
    for org, account in inventory.org_accounts.items():
        if org in sector_of_org:
            out[account.lower()] = sector_of_org[org]
    for sector, account in inventory.sector_accounts.items():
        out[account.lower()] = sector
    return out


class SlurmQuotaBackend:
    name = "slurm-quota"

    def __init__(
        self,
        runner: Runner,
        settings: QuotaSettings,
        inventory: Inventory | None = None,
        sector_of_account: Mapping[str, Sector] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.runner = runner
        self.settings = settings
        self.sector_of_account = dict(sector_of_account or accounts_of(inventory))
        self.clock = clock
        self._version: tuple[int, int, int] | None = None
        self.squeue = SqueueReader(runner, self.slurm_version)

    # -- commands ----------------------------------------------------------------------------

    def _sacctmgr(self, *args: str) -> str:
        try:
            return self.runner.run(("sacctmgr", *args), timeout=SACCTMGR_TIMEOUT_S)
        except CommandFailed as exc:
            raise BackendError(
                translate(
                    "SlurmQuota",
                    "Slurm's accounting (slurmdbd) did not answer, so the sector caps "
                    "cannot be read or changed: {error}",
                ).fill(error=exc.args[0])
            ) from exc

    def slurm_version(self) -> tuple[int, int, int]:
        if self._version is None:
            self._version = version_tuple(self.runner.run(("scontrol", "--version")))
        return self._version

    # -- reading -----------------------------------------------------------------------------

    def read_caps(self) -> dict[Sector, int | None]:
        """Each sector QOS's GrpTRES gres/gpu (None: no GPU limit). A missing QOS is an error:
        the caps are what quota mode is."""
        out = self._sacctmgr("-P", "-n", "show", "qos", "format=name,grptres")
        found: dict[str, str] = {}
        for line in out.splitlines():
            name, _, grptres = line.strip().partition("|")
            if name:
                found[name] = grptres
        missing = [q for q in self.settings.qos.values() if q not in found]
        if missing:
            raise BackendError(
                translate(
                    "SlurmQuota",
                    "Slurm has no QOS {missing} (quota mode needs one per sector; "
                    "`accounts reconcile` creates them).",
                ).fill(missing=", ".join(sorted(missing)))
            )
        return {s: tres_gpus(found[self.settings.qos[s]]) for s in SECTORS}

    def _jobs(self) -> list[JobInfo]:
        return self.squeue.jobs()

    def capacity(self) -> int:
        """GPUs of the shared partition's nodes that are up and not drained."""
        nodes = [
            n
            for n in parse_nodes(self.runner.run(("scontrol", "show", "node", "-o")))
            if self.settings.partition in n.partitions
        ]
        if not nodes:
            raise BackendError(
                translate(
                    "SlurmQuota", "Slurm has no node in the shared partition {partition}."
                ).fill(partition=self.settings.partition)
            )
        return sum(n.gpus for n in nodes if not n.state.down and not n.state.drain)

    def sector_of(self, job: JobInfo) -> tuple[Sector | None, bool]:
        """(sector, borrowed): by the job's QOS, else (borrow QOS) by its account."""
        own = self.settings.sector_of_qos(job.qos)
        if own is not None:
            return own, False
        borrowed = bool(self.settings.borrow_qos) and job.qos == self.settings.borrow_qos
        return self.sector_of_account.get(job.account.lower()), borrowed

    def read(self) -> QuotaState:
        caps = self.read_caps()
        use = {s: {"running": 0, "borrowed": 0, "pending": 0, "at_cap": 0} for s in SECTORS}
        for job in self._jobs():
            sector, borrowed = self.sector_of(job)
            if sector is None:
                continue
            u = use[sector]
            if job.running:
                u["borrowed" if borrowed else "running"] += job.gpus
            elif job.pending:
                u["pending"] += job.gpus
                if job.reason in AT_CAP:
                    u["at_cap"] += job.gpus
        sectors = {
            s: SectorQuota(
                s,
                self.settings.qos[s],
                caps[s],
                use[s]["running"],
                use[s]["borrowed"],
                use[s]["pending"],
                use[s]["at_cap"],
            )
            for s in SECTORS
        }
        return QuotaState(caps_version(caps), self.capacity(), sectors, self.clock())

    # -- writing -----------------------------------------------------------------------------

    def set_caps(self, caps: Mapping[Sector, int], expect_version: str) -> None:
        now = caps_version(self.read_caps())
        if now != expect_version:
            raise Conflict(
                translate(
                    "SlurmQuota",
                    "A sector QOS changed since the plan was made (version {planned}, "
                    "now {now}): plan again.",
                ).fill(planned=expect_version, now=now)
            )
        for sector in SECTORS:  # one QOS per call, in a fixed order (a recovery reads which)
            if sector in caps:
                self._sacctmgr(
                    "-i",
                    "modify",
                    "qos",
                    "where",
                    f"name={self.settings.qos[sector]}",
                    "set",
                    f"GrpTRES=gres/gpu={int(caps[sector])}",
                )

    # -- what it can do ----------------------------------------------------------------------

    def _feature_phrases(self) -> list[Phrase]:
        try:
            v = self.slurm_version()
        except BackendError as exc:
            return [translate("Slurm", "Slurm not reachable: {error}").fill(error=exc)]
        out = [
            translate("Slurm", "Slurm {version} on {where}").fill(
                version=f"{v[0]}.{v[1]:02d}.{v[2]}", where=self.runner.where
            ),
            translate(
                "SlurmQuota",
                "sector caps as GrpTRES=gres/gpu of QOS {names} over partition {partition}",
            ).fill(
                names=", ".join(self.settings.qos[s] for s in SECTORS),
                partition=self.settings.partition,
            ),
        ]
        out.append(self.squeue.phrase())
        if self.settings.borrow_qos:
            out.append(
                translate(
                    "SlurmQuota",
                    "borrowing via QOS {qos} (requeued after a grace time of {grace} s)",
                ).fill(qos=self.settings.borrow_qos, grace=self.settings.grace_time_s)
            )
        return out

    def feature_lines(self, lang: str = "en") -> tuple[str, ...]:
        return tuple(line.into(lang) for line in self._feature_phrases())

    def features(self) -> tuple[str, ...]:
        return self.feature_lines("en")
