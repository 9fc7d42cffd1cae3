"""`hangang-console accounts` on the accounting testbed (slurm_accounting.py): real sacctmgr and
slurmdbd. The tests run in order on one module's cluster, each starting from what the one before
left: show → dry run → apply → hand-made account → quota mode's QOS → slurmdbd stopped.
On both versions (BOTH_VERSIONS), the console reaching the testbed as the fleet file says."""

from __future__ import annotations

import dataclasses
import json
import time

import pytest

from console.access import AccessPolicy, Identity, Role
from console.capacity.audit import AuditLog, audit_path
from console.commands import accounts
from console.inventory.loader import load_inventory
from console.scheduler.reconcile_apply import AccountsReconciler
from tests.integration.slurm24 import BOTH_VERSIONS
from tests.integration.slurm_accounting import ACCOUNTS
from tests.integration.test_slurm_books import ORGS, fleet_file

pytestmark = BOTH_VERSIONS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = accounts.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def fleets(slurm_books, tmp_path_factory):
    """The testbed's own fleet file, and one with a new organisation (pub_bus under public) and
    private's account renamed (prv_sector: prv_chip moves under it)."""
    tmp = tmp_path_factory.mktemp("accounts")
    with pytest.MonkeyPatch.context() as mp:  # the module's known_hosts (XDG_CONFIG_HOME)
        same = fleet_file(slurm_books, tmp, mp)
        yield _fleets(slurm_books, tmp, same)


def _fleets(slurm_books, tmp, same):
    text = same.read_text().replace('account = "private"', 'account = "prv_sector"')
    text += ('[[organisations]]\nid = "pub_bus"\nsector = "public"\nname_en = "Bus"\n'
             'account = "pub_bus"\n')
    changed = tmp / "changed.toml"
    changed.write_text(text)
    return slurm_books, same, changed, tmp / "data"


def test_show_reads_the_tree_the_testbed_built(fleets, capsys):
    _, same, _, data = fleets
    code, out, _ = run(capsys, "show", "--inventory", str(same), "--format", "json")
    assert code == 0
    tree = json.loads(out)
    parents = {a["name"]: a["parent"] for a in tree["accounts"]}
    expected = {"root": None, **{s: "root" for s in ACCOUNTS}, **ORGS}
    assert parents == expected
    assert {q["name"]: q["grp_tres"] for q in tree["qos"]}["interest_q"] == {"gres/gpu": "12"}
    code, out, _ = run(capsys, "show", "--inventory", str(same), "--lang", "ko")
    tb = fleets[0]
    assert code == 0 and f"Slurm {tb.version_text[:5]}" in out and "pub_transit" in out
    code, out, _ = run(capsys, "reconcile", "--inventory", str(same), "--data-dir", str(data))
    assert code == 0, out  # the testbed is what its own fleet file says


def test_dry_run_lists_exactly_the_new_organisation_and_the_renamed_parent(fleets, capsys):
    _, _, changed, data = fleets
    code, out, _ = run(capsys, "reconcile", "--inventory", str(changed), "--format", "json",
                       "--data-dir", str(data))
    assert code == 1
    found = json.loads(out)
    assert [(c["kind"], c["name"], c["detail"]) for c in found["changes"]] == [
        ("add-account", "prv_sector", "root"), ("add-account", "pub_bus", "public"),
        ("set-parent", "prv_chip", "prv_sector")]
    assert found["unmanaged"] == ["private"]
    assert not audit_path(data).exists()  # a dry run writes nothing


def test_apply_makes_them_and_a_second_run_is_empty(fleets, capsys):
    tb, _, changed, data = fleets
    base = ["reconcile", "--inventory", str(changed), "--data-dir", str(data)]
    code, _, err = run(capsys, *base, "--apply")
    assert code == 2 and "reason" in err  # no reason, nothing run
    code, out, _ = run(capsys, *base, "--apply", "--reason", "issue 18: pub_bus joins")
    assert code == 0, out
    assert "3 of 3" in out
    rows = tb.run("sacctmgr", "-P", "-n", "show", "assoc", "format=account,parentname",
                  "where", "user=").splitlines()
    assert {"pub_bus|public", "prv_sector|root", "prv_chip|prv_sector"} <= set(rows)
    assert run(capsys, *base)[0] == 0
    log = AuditLog(audit_path(data))
    assert log.verify().ok
    (entry,) = log.entries()
    assert (entry.action, entry.reason) == ("accounts-reconcile", "issue 18: pub_bus joins")
    assert len(entry.body["results"]) == 3 and entry.body["result"] == "applied"


