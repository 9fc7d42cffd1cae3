"""Slurm's books from real jobs on the accounting testbed (slurm_accounting.py): sacct read both
ways gives the same jobs, the GPU-hours per sector and organisation equal sreport's on the same
period, and `hangang-console accounting --from-slurm` prints them. On both versions
(BOTH_VERSIONS): this machine's Slurm and 24.11 in its Debian 13 root over SSH (slurm24.py)."""

from __future__ import annotations

import csv
import io
import math
import time
from datetime import UTC, datetime

import pytest

from console.capacity.backends.slurm_setup import SlurmOptions, slurm_runner
from console.capacity.backends.slurm_squeue import parse_squeue_json
from console.commands import accounting
from console.fleet.model import Sector
from console.inventory.loader import load_inventory
from console.paths import config_dir
from console.scheduler.books import AccountMap, books
from console.scheduler.queue import Waiting, pending_jobs, waiting
from console.scheduler.reader import SacctReader
from tests.integration.slurm24 import BOTH_VERSIONS
from tests.integration.slurm_accounting import ACCOUNTS
from tests.integration.slurm_testbed import wait_for

# (partition, account, GPUs): every sector, organisations and a sector's own account
JOBS = [("public", "pub_transit", 2), ("public", "pub_water", 1), ("public", "public", 4),
        ("interest", "int_flood", 3), ("private", "prv_chip", 8), ("private", "prv_chip", 8),
        ("private", "prv_chip", 8)]  # the third waits for one of the two private nodes
pytestmark = BOTH_VERSIONS

ORGS = {"pub_transit": "public", "pub_water": "public", "int_flood": "interest",
        "prv_chip": "private"}

FLEET = """\
[sectors.public]
entitlement = "40%"
account = "public"
[sectors.interest]
entitlement = "35%"
account = "interest"
[sectors.private]
entitlement = "25%"
account = "private"
{orgs}
[[nodes]]
name = "n[01-03]"
sector = "public"
[[nodes]]
name = "n[04-06]"
sector = "interest"
[[nodes]]
name = "n[07-08]"
sector = "private"
[slurm]
{slurm}"""


def fleet_file(tb, tmp_path, monkeypatch):
    """The fleet file reaching the testbed as the console reaches it (here, or SSH to the
    controller with its host key in this test's own known_hosts)."""
    orgs = "".join(f'[[organisations]]\nid = "{a}"\nsector = "{s}"\nname_en = "{a}"\n'
                   f'account = "{a}"\n' for a, s in ORGS.items())
    path = tmp_path / "fleet.toml"
    path.write_text(FLEET.format(orgs=orgs, slurm=tb.slurm_table()))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    tb.trust(config_dir() / "known_hosts")
    return path


@pytest.fixture(scope="module")
def ran(slurm_books):
    """The jobs, run to the end and in slurmdbd; the period: the two UTC hours holding them."""
    tb = slurm_books
    tb.reset()
    t0 = math.floor(time.time() / 3600) * 3600
    ids = [tb.sbatch("-p", part, f"--account={acct}", f"--gres=gpu:{n}", "--wrap", "sleep 2")
           for part, acct, n in JOBS]
    runner = tb.console_runner()

    def recorded() -> bool:  # slurmctld sends job records to slurmdbd as it can
        found = {j.job_id: j for j in SacctReader(runner).jobs(t0, t0 + 7200)}
        return all(found.get(i) is not None and found[i].end is not None for i in ids)

    wait_for(recorded, 60, "sacct does not show every job ended")
    return tb, ids, t0, t0 + 7200


def sreport(tb, t0: float, t1: float) -> dict[tuple[str, str], float]:
    """(account, user) → GPU-seconds; user "" is the account's total with its children."""
    fmt = "%Y-%m-%dT%H:%M:%S"
    start = datetime.fromtimestamp(t0, UTC).strftime(fmt)
    end = datetime.fromtimestamp(t1, UTC).strftime(fmt)
    out = tb.run("sreport", "-P", "-n", "cluster", "AccountUtilizationByUser", "-T", "gres/gpu",
                 "-t", "seconds", f"start={start}", f"end={end}")
    rows = {}
    for line in out.splitlines():
        _, account, user, _, tres, used = line.split("|")
        assert tres == "gres/gpu"
        rows[(account, user)] = float(used)
    return rows


def test_sacct_json_and_text_read_the_same_real_jobs(ran):
    tb, ids, t0, t1 = ran
    reader = SacctReader(tb.console_runner())
    as_json = reader.jobs(t0, t1)
    assert reader.json is True  # 22.05 and 24.11 both have the openapi plugins
    reader.json = False
    as_text = reader.jobs(t0, t1)
    assert sorted(as_json, key=lambda j: j.job_id) == sorted(as_text, key=lambda j: j.job_id)
    mine = [j for j in as_text if j.job_id in ids]
    assert sorted((j.partition, j.account, j.gpus) for j in mine) == sorted(JOBS)
    assert all(j.state == "COMPLETED" and j.elapsed_s >= 2 for j in mine)


