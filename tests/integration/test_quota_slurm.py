"""Quota mode on real Slurm (slurm_quota.py: accounting testbed, shared partition, sector QOS
with GrpTRES caps, a preemptible borrow QOS), proven with real sbatch jobs:

- a sector at its cap has a job pending with QOSGrpGRES; moving 8 GPUs of cap to it through
  QuotaService starts the job without draining any node; undo puts the old caps back;
- an edit of a QOS with sacctmgr between plan and apply is a conflict, and nothing is set;
- with slurmdbd stopped, reading and applying fail with a message saying so, within seconds;
- a job running above its sector's cap under the borrow QOS is requeued when the owner's job
  needs its GPUs;
- `kill -9` of `rebalance --mode quota` between its two sacctmgr calls: the next run finds the
  interrupted apply and `--recover rollback` / `finish` leaves the caps and audit log right.

On both versions (both_versions: this machine's Slurm and 24.11 over SSH, slurm24.py), on the
session's quota testbed (conftest.py's quota_bed, shared with test_quota_board_slurm.py); the
console reaches it through tb.console_runner() and the fleet file's tb.slurm_table().
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.access import AccessPolicy, Identity, Role
from console.capacity.audit import AuditLog, audit_path
from console.capacity.backends.base import BackendError, Conflict
from console.capacity.model import entitlements_from_shares
from console.capacity.quota.journal import QuotaJournal, quota_journal_path
from console.capacity.quota.model import QuotaSettings
from console.capacity.quota.outcome import APPLY, INTERRUPTED, UNDO
from console.capacity.quota.service import QuotaService
from console.capacity.quota.slurm import SlurmQuotaBackend
from console.capacity.service import PlanRejected
from console.capacity.validation import Code
from console.commands import rebalance
from console.fleet.model import Sector
from console.paths import config_dir
from tests.integration.slurm24 import both_versions
from tests.integration.slurm_accounting import ACCOUNTS
from tests.integration.slurm_quota import BORROW_QOS, CAPS, GRACE_TIME_S, SHARED
from tests.integration.slurm_testbed import wait_for
from tests.paths import REPO

P, N, R = Sector.PUBLIC, Sector.INTEREST, Sector.PRIVATE
SHARES = {P: 0.40, N: 0.35, R: 0.25}  # guarantees on 64 GPUs: 19, 16, 12
ACCOUNT_SECTOR = {a: Sector(s) for s, orgs in ACCOUNTS.items() for a in (s, *orgs)}
FLEET = """\
[sectors.public]
entitlement = "40%"
[sectors.interest]
entitlement = "35%"
[sectors.private]
entitlement = "25%"
[[nodes]]
name = "n[01-08]"
sector = "public"
[slurm]
{slurm}mode = "quota"
[slurm.quota]
partition = "shared"
borrow_qos = "hangang_borrow"
grace_time = 2
"""


pytestmark = both_versions("quota_bed", scope="session")


def service(tb, tmp_path) -> QuotaService:
    settings = QuotaSettings(SHARED, borrow_qos=BORROW_QOS, grace_time_s=GRACE_TIME_S)
    backend = SlurmQuotaBackend(tb.console_runner(), settings, sector_of_account=ACCOUNT_SECTOR)
    policy = AccessPolicy(Identity("root", ("root",)), Role.OPERATOR)
    return QuotaService(
        backend,
        entitlements_from_shares(SHARES),
        policy,
        AuditLog(audit_path(tmp_path)),
        journal=QuotaJournal(quota_journal_path(tmp_path)),
    )


def gpu_job(tb, account: str, gpus: int = 8, qos: str | None = None) -> str:
    extra = [f"--qos={qos}"] if qos else []
    return tb.sbatch(
        "-p", SHARED, f"--account={account}", f"--gres=gpu:{gpus}", *extra, "--wrap", "sleep 600"
    )


def running(tb, jobs) -> bool:
    states = tb.jobs()
    return all(states.get(j, ("",))[0] == "RUNNING" for j in jobs)


def test_a_cap_move_starts_the_waiting_job_without_draining_and_undo_restores(bed, tmp_path):
    svc = service(bed, tmp_path)
    first = [gpu_job(bed, "int_flood") for _ in range(2)]
    wait_for(lambda: running(bed, first), 30, "interest's first two jobs did not start")
    waiting = gpu_job(bed, "int_flood")
    wait_for(
        lambda: bed.jobs().get(waiting) == ("PENDING", "QOSGrpGRES"),
        30,
        f"the third job does not wait on interest's cap: {bed.jobs()}",
    )
    state = svc.read()
    assert state.capacity == 64 and state.caps() == {P: 28, N: 16, R: 16}
    assert state.sectors[N].running == 16 and state.sectors[N].pending_at_cap == 8
    layout = bed.partition_nodes()
    plan = svc.plan_move(P, N, 8, state)
    assert svc.preview(plan).ok
    done = svc.apply(plan, reason="interest's flood model is due")
    assert done.result == "applied" and bed.caps() == {"public": 20, "interest": 24, "private": 16}
    wait_for(lambda: running(bed, [waiting]), 30, f"the waiting job did not start: {bed.jobs()}")
    assert bed.drained() == set() and bed.partition_nodes() == layout  # no node moved
    assert svc.read().sectors[N].running == 24
    # undo: interest runs 24 now, above the old cap, so it takes an override
    with pytest.raises(PlanRejected) as refused:
        svc.undo(plan.plan_id, reason="back")
    assert any(p.code == Code.BELOW_RUNNING for p in refused.value.problems)
    undone = svc.undo(
        plan.plan_id,
        reason="back",
        override=True,
        justification="running jobs may finish above the cap",
    )
    assert undone.plan.undoes == plan.plan_id and bed.caps() == CAPS
    assert running(bed, [*first, waiting])  # caps never stop running jobs
    assert [e.action for e in svc.audit.entries()] == [APPLY, UNDO]
    assert svc.audit.verify().ok


def test_a_qos_edit_between_plan_and_apply_is_a_conflict(bed, tmp_path):
    svc = service(bed, tmp_path)
    plan = svc.plan_move(P, N, 8)
    bed.sacctmgr("modify", "qos", "hangang_private", "set", "GrpTRES=gres/gpu=12")
    with pytest.raises(Conflict, match="changed since"):
        svc.apply(plan, reason="too late")
    assert bed.caps() == {"public": 28, "interest": 16, "private": 12}
    assert svc.audit.entries() == [] and svc.journal.runs() == []


def test_slurmdbd_down_is_a_clear_error_within_seconds(bed, tmp_path):
    svc = service(bed, tmp_path)
    plan = svc.plan_move(P, N, 8)
    bed.stop_dbd()
    try:
        t0 = time.monotonic()
        with pytest.raises(BackendError) as exc:
            svc.read()
        with pytest.raises(BackendError):
            svc.apply(plan, reason="while slurmdbd is down")
        assert time.monotonic() - t0 < 25
        message = exc.value.args[0]
        assert "slurmdbd" in message.into("en") and "Connection refused" in message.into("en")
        assert message.into("ko") != message.into("en")
    finally:
        bed.start_dbd()
    assert bed.caps() == CAPS and svc.unfinished() == []


def restarts(tb, job: str) -> int:
    out = tb.run("scontrol", "show", "job", job, "-o")
    return int(next(w for w in out.split() if w.startswith("Restarts=")).split("=")[1])


def test_a_borrowing_job_is_requeued_when_the_owner_needs_the_gpus(bed, tmp_path):
    svc = service(bed, tmp_path)
    borrowers = [gpu_job(bed, "pub_transit", qos=BORROW_QOS) for _ in range(8)]
    wait_for(lambda: running(bed, borrowers), 40, f"borrowers did not start: {bed.jobs()}")
    state = svc.read()
    assert state.sectors[P].borrowed == 64 and state.sectors[P].running == 0
    assert state.lent() == {P: 0, N: 16, R: 16}
    owner = gpu_job(bed, "int_flood")
    wait_for(lambda: running(bed, [owner]), 60, f"the owner's job did not start: {bed.jobs()}")
    assert sum(restarts(bed, j) for j in borrowers) == 1  # exactly one borrower requeued
    after = svc.read()
    assert after.sectors[N].running == 8 and after.sectors[P].borrowed == 56


# -- kill -9 of the CLI between its two sacctmgr calls -----------------------------------------

# interest's cap never comes: over SSH (24.11) the remote call outlives the killed client, so
# it must not go on to sacctmgr; its pid is kept to end it (natively the kill takes it)
SLOW_SACCTMGR = """#!/bin/sh
case "$*" in *modify*name=hangang_interest*) echo $$ > "$0.pid"; exec sleep 60;; esac
exec /usr/bin/sacctmgr "$@"
"""


def killed_apply(tb, tmp_path) -> list[str]:
    """`rebalance --mode quota --move-cap 8:public:interest --yes` killed (with its children:
    a power cut) once public's cap is set and interest's is on its way."""
    bindir = tb.console_bin()
    bindir.mkdir(exist_ok=True)
    slow = bindir / "sacctmgr"
    slow.write_text(SLOW_SACCTMGR)
    slow.chmod(0o755)
    try:
        return _killed_apply(tb, tmp_path, bindir)
    finally:
        slow.unlink()
        pid = Path(f"{slow}.pid")
        if pid.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid.read_text()), signal.SIGKILL)
            pid.unlink()


def _killed_apply(tb, tmp_path, bindir) -> list[str]:
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(FLEET.format(slurm=tb.slurm_table()))
    tb.trust(config_dir() / "known_hosts")
    args = ["--inventory", str(fleet), "--data-dir", str(tmp_path / "data")]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "console.commands.rebalance",
            *args,
            "--move-cap",
            "8:public:interest",
            "--yes",
            "--reason",
            "before the crash",
        ],
        cwd=REPO,
        env={**os.environ, **tb.env, "PATH": f"{bindir}:{os.environ['PATH']}"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: tb.caps()["public"] == 20 or proc.poll() is not None,
            60,
            "public's cap was never set",
        )
        assert proc.poll() is None, proc.communicate()
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert tb.caps() == {"public": 20, "interest": 16, "private": 16}  # half applied
    return args


@pytest.mark.parametrize(
    ("choice", "caps"),
    [("rollback", CAPS), ("finish", {"public": 20, "interest": 24, "private": 16})],
)
def test_kill_9_mid_apply_is_found_and_recovered(
    bed, tmp_path, capsys, monkeypatch, choice, caps
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # the CLI's too (os.environ)
    args = killed_apply(bed, tmp_path)
    code = rebalance.main([*args, "--move-cap", "1:private:public", "--yes", "--reason", "new"])
    err = capsys.readouterr().err
    assert code == 1 and "interrupted" in err
    assert bed.caps() == {"public": 20, "interest": 16, "private": 16}  # refused: nothing set
    code = rebalance.main([*args, "--recover", choice, "--yes", "--reason", "after the crash"])
    out = capsys.readouterr().out
    assert code == 0 and "Recovered" in out, out
    assert bed.caps() == caps
    log = AuditLog(audit_path(tmp_path / "data"))
    assert [e.action for e in log.entries()] == [INTERRUPTED, APPLY] and log.verify().ok
    assert log.entries()[-1].body["recovery"]["choice"] == choice
    assert rebalance.main([*args, "--recover", choice, "--yes"]) == 0
    assert "Nothing to recover" in capsys.readouterr().out
