"""The association tree the fleet file implies versus the one Slurm holds: a diff as ordered
`sacctmgr -i …` commands.

The fleet file names a Slurm account per sector and per organisation (inventory.sector_accounts,
org_accounts): sector accounts sit under root, organisations under their sector's account. In
quota mode (`[slurm] mode = "quota"`) each sector also has a QOS, allowed on its account's
association (and on the user associations below it that keep a QOS list of their own), and an
optional borrow QOS (PreemptMode=requeue with a GraceTime) that every sector QOS may preempt.
Caps (GrpTRES) are not touched here: moving them is the quota service's.

What the console creates carries Description=hangang-console; only that is removed when the
fleet file no longer names it. Anything else Slurm holds is left alone and listed, unless the
operator asks `remove_unmanaged=True` (accounts only: a site's QOS such as a partition's are never
removed from here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from console.capacity.quota.model import DEFAULT_GRACE_TIME_S, QuotaSettings, default_qos_name
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import Phrase, translate
from console.inventory.model import Inventory
from console.scheduler.associations import MANAGED, AssocTree, duration_s

SACCTMGR = ("sacctmgr", "-i")
KEEP = frozenset({"root"})  # never removed, whatever the flags
# commands run in this order: QOS before the associations that allow them, parents before
# children, moves before removals, accounts before the QOS they may still reference
ORDER = ("add-qos", "set-qos", "add-account", "set-parent", "allow-qos", "allow-user-qos",
         "remove-account", "remove-qos")

KIND_TEXT = {
    "add-qos": translate("Accounts", "add QOS {name}"),
    "set-qos": translate("Accounts", "set QOS {name}: {detail}"),
    "add-account": translate("Accounts", "add account {name} under {detail}"),
    "set-parent": translate("Accounts", "move account {name} under {detail}"),
    "allow-qos": translate("Accounts", "allow QOS {detail} on account {name}"),
    "allow-user-qos": translate("Accounts", "allow QOS {detail} for user {name}"),
    "remove-account": translate("Accounts", "remove account {name}"),
    "remove-qos": translate("Accounts", "remove QOS {name}"),
}


@dataclass(frozen=True, slots=True)
class WantedAccount:
    name: str
    parent: str
    qos: tuple[str, ...] = ()  # QOS its association must allow
    label: str = ""  # the sector or organisation it stands for


@dataclass(frozen=True, slots=True)
class WantedQos:
    name: str
    preempt_mode: str | None = None  # None: whatever Slurm has
    grace_time_s: int | None = None
    preempt: tuple[str, ...] = ()  # QOS this one must be able to preempt


@dataclass(frozen=True, slots=True)
class Wanted:
    accounts: tuple[WantedAccount, ...]  # parents before children
    qos: tuple[WantedQos, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # one of ORDER
    name: str  # the account or QOS changed
    detail: str = ""  # parent, QOS allowed, or settings
    argv: tuple[str, ...] = ()
    managed: bool = True  # False: removes something the console did not create

    def text(self) -> Phrase:
        return KIND_TEXT[self.kind].fill(name=self.name, detail=self.detail)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "detail": self.detail,
                "argv": list(self.argv), "managed": self.managed}


@dataclass(frozen=True, slots=True)
class Diff:
    cluster: str
    changes: tuple[Change, ...]
    unmanaged: tuple[str, ...] = ()  # accounts left alone: Slurm has them, the fleet file not
    remove_unmanaged: bool = False
    quota: bool = False

    @property
    def empty(self) -> bool:
        return not self.changes

    def as_dict(self) -> dict:
        return {"cluster": self.cluster, "changes": [c.as_dict() for c in self.changes],
                "unmanaged": list(self.unmanaged), "remove_unmanaged": self.remove_unmanaged,
                "quota": self.quota}


# -- what the fleet file wants ------------------------------------------------------------


def quota_settings(inventory: Inventory) -> QuotaSettings | None:
    """The fleet file's quota table when `[slurm] mode = "quota"`, else None. Read defensively:
    the keys arrive with the quota-mode fleet file, and QuotaSettings.from_table where it
    exists is the one reading."""
    slurm: Mapping = inventory.slurm or {}
    if str(slurm.get("mode", "nodes")) != "quota":
        return None
    table = slurm.get("quota") or {}
    from_table = getattr(QuotaSettings, "from_table", None)
    if from_table is not None:
        return from_table(table)
    names = table.get("qos") or {}
    grace = table.get("grace_time_s", table.get("grace_time", DEFAULT_GRACE_TIME_S))
    return QuotaSettings(
        partition=str(table.get("partition", "")),
        qos={s: str(names.get(s.value, default_qos_name(s))) for s in SECTORS},
        borrow_qos=table.get("borrow_qos") or None,
        grace_time_s=grace if isinstance(grace, int) else duration_s(str(grace)))


def wanted_tree(inventory: Inventory) -> Wanted:
    quota = quota_settings(inventory)
    borrow = quota.borrow_qos if quota else None
    accounts: list[WantedAccount] = []
    # the borrow QOS first: the sector QOS name it in their Preempt list when created
    qos: list[WantedQos] = [WantedQos(borrow, "requeue", quota.grace_time_s)] if borrow else []
    for sector in SECTORS:
        name = inventory.sector_accounts.get(sector)
        allowed: tuple[str, ...] = ()
        if quota is not None:
            sector_qos = quota.qos.get(sector, default_qos_name(sector))
            qos.append(WantedQos(sector_qos, preempt=(borrow,) if borrow else ()))
            allowed = (sector_qos, borrow) if borrow else (sector_qos,)
        if name:
            accounts.append(WantedAccount(name, "root", allowed, sector.value))
    for org in inventory.organisations:
        name = inventory.org_accounts.get(org.id)
        if name:
            parent = inventory.sector_accounts.get(Sector(org.sector)) or "root"
            accounts.append(WantedAccount(name, parent, (), org.id))
    return Wanted(tuple(accounts), tuple(qos))


# -- the diff -------------------------------------------------------------------------------


def diff(wanted: Wanted, tree: AssocTree, remove_unmanaged: bool = False,
         quota: bool = False) -> Diff:
    cluster = f"cluster={tree.cluster}"
    changes: list[Change] = []
    for q in wanted.qos:
        have = tree.qos.get(q.name)
        settings = _qos_settings(q)
        if have is None:
            changes.append(Change("add-qos", q.name, " ".join(settings),
                                  (*SACCTMGR, "add", "qos", q.name, f"Description={MANAGED}",
                                   *settings)))
            continue
        drift = []
        if q.preempt_mode and have.preempt_mode != q.preempt_mode:
            drift.append(f"PreemptMode={q.preempt_mode}")
        if q.grace_time_s is not None and have.grace_time_s != q.grace_time_s:
            drift.append(f"GraceTime={q.grace_time_s}")
        missing = [p for p in q.preempt if p not in have.preempt]
        if missing:
            drift.append("Preempt+=" + ",".join(missing))
        if drift:
            changes.append(Change("set-qos", q.name, " ".join(drift),
                                  (*SACCTMGR, "modify", "qos", "where", f"name={q.name}", "set",
                                   *drift)))
    names = {a.name for a in wanted.accounts}
    for a in wanted.accounts:
        have = tree.accounts.get(a.name)
        if have is None:
            changes.append(Change("add-account", a.name, a.parent,
                                  (*SACCTMGR, "add", "account", a.name, f"Parent={a.parent}",
                                   f"Cluster={tree.cluster}", f"Description={MANAGED}",
                                   f"Organization={a.parent}")))
        elif (have.parent or "root") != a.parent:
            changes.append(Change("set-parent", a.name, a.parent,
                                  (*SACCTMGR, "modify", "account", "where", f"name={a.name}",
                                   cluster, "set", f"parent={a.parent}")))
        allowed = have.qos if have is not None else ()
        for q in a.qos:
            if q not in allowed:
                changes.append(Change("allow-qos", a.name, q,
                                      (*SACCTMGR, "modify", "account", "where", f"name={a.name}",
                                       cluster, "set", f"QOS+={q}")))
    changes += _user_qos(wanted, tree)
    extra = [acc for _, acc in tree.walk() if acc.name not in names and acc.name not in KEEP]
    left_alone = tuple(acc.name for acc in extra if not acc.managed and not remove_unmanaged)
    depth = {acc.name: d for d, acc in tree.walk()}
    for acc in sorted(extra, key=lambda acc: (-depth.get(acc.name, 0), acc.name)):
        if acc.managed or remove_unmanaged:  # leaves first: sacctmgr refuses a parent
            changes.append(Change("remove-account", acc.name, "",
                                  (*SACCTMGR, "delete", "account", "where", f"name={acc.name}",
                                   cluster), acc.managed))
    wanted_qos = {q.name for q in wanted.qos}
    for q in sorted(tree.qos.values(), key=lambda q: q.name):
        if q.managed and q.name not in wanted_qos:
            changes.append(Change("remove-qos", q.name, "",
                                  (*SACCTMGR, "delete", "qos", "where", f"name={q.name}")))
    changes.sort(key=lambda c: ORDER.index(c.kind))  # stable: parents stay before children
    return Diff(tree.cluster, tuple(changes), tuple(sorted(left_alone)), remove_unmanaged,
                quota)


def _user_qos(wanted: Wanted, tree: AssocTree) -> list[Change]:
    """A user association with a QOS list of its own does not follow its account's: each under
    a sector (in the tree as it will be) must allow the sector's QOS too, or its jobs cannot use
    them. Only added, never taken away."""
    by_name = {a.name: a for a in wanted.accounts}

    def parent(name: str) -> str | None:
        if name in by_name:
            return by_name[name].parent
        have = tree.accounts.get(name)
        return have.parent if have is not None else None

    def sector_qos(name: str | None) -> tuple[str, ...]:
        seen = set()
        while name is not None and name not in seen:
            seen.add(name)
            if name in by_name and by_name[name].qos:
                return by_name[name].qos
            name = parent(name)
        return ()

    out = []
    for u in tree.users:
        where = [f"name={u.user}", f"account={u.account}", f"cluster={tree.cluster}"]
        if u.partition:
            where.append(f"partition={u.partition}")
        for q in sector_qos(u.account):
            if q not in u.qos:
                out.append(Change("allow-user-qos", f"{u.user} ({u.account})", q,
                                  (*SACCTMGR, "modify", "user", "where", *where, "set",
                                   f"QOS+={q}")))
    return out


def _qos_settings(q: WantedQos) -> list[str]:
    out = []
    if q.preempt_mode:
        out.append(f"PreemptMode={q.preempt_mode}")
    if q.grace_time_s is not None:
        out.append(f"GraceTime={q.grace_time_s}")
    if q.preempt:
        out.append("Preempt=" + ",".join(q.preempt))
    return out


def fleet_diff(inventory: Inventory, tree: AssocTree, remove_unmanaged: bool = False) -> Diff:
    return diff(wanted_tree(inventory), tree, remove_unmanaged,
                quota_settings(inventory) is not None)

