"""The scheduler's books for a period: GPU-hours Slurm allocated, per sector, organisation,
account, user and job, each job clipped to the period, and the waits (submit → start) per sector.

Which sector and organisation a job is charged to, first rule that matches:
  1. its account is an organisation's (fleet file `account`): that organisation and its sector;
  2. its account is a sector's: that sector, no organisation;
  3. its partition is a sector's ([slurm.partitions]): that sector, no organisation;
  4. none: "unmapped", shown as such so the total still equals Slurm's.
The GPU-hours each rule charged are kept, so the report can say how much rests on a guess.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from console.fleet.model import SECTORS, Sector
from console.inventory.model import Inventory
from console.scheduler.sacct import JobRecord

RULES = ("organisation account", "sector account", "partition", "unmapped")
UNMAPPED = ""  # the sector/organisation key of what no rule charged


@dataclass(frozen=True, slots=True)
class AccountMap:
    org_of: Mapping[str, str]  # account → organisation id
    sector_of_org: Mapping[str, Sector]  # organisation id → sector
    sector_of_account: Mapping[str, Sector]
    sector_of_partition: Mapping[str, Sector]

    @classmethod
    def from_inventory(cls, inventory: Inventory | None,
                       partitions: Mapping[Sector, str]) -> AccountMap:
        parts = {name: sector for sector, name in partitions.items()}
        if inventory is None:
            return cls({}, {}, {}, parts)
        return cls(
            {acct: org for org, acct in inventory.org_accounts.items()},
            {o.id: o.sector for o in inventory.organisations},
            {acct: sector for sector, acct in inventory.sector_accounts.items()},
            parts,
        )

    def charge(self, job: JobRecord) -> tuple[str, str, str]:
        """(sector value or UNMAPPED, organisation id or "", rule) for one job."""
        return self.charge_to(job.account, job.partition)

    def charge_to(self, account: str, partition: str) -> tuple[str, str, str]:
        account = account.lower()
        org = self.org_of.get(account)
        if org is not None and org in self.sector_of_org:
            return self.sector_of_org[org].value, org, RULES[0]
        if account in self.sector_of_account:
            return self.sector_of_account[account].value, "", RULES[1]
        # a job that ran names the partition it ran in; a pending one may name several
        sector = self.sector_of_partition.get(partition.split(",")[0])
        if sector is not None:
            return sector.value, "", RULES[2]
        return UNMAPPED, "", RULES[3]


@dataclass(frozen=True, slots=True)
class Waits:
    jobs: int  # jobs that started in the period
    p50_s: float | None
    p90_s: float | None


@dataclass(frozen=True, slots=True)
class Books:
    t0: float
    t1: float
    by_sector: Mapping[str, float]  # GPU-hours; every sector present, UNMAPPED when any
    by_org: Mapping[tuple[str, str], float]  # (sector, organisation id or "") → GPU-hours
    by_account: Mapping[str, float]
    by_user: Mapping[str, float]
    by_job: Mapping[str, float]
    by_rule: Mapping[str, float]
    waits: Mapping[str, Waits]  # sector value → waits of the jobs that started in the period
    jobs: int  # jobs with allocated GPUs in the period

    @property
    def total(self) -> float:
        return sum(self.by_sector.values())


def percentile(values: list[float], p: float) -> float | None:
    """Nearest rank: the smallest value with at least p % of them at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def books(jobs: Iterable[JobRecord], accounts: AccountMap, t0: float, t1: float,
          now: float) -> Books:
    tables: dict[str, defaultdict] = {
        k: defaultdict(float) for k in ("sector", "org", "account", "user", "job", "rule")}
    waits: defaultdict[str, list[float]] = defaultdict(list)
    held = 0
    for job in jobs:
        sector, org, rule = accounts.charge(job)
        wait = job.wait_s()
        if wait is not None and t0 <= job.start < t1:
            waits[sector].append(wait)
        hours = job.gpu_seconds(t0, t1, now) / 3600.0
        if hours <= 0:
            continue
        held += 1
        for key, name in (("sector", sector), ("org", (sector, org)), ("account", job.account),
                          ("user", job.user), ("job", job.job_id), ("rule", rule)):
            tables[key][name] += hours
    by_sector = {s.value: tables["sector"].get(s.value, 0.0) for s in SECTORS}
    if UNMAPPED in tables["sector"]:
        by_sector[UNMAPPED] = tables["sector"][UNMAPPED]
    return Books(
        t0, t1, by_sector, dict(tables["org"]), dict(tables["account"]), dict(tables["user"]),
        dict(tables["job"]), dict(tables["rule"]),
        {s: Waits(len(v), percentile(v, 50), percentile(v, 90)) for s, v in waits.items()},
        held,
    )
