"""Slurm's association tree as sacctmgr holds it: accounts with their parent, users, QOS lists and
limits, and the QOS themselves.

Read with `sacctmgr show assoc|account|qos`: `--json` where this sacctmgr has it (23.02 and
later; parsed in associations_json.py), the `-P -n` text where not (22.05), decided once from
`sacctmgr --version`. Every command runs with a timeout through the console's Runner (here or on
the controller over SSH), so a slurmdbd that does not answer is a clear AssocError, never a hang.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from console.capacity.backends.base import BackendError
from console.capacity.backends.slurm_parse import ParseError, version_tuple
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.i18n.catalogue import Phrase, translate

SACCTMGR_TIMEOUT_S = 20.0  # sacctmgr waits on slurmdbd; a dead one must not hold the caller
JSON_SINCE = (23, 2, 0)  # the first sacctmgr with --json on show
MANAGED = "hangang-console"  # the Description of what the console creates: what it may remove

ASSOC_FIELDS = ("cluster", "account", "user", "partition", "parentname", "qos", "defaultqos",
                "grptres", "grpjobs", "grpsubmit", "maxtres", "maxjobs", "maxsubmit", "maxwall",
                "fairshare")
LIMIT_FIELDS = ("grptres", "grpjobs", "grpsubmit", "maxtres", "maxjobs", "maxsubmit", "maxwall")
ACCOUNT_FIELDS = ("account", "organization", "description")  # description last: it may hold '|'
QOS_FIELDS = ("name", "priority", "preempt", "preemptmode", "gracetime", "grptres",
              "maxtresperuser", "flags", "description")


class AssocError(BackendError):
    """sacctmgr could not be run (slurmdbd down, no sacctmgr) or printed what we cannot read."""


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    parent: str | None  # None: root, the top of the tree
    qos: tuple[str, ...] = ()
    default_qos: str = ""
    limits: Mapping[str, str] = field(default_factory=dict)  # sacctmgr's field name → value
    fairshare: str = ""
    description: str = ""
    organization: str = ""
    users: tuple[str, ...] = ()

    @property
    def managed(self) -> bool:
        return self.description == MANAGED


@dataclass(frozen=True, slots=True)
class UserAssoc:
    account: str
    user: str
    partition: str = ""
    qos: tuple[str, ...] = ()
    default_qos: str = ""
    limits: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Qos:
    name: str
    description: str = ""
    priority: int = 0
    preempt: tuple[str, ...] = ()
    preempt_mode: str = ""  # lower case: "cluster", "requeue", "cancel", …
    grace_time_s: int = 0
    grp_tres: Mapping[str, str] = field(default_factory=dict)  # "gres/gpu" → "12"
    max_tres_per_user: Mapping[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()

    @property
    def managed(self) -> bool:
        return self.description == MANAGED


@dataclass(frozen=True, slots=True)
class AssocTree:
    cluster: str
    accounts: Mapping[str, Account]
    users: tuple[UserAssoc, ...] = ()
    qos: Mapping[str, Qos] = field(default_factory=dict)

    def children(self, name: str) -> list[Account]:
        return sorted((a for a in self.accounts.values() if a.parent == name),
                      key=lambda a: a.name)

    def walk(self) -> Iterator[tuple[int, Account]]:
        """(depth, account) from root down, children by name; accounts whose parent is missing
        (a database mid-edit) come last at depth 0 rather than vanishing."""
        seen: set[str] = set()

        def down(account: Account, depth: int) -> Iterator[tuple[int, Account]]:
            if account.name in seen:
                return
            seen.add(account.name)
            yield depth, account
            for child in self.children(account.name):
                yield from down(child, depth + 1)

        for top in sorted((a for a in self.accounts.values() if a.parent is None),
                          key=lambda a: a.name):
            yield from down(top, 0)
        for rest in sorted(self.accounts):
            if rest not in seen:
                yield from down(self.accounts[rest], 0)


# -- the -P text ----------------------------------------------------------------------------


def _rows(text: str, fields: tuple[str, ...]) -> Iterator[dict[str, str]]:
    for line in text.splitlines():
        if not line.strip():
            continue
        values = line.split("|", len(fields) - 1)
        if len(values) != len(fields):
            raise ParseError(f"expected {len(fields)} fields, got {len(values)}: {line!r}")
        yield dict(zip(fields, (v.strip() for v in values), strict=True))


def _list(text: str) -> tuple[str, ...]:
    return tuple(sorted(p for p in (x.strip() for x in text.split(",")) if p))


def tres_map(text: str) -> dict[str, str]:
    """`cpu=4,gres/gpu=12` → {"cpu": "4", "gres/gpu": "12"}."""
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip()
    return out


def duration_s(text: str) -> int:
    """Slurm's [D-]HH:MM:SS / MM:SS / plain seconds → seconds."""
    text = text.strip()
    if not text:
        return 0
    days, _, clock = text.rpartition("-")
    parts = [int(p) for p in clock.split(":")]
    seconds = 0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds + int(days or 0) * 86400


def parse_assoc_text(text: str) -> list[dict[str, str]]:
    return list(_rows(text, ASSOC_FIELDS))


def parse_accounts_text(text: str) -> dict[str, dict[str, str]]:
    return {r["account"]: r for r in _rows(text, ACCOUNT_FIELDS)}


def parse_qos_text(text: str) -> list[dict[str, str]]:
    return list(_rows(text, QOS_FIELDS))


