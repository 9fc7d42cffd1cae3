"""Which Slurm job a GPU process belongs to: its cgroup path, else SLURM_JOB_ID in its environment.

slurmd puts every step of a job in a cgroup named after it, under either hierarchy:
  cgroup v2: 0::/system.slice/slurmstepd.scope/job_1234/step_0/user/task_0
  cgroup v1: 4:memory:/slurm/uid_1000/job_1234/step_batch
/proc/<pid>/cgroup is readable by anyone; /proc/<pid>/environ only by the process's owner or root,
so the environment is the fallback, and a refusal means "no job known", never an error entry
(the probe would otherwise report one per process per line).

Runs on a node: standard library only, Python 3.8 (see __init__.py).
"""

from __future__ import annotations

import os
import re

_CGROUP_JOB = re.compile(r"/job_(\d{1,20})(?:/|$)")
ENV_KEYS = (b"SLURM_JOB_ID", b"SLURM_JOBID")  # the second: Slurm's older spelling, still set


def job_from_cgroup(text):
    """The job id in /proc/<pid>/cgroup text (any hierarchy line), or None."""
    for line in text.splitlines():
        path = line.split(":", 2)[-1]
        match = _CGROUP_JOB.search(path)
        if match:
            return match.group(1)
    return None


def job_from_environ(raw):
    """SLURM_JOB_ID from /proc/<pid>/environ (NUL-separated bytes), or None."""
    found = {}
    for item in raw.split(b"\0"):
        key, sep, value = item.partition(b"=")
        if sep and key in ENV_KEYS:
            found[key] = value
    for key in ENV_KEYS:
        value = found.get(key, b"")
        if value.isdigit() and len(value) <= 20:
            return value.decode("ascii")
    return None


def read_job(pid, proc="/proc"):
    """The pid's Slurm job id, or None (no job, gone, another pid namespace, not allowed)."""
    base = os.path.join(proc, str(pid))
    try:
        with open(os.path.join(base, "cgroup"), encoding="utf-8", errors="replace") as f:
            job = job_from_cgroup(f.read())
        if job is not None:
            return job
    except OSError:
        pass
    try:
        with open(os.path.join(base, "environ"), "rb") as f:
            return job_from_environ(f.read())
    except OSError:  # PermissionError for other users' processes, unless the probe runs as root
        return None
