"""Incidents on disk: their own SQLite file (WAL) beside the history, so reports, the kiosk and
`hangang-console alerts` read them, and a restart keeps them with their acknowledgements.

The GUI thread hands over what the alert engine changed (`observe`); openings, closings and
acknowledgements go to the writer thread at once, "still open" updates at most every FLUSH_S.
A disk that refuses writes never blocks the window: the writer keeps the newest version of each
incident it could not write and retries.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
import time
from pathlib import Path

import pandas as pd

from console.alerts.engine import AlertUpdate, Incident

log = logging.getLogger(__name__)

FLUSH_S = 5.0
RETRY_S = 10.0
RESTORE_CLOSED_S = 24 * 3600.0  # closed incidents listed again after a restart
COLUMNS = (
    "id", "rule", "severity", "node", "gpu", "sector", "org", "first_seen", "last_seen",
    "closed_at", "peak", "acked_by", "acked_at", "note",
)  # fmt: skip
SCHEMA = """
CREATE TABLE IF NOT EXISTS incidents (
    id INTEGER PRIMARY KEY, rule TEXT NOT NULL, severity TEXT NOT NULL, node TEXT NOT NULL,
    gpu INTEGER, sector TEXT NOT NULL, org TEXT NOT NULL, first_seen REAL NOT NULL,
    last_seen REAL NOT NULL, closed_at REAL, peak REAL, acked_by TEXT NOT NULL DEFAULT '',
    acked_at REAL, note TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS incidents_open ON incidents (closed_at);
CREATE INDEX IF NOT EXISTS incidents_first ON incidents (first_seen);
"""
UPSERT = f"""
INSERT INTO incidents ({", ".join(COLUMNS)}) VALUES ({", ".join("?" * len(COLUMNS))})
ON CONFLICT(id) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in COLUMNS[1:])}
"""


def incidents_path(data_dir: Path) -> Path:
    return data_dir / "incidents.sqlite"


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def _row(inc: Incident) -> tuple:
    return tuple(getattr(inc, c) for c in COLUMNS)


def _incident(row: tuple) -> Incident:
    return Incident(**dict(zip(COLUMNS, row, strict=True)))


def empty_frame() -> pd.DataFrame:
    return _frame([])


def _frame(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    types = {"id": "int64", "gpu": "float64", "first_seen": "float64", "last_seen": "float64"}
    types |= {"closed_at": "float64", "peak": "float64", "acked_at": "float64"}
    for c in ("rule", "severity", "node", "sector", "org", "acked_by", "note"):
        types[c] = "object"
    df = df.astype(types)
    for c in ("sector", "org", "acked_by", "note"):
        df[c] = df[c].fillna("")
    return df


def read_incidents(path: Path, t0: float, t1: float) -> pd.DataFrame:
    """Every incident that overlaps [t0, t1) (epoch s), oldest first, from a file another
    process may be writing (opened read-only). Columns: COLUMNS; gpu, closed_at, peak and
    acked_at are NaN where there is none. Empty (same columns) when there is no file."""
    if not Path(path).exists():
        return empty_frame()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM incidents WHERE first_seen < ? "
            "AND (closed_at IS NULL OR closed_at >= ?) ORDER BY first_seen, id",
            (t1, t0),
        ).fetchall()
    except sqlite3.OperationalError:  # a file with no incidents table yet
        rows = []
    finally:
        db.close()
    return _frame(rows)


class IncidentStore:
    def __init__(self, path: Path, flush_s: float = FLUSH_S) -> None:
        self.path = path
        self.flush_s = flush_s
        self.problem: str | None = None  # the last write error, until a write succeeds
        self.written = 0
        self._dirty: dict[int, Incident] = {}  # still-open updates waiting for the next flush
        self._last_flush = 0.0
        self._queue: queue.SimpleQueue[list[Incident] | None] = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._pending = 0
        self._thread = threading.Thread(target=self._run, name="incident-writer", daemon=True)

    def load(self, now: float | None = None) -> tuple[list[Incident], int]:
        """Open incidents and those closed in the last day, and the next free id. Runs once
        at start, before the writer (a small indexed read)."""
        now = time.time() if now is None else now
        try:
            db = _connect(self.path)
            try:
                rows = db.execute(
                    f"SELECT {', '.join(COLUMNS)} FROM incidents "
                    "WHERE closed_at IS NULL OR closed_at >= ?",
                    (now - RESTORE_CLOSED_S,),
                ).fetchall()
                (top,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM incidents").fetchone()
            finally:
                db.close()
        except (sqlite3.Error, OSError) as exc:
            self.problem = f"{self.path}: {exc}"
            log.error("incidents not read: %s", self.problem)
            return [], 1
        return [_incident(r) for r in rows], top + 1

    def start(self) -> None:
        self._thread.start()

    @property
    def has_dirty(self) -> bool:
        return bool(self._dirty)

    def observe(self, update: AlertUpdate, now: float) -> None:
        """GUI thread: what the engine changed. Cheap: a dict update and, now and then, a put."""
        for inc in update.changed:
            self._dirty[inc.id] = inc
        urgent = [*update.opened, *update.closed]
        for inc in update.closed:
            self._dirty.pop(inc.id, None)
        if urgent:
            self._put(urgent)
        if self._dirty and now - self._last_flush >= self.flush_s:
            self.flush(now)

    def save(self, inc: Incident) -> None:
        """An acknowledgement (or any single change) written now."""
        self._dirty.pop(inc.id, None)
        self._put([inc])

    def flush(self, now: float | None = None) -> None:
        self._last_flush = time.time() if now is None else now
        if self._dirty:
            batch, self._dirty = list(self._dirty.values()), {}
            self._put(batch)

    def wait_idle(self, timeout: float) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        self.flush()
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(10)

    def _put(self, batch: list[Incident]) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(batch)

    def _run(self) -> None:
        db: sqlite3.Connection | None = None
        waiting: dict[int, Incident] = {}  # newest version of each incident not yet written
        stopping = False
        while not stopping:
            items: list[list[Incident] | None] = []
            with contextlib.suppress(queue.Empty):
                items.append(self._queue.get(timeout=RETRY_S if waiting else None))
            while True:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = None in items
            for batch in items:
                for inc in batch or ():
                    waiting[inc.id] = inc
            if waiting:
                try:
                    db = db or _connect(self.path)
                    with db:
                        db.executemany(UPSERT, [_row(i) for i in waiting.values()])
                    self.written += len(waiting)
                    waiting.clear()
                    self.problem = None
                except (sqlite3.Error, OSError) as exc:
                    problem = f"{self.path}: {exc}"
                    if self.problem != problem:
                        log.error("incidents not written: %s", problem)
                    self.problem = problem
                    if db is not None:
                        db.close()
                        db = None
            with self._idle:
                self._pending -= sum(1 for i in items if i is not None)
                self._idle.notify_all()
        if db is not None:
            db.close()
