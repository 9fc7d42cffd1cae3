"""A console killed with SIGKILL keeps the history it had committed, and a new one adds to it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from console.history.store import FLUSH_S

ROOT = Path(__file__).resolve().parents[2]


def console(data: Path) -> subprocess.Popen:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = "import sys; from console.app import main; sys.exit(main(sys.argv[1:]))"
    argv = ["--demo", "6", "--interval", "0.5", "--lang", "en", "--data-dir", str(data)]
    return subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def recorded_seconds(db: Path) -> float:
    """Seconds of fleet time committed at 1-min resolution (0 before the first commit)."""
    if not db.exists():
        return 0.0
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = con.execute(
            "SELECT SUM(span_s) FROM capacity WHERE res=60 AND sector='public'"
        ).fetchone()
    except sqlite3.OperationalError:  # tables not created yet
        return 0.0
    finally:
        con.close()
    return row[0] or 0.0


def wait_for(condition, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        threading.Event().wait(0.1)
    return True


def test_kill_9_loses_at_most_the_last_flush_and_a_restart_adds_to_it(tmp_path):
    db = tmp_path / "history.sqlite"
    proc = console(tmp_path)
    try:
        # commits arrive every FLUSH_S of fleet time: wait for a few of them
        assert wait_for(lambda: recorded_seconds(db) >= 2 * FLUSH_S, 90), proc.stderr
        seen = recorded_seconds(db)
        wait_for(lambda: recorded_seconds(db) > seen, 30)
        before_kill = recorded_seconds(db)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    after = recorded_seconds(db)
    assert after >= before_kill  # everything committed is still there
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()

    again = console(tmp_path)
    try:
        assert wait_for(lambda: recorded_seconds(db) >= after + FLUSH_S, 90)
    finally:
        again.send_signal(signal.SIGTERM)
        again.wait(20)
    assert recorded_seconds(db) > after
