"""Slurm's association tree read from real sacctmgr output, and the diff the fleet file implies.

sacctmgr-22.05.8-*.txt: Debian 12's sacctmgr on the accounting testbed
(tests/integration/slurm_accounting.py) right after it started. sacctmgr-24.11.5-*: Debian 13's
24.11.5 (data_parser v0.0.42) in a chroot against a slurmdbd of its own, the same database read
both ways: accounts public/interest/private, pub_transit under public, int_flood under interest
(Description=hangang-console), interest allowed interest_q with GrpTRES=cpu=24 GrpJobs=10, QOS
interest_q (cpu=12,node=2), hangang_borrow (requeue, 120 s, the console's) preempted by normal.
The exact commands are the reader's (associations.py ASSOC_FIELDS and friends).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from console.access import AccessDenied, AccessPolicy, Identity, Role
from console.capacity.audit import AuditLog
from console.capacity.backends.slurm_runner import CommandFailed
from console.fleet.model import Organisation, Sector
from console.inventory.model import Inventory
from console.scheduler.associations import (
    AssocError,
    AssocReader,
    build_tree,
    duration_s,
    parse_accounts_text,
    parse_assoc_text,
    parse_qos_text,
)
from console.scheduler.associations_json import (
    parse_accounts_json,
    parse_assoc_json,
    parse_qos_json,
)
from console.scheduler.reconcile import fleet_diff, wanted_tree
from console.scheduler.reconcile_apply import AccountsReconciler, ReasonRequired

HERE = Path(__file__).parent


def text_tree(version: str):
    read = lambda kind: (HERE / f"sacctmgr-{version}-{kind}.txt").read_text()  # noqa: E731
    return build_tree(parse_assoc_text(read("assoc")), parse_accounts_text(read("account")),
                      parse_qos_text(read("qos")), None)


def json_tree():
    read = lambda kind: (HERE / f"sacctmgr-24.11.5-{kind}.json").read_text()  # noqa: E731
    return build_tree(parse_assoc_json(read("assoc")), parse_accounts_json(read("account")),
                      parse_qos_json(read("qos")), None)


def test_the_2205_tree_is_the_testbeds():
    tree = text_tree("22.05.8")
    assert tree.cluster == "hangangtest"
    shape = [(d, a.name, a.parent) for d, a in tree.walk()]
    assert shape == [(0, "root", None), (1, "interest", "root"), (2, "int_flood", "interest"),
                     (1, "private", "root"), (2, "prv_chip", "private"),
                     (1, "public", "root"), (2, "pub_transit", "public"),
                     (2, "pub_water", "public")]
    assert all(a.users == ("root",) for a in tree.accounts.values())
    root_users = {(u.account, u.qos) for u in tree.users if u.user == "root"}
    assert ("int_flood", ("interest_q", "normal", "private_q")) in root_users
    assert tree.qos["interest_q"].grp_tres == {"gres/gpu": "12"}
    assert tree.qos["normal"].description == "Normal QOS default"
    assert not any(a.managed for a in tree.accounts.values())


def test_2411_json_and_text_read_the_same_tree():
    as_json, as_text = json_tree(), text_tree("24.11.5")
    assert as_json == as_text
    interest = as_json.accounts["interest"]
    assert interest.qos == ("interest_q", "normal")
    assert interest.limits == {"grptres": "cpu=24", "grpjobs": "10"}
    assert as_json.accounts["int_flood"].managed and not interest.managed
    assert as_json.accounts["private"].users == ()
    borrow = as_json.qos["hangang_borrow"]
    assert (borrow.preempt_mode, borrow.grace_time_s, borrow.managed) == ("requeue", 120, True)
    assert as_json.qos["normal"].preempt == ("hangang_borrow",)
    assert as_json.qos["interest_q"].grp_tres == {"cpu": "12", "node": "2"}


def test_durations():
    assert [duration_s(t) for t in ("00:02:00", "1-00:00:10", "05:00", "90", "")] == \
        [120, 86410, 300, 90, 0]


class FakeRunner:
    """Answers sacctmgr from the captures (the reader's exact argv), or fails like a dead
    slurmdbd."""

    where = "local"

    def __init__(self, version: str, dbd_up: bool = True) -> None:
        self.version, self.dbd_up, self.calls = version, dbd_up, []

    def run(self, argv, stdin=None, timeout=30.0):
        self.calls.append((tuple(argv), timeout))
        if argv[1] == "--version":
            return f"slurm-wlm {self.version}\n"
        if not self.dbd_up:
            raise CommandFailed(argv, 1, "sacctmgr: error: Sending PersistInit msg: Connection "
                                "refused", self.where)
        kind = argv[argv.index("show") + 1]
        ext = "json" if "--json" in argv else "txt"
        return (HERE / f"sacctmgr-{self.version}-{kind}.{ext}").read_text()

    def close(self):
        pass


@pytest.mark.parametrize("version, form", [("22.05.8", "-P"), ("24.11.5", "--json")])
def test_the_reader_picks_the_form_by_version(version, form):
    runner = FakeRunner(version)
    reader = AssocReader(runner)
    tree = reader.read()
    assert f"sacctmgr {form}" in reader.how() and version in reader.how()
    assert "public" in tree.accounts
    assert all(timeout <= 30 for _, timeout in runner.calls)


def test_slurmdbd_down_is_a_clear_error():
    with pytest.raises(AssocError, match=r"is slurmdbd up.*Connection refused"):
        AssocReader(FakeRunner("22.05.8", dbd_up=False)).read()


# -- the diff ------------------------------------------------------------------------------


def inventory(**changes) -> Inventory:
    orgs = (Organisation("pub_transit", Sector.PUBLIC, "t", "Transit"),
            Organisation("pub_water", Sector.PUBLIC, "w", "Water"),
            Organisation("int_flood", Sector.INTEREST, "f", "Flood"),
            Organisation("prv_chip", Sector.PRIVATE, "c", "Chip"))
    base = Inventory(nodes=(), entitlements={s: 1 / 3 for s in Sector}, organisations=orgs,
                     sector_accounts={s: s.value for s in Sector},
                     org_accounts={o.id: o.id for o in orgs})
    return dataclasses.replace(base, **changes)


def kinds(found):
    return [(c.kind, c.name, c.detail) for c in found.changes]


def test_the_testbeds_own_fleet_has_no_diff():
    found = fleet_diff(inventory(), text_tree("22.05.8"))
    assert found.empty and found.unmanaged == ()


def test_a_new_organisation_and_a_renamed_sector_account():
    inv = inventory()
    inv = dataclasses.replace(
        inv, organisations=(*inv.organisations,
                            Organisation("pub_bus", Sector.PUBLIC, "b", "Bus")),
        org_accounts={**inv.org_accounts, "pub_bus": "pub_bus"},
        sector_accounts={**inv.sector_accounts, Sector.PRIVATE: "prv_sector"})
    found = fleet_diff(inv, text_tree("22.05.8"))
    assert kinds(found) == [("add-account", "prv_sector", "root"),
                            ("add-account", "pub_bus", "public"),
                            ("set-parent", "prv_chip", "prv_sector")]
    assert found.unmanaged == ("private",)  # not the console's: left alone
    assert found.changes[0].argv[:4] == ("sacctmgr", "-i", "add", "account")
    assert "Description=hangang-console" in found.changes[0].argv
    removing = fleet_diff(inv, text_tree("22.05.8"), remove_unmanaged=True)
    assert kinds(removing)[-1] == ("remove-account", "private", "")
    assert not removing.changes[-1].managed and removing.unmanaged == ()


def test_what_the_console_created_goes_when_the_fleet_file_drops_it():
    tree = json_tree()  # int_flood and hangang_borrow carry the console's description
    inv = inventory(organisations=(), org_accounts={})
    found = fleet_diff(inv, tree)
    assert ("remove-account", "int_flood", "") in kinds(found)
    assert ("remove-qos", "hangang_borrow", "") in kinds(found)
    assert "pub_transit" in found.unmanaged and "root" not in found.unmanaged
    removing = fleet_diff(inv, tree, remove_unmanaged=True)
    removed = [c.name for c in removing.changes if c.kind == "remove-account"]
    assert set(removed) == {"int_flood", "pub_transit"}


def test_quota_mode_wants_sector_qos_and_a_preemptible_borrow_qos():
    inv = inventory(slurm={"mode": "quota", "quota": {
        "partition": "gpu", "borrow_qos": "hangang_borrow", "grace_time": 90}})
    wanted = wanted_tree(inv)
    assert wanted.qos[0].name == "hangang_borrow"  # made before who preempts it
    found = fleet_diff(inv, json_tree())
    got = kinds(found)
    assert ("set-qos", "hangang_borrow", "GraceTime=90") in got  # exists, with 120 s
    assert ("add-qos", "hangang_public", "Preempt=hangang_borrow") in got
    assert ("allow-qos", "interest", "hangang_interest") in got
    assert ("allow-qos", "interest", "hangang_borrow") in got
    assert ("add-qos", "hangang_borrow", "") not in got
    users = {(c.name, c.detail) for c in found.changes if c.kind == "allow-user-qos"}
    assert users == {(f"root ({a})", q) for a, s in (("public", "public"),
                                                     ("pub_transit", "public"),
                                                     ("int_flood", "interest"))
                     for q in (f"hangang_{s}", "hangang_borrow")}  # root's own: no sector
    assert ("sacctmgr", "-i", "modify", "user", "where", "name=root", "account=int_flood",
            "cluster=hangang24", "set", "QOS+=hangang_interest") in {c.argv for c in found.changes}
    order = [c.kind for c in found.changes]
    assert order.index("add-qos") < order.index("allow-qos")
    assert not any("GrpTRES" in " ".join(c.argv) for c in found.changes)  # caps: quota service's


# -- applying ---------------------------------------------------------------------------------


class WritingRunner(FakeRunner):
    """Reads from the captures; `sacctmgr -i …` writes are recorded, the one named fails."""

    def __init__(self, version: str, fail: str = "") -> None:
        super().__init__(version)
        self.fail, self.writes = fail, []

    def run(self, argv, stdin=None, timeout=30.0):
        if tuple(argv[:2]) == ("sacctmgr", "-i"):
            self.writes.append(tuple(argv))
            if self.fail and self.fail in argv:
                raise CommandFailed(argv, 1, " Nothing modified", self.where)
            return " Adding Account(s)\n"
        return super().run(argv, stdin, timeout)


def reconciler(runner, tmp_path, role=Role.OPERATOR):
    inv = dataclasses.replace(inventory(), organisations=(
        *inventory().organisations, Organisation("pub_bus", Sector.PUBLIC, "b", "Bus")),
        org_accounts={**inventory().org_accounts, "pub_bus": "pub_bus"},
        sector_accounts={**inventory().sector_accounts, Sector.PRIVATE: "prv_sector"})
    policy = AccessPolicy(Identity("kim", ("ops",)), role)
    return AccountsReconciler(runner, inv, policy, AuditLog(tmp_path / "audit.sqlite"))


def test_apply_runs_in_order_and_records_each_result(tmp_path):
    runner = WritingRunner("22.05.8")
    result = reconciler(runner, tmp_path).apply("issue 18")
    assert [w[3:5] for w in runner.writes] == [("account", "prv_sector"), ("account", "pub_bus"),
                                               ("account", "where")]
    assert result.ok and result.entry.action == "accounts-reconcile"
    assert result.entry.body["result"] == "applied" and len(result.entry.body["results"]) == 3
    assert not result.after.empty  # the captures do not change: what is left is read again


def test_apply_stops_at_the_first_failure(tmp_path):
    runner = WritingRunner("22.05.8", fail="pub_bus")
    result = reconciler(runner, tmp_path).apply("issue 18")
    assert len(runner.writes) == 2 and not result.ok
    assert [s.ok for s in result.steps] == [True, False]
    assert result.steps[1].output == "Nothing modified"
    assert result.entry.body["result"] == "failed"
    assert AuditLog(tmp_path / "audit.sqlite").verify().ok


def test_a_viewer_or_no_reason_changes_nothing(tmp_path):
    runner = WritingRunner("22.05.8")
    with pytest.raises(AccessDenied):
        reconciler(runner, tmp_path, Role.VIEWER).apply("why not")
    with pytest.raises(ReasonRequired):
        reconciler(runner, tmp_path).apply("  ")
    assert runner.writes == [] and not (tmp_path / "audit.sqlite").exists()