def qos_of(rows: list[dict[str, str]]) -> dict[str, Qos]:
    out = {}
    for r in rows:
        out[r["name"]] = Qos(
            name=r["name"], description=r["description"], priority=int(r["priority"] or 0),
            preempt=_list(r["preempt"]), preempt_mode=r["preemptmode"].lower(),
            grace_time_s=duration_s(r["gracetime"]), grp_tres=tres_map(r["grptres"]),
            max_tres_per_user=tres_map(r["maxtresperuser"]), flags=_list(r["flags"]))
    return out


def build_tree(assocs: list[dict[str, str]], accounts: Mapping[str, Mapping[str, str]],
               qos: list[dict[str, str]], cluster: str | None) -> AssocTree:
    """One cluster's tree from sacctmgr's rows (the same dict shapes from text or JSON)."""
    clusters = sorted({r["cluster"] for r in assocs})
    if cluster is None:
        if len(clusters) > 1:
            raise AssocError(translate(
                "Accounts", "slurmdbd holds several clusters ({clusters}): name one").fill(
                clusters=", ".join(clusters)))
        cluster = clusters[0] if clusters else ""
    mine = [r for r in assocs if r["cluster"] == cluster]
    users: dict[str, list[str]] = {}
    user_rows = []
    found: dict[str, Account] = {}
    for r in mine:
        limits = {k: r[k] for k in LIMIT_FIELDS if r.get(k)}
        if r["user"]:
            users.setdefault(r["account"], []).append(r["user"])
            user_rows.append(UserAssoc(r["account"], r["user"], r.get("partition", ""),
                                       _list(r["qos"]), r["defaultqos"], limits))
            continue
        info = accounts.get(r["account"], {})
        parent = r["parentname"] or None
        found[r["account"]] = Account(
            name=r["account"], parent=None if r["account"] == "root" else parent,
            qos=_list(r["qos"]), default_qos=r["defaultqos"], limits=limits,
            fairshare=r.get("fairshare", ""), description=info.get("description", ""),
            organization=info.get("organization", ""))
    tree = {name: _with_users(a, users.get(name, ())) for name, a in found.items()}
    return AssocTree(cluster, tree, tuple(user_rows), qos_of(qos))


def _with_users(account: Account, users) -> Account:
    return Account(account.name, account.parent, account.qos, account.default_qos,
                   account.limits, account.fairshare, account.description,
                   account.organization, tuple(sorted(set(users))))


# -- running sacctmgr ----------------------------------------------------------------------


class AssocReader:
    """Reads the tree where Slurm is; the form (JSON or text) is decided once, from the
    version."""

    def __init__(self, runner: Runner, cluster: str | None = None) -> None:
        self.runner = runner
        self.cluster = cluster
        self.version: tuple[int, int, int] | None = None

    @property
    def json(self) -> bool:
        return self.version is not None and self.version >= JSON_SINCE

    def _run(self, argv: list[str]) -> str:
        try:
            return self.runner.run(argv, timeout=SACCTMGR_TIMEOUT_S)
        except CommandFailed as exc:  # sacctmgr's own last words, not its whole argv
            why = exc.stderr.splitlines()[-1] if exc.stderr else str(exc)
            if exc.rc is None:
                why = translate("Accounts", "no answer in {s:.0f} s").fill(s=SACCTMGR_TIMEOUT_S)
            raise AssocError(translate(
                "Accounts", "Slurm's accounting cannot be read on {where} (is slurmdbd up?): "
                "{error}").fill(where=self.runner.where, error=why)) from exc

    def read(self) -> AssocTree:
        if self.version is None:
            try:
                self.version = version_tuple(self._run(["sacctmgr", "--version"]))
            except ParseError:
                self.version = (0, 0, 0)
        try:
            if self.json:
                from console.scheduler.associations_json import (
                    parse_accounts_json,
                    parse_assoc_json,
                    parse_qos_json,
                )

                assocs = parse_assoc_json(self._run(["sacctmgr", "show", "assoc", "--json"]))
                accounts = parse_accounts_json(self._run(["sacctmgr", "show", "account",
                                                          "--json"]))
                qos = parse_qos_json(self._run(["sacctmgr", "show", "qos", "--json"]))
            else:
                assocs = parse_assoc_text(self._run(
                    ["sacctmgr", "-P", "-n", "show", "assoc", "format=" + ",".join(ASSOC_FIELDS)]))
                accounts = parse_accounts_text(self._run(
                    ["sacctmgr", "-P", "-n", "show", "account",
                     "format=" + ",".join(ACCOUNT_FIELDS)]))
                qos = parse_qos_text(self._run(
                    ["sacctmgr", "-P", "-n", "show", "qos", "format=" + ",".join(QOS_FIELDS)]))
        except (ParseError, ValueError, KeyError, TypeError) as exc:
            raise AssocError(translate(
                "Accounts", "sacctmgr printed what the console cannot read: {error}").fill(
                error=str(exc))) from exc
        tree = build_tree(assocs, accounts, qos, self.cluster)
        if not tree.accounts:
            raise AssocError(translate(
                "Accounts", "sacctmgr shows no associations for cluster {cluster}").fill(
                cluster=tree.cluster or "?"))
        return tree

    def how(self) -> Phrase:
        v = self.version or (0, 0, 0)
        version = f"{v[0]}.{v[1]:02d}.{v[2]}"
        form = "sacctmgr --json" if self.json else "sacctmgr -P"
        return translate("Accounts", "Slurm {version}, read with {form} on {where}").fill(
            version=version, form=form, where=self.runner.where)
