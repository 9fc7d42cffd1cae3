"""Jobs as Slurm's accounting database holds them: `sacct` for a period, one record per job
allocation (-X), in UTC.

The times are asked for in UTC whatever the controller's zone (`env TZ=UTC
SLURM_TIME_FORMAT=…`, so the same argv works over SSH), and read back as epoch seconds. Where
sacct has --json (22.05 built with the openapi plugins has, as Debian's does) that is read; the
`-P` text otherwise. Pure functions over text, so both forms are tested on real output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from console.i18n.catalogue import translate

FIELDS = ("JobID", "Account", "User", "QOS", "Partition", "AllocTRES", "Elapsed", "Submit",
          "Eligible", "Start", "End", "State", "TimelimitRaw", "ReqTRES")
# what the books asked for before the what-if needed the time limit and the GPUs asked
# (the -P captures in tests/unit/scheduler hold these twelve)
BOOK_FIELDS = FIELDS[:12]
UNLIMITED_MINUTES = 0xFFFFFFFE  # Slurm's INFINITE (and NO_VAL above it) in TimelimitRaw
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
_GPU_TRES = re.compile(r"(?:^|,)gres/gpu=(\d+)(?:,|$)")
_ELAPSED = re.compile(r"^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$")


class SacctError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class JobRecord:
    job_id: str  # "123", "123_4" (array task), "123+0" (het component)
    account: str  # lower case, as sacctmgr stores it
    user: str
    qos: str
    partition: str
    gpus: int  # gres/gpu in AllocTRES; 0 when none (or never allocated)
    elapsed_s: int
    submit: float | None  # epoch seconds; None: Slurm has no time ("Unknown", "None")
    eligible: float | None
    start: float | None
    end: float | None  # None while it runs
    state: str  # COMPLETED, RUNNING, CANCELLED (without "by 0"), …
    limit_s: float | None = None  # its time limit; None: unlimited, or not asked for
    req_gpus: int = 0  # gres/gpu in ReqTRES (what a job that never started asked for)

    def gpu_seconds(self, t0: float, t1: float, now: float) -> float:
        """GPU-seconds allocated inside [t0, t1): a running job counts up to `now`."""
        if self.start is None or self.gpus <= 0:
            return 0.0
        end = self.end if self.end is not None else now
        return self.gpus * max(0.0, min(end, t1) - max(self.start, t0))

    def wait_s(self) -> float | None:
        """Submit → start, for a job that started."""
        if self.start is None or self.submit is None:
            return None
        return max(0.0, self.start - self.submit)


def utc_text(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime(TIME_FORMAT)


def sacct_argv(t0: float, t1: float, use_json: bool) -> list[str]:
    """Every user's jobs (-a), allocations only (-X), that existed in [t0, t1)."""
    form = ["--json"] if use_json else ["-P", "-n", f"--format={','.join(FIELDS)}"]
    return ["env", "TZ=UTC", f"SLURM_TIME_FORMAT={TIME_FORMAT}", "sacct", "-a", "-X", *form,
            "-S", utc_text(t0), "-E", utc_text(t1)]


def _time(text: str) -> float | None:
    text = text.strip()
    try:
        return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None  # "Unknown", "None", ""


def elapsed_seconds(text: str) -> int:
    """"1-02:03:04", "02:03:04", "03:04" (sacct drops the hours under one)."""
    m = _ELAPSED.match(text.strip())
    if not m:
        raise SacctError(translate("Sacct", "not an elapsed time: {text}").fill(text=repr(text)))
    days, hours, minutes, seconds = (int(g or 0) for g in m.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def gpus_of(tres: str) -> int:
    m = _GPU_TRES.search(tres)
    return int(m.group(1)) if m else 0


def limit_seconds(minutes: str) -> float | None:
    """TimelimitRaw: minutes; "UNLIMITED", "Partition_Limit" or Slurm's INFINITE: None."""
    minutes = minutes.strip()
    if not minutes.isdigit() or int(minutes) >= UNLIMITED_MINUTES or int(minutes) == 0:
        return None
    return int(minutes) * 60.0


def parse_sacct_text(text: str, fields: Sequence[str] = FIELDS) -> list[JobRecord]:
    """`sacct -P -n --format=<fields>` lines (FIELDS, as sacct_argv asks; or BOOK_FIELDS)."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        cells = line.split("|")
        if len(cells) != len(fields):
            raise SacctError(translate(
                "Sacct", "sacct line {number}: {found} fields, expected {expected}: {line}").fill(
                number=number, found=len(cells), expected=len(fields), line=line[:120]))
        row = dict(zip(fields, cells, strict=True))
        out.append(JobRecord(
            row["JobID"], row["Account"].lower(), row["User"], row["QOS"], row["Partition"],
            gpus_of(row["AllocTRES"]), elapsed_seconds(row["Elapsed"]), _time(row["Submit"]),
            _time(row["Eligible"]), _time(row["Start"]), _time(row["End"]),
            row["State"].split()[0] if row["State"].strip() else "",
            limit_seconds(row.get("TimelimitRaw", "")), gpus_of(row.get("ReqTRES", "")),
        ))
    return out


def _number(value: object) -> float | None:
    """A JSON time: a plain number (v0.0.38) or {"set", "infinite", "number"} (v0.0.40+)."""
    if isinstance(value, dict):
        if not value.get("set", True) or value.get("infinite"):
            return None
        value = value.get("number")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _epoch(value: object) -> float | None:
    number = _number(value)
    return number if number else None  # 0: Slurm's "no time"


def _job_id(job: dict) -> str:
    array = job.get("array") or {}
    task = _number(array.get("task_id"))
    if array.get("job_id") and task is not None:
        return f"{array['job_id']}_{int(task)}"
    het = job.get("het") or {}
    offset = _number(het.get("job_offset"))
    if het.get("job_id") and offset is not None:
        return f"{het['job_id']}+{int(offset)}"
    return str(job.get("job_id", ""))


def _state(job: dict) -> str:
    current = (job.get("state") or {}).get("current", "")
    if isinstance(current, Sequence) and not isinstance(current, str):
        current = current[0] if current else ""
    return str(current)


def parse_sacct_json(text: str) -> list[JobRecord]:
    """`sacct --json` (data parser v0.0.38 on 22.05; v0.0.40+ on 23.11 and later)."""
    try:
        data = json.loads(text)
        jobs = data["jobs"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SacctError(translate("Sacct", "sacct --json: not the expected document: {error}")
                         .fill(error=exc)) from exc
    out = []
    for job in jobs:
        tres = job.get("tres") or {}
        times = job.get("time") or {}
        limit = _number(times.get("limit"))  # minutes; unset or infinite: None
        out.append(JobRecord(
            _job_id(job), str(job.get("account") or "").lower(), str(job.get("user") or ""),
            str(job.get("qos") or ""), str(job.get("partition") or ""),
            _gpus(tres.get("allocated")),
            int(_number(times.get("elapsed")) or 0), _epoch(times.get("submission")),
            _epoch(times.get("eligible")), _epoch(times.get("start")), _epoch(times.get("end")),
            _state(job),
            limit * 60.0 if limit and limit < UNLIMITED_MINUTES else None,
            _gpus(tres.get("requested")),
        ))
    return out


def _gpus(tres: object) -> int:
    """gres/gpu in a JSON TRES list; typed entries ("gpu:a100") are counted in the plain one."""
    if not isinstance(tres, list):
        return 0
    return sum(int(t.get("count") or 0) for t in tres
               if isinstance(t, dict) and t.get("type") == "gres" and t.get("name") == "gpu")
