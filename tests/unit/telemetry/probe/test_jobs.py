"""The probe reads each GPU process's Slurm job from files laid out like /proc (cgroup v1 and v2,
the environment, a refusal), and the simulated NVML gives processes the jobs its spec names."""

from __future__ import annotations

import json
import os
import sys

import pytest

from console.telemetry import nvml_sim
from console.telemetry.nvml_sim.spec import parse_spec
from console.telemetry.probe import jobs
from console.telemetry.probe import sample as probe_sample
from console.telemetry.probe.jobs import job_from_cgroup, job_from_environ, read_job
from console.telemetry.probe.procfs import ProcessNames

V2 = "0::/system.slice/slurmstepd.scope/job_1234/step_0/user/task_0\n"
V1 = (
    "12:pids:/slurm/uid_1000/job_5678/step_batch\n"
    "11:memory:/slurm/uid_1000/job_5678/step_batch\n"
    "1:name=systemd:/system.slice/slurmd.service\n"
)
OUTSIDE = "0::/user.slice/user-1000.slice/session-3.scope\n"


def _proc(root, pid, cgroup=None, environ=None, status="Uid:\t1000\t1000\t1000\t1000\n"):
    """/proc/<pid> under root with the given files (None: absent)."""
    base = root / str(pid)
    base.mkdir(parents=True)
    (base / "status").write_text(f"Name:\tpython\n{status}")
    (base / "cmdline").write_bytes(b"python\0train.py\0")
    if cgroup is not None:
        (base / "cgroup").write_text(cgroup)
    if environ is not None:
        (base / "environ").write_bytes(environ)
    return base


def test_cgroup_paths_of_both_hierarchies():
    assert job_from_cgroup(V2) == "1234"
    assert job_from_cgroup(V1) == "5678"
    assert job_from_cgroup("0::/slurm/uid_0/job_42\n") == "42"  # the job's own cgroup
    assert job_from_cgroup(OUTSIDE) is None
    assert job_from_cgroup("0::/system.slice/job_abc/x\n") is None
    assert job_from_cgroup("0::/user.slice/myjob_12/x\n") is None  # not a segment of its own
    assert job_from_cgroup("") is None


def test_environment_slurm_job_id():
    env = b"HOME=/home/a\0SLURM_JOB_ID=777\0SLURM_JOBID=777\0"
    assert job_from_environ(env) == "777"
    assert job_from_environ(b"SLURM_JOBID=778\0") == "778"  # the old spelling alone
    assert job_from_environ(b"PATH=/bin\0") is None
    assert job_from_environ(b"SLURM_JOB_ID=12;rm\0") is None  # only digits go on the wire
    assert job_from_environ(b"") is None


def test_read_job_on_files_laid_out_like_proc(tmp_path):
    _proc(tmp_path, 10, cgroup=V2, environ=b"SLURM_JOB_ID=999\0")
    _proc(tmp_path, 11, cgroup=V1)
    _proc(tmp_path, 12, cgroup=OUTSIDE, environ=b"SLURM_JOB_ID=31\0")
    _proc(tmp_path, 13, cgroup=OUTSIDE, environ=b"USER=a\0")
    assert read_job(10, str(tmp_path)) == "1234"  # the cgroup wins over the environment
    assert read_job(11, str(tmp_path)) == "5678"
    assert read_job(12, str(tmp_path)) == "31"  # outside a job cgroup: the environment
    assert read_job(13, str(tmp_path)) is None
    assert read_job(14, str(tmp_path)) is None  # gone


def test_an_unreadable_environment_is_no_job_not_an_error(tmp_path, monkeypatch):
    base = _proc(tmp_path, 20, cgroup=OUTSIDE, environ=b"SLURM_JOB_ID=5\0")
    (base / "environ").chmod(0)
    if os.geteuid() == 0:  # root reads any file whatever its mode: refuse as the kernel would
        real_open = open

        def refusing(path, *args, **kwargs):
            if str(path).endswith("environ"):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(jobs, "open", refusing, raising=False)
    names = ProcessNames(proc=str(tmp_path))
    user, command, job = names.describe(20, object())
    assert (command, job) == ("python train.py", None) and user


def test_process_names_read_the_job_once_per_pid(tmp_path):
    base = _proc(tmp_path, 30, cgroup=V2)
    names = ProcessNames(proc=str(tmp_path))
    assert names.describe(30, object())[2] == "1234"
    (base / "cgroup").write_text(V1)  # cached while the pid stays
    assert names.describe(30, object())[2] == "1234"
    names.forget_others()
    names.forget_others()  # the pid was not seen in the last sample: read afresh
    assert names.describe(30, object())[2] == "5678"


def test_an_invisible_pid_keeps_what_the_library_says(tmp_path):
    class Proc:
        user, command, job = "sim", "python train.py", "4242"

    names = ProcessNames(proc=str(tmp_path))
    assert names.describe(90000000, Proc()) == ("sim", "python train.py", "4242")
    assert names.describe(90000001, object()) == (None, None, None)


def test_sim_spec_jobs():
    spec = parse_spec("count=8,load=busy,jobs=0-3:1234;5:1240")
    assert spec.jobs == {0: "1234", 1: "1234", 2: "1234", 3: "1234", 5: "1240"}
    assert parse_spec("count=2").jobs == {}
    for bad in ("jobs=0:x", "jobs=9:1", "jobs=3-1:5", "jobs=1234"):
        with pytest.raises(ValueError, match="job"):
            parse_spec(f"count=8,{bad}")


def test_probe_line_carries_each_process_job(monkeypatch):
    monkeypatch.setitem(sys.modules, "nvml_sim", nvml_sim)
    probe = probe_sample.build_probe(sim="count=3,load=busy,seed=5,jobs=0-1:1234")
    try:
        line = json.loads(probe.line())
    finally:
        probe.close()
    jobs = [{p["job"] for p in g["processes"]} for g in line["gpus"]]
    assert jobs == [{"1234"}, {"1234"}, {None}]
    assert not any(e["field"] == "processes" for e in line["errors"])
