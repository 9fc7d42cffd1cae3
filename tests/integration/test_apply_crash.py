"""`kill -9` of the console in the middle of an apply, local store and real Slurm.

The apply runs as the real CLI in its own process (`hangang-console rebalance … --yes`). Its plan
moves two nodes: one that drains at once and one whose work takes a while to end. When the
journal shows the first node moved (a condition, read from the journal file as a new console
would), the process gets SIGKILL: the second node is still draining, so the kill lands between
two steps. Then the CLI finds the interrupted apply, refuses a new one, and `--recover
rollback` or `--recover finish` puts it right: allocation, drains, lock and audit log are checked.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from console.access import AccessPolicy, Identity
from console.capacity.audit import AuditLog, audit_path
from console.capacity.journal import EVENT, PHASE, ApplyJournal, journal_path
from console.capacity.model import SchedState
from console.capacity.setup import local_capacity
from console.commands import rebalance
from console.fleet.model import Sector
from console.settings import RoleSettings
from console.sources.demo.capacity import BUSY_PERCENT, DRAIN_S
from console.sources.demo.fleet import SimFleet
from console.sources.demo.noise import uniform
from tests.integration.slurm_testbed import wait_for
from tests.integration.test_slurm_failures import FIRST, drained, include_lines, responding
from tests.paths import REPO

NODES = 24
ROOT_OPERATOR = Identity("root", ("root",))


def cli(*argv: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "console.commands.rebalance", *argv],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def journaled(data: Path, node: str, what: str, kind: str = EVENT) -> bool:
    return any(s.kind == kind and s.node == node and s.what == what
               for run in ApplyJournal(journal_path(data)).runs() for s in run.steps)


def kill_when(proc: subprocess.Popen, condition, timeout: float) -> None:
    """SIGKILL `proc` as soon as `condition()` holds; fail if it ended first."""
    try:
        wait_for(lambda: condition() or proc.poll() is not None, timeout,
                 "the apply never reached the step")
        assert proc.poll() is None, f"the apply ended before the kill:\n{proc.communicate()}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    proc.stdout.close()
    proc.stderr.close()


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = rebalance.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def check_audit(data: Path, plan_id: str, result: str, choice: str) -> None:
    entries = AuditLog(audit_path(data)).entries()
    assert [(e.action, e.result) for e in entries] == [("interrupted", "interrupted"),
                                                       ("apply", result)]
    crash, outcome = entries
    assert crash.plan_id == outcome.plan_id == plan_id
    assert outcome.body["recovery"]["choice"] == choice
    assert outcome.body["recovery"]["interrupted_entry"] == crash.id
    assert AuditLog(audit_path(data)).verify().ok
    assert ApplyJournal(journal_path(data)).runs() == []


# -- local store (the demo fleet's, whose drained nodes finish their work within DRAIN_S) ------

def drain_seconds(sim: SimFleet, now: float) -> dict[str, float]:
    """How long each node's work goes on once drained (0: idle), as the demo fleet decides."""
    util = sim.utilisation(now)
    out = {}
    for row, spec in enumerate(sim.inventory.nodes):
        busy = util[row] >= BUSY_PERCENT
        ends = DRAIN_S * uniform(sim.seed, 21, row, np.arange(util.shape[1]))
        out[spec.name] = float(ends[busy].max()) if busy.any() else 0.0
    return out


def pick_swap(now: float) -> tuple[int, str, Sector, str, Sector]:
    """(seed, quick node, its sector, slow node, its sector): an interest node whose long job
    keeps it draining ≥ 12 s longer than a node of another sector (interest jobs run for hours,
    so it is busy when the apply starts too)."""
    for seed in range(20261124, 20261144):
        sim = SimFleet.build(NODES, seed=seed)
        spans = drain_seconds(sim, now)
        sector = {s.name: s.sector for s in sim.inventory.nodes}
        slow = max((n for n in spans if sector[n] == Sector.INTEREST), key=spans.get)
        quick = min((n for n in spans if sector[n] != Sector.INTEREST), key=spans.get)
        if spans[slow] - spans[quick] >= 12:
            return seed, quick, sector[quick], slow, sector[slow]
    raise AssertionError("no demo seed gives a node that drains slowly")


def local_store(data: Path, seed: int):
    sim = SimFleet.build(NODES, seed=seed)
    policy = AccessPolicy.for_session(RoleSettings(), ROOT_OPERATOR)
    return local_capacity(data, sim.inventory, policy, sim=sim, poll_s=0.2)


def lock_rows(data: Path, seed: int) -> dict:
    import sqlite3

    con = sqlite3.connect(data / f"capacity-demo{NODES}-{seed}.sqlite")
    try:
        return dict(con.execute("SELECT key, value FROM meta WHERE key LIKE 'lock_%'"))
    finally:
        con.close()