def test_sacct_over_ssh_to_the_controller_reads_the_same(ran, sshd_testbed_factory, tmp_path):
    """The argv (`env TZ=UTC SLURM_TIME_FORMAT=… sacct …`) runs unchanged on a controller
    reached over SSH, host key checked (24.11: the testbed's own sshd, in its root), and reads
    what sacct run directly there reads."""
    tb, ids, t0, t1 = ran
    if tb.over_ssh:
        runner = tb.console_runner()
    else:
        ssh = sshd_testbed_factory(nodes=1)
        address = ssh.addresses[0]
        known = ssh.write_known_hosts(tmp_path / "known_hosts", [address])
        runner = slurm_runner(SlurmOptions(controller=f"root@{address}:{ssh.port}",
                                           identity_file=str(ssh.client_key_path),
                                           slurm_conf=str(tb.conf)), known)
    try:
        reader = SacctReader(runner)
        remote = reader.jobs(t0, t1)
        assert reader.how().startswith(f"Slurm {tb.version_text}")
        assert runner.where.startswith("root@") and runner.where in reader.how()
    finally:
        if not tb.over_ssh:
            runner.close()
    here = SacctReader(tb.direct_runner()).jobs(t0, t1)
    assert sorted(remote, key=lambda j: j.job_id) == sorted(here, key=lambda j: j.job_id)
    assert set(ids) <= {j.job_id for j in remote}


def test_gpu_hours_per_sector_and_organisation_equal_sreport(ran, tmp_path, monkeypatch):
    tb, _, t0, t1 = ran
    inventory = load_inventory(fleet_file(tb, tmp_path, monkeypatch))
    jobs = SacctReader(tb.console_runner()).jobs(t0, t1)
    result = books(jobs, AccountMap.from_inventory(inventory, {s: s.value for s in Sector}),
                   t0, t1, time.time())
    tb.rollup(datetime.fromtimestamp(t0, UTC), datetime.fromtimestamp(t1, UTC))
    theirs = sreport(tb, t0, t1)
    assert result.total * 3600 >= sum(n for *_, n in JOBS) * 2  # each held its GPUs ≥ 2 s
    for sector in ACCOUNTS:
        assert result.by_sector[sector] * 3600 == pytest.approx(theirs[(sector, "")], abs=1), \
            sector
    for org in ORGS:
        hours = result.by_org[(ORGS[org], org)]
        assert hours * 3600 == pytest.approx(theirs[(org, "")], abs=1), org
    assert result.by_account["public"] * 3600 == pytest.approx(theirs[("public", "root")], abs=1)
    assert result.total * 3600 == pytest.approx(theirs[("root", "")], abs=1)
    assert result.by_rule.keys() == {"organisation account", "sector account"}
    assert result.waits["private"].jobs == 3
    assert result.waits["private"].p90_s >= result.waits["private"].p50_s


