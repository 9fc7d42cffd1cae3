"""`scontrol show job -d` as captured on the testbeds (22.05 native, 24.11 in the Debian 13
root, text and --json): which running job holds which GPU, node by node."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.scheduler.holders import (
    ParseError,
    gpu_indices,
    parse_show_job_json,
    parse_show_job_text,
    show_job_argv,
)

HERE = Path(__file__).parent


def text(name: str) -> str:
    return (HERE / name).read_text()


def test_2205_untyped_gres_gives_each_node_its_indices():
    jobs = parse_show_job_text(text("scontrol-job-d-22.05.txt"), 5.0)
    assert jobs.read_at == 5.0
    assert sorted(jobs.jobs) == ["1", "2", "3", "4"]
    one = jobs.jobs["1"]
    assert (one.account, one.user, one.partition, one.qos, one.gpus) == (
        "acme",
        "root",
        "interest",
        "",
        2,
    )
    assert one.start == 1796317662.0  # 2026-12-03T17:07:42 UTC
    # "Nodes=n[01-02] … GRES=gpu:3(IDX:0-2)": the same indices on both nodes
    assert sorted(p for p, j in jobs.holders.items() if j == "2") == [
        ("n01", 0),
        ("n01", 1),
        ("n01", 2),
        ("n02", 0),
        ("n02", 1),
        ("n02", 2),
    ]
    assert jobs.job_on("n05", 1).job_id == "1"
    assert jobs.job_on("n05", 2) is None
    assert jobs.jobs["4"].gpus == 0  # a CPU-only job holds no GPU ("GRES=")


@pytest.mark.parametrize("name", ["scontrol-job-d-22.05-typed.txt", "scontrol-job-d-24.11.txt"])
def test_typed_gres_gaps_and_array_tasks(name):
    jobs = parse_show_job_text(text(name), 0.0)
    # job 1 was cancelled (still listed, holds nothing); the array tasks are named as squeue
    assert sorted(jobs.jobs) == ["2", "3", "4", "5_1", "5_2"]
    assert jobs.holders[("n03", 1)] == "2"
    assert jobs.holders[("n03", 0)] == jobs.holders[("n03", 2)] == "3"  # IDX:0,2
    assert ("n03", 3) not in jobs.holders
    assert jobs.jobs["3"].account == "physics"
    assert (jobs.holders[("n04", 0)], jobs.holders[("n04", 1)]) == ("5_1", "5_2")
    assert jobs.jobs["4"].gpus == 4


def test_2411_json_agrees_with_its_text():
    from_json = parse_show_job_json(text("scontrol-job-d-24.11.json"), 0.0)
    from_text = parse_show_job_text(text("scontrol-job-d-24.11.txt"), 0.0)
    assert dict(from_json.holders) == dict(from_text.holders)
    assert dict(from_json.jobs) == dict(from_text.jobs)  # pending job 6 left out of both


def test_gpu_indices_of_several_types_and_none():
    assert gpu_indices("gpu:a100:1(IDX:0),gpu:v100:2(IDX:4-5)") == [0, 4, 5]
    assert gpu_indices("gpu:2(IDX:0-1,3)") == [0, 1, 3]
    assert gpu_indices("gpu:model_a:0(IDX:N/A)") == []
    assert gpu_indices("") == []
    with pytest.raises(ParseError):
        gpu_indices("gpu:2(IDX:a-b)")


def test_broken_json_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_show_job_json("", 0.0)
    with pytest.raises(ParseError):
        parse_show_job_json('{"jobs": 3}', 0.0)


def test_times_are_asked_for_in_utc():
    argv = show_job_argv(False)
    assert argv[:2] == ["env", "TZ=UTC"] and argv[-2:] == ["job", "-d"]
    assert show_job_argv(True)[-1] == "--json"
