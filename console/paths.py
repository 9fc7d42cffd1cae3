"""Where things live: packaged resources and the user's XDG directories."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP_DIR_NAME = "hangang-console"


def resource(*parts: str) -> Path:
    """A file shipped under resources/ (works from a checkout, an editable install or a wheel)."""
    return Path(str(resources.files("resources").joinpath(*parts)))


def _xdg(var: str, fallback: str) -> Path:
    base = os.environ.get(var) or str(Path.home() / fallback)
    return Path(base) / APP_DIR_NAME


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache")


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share")


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config")


def default_fleet_files() -> tuple[Path, ...]:
    """Where a start without --demo or --inventory looks for the fleet file, first found wins:
    the user's own (XDG config dir), then the machine's (a wall screen's kiosk, a package)."""
    return (config_dir() / "fleet.toml", Path("/etc") / APP_DIR_NAME / "fleet.toml")