def test_the_command_prints_slurms_books(ran, tmp_path, capsys, monkeypatch):
    tb, ids, t0, _ = ran
    fleet = fleet_file(tb, tmp_path, monkeypatch)
    first, last = (datetime.fromtimestamp(t, UTC).date().isoformat() for t in _days(t0))
    base = ["--from-slurm", "--inventory", str(fleet), "--tz", "UTC", "--from", first,
            "--to", last, "--data-dir", str(tmp_path / "none"), "--lang", "en"]
    assert accounting.main([*base, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    t_from, t_to = _days(t0)[0], _days(t0)[1] + 86400
    expected = books(SacctReader(tb.console_runner()).jobs(t_from, t_to),
                     AccountMap.from_inventory(load_inventory(fleet),
                                               {s: s.value for s in Sector}),
                     t_from, t_to, time.time())
    got = {r["Sector"]: float(r["Slurm GPU-h"]) for r in rows}
    assert got == pytest.approx(expected.by_sector, abs=1e-4)
    assert {r["Sector"] for r in rows} == {"public", "interest", "private"}
    assert accounting.main([*base, "--by", "org", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "pub_transit" in out and f"Slurm {tb.version_text}" in out and "sacct --json" in out
    assert tb.console_runner().where in out  # where the books were read: here, or the SSH host
    assert accounting.main([*base, "--by", "job", "--format", "csv"]) == 0
    jobs = {r["Job"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert set(ids) <= jobs


def _days(t0: float) -> tuple[float, float]:
    """Midnight (UTC) of the day holding t0 and of the next: the jobs may run past midnight."""
    start = math.floor(t0 / 86400) * 86400
    return start, start + 86400


def test_jobs_waiting_for_their_sectors_cap_are_counted_by_reason(ran, tmp_path, capsys,
                                                                  monkeypatch):
    """interest's partition QOS caps it at 12 GPUs: a second job of 8 waits for the QOS (its
    nodes have 24), and the command's sector table says so."""
    tb, *_ = ran
    fleet = fleet_file(tb, tmp_path, monkeypatch)
    accounts = AccountMap.from_inventory(load_inventory(fleet), {s: s.value for s in Sector})
    runner = tb.console_runner()
    try:
        first = tb.sbatch("-p", "interest", "--account=int_flood", "--gres=gpu:8", "--wrap",
                          "sleep 300")
        tb.sbatch("-p", "interest", "--account=int_flood", "--gres=gpu:8", "--wrap", "sleep 300")
        wait_for(lambda: tb.job_state(first) == "RUNNING", 20, "the first job did not start")

        def interest():
            return waiting(pending_jobs(runner, True), accounts).get("interest")

        wait_for(lambda: interest() == {"QOSGrpGRES": Waiting(1, 8)}, 20,
                 f"interest waits for {interest()}")
        assert waiting(pending_jobs(runner, False), accounts) == {"interest": interest()}
        # the JSON read itself, not its silent fallback to the text form
        pending = [j for j in parse_squeue_json(runner.run(["squeue", "--json"])) if j.pending]
        assert [(j.reason, j.gpus, j.account) for j in pending] == [("QOSGrpGRES", 8,
                                                                      "int_flood")]
        code = accounting.main(["--from-slurm", "--inventory", str(fleet), "--tz", "UTC",
                                "--period", "day", "--date", _today(), "--lang", "en",
                                "--data-dir", str(tmp_path / "none")])
        assert code == 0
        out = capsys.readouterr().out
        assert "Waiting now" in out and "Public-interest: QOSGrpGRES 1 jobs / 8 GPUs" in out
    finally:
        tb.cancel_all()


def test_a_running_jobs_account_reaches_scheduler_jobs_and_charges_its_gpus(ran, tmp_path,
                                                                            monkeypatch):
    """squeue's running jobs (both forms) → SchedulerJobs → FleetState charges the GPU a probe
    saw the job's process on to the job account's organisation (rule 2)."""
    from console.fleet.charging import RULE_JOB
    from console.fleet.metrics import default_registry
    from console.fleet.model import GpuProcess, GpuSample, NodeSample, PollBatch
    from console.fleet.state import FleetState
    from console.scheduler.running import RunningReader

    tb = ran[0]
    job = tb.sbatch("-p", "interest", "--account=int_flood", "--gres=gpu:2", "--wrap", "sleep 300")
    try:
        wait_for(lambda: tb.job_state(job) == "RUNNING", 30, f"job {job} does not start")
        reader = RunningReader(tb.console_runner())
        jobs = reader.read()
        text = RunningReader(tb.console_runner())
        text.json = False  # the -O text form, as where squeue has no --json
        for read in (jobs, text.read()):
            found = read.jobs.get(job)
            assert found is not None, f"job {job} not in {sorted(read.jobs)}"
            assert (found.account, found.user, found.gpus) == ("int_flood", "root", 2)
            assert found.partition == "interest" and read.holders == {}
        inventory = load_inventory(fleet_file(tb, tmp_path, monkeypatch))
        state = FleetState(inventory, default_registry(), stale_after_s=1e9)
        state.set_scheduler_jobs(jobs)
        now = time.time()
        gpu = GpuSample(0, util_gpu=80, processes=(GpuProcess(4242, "root", 100.0, job=job),))
        state.apply(PollBatch(now, samples=(NodeSample("n04", now, (gpu,)),)))
        snap = state.snapshot(now)
        row = snap.node_names.index("n04")
        assert snap.gpu_rule[row, 0] == RULE_JOB
        assert snap.org_ids[snap.gpu_org[row, 0]] == "int_flood"
    finally:
        tb.run("scancel", job, check=False)
        wait_for(lambda: tb.job_state(job) not in ("RUNNING", "PENDING", "COMPLETING"), 30,
                 f"job {job} does not end")


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def test_slurmdbd_down_is_a_clear_error_not_a_hang(ran, tmp_path, capsys, monkeypatch):
    tb, *_ = ran
    fleet = fleet_file(tb, tmp_path, monkeypatch)
    tb.stop_dbd()
    try:
        code = accounting.main(["--from-slurm", "--inventory", str(fleet), "--tz", "UTC",
                                "--period", "day", "--lang", "en"])
    finally:
        tb.start_dbd()
    assert code == 3
    assert "Slurm's accounting could not be read" in capsys.readouterr().err
