"""Per-job GPU use, kept in its own SQLite file (job-usage.sqlite beside history.sqlite): the
GPU-seconds each Slurm job held, used (utilisation-weighted) and left at ~0 %, per hour.

A file of its own, so the history's schema version is untouched. Rows are additive per
(job, start, hour): a flush adds to them, so a restart or a frequent flush just accumulates; WAL
and one transaction per flush, so a crash loses at most the last flush. A job is named by its id
and its start time, because Slurm reuses ids after its state is lost.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HOUR_S = 3600
# what "at ~0 %" means for a GPU (console/fleet/job_usage.py counts it): under this utilisation
# and this much memory in use (a GPU no process touches shows a few MiB)
IDLE_UTIL_PCT = 1.0
IDLE_MEM_MIB = 256.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS job_meta (
    job_id TEXT NOT NULL, start INTEGER NOT NULL, account TEXT NOT NULL, user TEXT NOT NULL,
    partition TEXT NOT NULL, qos TEXT NOT NULL, gpus INTEGER NOT NULL, nodes TEXT NOT NULL,
    first_seen REAL NOT NULL, last_seen REAL NOT NULL, longest_idle_s REAL NOT NULL,
    ended INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (job_id, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS job_hour (
    job_id TEXT NOT NULL, start INTEGER NOT NULL, hour INTEGER NOT NULL,
    held_gpu_s REAL NOT NULL, used_gpu_s REAL NOT NULL, zero_gpu_s REAL NOT NULL,
    idle_s REAL NOT NULL, PRIMARY KEY (job_id, start, hour)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS job_hour_by_hour ON job_hour (hour);
"""


def job_usage_path(data_dir: Path) -> Path:
    return Path(data_dir) / "job-usage.sqlite"


@dataclass(frozen=True, slots=True)
class JobMeta:
    job_id: str
    start: int  # epoch s of the job's start (0: unknown)
    account: str
    user: str
    partition: str
    qos: str
    gpus: int
    nodes: str  # "n01,n02": the nodes it held GPUs on
    first_seen: float
    last_seen: float
    longest_idle_s: float  # longest stretch with all its GPUs at ~0 %
    ended: bool = False


@dataclass(frozen=True, slots=True)
class JobHour:
    job_id: str
    start: int
    hour: int  # epoch s, a multiple of 3,600
    held_gpu_s: float
    used_gpu_s: float  # Σ util/100 × seconds over its GPUs
    zero_gpu_s: float  # GPU-seconds at ~0 %
    idle_s: float  # seconds with all its GPUs at ~0 %


@dataclass(frozen=True, slots=True)
class JobTotals:
    """One job over a period: its meta and the sums of its hours inside the period."""

    meta: JobMeta
    held_gpu_s: float
    used_gpu_s: float
    zero_gpu_s: float
    idle_s: float

    @property
    def efficiency(self) -> float | None:
        return self.used_gpu_s / self.held_gpu_s if self.held_gpu_s > 0 else None


class JobUsageStore:
    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        if readonly:
            self._db = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def write(self, metas: Iterable[JobMeta], hours: Iterable[JobHour]) -> None:
        """One transaction: the jobs' latest meta replaces the old, hours add to theirs."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT INTO job_meta VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT"
                " (job_id, start) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen),"
                " first_seen = MIN(first_seen, excluded.first_seen), nodes = excluded.nodes,"
                " gpus = excluded.gpus, ended = excluded.ended,"
                " longest_idle_s = MAX(longest_idle_s, excluded.longest_idle_s)",
                [
                    (
                        m.job_id,
                        m.start,
                        m.account,
                        m.user,
                        m.partition,
                        m.qos,
                        m.gpus,
                        m.nodes,
                        m.first_seen,
                        m.last_seen,
                        m.longest_idle_s,
                        int(m.ended),
                    )
                    for m in metas
                ],
            )
            self._db.executemany(
                "INSERT INTO job_hour VALUES (?,?,?,?,?,?,?) ON CONFLICT (job_id, start, hour)"
                " DO UPDATE SET held_gpu_s = held_gpu_s + excluded.held_gpu_s,"
                " used_gpu_s = used_gpu_s + excluded.used_gpu_s,"
                " zero_gpu_s = zero_gpu_s + excluded.zero_gpu_s, idle_s = idle_s + excluded.idle_s",
                [
                    (h.job_id, h.start, h.hour, h.held_gpu_s, h.used_gpu_s, h.zero_gpu_s, h.idle_s)
                    for h in hours
                ],
            )

    def totals(self, t0: float, t1: float) -> list[JobTotals]:
        """Every job with hours in [t0, t1) (whole hours: an hour counts when it starts inside),
        most GPU-hours at 0 % first."""
        h0, h1 = int(t0 // HOUR_S * HOUR_S), int(t1)
        with self._lock:
            rows = self._db.execute(
                "SELECT m.*, SUM(h.held_gpu_s), SUM(h.used_gpu_s), SUM(h.zero_gpu_s),"
                " SUM(h.idle_s) FROM job_hour h JOIN job_meta m USING (job_id, start)"
                " WHERE h.hour >= ? AND h.hour < ? GROUP BY h.job_id, h.start"
                " ORDER BY SUM(h.zero_gpu_s) DESC, h.job_id",
                (h0, h1),
            ).fetchall()
        out = []
        for r in rows:
            meta = JobMeta(
                r[0],
                int(r[1]),
                r[2],
                r[3],
                r[4],
                r[5],
                int(r[6]),
                r[7],
                float(r[8]),
                float(r[9]),
                float(r[10]),
                bool(r[11]),
            )
            out.append(JobTotals(meta, float(r[12]), float(r[13]), float(r[14]), float(r[15])))
        return out
