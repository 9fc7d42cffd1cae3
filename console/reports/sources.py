"""The stores a report reads besides history: incidents (alerts) and capacity changes (audit).

Both come from other parts of the console that may never have written a file (or, for a store
named by module, may not be there). Loading is forgiving: a missing module or file gives an empty
frame with the right columns, and `frame.attrs` says what happened, so the report can say "no
incidents recorded" and its appendix can say which stores were read.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from console.alerts.incidents import COLUMNS as INCIDENT_STORE_COLUMNS
from console.capacity.audit import CHANGE_COLUMNS as AUDIT_CHANGE_COLUMNS

log = logging.getLogger(__name__)

# the owners' column lists: a report reads exactly what those stores write
INCIDENT_COLUMNS = list(INCIDENT_STORE_COLUMNS)
CHANGE_COLUMNS = list(AUDIT_CHANGE_COLUMNS)

# frame.attrs["store"]: what the report tells its reader about where rows came from
READ = "read"  # the store exists and was read (it may hold no rows for the period)
NO_FILE = "no file"  # the module is there, nothing was ever written
NOT_INSTALLED = "not installed"  # this console has no such module
UNREADABLE = "unreadable"  # the file exists and could not be read
GIVEN = "given"  # handed in by the caller (tests, the GUI)


def empty_frame(columns: list[str], store: str, path: Path | None) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    frame.attrs.update(store=store, path=str(path) if path else "")
    return frame


def load_store(
    module: str,
    path_of: str,
    read: str,
    columns: list[str],
    data_dir: Path,
    t0: float,
    t1: float,
) -> pd.DataFrame:
    """`module.read(module.path_of(data_dir), t0, t1)` with COLUMNS, or an empty frame."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return empty_frame(columns, NOT_INSTALLED, None)
    path: Path = getattr(mod, path_of)(data_dir)
    if not path.exists():
        return empty_frame(columns, NO_FILE, path)
    reader: Callable[[Path, float, float], pd.DataFrame] = getattr(mod, read)
    try:
        frame = reader(path, t0, t1)
    except Exception as exc:  # another branch's store: a broken file must not stop a report
        log.warning("%s: not read: %s", path, exc)
        return empty_frame(columns, UNREADABLE, path)
    frame = frame.reindex(columns=columns).reset_index(drop=True)
    frame.attrs.update(store=READ, path=str(path))
    return frame


def load_incidents(data_dir: Path, t0: float, t1: float) -> pd.DataFrame:
    """Incidents open at any time in [t0, t1) (console.alerts.incidents), INCIDENT_COLUMNS."""
    return load_store(
        "console.alerts.incidents",
        "incidents_path",
        "read_incidents",
        INCIDENT_COLUMNS,
        data_dir,
        t0,
        t1,
    )


def load_capacity_changes(data_dir: Path, t0: float, t1: float) -> pd.DataFrame:
    """Rebalances applied or undone in [t0, t1) (console.capacity.audit), CHANGE_COLUMNS."""
    return load_store(
        "console.capacity.audit",
        "audit_path",
        "read_changes",
        CHANGE_COLUMNS,
        data_dir,
        t0,
        t1,
    )