@pytest.mark.parametrize("choice", ["rollback", "finish"])
def test_kill_9_mid_apply_on_the_local_store_then_recover(tmp_path, capsys, choice):
    import time

    seed, quick, quick_sector, slow, slow_sector = pick_swap(time.time())
    data = tmp_path / "data"
    fleet = ["--demo", str(NODES), "--seed", str(seed), "--data-dir", str(data)]
    before = local_store(data, seed).state().allocation()
    proc = cli(*fleet, "--move", f"{quick}={slow_sector.value}", "--move",
               f"{slow}={quick_sector.value}", "--reason", "swap for the flood model", "--yes")
    kill_when(proc, lambda: journaled(data, quick, "moved"), 60)

    svc = local_store(data, seed)
    state = svc.state()
    assert state.nodes[quick].sector == slow_sector  # moved before the kill
    assert state.nodes[slow].sector == slow_sector and state.nodes[slow].drained_by_us
    [run] = svc.interrupted()
    assert lock_rows(data, seed)["lock_plan"] == run.plan.plan_id  # the dead apply's lock

    # the next console says so and applies nothing else until it is settled
    code, out, err = run_cli(capsys, *fleet)
    assert code == 0 and "An apply was interrupted" in err and run.plan.plan_id in err
    # any other node: the interrupted apply refuses every move (the demo's load follows the
    # clock, so an idle node may not exist at this hour)
    others = [n for n in state.nodes if n not in (quick, slow)]
    other = next((n for n in others if state.nodes[n].idle), others[0])
    code, _, err = run_cli(capsys, *fleet, "--move", f"{other}={slow_sector.value}",
                           "--reason", "x", "--yes", "--lang", "ko")
    assert code == 1 and run.plan.plan_id in err and "--recover" in err

    code, out, err = run_cli(capsys, *fleet, "--recover", choice, "--yes")
    assert code == 0, out + err
    after = local_store(data, seed).state()
    if choice == "rollback":
        assert after.allocation() == before
    else:  # the slow node's work ended on its own (no job killed), then it moved
        assert (after.nodes[quick].sector, after.nodes[slow].sector) == (slow_sector,
                                                                         quick_sector)
    assert all(r.state == SchedState.UP or not r.drained_by_us for r in after.nodes.values())
    assert lock_rows(data, seed) == {}
    check_audit(data, run.plan.plan_id, "applied" if choice == "finish" else "rolled back",
                choice)
    assert local_store(data, seed).interrupted() == []


# -- Slurm (tests/integration/slurm_testbed.py) ---------------------------------------------------

@pytest.mark.parametrize("choice", ["rollback", "finish"])
def test_kill_9_mid_apply_on_slurm_then_recover(slurm, tmp_path, capsys, monkeypatch, choice):
    responding(slurm)
    original = include_lines(slurm)
    flag = tmp_path / "job-may-end"
    job = slurm.sbatch("-p", "public", "-w", "n01", "--gres=gpu:8", "--wrap",
                       f"while [ ! -e {flag} ]; do sleep 0.1; done")
    wait_for(lambda: slurm.job_state(job) == "RUNNING", 20, "job did not start")
    data = tmp_path / "data"
    fleet = ["--slurm", "--slurm-include", str(slurm.include), "--data-dir", str(data)]
    proc = cli(*fleet, "--move", "n04=public", "--move", "n01=interest", "--reason",
               "swap n04 and n01", "--yes", env=slurm.env)
    kill_when(proc, lambda: journaled(data, "n04", "moved"), 60)

    lock = slurm.include.with_name(slurm.include.name + ".hangang-lock")
    parts = slurm.partition_nodes()
    assert "n04" in parts["public"] and "n01" in parts["public"]  # killed between the moves
    assert sorted(drained(slurm)) == ["n01", "n04"] and lock.is_dir()
    [run] = ApplyJournal(journal_path(data)).interrupted()
    assert f"plan={run.plan.plan_id} " in (lock / "owner").read_text()

    monkeypatch.setenv("SLURM_CONF", str(slurm.conf))
    code, out, err = run_cli(capsys, *fleet)
    assert code == 0 and "An apply was interrupted" in err
    if choice == "rollback":
        code, out, err = run_cli(capsys, *fleet, "--recover", "rollback", "--yes")
        assert code == 0, out + err
        assert slurm.partition_nodes() == FIRST  # live, from slurmctld
        assert include_lines(slurm) == original
        assert slurm.job_state(job) == "RUNNING"  # never killed; n01 takes work again
        result = "rolled back"
    else:
        recovery = cli(*fleet, "--recover", "finish", "--yes", env=slurm.env)
        try:
            # it waits for n01's job, which runs on: no job is killed to finish a move
            wait_for(lambda: journaled(data, "", "recover-finish", PHASE), 30,
                     "the recovery did not start")
            assert slurm.job_state(job) == "RUNNING" and recovery.poll() is None
            flag.touch()
            out, err = recovery.communicate(timeout=90)
        finally:
            if recovery.poll() is None:
                recovery.kill()
                recovery.communicate()
        assert recovery.returncode == 0, out + err
        assert slurm.job_state(job) == "COMPLETED"
        parts = slurm.partition_nodes()
        assert parts["public"] == ["n02", "n03", "n04"]
        assert parts["interest"] == ["n01", "n05", "n06"]
        in_file = {ln.split()[0]: ln for ln in include_lines(slurm)}
        assert "Nodes=n[02-04]" in in_file["PartitionName=public"]
        assert "Nodes=n[01,05-06]" in in_file["PartitionName=interest"]
        result = "applied"
    assert drained(slurm) == [] and not lock.exists()
    check_audit(data, run.plan.plan_id, result, choice)
    flag.touch()  # the rolled-back case's job may end now
