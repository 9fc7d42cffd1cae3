"""What the scheduler says runs now: its running jobs and which GPUs each holds.

The scheduler side (console/scheduler/: squeue, `scontrol show job -d`) fills it; the fleet
state uses it to charge a GPU's use to the job's account and to tell which job holds a GPU
that shows no process (a job that holds GPUs and leaves them idle). GPU indices are Slurm's
GRES indices (`IDX:0-3`), which follow the minor numbers of /dev/nvidiaN that gres.conf lists
in order, the numbering nvidia-smi and NVML's index use on a node set up the usual way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RunningJob:
    job_id: str  # Slurm's job id as squeue prints it ("1234", an array task "1234_7")
    account: str  # lower case, as sacctmgr keeps it
    user: str
    partition: str = ""
    qos: str = ""
    gpus: int = 0  # GPUs it holds in all
    start: float | None = None  # epoch s


@dataclass(frozen=True, slots=True)
class SchedulerJobs:
    read_at: float  # epoch s of the read
    jobs: Mapping[str, RunningJob] = field(default_factory=dict)
    # (node name, GPU index) → job id, from the job's GRES detail; a GPU absent is not held
    holders: Mapping[tuple[str, int], str] = field(default_factory=dict)

    def job_on(self, node: str, gpu: int) -> RunningJob | None:
        job_id = self.holders.get((node, gpu))
        return None if job_id is None else self.jobs.get(job_id)
