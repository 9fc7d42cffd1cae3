"""Reading Slurm's job listings: `squeue --json` and the fixed `squeue -O` format the backend asks
for, as JobInfo. The shared pieces (records, GRES and TRES counts) are slurm_parse's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from console.capacity.backends.slurm_parse import ParseError, gres_gpus, null, tres_gpus

RUNNING_JOB_STATES = frozenset({"RUNNING", "COMPLETING", "SUSPENDED", "CONFIGURING", "STOPPED"})
PENDING_JOB_STATES = frozenset({"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED"})


@dataclass(frozen=True, slots=True)
class JobInfo:
    job_id: str
    state: str  # RUNNING, PENDING, …
    partitions: tuple[str, ...]  # a pending job may name several
    nodes: str  # host list; "" while pending
    node_count: int
    gpus: int  # the job's total GPUs (asked for while pending, held while running)
    gpus_per_node: tuple[int, ...]  # per allocated node, in host-list order, when Slurm says
    end_time: float | None  # epoch s; None when unknown / unlimited
    user: str
    account: str
    reason: str = ""  # why it pends (QOSGrpGRES, Resources, Priority, …); "" when it does not
    qos: str = ""  # the job's QOS (quota mode: a sector's, or the borrow QOS)

    @property
    def running(self) -> bool:
        return self.state in RUNNING_JOB_STATES

    @property
    def pending(self) -> bool:
        return self.state in PENDING_JOB_STATES


def _number(value) -> float | None:
    """A JSON number, or Slurm ≥ 23.02's {"set": …, "infinite": …, "number": …}."""
    if isinstance(value, dict):
        if not value.get("set", True) or value.get("infinite"):
            return None
        value = value.get("number")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _job_gpus(per_node: int, per_job: int, tres_req: int | None, nodes: int) -> int:
    if tres_req is not None and tres_req > 0:
        return tres_req
    return per_job + per_node * max(1, nodes)


def parse_squeue_json(text: str) -> list[JobInfo]:
    """`squeue --json` (openapi v0.0.37/38 of Slurm 21.08–22.05, data_parser of 23.02+)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"squeue --json: not JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise ParseError("squeue --json: no jobs list")
    out = []
    for job in data["jobs"]:
        state = job.get("job_state", "")
        if isinstance(state, list):  # 23.11+: ["RUNNING", "COMPLETING"]
            state = state[0] if state else ""
        node_count = int(_number(job.get("node_count")) or 0)
        detail = tuple(gres_gpus(d) for d in job.get("gres_detail") or ())
        per_node = gres_gpus(job.get("tres_per_node"))
        held = tres_gpus(job.get("tres_alloc_str"))
        gpus = sum(detail) if detail else (held or 0)
        if str(state) not in RUNNING_JOB_STATES or not gpus:
            gpus = _job_gpus(
                per_node,
                gres_gpus(job.get("tres_per_job")),
                tres_gpus(job.get("tres_req_str")),
                node_count,
            )
        end = _number(job.get("end_time"))
        out.append(
            JobInfo(
                str(job.get("job_id", "")),
                str(state),
                tuple(p for p in str(job.get("partition") or "").split(",") if p),
                null(job.get("nodes") or ""),
                node_count,
                gpus,
                detail,
                end if end else None,
                str(job.get("user_name") or ""),
                null(str(job.get("account") or "")),
                null(str(job.get("state_reason") or "")),
                null(str(job.get("qos") or "")),
            )
        )
    return out


# The text format asked for when `squeue --json` is not there: fields end with "|", so empty
# ones stay in place and nothing is padded. The job's total GPUs are not in this format: they
# are per node × nodes + per job.
SQUEUE_FIELDS = (
    "JobID",
    "State",
    "Partition",
    "NumNodes",
    "EndTime",
    "UserName",
    "Account",
    "tres-per-node",
    "tres-per-job",
    "NodeList",
    "Reason",
    "QOS",
)
_MIN_FIELDS = 10  # lines from before Reason was asked for still read
SQUEUE_FORMAT = ",".join(f"{f}:|" for f in SQUEUE_FIELDS)


def parse_squeue_text(text: str, tz=None) -> list[JobInfo]:
    """Lines of `squeue -h -O SQUEUE_FORMAT`. End times are the controller's local time
    (read in `tz`, default this machine's zone)."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) < _MIN_FIELDS:
            raise ParseError(f"squeue line {n}: {len(fields)} fields, expected "
                             f"{len(SQUEUE_FIELDS)}: {line[:80]!r}")
        job_id, state, parts, count, end, user, account, per_node, per_job, nodes = fields[:10]
        node_count = int(count) if count.isdigit() else 0
        out.append(
            JobInfo(
                job_id,
                state,
                tuple(p for p in parts.split(",") if p),
                null(nodes),
                node_count,
                _job_gpus(gres_gpus(per_node), gres_gpus(per_job), None, node_count),
                (),
                _slurm_time(end, tz),
                user,
                null(account),
                null(fields[10]) if len(fields) > 10 else "",
                null(fields[11]) if len(fields) > 11 else "",
            )
        )
    return out


def _slurm_time(text: str, tz) -> float | None:
    text = null(text)
    if not text or text in ("Unknown", "UNLIMITED", "INFINITE"):
        return None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ParseError(f"not a Slurm time: {text!r}") from exc
    if stamp.tzinfo is None and tz is not None:
        stamp = stamp.replace(tzinfo=tz)
    return stamp.timestamp()
