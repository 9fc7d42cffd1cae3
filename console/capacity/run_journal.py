"""What both apply journals share (node moves: journal.py, caps: quota/journal.py).

One SQLite file a journal, its tables made on the first write; a run is deleted from every table
once its audit entry is written, and read back in one read-only transaction (a file a crash
left with no schema yet reads as empty). A subclass names its SCHEMA and TABLES, writes its
own rows and turns the rows read into its runs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from console.capacity.sqlite_store import connect, write_transaction


class RunJournal:
    SCHEMA = ""
    TABLES: tuple[str, ...] = ("runs",)  # each has a plan_id column

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _ready(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = connect(self.path)
        try:
            con.executescript(self.SCHEMA)
        finally:
            con.close()

    def end(self, plan_id: str) -> None:
        """The run's audit entry is written: nothing of it is left to recover."""
        if not self.path.exists():
            return
        with write_transaction(self.path) as con:
            for table in self.TABLES:
                con.execute(f"DELETE FROM {table} WHERE plan_id=?", (plan_id,))

    def _select(self, *queries: str) -> list[list[tuple]] | None:
        """Each query's rows, read together; None when there is no journal (or no schema)."""
        if not self.path.exists():
            return None
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            con.execute("BEGIN")
            out = [con.execute(q).fetchall() for q in queries]
            con.execute("COMMIT")
            return out
        except sqlite3.OperationalError:  # created, schema not written yet
            return None
        finally:
            con.close()

    def runs(self) -> list:
        raise NotImplementedError

    def interrupted(self) -> list:
        """The runs whose process is gone (a run's `alive`), oldest first."""
        return [r for r in self.runs() if not r.alive]
