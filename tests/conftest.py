"""Shared test setup: Qt runs offscreen, user directories live in a temp dir."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import pytest

# Without a display Qt aborts the whole pytest process (exit 134, no report): choose offscreen
# before anything imports Qt. E2E tests start their own Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never write into the real user's cache or config (translations are compiled into the cache).
_home = Path(tempfile.mkdtemp(prefix="hangang-test-home-"))
for var in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
    os.environ[var] = str(_home / var.lower())

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
OUR_THREADS = (
    "what-if",
    "sim-source",
    "capacity-follower",
    "quota-follower",
    "poller-flush",
    "ssh-collector",
    "ssh-handshake",
    "ssh-source-reader",
    "history-writer",
    "incident-writer",
    "capacity-",
    "fleet-loop",
    "room-http",
    "room-alerts",
    "prometheus-",
    "running-jobs",
    "scheduler-jobs",
    "scheduler-watch",
    "accounts-read",
)


@pytest.fixture(scope="session", autouse=True)
def one_qapplication(qapp):
    """A QApplication before anything else makes an application object: the PDF renderer makes
    a QGuiApplication when none exists (right for the CLI), after which no QWidget can be made,
    so a widget test run after a report test would abort, depending on the order tests run in.
    Cyclic garbage is collected on its thread only, as the app does
    (widgets/common/gui_thread_gc.py): a worker thread's collection of a QObject deadlocked
    a run."""
    from widgets.common.gui_thread_gc import collect_on_gui_thread

    collect_on_gui_thread(qapp)
    return qapp


@pytest.fixture(autouse=True)
def garbage_collected_between_tests(one_qapplication):
    """What the GUI thread's timer would collect, also for tests that never run the event loop."""
    from widgets.common.gui_thread_gc import collect_on_gui_thread

    yield
    collect_on_gui_thread(one_qapplication).check()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Every test must stop the worker threads it started (a handshake in flight may take its
    timeout to end, so give them a bounded while)."""
    yield
    deadline = time.monotonic() + 20
    while True:
        leaked = [t for t in threading.enumerate() if t.name.startswith(OUR_THREADS)]
        if not leaked or time.monotonic() > deadline:
            break
        leaked[0].join(timeout=0.2)
    assert not leaked, f"threads left running: {[t.name for t in leaked]}"
