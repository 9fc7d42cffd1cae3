"""`hangang-console rebalance --mode quota` on the embedded quota store (real SQLite): the fleet
file's mode is the default, caps are shown, moved, dry-run, applied, undone, and a viewer is
refused."""

from __future__ import annotations

from console.capacity.audit import AuditLog, audit_path
from console.commands import audit, rebalance

FLEET = """\
[sectors.public]
entitlement = "40%"
[sectors.interest]
entitlement = "35%"
[sectors.private]
entitlement = "25%"
[[nodes]]
name = "g[01-08]"
sector = "public"
gpus = 8
"""


def fleet(tmp_path):
    path = tmp_path / "fleet.toml"
    path.write_text(FLEET)  # no [slurm] table: quota mode runs on the embedded store
    return path


def run(capsys, *argv, module=None):
    code = (module or rebalance).main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_quota_mode_shows_moves_applies_and_undoes_caps(tmp_path, capsys):
    base = ["--inventory", str(fleet(tmp_path)), "--data-dir", str(tmp_path), "--mode", "quota"]
    code, out, err = run(capsys, *base)
    assert code == 0, err
    assert "64 healthy GPUs" in out and "at cap" in out
    code, out, _ = run(capsys, *base, "--move-cap", "4:public:interest", "--dry-run")
    assert code == 0 and "26 → 22" in out and "22 → 26" in out and "Dry run" in out
    code, out, _ = run(capsys, *base, "--move-cap", "8:public:interest", "--yes", "--reason", "x")
    assert code == 1 and "below its guarantee of 19" in out and "26 → 18" in out
    code, out, _ = run(
        capsys, *base, "--move-cap", "4:public:interest", "--yes", "--reason", "flood season"
    )
    assert code == 0 and "Result: applied" in out, out
    entry = AuditLog(audit_path(tmp_path)).entries()[-1]
    assert entry.action == "quota-apply" and entry.body["after"]["interest"] == 26
    code, out, _ = run(capsys, *base, "--undo", entry.plan_id, "--yes", "--reason", "over")
    assert code == 0 and "Result: applied" in out
    code, out, _ = run(capsys, *base, "--lang", "ko")
    assert code == 0 and "한도" in out
    code, out, _ = run(capsys, "list", "--data-dir", str(tmp_path), module=audit)
    assert code == 0 and "interest cap 22→26" in out and "apply caps" in out
    assert "interest cap 26→22" in out and "undo caps" in out
    assert AuditLog(audit_path(tmp_path)).entries()[-1].body["after"]["interest"] == 22


def test_refusals_and_bad_input(tmp_path, capsys):
    base = ["--inventory", str(fleet(tmp_path)), "--data-dir", str(tmp_path), "--mode", "quota"]
    code, _, err = run(
        capsys, *base, "--move-cap", "20:public:interest", "--yes", "--reason", "too much"
    )
    assert code == 1
    code, _, err = run(capsys, *base, "--move", "g01=private")
    assert code == 2 and "--move-cap" in err
    code, _, err = run(
        capsys,
        "--inventory",
        str(fleet(tmp_path)),
        "--data-dir",
        str(tmp_path),
        "--move-cap",
        "8:public:interest",
    )
    assert code == 2 and "--mode quota" in err
    settings = tmp_path / "settings.toml"
    settings.write_text('[roles]\noperator_users = ["nobody-here"]\noperator_groups = []\n')
    code, _, err = run(
        capsys,
        *base,
        "--settings",
        str(settings),
        "--set",
        "public=25",
        "--yes",
        "--reason",
        "viewer",
    )
    assert code == 3


def test_the_demo_fleet_in_quota_mode(tmp_path, capsys):
    code, out, err = run(capsys, "--demo", "24", "--data-dir", str(tmp_path), "--mode", "quota")
    assert code == 0, err
    assert "borrowing via QOS hangang_borrow" in out and "192 healthy GPUs" in out
