"""`hangang-console jobs idle|efficiency` over a real job-usage store: who held GPUs at ~0 %,
charged to organisations and sectors by account, then partition."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from console.commands import jobs
from console.fleet.model import Sector
from console.history.job_usage_db import JobHour, JobMeta, JobUsageStore, job_usage_path
from tests.report_history import inventory

H = 3600


def store(tmp_path):
    hour = int(time.time() // H * H) - 2 * H
    s = JobUsageStore(job_usage_path(tmp_path))
    s.write(
        [
            JobMeta("7", 1, "uni", "kim", "interest", "", 2, "n04", hour, hour + H, H),
            JobMeta("8", 1, "nobody", "lee", "public", "", 4, "n01", hour, hour + H, 300, True),
            JobMeta("9", 1, "lab", "park", "private", "", 1, "n07", hour, hour + H, 0),
        ],
        [
            JobHour("7", 1, hour, 2 * H, 0.0, 2 * H, H),  # 1 h all idle, 2 GPU-h at 0 %
            JobHour("8", 1, hour, 4 * H, 2 * H, 0.5 * H, 300),  # 5 min idle
            JobHour("9", 1, hour, H, 0.9 * H, 0.0, 0.0),
        ],
    )
    s.close()


def fleet_file(tmp_path):
    inv = replace(inventory(), org_accounts={"uni": "uni", "lab": "lab"})
    return inv


def test_idle_lists_jobs_past_the_minutes_with_their_organisation(tmp_path, capsys, monkeypatch):
    store(tmp_path)
    monkeypatch.setattr(jobs, "inventory_from", lambda path: fleet_file(tmp_path))
    rc = jobs.main(
        [
            "idle",
            "--data-dir",
            str(tmp_path),
            "--min-minutes",
            "30",
            "--format",
            "csv",
            "--lang",
            "en",
            "--inventory",
            "x.toml",
        ]
    )
    assert rc == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Job,User,Account,Organisation,Sector,GPUs")
    assert lines[1:] == ["7,kim,uni,uni,interest,2,2.0000,2.0000,1.0000,0.0000"]


def test_fewer_minutes_list_more_and_the_table_is_korean(tmp_path, capsys, monkeypatch):
    store(tmp_path)
    monkeypatch.setattr(jobs, "inventory_from", lambda path: fleet_file(tmp_path))
    assert (
        jobs.main(
            [
                "idle",
                "--data-dir",
                str(tmp_path),
                "--min-minutes",
                "5",
                "--lang",
                "ko",
                "--inventory",
                "x.toml",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "한강대학교" in out and "2.50" in out  # 2 + 0.5 GPU-h at 0 %
    assert out.count("\n") == 4  # heading, column titles, two jobs


def test_efficiency_by_sector_charges_unknown_accounts_by_partition(tmp_path, capsys, monkeypatch):
    store(tmp_path)
    monkeypatch.setattr(jobs, "inventory_from", lambda path: fleet_file(tmp_path))
    assert (
        jobs.main(
            [
                "efficiency",
                "--by",
                "sector",
                "--data-dir",
                str(tmp_path),
                "--format",
                "csv",
                "--lang",
                "en",
                "--inventory",
                "x.toml",
            ]
        )
        == 0
    )
    rows = [r.split(",") for r in capsys.readouterr().out.splitlines()[1:]]
    by = {r[0]: r for r in rows}
    assert list(by) == [s.value for s in Sector]
    assert float(by["public"][5]) == pytest.approx(50.0)  # job 8: 2 of 4 GPU-h
    assert float(by["private"][5]) == pytest.approx(90.0)
    assert float(by["interest"][5]) == pytest.approx(0.0)


def test_nothing_recorded_says_so(tmp_path, capsys):
    assert jobs.main(["idle", "--data-dir", str(tmp_path), "--lang", "en"]) == 3
    assert "no per-job usage recorded" in capsys.readouterr().err


def test_since_takes_relative_and_absolute_times():
    from zoneinfo import ZoneInfo

    seoul = ZoneInfo("Asia/Seoul")
    assert jobs.when("90m", seoul, 10_000.0) == 10_000.0 - 5400
    assert jobs.when("2026-12-01", seoul, 0.0) == 1796050800.0  # midnight in Seoul
    with pytest.raises(Exception, match="expected 24h"):
        jobs.when("yesterday", seoul, 0.0)
