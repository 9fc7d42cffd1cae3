"""Without --demo or --inventory the console opens the usual fleet file, the demo only if none."""

from __future__ import annotations

from pathlib import Path

import pytest

from console import paths
from console.cli import DEMO_NODES, parse_args


@pytest.fixture
def places(tmp_path, monkeypatch):
    """The user's config dir and a stand-in for /etc/hangang-console, both empty."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    machine = tmp_path / "etc" / "fleet.toml"
    user = paths.config_dir() / "fleet.toml"
    monkeypatch.setattr(paths, "default_fleet_files", lambda: (user, machine))
    return user, machine


def test_the_user_file_comes_first(places):
    user, _ = places
    for path in places:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# fleet\n")
    options = parse_args([])
    assert (options.inventory, options.fleet_origin) == (user, "default")


def test_the_machine_file_when_the_user_has_none(places):
    _, machine = places
    machine.parent.mkdir(parents=True)
    machine.write_text("# fleet\n")
    options = parse_args(["--lang", "en"])
    assert (options.inventory, options.fleet_origin) == (machine, "default")


def test_the_demo_when_there_is_no_fleet_file_and_the_places_are_kept(places):
    options = parse_args([])
    assert options.inventory is None and options.demo == DEMO_NODES
    assert options.fleet_origin == "fallback" and options.fleet_searched == places


def test_flags_win_over_the_files(places, tmp_path):
    user, _ = places
    user.parent.mkdir(parents=True)
    user.write_text("# fleet\n")
    assert parse_args(["--demo", "5"]).fleet_origin == "given"
    assert parse_args(["--demo", "5"]).inventory is None
    given = parse_args(["--inventory", str(tmp_path / "other.toml")])
    assert (given.inventory, given.fleet_origin) == (Path(tmp_path / "other.toml"), "given")


def test_the_shipped_places_are_xdg_then_etc(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert paths.default_fleet_files() == (
        tmp_path / "hangang-console" / "fleet.toml",
        Path("/etc/hangang-console/fleet.toml"),
    )
