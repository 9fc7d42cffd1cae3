"""Which running job holds which GPU, from `scontrol show job -d` (text, every version) or its
`--json` form (24.11: data_parser v0.0.40+), into the fleet's SchedulerJobs.

A job that holds GPUs and leaves them idle runs no process on them, so NVML cannot say whose
they are: only the scheduler's GRES detail can. The text prints one line per group of nodes
that got the same indices ("Nodes=n[01-02] CPU_IDs=0 Mem=0 GRES=gpu:a100:2(IDX:0-1)"); the
JSON has `gres_detail`, one string per allocated node in `job_resources`' order. Times are asked
for in UTC (`env TZ=UTC`), as sacct's are (console/scheduler/sacct.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from console.capacity.backends.slurm_parse import ParseError, null, parse_record
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.fleet.jobs import RunningJob, SchedulerJobs
from console.inventory.hostlist import HostlistError, expand_hostlist
from console.scheduler.sacct import TIME_FORMAT

# one GPU GRES with its indices: "gpu:2(IDX:0-1)", "gpu:a100:2(IDX:0,2)"; IDX:N/A holds none
_GPU_GRES = re.compile(r"(?:^|,)gpu(?::[^:(,]+)?:(\d+)\(IDX:([^)]*)\)")
HELD_STATES = ("RUNNING", "SUSPENDED")  # a suspended job keeps its GPUs
# the lines of a job's block that carry what we read, by their first key (the rest is skipped:
# most of the time goes into parsing key=value lines)
_WANTED_LINES = frozenset({"JobId", "UserId", "Priority", "JobState", "StartTime", "Partition"})


def show_job_argv(use_json: bool) -> list[str]:
    form = ["--json"] if use_json else []
    return [
        "env",
        "TZ=UTC",
        f"SLURM_TIME_FORMAT={TIME_FORMAT}",
        "scontrol",
        "show",
        "job",
        "-d",
        *form,
    ]


def gpu_indices(gres: str) -> list[int]:
    """The GPU indices in one node's GRES detail ("gpu:a100:1(IDX:0),gpu:v100:1(IDX:4)")."""
    out: list[int] = []
    for match in _GPU_GRES.finditer(gres.strip()):
        out.extend(_index_list(match.group(2)))
    return out


