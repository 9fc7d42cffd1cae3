"""Command line parsing and the no-display message."""

from __future__ import annotations

from pathlib import Path

import pytest

from console import app
from console.cli import parse_args


def test_defaults_and_flags():
    o = parse_args([])
    assert (o.demo, o.lang, o.tz, o.screenshot, o.quit_after) == (
        48,
        None,
        "Asia/Seoul",
        None,
        None,
    )
    o = parse_args(["--demo", "200", "--lang", "ko", "--screenshot", "x.png", "--quit-after", "5"])
    assert (o.demo, o.lang, o.screenshot, o.quit_after) == (200, "ko", Path("x.png"), 5.0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--demo", "2"], "at least 3 nodes"),
        (["--lang", "fr"], "invalid choice"),
        (["--tz", "Mars/Olympus"], "unknown time zone"),
        (["--quit-after", "0"], "greater than 0"),
    ],
)
def test_bad_arguments_say_what_is_wrong(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        parse_args(argv)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_without_a_display_main_explains_xvfb_and_exits_2(monkeypatch, capsys):
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert app.main(["--demo", "3"]) == 2
    err = capsys.readouterr().err
    assert "xvfb-run -a" in err and "QT_QPA_PLATFORM=offscreen" in err


def test_the_window_frontend_is_registered():
    frontend = app.load_frontend("window")
    assert type(frontend).__name__ == "WindowFrontend"