def test_a_hand_made_account_is_left_alone_unless_asked(fleets, capsys):
    tb, _, changed, data = fleets
    tb.sacctmgr("add", "account", "handmade", "Parent=public", "Cluster=hangangtest")
    base = ["reconcile", "--inventory", str(changed), "--data-dir", str(data)]
    code, out, _ = run(capsys, *base, "--format", "json")
    assert code == 0 and json.loads(out)["unmanaged"] == ["handmade", "private"]
    code, out, _ = run(capsys, *base, "--apply", "--reason", "tidy", "--remove-unmanaged")
    assert code == 0, out
    listed = out.index("handmade")
    assert listed < out.index("✓")  # listed before anything ran
    names = set(tb.run("sacctmgr", "-P", "-n", "show", "assoc", "format=account").split())
    assert "handmade" not in names and "private" not in names and "pub_bus" in names
    assert AuditLog(audit_path(data)).verify().entries == 2


def test_a_viewer_cannot_apply(fleets, tmp_path, capsys):
    _, _, changed, data = fleets
    tb = fleets[0]
    tb.sacctmgr("add", "account", "again", "Parent=root", "Cluster=hangangtest")
    settings = tmp_path / "settings.toml"
    settings.write_text('[roles]\noperator_users = []\noperator_groups = ["nobody-here"]\n')
    code, _, err = run(capsys, "reconcile", "--inventory", str(changed), "--data-dir", str(data),
                       "--settings", str(settings), "--apply", "--reason", "x",
                       "--remove-unmanaged")
    assert code == 3 and "viewer" in err
    assert "again" in tb.run("sacctmgr", "-P", "-n", "show", "assoc", "format=account").split()


def test_quota_mode_qos_made_on_real_slurm(fleets):
    """The quota-mode fleet file's table, as [slurm] carries it once quota mode reads it."""
    tb, _, changed, data = fleets
    inv = load_inventory(changed)
    inv = dataclasses.replace(inv, slurm={**inv.slurm, "mode": "quota", "quota": {
        "partition": "public", "borrow_qos": "hangang_borrow", "grace_time": 90}})
    operator = AccessPolicy(Identity("root", ("root",)), Role.OPERATOR)
    rec = AccountsReconciler(tb.console_runner(), inv, operator, AuditLog(audit_path(data)))
    before = rec.diff()
    assert {c.kind for c in before.changes} == {"add-qos", "allow-qos", "allow-user-qos"}
    result = rec.apply("quota mode's QOS")
    assert result.ok and result.after.empty, result.steps
    tree = rec.tree()
    borrow = tree.qos["hangang_borrow"]
    assert (borrow.preempt_mode, borrow.grace_time_s, borrow.managed) == ("requeue", 90, True)
    assert tree.qos["hangang_public"].preempt == ("hangang_borrow",)
    assert {"hangang_interest", "hangang_borrow"} <= set(tree.accounts["interest"].qos)
    flood = next(u for u in tree.users if (u.account, u.user) == ("int_flood", "root"))
    assert {"hangang_interest", "hangang_borrow", "interest_q"} <= set(flood.qos)  # kept its own
    # a job of int_flood's may now run under its sector's QOS (the association allows it)
    job = tb.sbatch("-p", "interest", "--account=int_flood", "--qos=hangang_interest",
                    "--gres=gpu:1", "--wrap", "true")
    assert job


def test_slurmdbd_stopped_is_exit_2_with_a_clear_message(fleets, capsys):
    tb, _, changed, data = fleets
    tb.stop_dbd()
    try:
        started = time.monotonic()
        code, _, err = run(capsys, "reconcile", "--inventory", str(changed),
                           "--data-dir", str(data))
        assert code == 2 and "slurmdbd" in err
        assert time.monotonic() - started < 30
    finally:
        tb.start_dbd()