def _index_list(text: str) -> list[int]:
    """ "0-1,3" → [0, 1, 3]; "N/A" → []."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part or part == "N/A":
            continue
        low, _, high = part.partition("-")
        if not (low.isdigit() and (not high or high.isdigit())):
            raise ParseError(f"not a GPU index list: {text!r}")
        out.extend(range(int(low), int(high or low) + 1))
    return out


def _time(text: str) -> float | None:
    try:
        return datetime.strptime(text.strip(), TIME_FORMAT).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None  # "Unknown", "None", a controller whose zone we could not set


def _nodes(hostlist: str) -> list[str]:
    try:
        return expand_hostlist(hostlist)
    except HostlistError as e:
        raise ParseError(f"host list {hostlist!r}: {e}") from e


def _collect(
    jobs: Iterable[tuple[RunningJob, list[tuple[str, int]]]], read_at: float
) -> SchedulerJobs:
    running: dict[str, RunningJob] = {}
    holders: dict[tuple[str, int], str] = {}
    for job, held in jobs:
        running[job.job_id] = job
        for place in held:
            holders[place] = job.job_id
    return SchedulerJobs(read_at=read_at, jobs=running, holders=holders)


# ── text ──────────────────────────────────────────────────────────────────────────────────────


def parse_show_job_text(text: str, read_at: float) -> SchedulerJobs:
    """`scontrol show job -d`: blocks that start with "JobId=", one per job (array tasks too)."""
    return _collect(_text_jobs(text), read_at)


def _blocks(text: str) -> Iterable[list[str]]:
    block: list[str] = []
    for line in text.splitlines():
        if line.startswith("JobId=") and block:
            yield block
            block = []
        if line.strip():
            block.append(line)
    if block:
        yield block


def _text_jobs(text: str) -> Iterable[tuple[RunningJob, list[tuple[str, int]]]]:
    for block in _blocks(text):
        fields: dict[str, str] = {}
        held: list[tuple[str, int]] = []
        for line in block:
            stripped = line.strip()
            if stripped.startswith("Nodes=") and "GRES=" in stripped:
                detail = parse_record(stripped)  # the per-node lines of -d
                indices = gpu_indices(detail.get("GRES", ""))
                held += [(n, i) for n in _nodes(detail["Nodes"]) for i in indices]
            elif stripped.split("=", 1)[0] in _WANTED_LINES:
                try:
                    record = parse_record(stripped)
                except ParseError:
                    continue  # a free-text line (Comment=, Command=) we do not need
                for key, value in record.items():
                    # "Partition=p AllocNode:Sid=…": a key with ':' runs into the one before
                    fields.setdefault(key, value.split()[0] if value.split() else "")
        if "JobId" not in fields:
            raise ParseError(f"not a job record: {block[0][:80]!r}")
        if fields.get("JobState", "") not in HELD_STATES:
            continue
        job_id = fields["JobId"].split()[0]
        if null(fields.get("ArrayTaskId")) and null(fields.get("ArrayJobId")):
            job_id = f"{fields['ArrayJobId']}_{fields['ArrayTaskId']}"  # as squeue prints it
        user = fields.get("UserId", "").split("(")[0]
        job = RunningJob(
            job_id=job_id,
            account=null(fields.get("Account")).lower(),
            user=user,
            partition=null(fields.get("Partition")),
            qos=null(fields.get("QOS")),
            gpus=len(held),
            start=_time(fields.get("StartTime", "")),
        )
        yield job, held


# ── JSON (24.11) ──────────────────────────────────────────────────────────────────────────────


def _number(value: object) -> float | None:
    """v0.0.40+ wraps numbers as {"set", "infinite", "number"}; older ones are plain."""
    if isinstance(value, Mapping):
        if not value.get("set", True) or value.get("infinite"):
            return None
        value = value.get("number")
    return float(value) if isinstance(value, (int, float)) else None


def _alloc_nodes(job: Mapping) -> list[str]:
    resources = job.get("job_resources") or {}
    nodes = resources.get("nodes")
    if isinstance(nodes, Mapping) and isinstance(nodes.get("allocation"), list):
        return [str(n.get("name", "")) for n in nodes["allocation"]]  # 24.11
    if isinstance(resources.get("allocated_nodes"), list):  # 23.02
        return [str(n.get("nodename", "")) for n in resources["allocated_nodes"]]
    return _nodes(str(job.get("nodes") or "")) if job.get("nodes") else []


def parse_show_job_json(text: str, read_at: float) -> SchedulerJobs:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError(f"scontrol --json: {e}") from e
    if not isinstance(doc, Mapping) or not isinstance(doc.get("jobs"), list):
        raise ParseError("scontrol --json: no list of jobs")
    return _collect(_json_jobs(doc["jobs"]), read_at)


def _json_jobs(jobs: list) -> Iterable[tuple[RunningJob, list[tuple[str, int]]]]:
    for raw in jobs:
        state = raw.get("job_state")
        states = state if isinstance(state, list) else [state]
        if not any(s in HELD_STATES for s in states):
            continue
        job_id = str(int(_number(raw.get("job_id")) or 0))
        task = _number(raw.get("array_task_id"))
        if task is not None:
            job_id = f"{int(_number(raw.get('array_job_id')) or 0)}_{int(task)}"
        nodes = _alloc_nodes(raw)
        details = list(raw.get("gres_detail") or [])
        if details and len(details) != len(nodes):
            raise ParseError(f"job {job_id}: {len(details)} GRES details for {len(nodes)} nodes")
        held = [
            (node, i)
            for node, gres in zip(nodes, details, strict=False)
            for i in gpu_indices(str(gres))
        ]
        qos = raw.get("qos")
        yield (
            RunningJob(
                job_id=job_id,
                account=null(str(raw.get("account") or "")).lower(),
                user=str(raw.get("user_name") or ""),
                partition=null(str(raw.get("partition") or "")),
                qos=null(qos if isinstance(qos, str) else ""),
                gpus=len(held),
                start=_number(raw.get("start_time")),
            ),
            held,
        )


# ── reading ───────────────────────────────────────────────────────────────────────────────────


def read_holders(
    runner: Runner, use_json: bool, read_at: float, timeout: float = 30.0
) -> SchedulerJobs:
    """Running jobs and their GPUs, from where Slurm is. Raises CommandFailed or ParseError."""
    if use_json:
        return parse_show_job_json(runner.run(show_job_argv(True), timeout=timeout), read_at)
    return parse_show_job_text(runner.run(show_job_argv(False), timeout=timeout), read_at)


__all__ = [
    "CommandFailed",
    "ParseError",
    "gpu_indices",
    "parse_show_job_json",
    "parse_show_job_text",
    "read_holders",
    "show_job_argv",
]
