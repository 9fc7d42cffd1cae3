"""The status bar says when the demo runs because no fleet file was found, and where it looked."""

from __future__ import annotations

from pathlib import Path

from widgets.window.status_bar import FleetStatusBar


def test_fallback_demo_is_named_with_the_places_searched(qtbot):
    bar = FleetStatusBar(None, (("demo", 48),))
    qtbot.addWidget(bar)
    searched = (Path("/home/op/.config/hangang-console/fleet.toml"), Path("/etc/hc/fleet.toml"))
    bar.set_fleet("fallback", searched, None)
    assert "no fleet file found" in bar.source.text()
    assert all(str(p) in bar.source.toolTip() for p in searched)


def test_a_fleet_file_found_by_default_is_named_in_the_tooltip(qtbot):
    bar = FleetStatusBar(None, (("ssh", 3),))
    qtbot.addWidget(bar)
    bar.set_fleet("default", (), Path("/etc/hc/fleet.toml"))
    assert "no fleet file" not in bar.source.text()
    assert "/etc/hc/fleet.toml" in bar.source.toolTip()


def test_given_fleets_say_nothing_more(qtbot):
    bar = FleetStatusBar(None, (("demo", 8),))
    qtbot.addWidget(bar)
    bar.set_fleet("given", (), None)
    assert bar.source.toolTip() == "" and "(" not in bar.source.text()
