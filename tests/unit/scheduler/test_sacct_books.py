"""sacct's two forms read alike, and the books built from them: GPU-hours clipped to the period,
charged by account, then partition; waits per sector.

sacct-22.05.txt / .json: Debian 12's sacct on the accounting sandbox (8 jobs, 09:00–10:00 UTC:
an array of two, a job without GPUs, one cancelled, one still running; the JSON trimmed to the
fields read). sacct-24.11.*: Debian 13's 24.11.5 (data_parser v0.0.42) in a chroot, against a
slurmdbd of its own: 4 jobs, an array of two, one without GPUs still running."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.fleet.model import Organisation, Sector
from console.inventory.model import Inventory, NodeSpec
from console.scheduler.books import AccountMap, books, percentile
from console.scheduler.sacct import (
    BOOK_FIELDS,
    JobRecord,
    SacctError,
    elapsed_seconds,
    parse_sacct_json,
    parse_sacct_text,
    sacct_argv,
)

HERE = Path(__file__).parent
T0 = datetime(2026, 12, 3, 9, tzinfo=UTC).timestamp()
T1 = T0 + 3600


def at(hms: str) -> float:
    return datetime.fromisoformat(f"2026-12-03T{hms}+00:00").timestamp()


def test_text_and_json_read_the_same_jobs():
    text = parse_sacct_text((HERE / "sacct-22.05.txt").read_text(), BOOK_FIELDS)
    data = parse_sacct_json((HERE / "sacct-22.05.json").read_text())
    assert sorted(text, key=lambda j: j.job_id) == sorted(data, key=lambda j: j.job_id)
    by_id = {j.job_id: j for j in text}
    assert set(by_id) == {"1", "2", "3_1", "3_2", "4", "5", "6", "8"}
    assert by_id["1"] == JobRecord("1", "orga", "root", "normal", "public", 2, 2, at("09:16:14"),
                                   at("09:16:14"), at("09:16:14"), at("09:16:16"), "COMPLETED")
    assert by_id["4"].gpus == 0 and by_id["5"].state == "CANCELLED"
    assert by_id["8"].end is None and by_id["8"].state == "RUNNING" and by_id["8"].gpus == 3
    assert by_id["6"].wait_s() == 3.0  # waited for n01's GPUs


def test_argv_asks_for_utc_and_runs_the_same_over_ssh():
    argv = sacct_argv(T0, T1, use_json=False)
    assert argv[:3] == ["env", "TZ=UTC", "SLURM_TIME_FORMAT=%Y-%m-%dT%H:%M:%S"]
    assert argv[-4:] == ["-S", "2026-12-03T09:00:00", "-E", "2026-12-03T10:00:00"]
    assert "-X" in argv and "-a" in argv and "--json" in sacct_argv(T0, T1, use_json=True)


@pytest.mark.parametrize(("text", "seconds"), [("00:00:02", 2), ("1-02:03:04", 93784),
                                               ("12:34", 754), ("100:00:00", 360000)])
def test_elapsed(text, seconds):
    assert elapsed_seconds(text) == seconds


def test_bad_output_says_which_line():
    with pytest.raises(SacctError, match="line 2"):
        parse_sacct_text(
            "1|a|root|normal|public|gres/gpu=1|00:00:01|x|x|x|x|COMPLETED|60|gres/gpu=1\n1|2|3\n")
    with pytest.raises(SacctError, match="--json"):
        parse_sacct_json("{}")


def inventory() -> Inventory:
    orgs = (Organisation("transit", Sector.PUBLIC, "교통", "Transit"),
            Organisation("flood", Sector.INTEREST, "홍수", "Flood lab"))
    return Inventory(
        nodes=(NodeSpec("n01", Sector.PUBLIC, None, 8),),
        entitlements={Sector.PUBLIC: 0.4, Sector.INTEREST: 0.35, Sector.PRIVATE: 0.25},
        organisations=orgs, sector_accounts={Sector.PUBLIC: "public_s"},
        org_accounts={"transit": "orga", "flood": "int_flood"},
    )


def test_books_charge_by_account_then_partition_and_clip_to_the_period():
    jobs = parse_sacct_text((HERE / "sacct-22.05.txt").read_text(), BOOK_FIELDS)
    accounts = AccountMap.from_inventory(inventory(), {s: s.value for s in Sector})
    now = at("09:30:00")
    result = books(jobs, accounts, T0, T1, now)
    # orga: 2×2 + 2×3 (cancelled) + 8×1 + 3 GPUs running since 09:22:45 until `now`
    running = 3 * (now - at("09:22:45"))
    orga = (4 + 6 + 8 + running) / 3600
    assert result.by_org[("public", "transit")] == pytest.approx(orga)
    assert result.by_org[("interest", "flood")] == pytest.approx(2 / 3600)
    # public_s: the sector's own account
    assert result.by_org[("public", "")] == pytest.approx(4 / 3600)
    assert result.by_sector == pytest.approx({"public": orga + 4 / 3600, "interest": 2 / 3600,
                                              "private": 0.0})
    assert result.by_rule == pytest.approx({"organisation account": orga + 2 / 3600,
                                            "sector account": 4 / 3600})
    assert result.by_job["8"] == pytest.approx(running / 3600) and "4" not in result.by_job
    assert result.jobs == 7 and result.total == pytest.approx(sum(result.by_user.values()))
    # a period that ends at 09:22:44 cuts the cancelled job (2 GPUs from 09:22:42) at 2 s
    short = books(jobs, accounts, T0, at("09:22:44"), now)
    assert short.by_job["5"] == pytest.approx(4 / 3600)
    # waits: every job that started in the period; only job 6 waited (3 s)
    waits = result.waits["public"]
    assert (waits.jobs, waits.p50_s, waits.p90_s) == (6, 0.0, 3.0)


def test_unknown_accounts_fall_back_to_the_partition_then_unmapped():
    job = JobRecord("9", "stranger", "u", "normal", "private", 1, 0, T0, T0, T0, T0 + 36, "X")
    lost = JobRecord("10", "stranger", "u", "normal", "debug", 1, 0, T0, T0, T0, T0 + 36, "X")
    result = books([job, lost], AccountMap.from_inventory(None, {Sector.PRIVATE: "private"}),
                   T0, T1, T1)
    assert result.by_sector["private"] == pytest.approx(0.01)
    assert result.by_sector[""] == pytest.approx(0.01)
    assert result.by_rule == pytest.approx({"partition": 0.01, "unmapped": 0.01})


def test_percentile_is_nearest_rank():
    assert percentile([], 50) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile([float(i) for i in range(1, 11)], 50) == 5.0
    assert percentile([float(i) for i in range(1, 11)], 90) == 9.0


def test_pending_jobs_by_sector_and_reason():
    from console.capacity.backends.slurm_squeue import JobInfo
    from console.scheduler.queue import Waiting, total, waiting

    def job(i, state, parts, account, gpus, reason=""):
        return JobInfo(str(i), state, parts, "", 1, gpus, (), None, "u", account, reason)

    jobs = [job(1, "PENDING", ("interest",), "int_flood", 8, "QOSGrpGRES"),
            job(2, "PENDING", ("interest",), "int_flood", 4, "QOSGrpGRES"),
            job(3, "PENDING", ("private", "public"), "nobody", 2, "Resources"),
            job(4, "RUNNING", ("public",), "orga", 8),
            job(5, "PENDING", ("debug",), "nobody", 1)]
    accounts = AccountMap.from_inventory(inventory(), {s: s.value for s in Sector})
    found = waiting(jobs, accounts)
    assert found == {"interest": {"QOSGrpGRES": Waiting(2, 12)},
                     "private": {"Resources": Waiting(1, 2)},
                     "": {"None": Waiting(1, 1)}}
    assert total(found["interest"]) == Waiting(2, 12)


def test_json_of_later_data_parsers_reads_too():
    """The shape 23.11+ prints (data_parser v0.0.40+): lists of states and {set, number} for
    optional numbers. Written by hand from that shape; 22.05's real output is the fixture."""
    unset = {"set": False, "infinite": False, "number": 0}
    text = json.dumps({"jobs": [
        {"job_id": 11, "account": "Int_Flood", "user": "kim", "qos": "normal",
         "partition": "interest", "array": {"job_id": 10, "task_id": {"set": True, "number": 3}},
         "het": {"job_id": 0, "job_offset": unset},
         "state": {"current": ["COMPLETED"], "reason": "None"},
         "time": {"elapsed": 60, "submission": 100, "eligible": 100, "start": 130, "end": 190,
                  "limit": {"set": True, "infinite": False, "number": 60}},
         "tres": {"allocated": [{"type": "cpu", "name": "", "count": 4},
                                {"type": "gres", "name": "gpu", "count": 2}],
                  "requested": [{"type": "gres", "name": "gpu", "count": 2}]}},
        {"job_id": 12, "account": "a", "user": "u", "qos": "q", "partition": "p",
         "array": {"job_id": 0, "task_id": unset}, "het": {"job_id": 0, "job_offset": unset},
         "state": {"current": ["PENDING"]}, "time": {"elapsed": 0, "submission": 200,
                                                     "eligible": 200, "start": 0, "end": 0},
         "tres": {"allocated": []}},
    ]})
    done, waiting = parse_sacct_json(text)
    assert done == JobRecord("10_3", "int_flood", "kim", "normal", "interest", 2, 60, 100.0,
                             100.0, 130.0, 190.0, "COMPLETED", limit_s=3600.0, req_gpus=2)
    assert waiting.job_id == "12" and waiting.start is None and waiting.state == "PENDING"


def test_slurm_24_11_text_and_json_read_the_same_jobs():
    text = parse_sacct_text((HERE / "sacct-24.11.txt").read_text(), BOOK_FIELDS)
    data = parse_sacct_json((HERE / "sacct-24.11.json").read_text())
    assert sorted(text, key=lambda j: j.job_id) == sorted(data, key=lambda j: j.job_id)
    by_id = {j.job_id: j for j in data}
    assert set(by_id) == {"1", "2_1", "2_2", "3"}
    assert (by_id["1"].gpus, by_id["1"].elapsed_s, by_id["1"].state) == (2, 2, "COMPLETED")
    assert by_id["2_2"].account == "interest" and by_id["2_2"].gpus == 1
    assert by_id["3"].gpus == 0 and by_id["3"].end is None and by_id["3"].state == "RUNNING"
