"""A real fleet's job history for the what-if, from sacct (console/scheduler/job_history.py):
each record charged to its sector by account, GPUs asked, run time and time limit as the replay
needs them; a sacct that fails, hangs or prints garbage says so (HistoryUnavailable), once per
retry period, not once per plan drawn.

The records are the real captures beside this file: sacct-22.05.*, sacct-24.11.* (see
test_sacct_books.py: the books' twelve fields), and sacct-{22.05,24.11}-history.* (the
console's argv with TimelimitRaw and ReqTRES: Debian 12's 22.05.8 and Debian 13's 24.11.5 on
the quota testbed, kept by tests/integration/test_slurm_job_history.py: two 8-GPU jobs under
interest's cap of 8, the second waiting for the first, and one without GPUs); and the
v0.0.40+ shape by hand. The failing sacct is a real program on PATH (a script), run through
the console's LocalRunner.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.capacity.backends.slurm_runner import LocalRunner
from console.fleet.model import Sector
from console.scheduler.books import AccountMap
from console.scheduler.job_history import (
    UNLIMITED_LIMIT_S,
    SacctHistory,
    fleet_history_source,
    history_of,
)
from console.scheduler.reader import SacctReader
from console.scheduler.sacct import (
    BOOK_FIELDS,
    FIELDS,
    parse_sacct_json,
    parse_sacct_text,
    utc_text,
)
from console.whatif.effect import CachedHistory, HistoryUnavailable, too_little
from tests.unit.scheduler.test_sacct_books import inventory

HERE = Path(__file__).parent
T0 = datetime(2026, 12, 3, 9, tzinfo=UTC).timestamp()
T1 = T0 + 3600


def at(hms: str) -> float:
    return datetime.fromisoformat(f"2026-12-03T{hms}+00:00").timestamp()


def accounts() -> AccountMap:
    return AccountMap.from_inventory(inventory(), {s: s.value for s in Sector})


def test_22_05_records_become_the_sectors_jobs():
    records = parse_sacct_text((HERE / "sacct-22.05.txt").read_text(), BOOK_FIELDS)
    by_id = {r.job_id: r for r in records}
    history = history_of(records, accounts(), T0, T1)
    jobs = {j.job_id: j for j in history.jobs}
    # job 4 asked for no GPU; every other one is kept, in submit order
    assert set(jobs) == set(by_id) - {"4"}
    assert [j.submit for j in history.jobs] == sorted(j.submit for j in history.jobs)
    assert jobs["1"].sector is Sector.PUBLIC and jobs["1"].gpus == 2  # orga: transit's
    assert jobs["2"].sector is Sector.PUBLIC  # public_s: the sector's own account
    for job_id, job in jobs.items():
        record = by_id[job_id]
        assert job.gpus == record.gpus and job.submit == record.submit
        assert job.limit_s == UNLIMITED_LIMIT_S  # these captures did not ask for TimelimitRaw
    assert jobs["6"].run_s == by_id["6"].end - by_id["6"].start
    # job 8 still runs: as long as it has run by the end of the period
    assert by_id["8"].end is None and jobs["8"].run_s == T1 - by_id["8"].start
    # the text and the JSON give the same history
    same = history_of(parse_sacct_json((HERE / "sacct-22.05.json").read_text()), accounts(),
                      T0, T1)
    assert same == history


def test_24_11_records_and_a_partition_filter():
    records = parse_sacct_json((HERE / "sacct-24.11.json").read_text())
    history = history_of(records, accounts(), T0, T1)
    jobs = {j.job_id: j for j in history.jobs}
    assert set(jobs) == {"1", "2_1", "2_2"}  # 3 asked for no GPU
    assert jobs["1"].sector is Sector.INTEREST  # int_flood: the flood lab's
    # account "interest" is no sector's in this fleet file: charged by its partition
    assert jobs["2_2"].sector is Sector.PUBLIC and jobs["2_2"].gpus == 1
    # 24.11 says "infinite" for these jobs' limit: the replay plans them as unending
    assert all(j.limit_s == UNLIMITED_LIMIT_S for j in history.jobs)
    text = history_of(parse_sacct_text((HERE / "sacct-24.11.txt").read_text(), BOOK_FIELDS),
                      accounts(), T0, T1)
    assert text == history
    assert history_of(records, accounts(), T0, T1, partitions={"shared"}).jobs == ()


@pytest.mark.parametrize("version", ["22.05", "24.11"])  # data parsers v0.0.38 and v0.0.42
def test_limits_and_asks_read_alike_from_text_and_json(version):
    text = parse_sacct_text((HERE / f"sacct-{version}-history.txt").read_text())
    data = parse_sacct_json((HERE / f"sacct-{version}-history.json").read_text())
    assert sorted(text, key=lambda r: r.job_id) == sorted(data, key=lambda r: r.job_id)
    by_id = {r.job_id: r for r in text}
    assert (by_id["1"].limit_s, by_id["2"].limit_s) == (120.0, 180.0)  # --time=2, --time=3
    assert by_id["1"].req_gpus == by_id["1"].gpus == 8 and by_id["3"].req_gpus == 0
    # the second waited for the first to end (and up to a scheduling pass more)
    assert 0 <= by_id["2"].wait_s() - (by_id["1"].end - by_id["2"].submit) <= 2
    quota = AccountMap.from_inventory(inventory_with_sector_accounts(), {})
    start = min(r.submit for r in text) - 60
    history = history_of(text, quota, start, start + 3600, partitions={"shared"})
    jobs = {j.job_id: j for j in history.jobs}
    assert set(jobs) == {"1", "2"}  # 3 asked for no GPU
    assert {j.sector for j in jobs.values()} == {Sector.INTEREST}
    first = by_id["1"].end - by_id["1"].start
    assert (jobs["1"].gpus, jobs["1"].run_s, jobs["1"].limit_s) == (8, first, 120.0)
    assert first >= 6 and jobs["2"].limit_s == 180.0 and jobs["2"].run_s == 1.0
    assert history_of(data, quota, start, start + 3600, partitions={"shared"}) == history


def inventory_with_sector_accounts():
    inv = inventory()
    fields = {f: getattr(inv, f) for f in inv.__dataclass_fields__}
    return type(inv)(**{**fields, "sector_accounts": {s: s.value for s in Sector}})


def sacct_line(job_id, account, state, start, end, limit, req, alloc, partition="interest"):
    cells = {"JobID": job_id, "Account": account, "User": "kim", "QOS": "normal",
             "Partition": partition, "AllocTRES": alloc, "Elapsed": "00:00:00",
             "Submit": "2026-12-03T09:10:00", "Eligible": "2026-12-03T09:10:00",
             "Start": start, "End": end, "State": state, "TimelimitRaw": limit, "ReqTRES": req}
    return "|".join(cells[f] for f in FIELDS)


def test_limits_asked_gpus_and_jobs_that_never_ran():
    text = "\n".join([
        sacct_line("20", "int_flood", "COMPLETED", "2026-12-03T09:11:00", "2026-12-03T09:21:00",
                   "30", "billing=1,cpu=1,gres/gpu=4,node=1", "cpu=1,gres/gpu=4,node=1"),
        # still waiting: what it asked (ReqTRES), run as long as it may
        sacct_line("21", "int_flood", "PENDING", "Unknown", "Unknown", "120",
                   "cpu=1,gres/gpu:a100=2,gres/gpu=2", ""),
        # cancelled before it started: nobody waited for it to run
        sacct_line("22", "int_flood", "CANCELLED by 0", "None", "2026-12-03T09:12:00", "60",
                   "cpu=1,gres/gpu=1", ""),
        sacct_line("23", "int_flood", "COMPLETED", "2026-12-03T09:10:00", "2026-12-03T09:11:00",
                   "UNLIMITED", "cpu=1,gres/gpu=1", "cpu=1,gres/gpu=1"),
        sacct_line("24", "stranger", "COMPLETED", "2026-12-03T09:10:00", "2026-12-03T09:11:00",
                   "60", "cpu=1,gres/gpu=1", "cpu=1,gres/gpu=1", partition="debug"),
    ])
    records = parse_sacct_text(text)
    assert records[0].limit_s == 1800.0 and records[1].req_gpus == 2
    assert records[3].limit_s is None
    jobs = {j.job_id: j for j in history_of(records, accounts(), T0, T1).jobs}
    assert set(jobs) == {"20", "21", "23"}  # 22 withdrawn, 24 unmapped (account, partition)
    assert (jobs["20"].gpus, jobs["20"].run_s, jobs["20"].limit_s) == (4, 600.0, 1800.0)
    assert (jobs["21"].gpus, jobs["21"].run_s, jobs["21"].limit_s) == (2, 7200.0, 7200.0)
    assert jobs["23"].limit_s == UNLIMITED_LIMIT_S and jobs["23"].run_s == 60.0
    assert {j.sector for j in jobs.values()} == {Sector.INTEREST}


def test_json_limit_and_requested_gpus_of_later_data_parsers():
    unset = {"set": False, "infinite": False, "number": 0}
    text = json.dumps({"jobs": [
        {"job_id": 30, "account": "public_s", "user": "u", "qos": "hangang_public",
         "partition": "shared", "array": {"job_id": 0, "task_id": unset},
         "het": {"job_id": 0, "job_offset": unset}, "state": {"current": ["PENDING"]},
         "time": {"elapsed": 0, "submission": int(T0) + 60, "eligible": int(T0) + 60,
                  "start": 0, "end": 0, "limit": {"set": True, "infinite": False, "number": 5}},
         "tres": {"allocated": [], "requested": [{"type": "cpu", "name": "", "count": 1},
                                                 {"type": "gres", "name": "gpu", "count": 3}]}},
    ]})
    (job,) = history_of(parse_sacct_json(text), accounts(), T0, T1).jobs
    assert (job.sector, job.gpus, job.limit_s, job.run_s) == (Sector.PUBLIC, 3, 300.0, 300.0)


def fake_sacct(tmp_path: Path, body: str) -> LocalRunner:
    """A runner whose `sacct` is a script: `sacct --version` answers, the rest runs `body`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "sacct"
    script.write_text("#!/bin/sh\n"
                      'if [ "$1" = "--version" ]; then echo "slurm 22.05.8"; exit 0; fi\n'
                      + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return LocalRunner({"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})


DOWN = ('echo "sacct: error: slurm_persist_conn_open_without_init: failed to open persistent '
        'connection to host:localhost:6819: Connection refused" >&2; exit 1')


@pytest.mark.parametrize(("body", "said"), [
    (DOWN, "Connection refused"),
    ("exec sleep 30", "sacct"),  # hangs past the reader's timeout
    ("echo 'not|what|was|asked'", "fields"),  # garbage in both forms
])
def test_a_sacct_that_fails_hangs_or_prints_garbage_is_said(tmp_path, body, said):
    reader = SacctReader(fake_sacct(tmp_path, body), timeout=1.0)
    make = SacctHistory(reader, accounts())
    with pytest.raises(HistoryUnavailable) as caught:
        make(T1)
    english, korean = caught.value.text("en"), caught.value.text("ko")
    assert "sacct" in english and said in english
    assert korean != english


def test_a_failed_read_is_not_retried_at_once_and_a_good_one_is_kept(tmp_path):
    calls = []
    state = {"fail": True}
    now = [T1 + 10]

    def make(key: float):
        calls.append(key)
        if state["fail"]:
            raise HistoryUnavailable("slurmdbd down")
        return history_of([], accounts(), key - 86400, key)

    source = CachedHistory(make, clock=lambda: now[0])
    for _ in range(3):  # a drag on the board: one read, not three
        with pytest.raises(HistoryUnavailable):
            source()
    assert len(calls) == 1
    state["fail"] = False
    now[0] += CachedHistory.RETRY_S + 1
    first = source()
    assert first is not None and source() is first and len(calls) == 2
    assert "Too little history" in too_little(first, "en")  # the existing too-little path


def test_two_threads_share_one_read(tmp_path):
    started, release = threading.Event(), threading.Event()
    calls = []

    def make(key: float):
        calls.append(key)
        started.set()
        assert release.wait(10)
        return history_of([], accounts(), key - 86400, key)

    source = CachedHistory(make, clock=lambda: T1)
    got = []
    threads = [threading.Thread(target=lambda: got.append(source())) for _ in range(2)]
    for t in threads:
        t.start()
    assert started.wait(10)
    release.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1 and len(got) == 2 and got[0] is got[1]


def test_fleet_source_reads_the_days_the_fleet_file_says_up_to_now(tmp_path):
    lines = fake_sacct(tmp_path, 'echo "$@" > "$0.args"; exit 0')
    inv = inventory()
    inv = type(inv)(**{**{f: getattr(inv, f) for f in inv.__dataclass_fields__},
                       "slurm": {"history_days": 7}})
    now = T1 + 1800  # half past: the jobs of this hour are in, not cut at its start
    source = fleet_history_source(lines, inv, {}, "shared", clock=lambda: now)
    history = source()
    assert history is not None and history.jobs == () and history.days == 7
    assert history.end == now
    args = (tmp_path / "bin" / "sacct.args").read_text().split()
    assert args[args.index("-S") + 1] == utc_text(now - 7 * 86400)
    assert args[args.index("-E") + 1] == utc_text(now)
