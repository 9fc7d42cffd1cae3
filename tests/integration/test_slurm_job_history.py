"""A real fleet's job history for the what-if, from Slurm's own books (sacct through slurmdbd
and MariaDB), on the session's quota testbed (conftest.py's quota_bed; both versions: this
machine's 22.05 and 24.11 over SSH, slurm24.py):

- jobs submitted under each sector's account come back as the history's jobs with the sector,
  the GPUs asked, the time limit given and their submit times; a job that waited for its
  sector's cap shows that wait, and the replay of the history under the testbed's caps makes
  it wait about as long (the error band of test_whatif_quota_slurm.py: ±30 % or ±6 s);
- a job asking no GPU is left out;
- `rebalance --mode quota --dry-run` on that fleet prints a predicted wait per sector from
  these jobs (20 or more per sector: the what-if's minimum);
- with slurmdbd stopped, the history says sacct cannot be read, within the reader's timeout.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from console.commands import rebalance
from console.fleet.model import Sector
from console.inventory.loader import load_inventory
from console.paths import config_dir
from console.scheduler.books import AccountMap
from console.scheduler.job_history import SacctHistory, fleet_history_source
from console.scheduler.reader import SacctReader
from console.scheduler.sacct import sacct_argv
from console.whatif.effect import HistoryUnavailable
from console.whatif.quota_replay import quota_replay
from tests.integration.slurm24 import both_versions
from tests.integration.slurm_quota import CAPS, SHARED, qos_of
from tests.integration.slurm_testbed import wait_for
from tests.paths import REPO

pytestmark = both_versions("quota_bed", scope="session")

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
[[nodes]]
name = "n[01-08]"
sector = "public"
[slurm]
{slurm}mode = "quota"
history_days = 3
[slurm.quota]
partition = "shared"
borrow_qos = "hangang_borrow"
grace_time = 2
"""


def submit(tb, sector: str, gpus: int, minutes: int, sleep_s: int) -> str:
    gres = [f"--gres=gpu:{gpus}"] if gpus else []
    return tb.sbatch("-p", SHARED, f"--account={sector}", f"--qos={qos_of(sector)}", *gres,
                     "-n1", "-c1", f"--time={minutes}", "--wrap", f"sleep {sleep_s}")


def fleet_file(tb, tmp_path):
    path = tmp_path / "fleet.toml"
    path.write_text(FLEET.format(slurm=tb.slurm_table()))
    return path


def read_until(tb, inventory, wanted: set[str], t0: float, timeout: float = 90):
    """The history as the console reads it, once every job in `wanted` has ended in the books
    (sacct's records: a running job is in the history too, with its run so far)."""
    reader = SacctReader(tb.console_runner())

    def ended() -> bool:
        done = {r.job_id for r in reader.jobs(t0, time.time() + 60) if r.end is not None}
        return done >= wanted

    wait_for(ended, timeout, "slurmdbd did not record every job as ended")
    return fleet_history_source(tb.console_runner(), inventory, {}, SHARED)()


