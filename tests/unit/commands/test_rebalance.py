"""`hangang-console rebalance` and `audit` on the demo fleet's local store (real SQLite)."""

from __future__ import annotations

import sqlite3

import pytest

from console.access import AccessPolicy, Identity
from console.capacity.audit import AuditLog, audit_path
from console.capacity.setup import local_capacity
from console.commands import audit, rebalance
from console.settings import RoleSettings
from console.sources.demo.fleet import SimFleet

NODES = 24


def store(tmp_path):
    sim = SimFleet.build(NODES)
    policy = AccessPolicy.for_session(RoleSettings(), Identity("root", ("root",)))
    return local_capacity(tmp_path, sim.inventory, policy, sim=sim)


def idle_node(svc, sector="private"):
    return next(r.name for r in svc.state().nodes.values()
                if r.sector.value == sector and r.idle)


def run(capsys, module, *argv):
    code = module.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_without_a_plan_shows_sectors(tmp_path, capsys):
    code, out, _ = run(capsys, rebalance, "--demo", str(NODES), "--data-dir", str(tmp_path))
    assert code == 0 and "guarantee" in out and "Private" in out


def test_dry_run_prints_the_plan_and_changes_nothing(tmp_path, capsys):
    before = store(tmp_path).state()
    code, out, _ = run(capsys, rebalance, "--demo", str(NODES), "--data-dir", str(tmp_path),
                       "--set", "public=88,private=40", "--dry-run", "--lang", "ko")
    assert code == 0 and "시험 실행" in out and "이동 1건" in out
    assert store(tmp_path).state().version == before.version


def test_apply_moves_an_idle_node_and_audit_lists_it(tmp_path, capsys):
    node = idle_node(store(tmp_path))
    code, out, err = run(capsys, rebalance, "--demo", str(NODES), "--data-dir", str(tmp_path),
                         "--move", f"{node}=public", "--reason", "flood model", "--yes")
    assert code == 0, err
    assert "Result: applied" in out and "done" in out
    assert store(tmp_path).state().nodes[node].sector.value == "public"
    code, out, _ = run(capsys, audit, "list", "--data-dir", str(tmp_path))
    assert code == 0 and f"{node} private→public" in out and "flood model" in out
    code, out, _ = run(capsys, audit, "verify", "--data-dir", str(tmp_path))
    assert code == 0 and "1 entries" in out


def test_validation_failure_exits_1_with_the_message(tmp_path, capsys):
    code, out, _ = run(capsys, rebalance, "--demo", str(NODES), "--data-dir", str(tmp_path),
                       "--set", "public=8", "--yes", "--reason", "x")
    assert code == 1 and "below its guarantee" in out
    assert AuditLog(audit_path(tmp_path)).entries() == []


def test_bad_input_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        rebalance.main(["--demo", str(NODES), "--set", "pubic=80"])
    assert exc.value.code == 2 and "unknown sector 'pubic'" in capsys.readouterr().err
    code, _, err = run(capsys, rebalance, "--demo", str(NODES), "--data-dir", str(tmp_path),
                       "--move", "hg-r01n1=private", "--yes")
    assert code == 2 and "--reason" in err


def test_a_viewer_cannot_apply(tmp_path, capsys):
    settings = tmp_path / "settings.toml"
    settings.write_text('[roles]\noperator_users = []\noperator_groups = ["nobody-here"]\n')
    node = idle_node(store(tmp_path))
    code, _, err = run(capsys, rebalance, "--demo", str(NODES), "--data-dir", str(tmp_path),
                       "--settings", str(settings), "--move", f"{node}=public",
                       "--reason", "x", "--yes")
    assert code == 3 and "viewer" in err
    assert store(tmp_path).state().nodes[node].sector.value == "private"


def test_verify_names_the_first_broken_entry(tmp_path, capsys):
    svc = store(tmp_path)
    done = svc.apply(svc.plan_moves([(idle_node(svc), "public")], svc.state()), "to public")
    svc.undo(done.entry.plan_id, "not needed after all")
    con = sqlite3.connect(audit_path(tmp_path), isolation_level=None)
    con.execute("DROP TRIGGER audit_no_update")
    con.execute("UPDATE audit SET reason='nothing happened' WHERE id=1")
    con.close()
    code, out, _ = run(capsys, audit, "verify", "--data-dir", str(tmp_path))
    assert code == 1 and "entry 1" in out and "changed" in out


def test_recover_with_nothing_interrupted_says_so(tmp_path, capsys):
    code, out, err = run(capsys, rebalance, "--demo", str(NODES), "--data-dir", str(tmp_path),
                         "--recover", "rollback", "--yes", "--lang", "ko")
    assert code == 0 and "복구할 것이 없습니다" in out and err == ""