@pytest.mark.timeout(400)
def test_the_history_holds_what_was_submitted_and_dry_run_predicts_from_it(
    bed, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    fleet = fleet_file(bed, tmp_path)
    inventory = load_inventory(fleet)
    t0 = time.time() - 2
    bed.set_caps({"interest": 8})  # the second 8-GPU job waits for the first (about 6 s)
    caps = {**CAPS, "interest": 8}
    wait_for(lambda: bed.caps() == caps, 30, "interest's cap did not become 8")
    first = submit(bed, "interest", 8, 2, 6)
    second = submit(bed, "interest", 8, 3, 1)
    none = submit(bed, "private", 0, 1, 1)  # no GPU: not the what-if's
    asked = {first: ("interest", 8, 120.0), second: ("interest", 8, 180.0)}
    for i in range(21):  # 20 jobs at least per sector: enough history to predict
        for sector, gpus in (("public", 2), ("interest", 1), ("private", 1)):
            asked[submit(bed, sector, gpus, 1 + i % 2, 0)] = (sector, gpus, 60.0 * (1 + i % 2))
    history = read_until(bed, inventory, set(asked) | {none}, t0)
    jobs = {j.job_id: j for j in history.jobs}
    for job_id, (sector, gpus, limit_s) in asked.items():
        job = jobs[job_id]
        assert (job.sector, job.gpus, job.limit_s) == (Sector(sector), gpus, limit_s), job
        assert t0 <= job.submit <= time.time()
    # the wait the books hold: the second job started once the first ended ...
    books = {r.job_id: r for r in SacctReader(bed.console_runner()).jobs(t0, time.time() + 60)}
    keep_output(bed, t0, [first, second, none], tmp_path)
    assert none in books and none not in jobs  # in the books, but asked for no GPU
    measured = books[second].wait_s()
    assert measured is not None and measured >= jobs[first].run_s - 2, (measured, jobs[first])
    # ... and the replay of the history under those caps makes it wait about as long
    mine = [j for j in history.jobs if j.job_id in asked]
    replay = quota_replay(mine, 64, {Sector(s): c for s, c in caps.items()}, history.start,
                          history.end).sectors[Sector.INTEREST]
    predicted = replay.waits_s[[j.job_id for j in mine if j.sector is Sector.INTEREST]
                               .index(second)]
    assert abs(predicted - measured) <= max(6.0, 0.3 * measured), (predicted, measured)
    # the CLI on that fleet: a predicted wait per sector from these jobs
    bed.trust(config_dir() / "known_hosts")
    code = rebalance.main(["--mode", "quota", "--inventory", str(fleet), "--data-dir",
                           str(tmp_path / "data"), "--move-cap", "4:private:public",
                           "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0, out
    found = re.search(r"Predicted waits.*\(from (\d+) jobs over 3 days\)", out)
    assert found and int(found.group(1)) >= len(asked), out
    for name in ("Public", "Public-interest", "Private"):
        assert f"{name}: p90 wait" in out, out


def keep_output(tb, t0: float, job_ids: list[str], tmp_path) -> None:
    """sacct's own -P and --json answers for these jobs (the console's argv), in
    test-artifacts/: the real output the unit tests' fixtures are cut from."""
    version = tb.version_text.replace(" ", "-")
    out = REPO / "test-artifacts"
    out.mkdir(exist_ok=True)
    for use_json, suffix in ((False, "txt"), (True, "json")):
        text = tb.console_runner().run(sacct_argv(t0, time.time() + 60, use_json), timeout=30)
        if use_json:
            data = json.loads(text)
            data["jobs"] = [j for j in data["jobs"] if str(j.get("job_id")) in job_ids]
            text = json.dumps(data, indent=1)
        else:
            text = "".join(line + "\n" for line in text.splitlines()
                           if line.split("|")[0] in job_ids)
        (out / f"sacct-history-{version}.{suffix}").write_text(text)


@pytest.mark.timeout(180)
def test_slurmdbd_down_is_said_not_hung_on(bed, tmp_path):
    inventory = load_inventory(fleet_file(bed, tmp_path))
    reader = SacctReader(bed.console_runner(), timeout=20)
    make = SacctHistory(reader, AccountMap.from_inventory(inventory, {}), 3, {SHARED})
    bed.stop_dbd()
    try:
        with pytest.raises(HistoryUnavailable) as caught:
            make(time.time())
        text = caught.value.text("en")
        assert "could not be read" in text and "sacct" in text, text
        assert caught.value.text("ko") != text
    finally:
        bed.start_dbd()
    wait_for(lambda: readable(make), 60, "sacct did not answer again after slurmdbd came back")


def readable(make) -> bool:
    try:
        make(time.time())
    except HistoryUnavailable:
        return False
    return True
