"""`simulate` and `accounting` on the command line, over a real history file."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from console.app import main
from console.commands.accounting import language
from console.history.database import HistoryDB

END = 1_795_964_400  # 2026-11-30 00:00 Asia/Seoul


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    data = tmp_path_factory.mktemp("history")
    argv = ["simulate", "--nodes", "12", "--days", "2", "--fine-hours", "3"]
    assert main([*argv, "--end", str(END), "--data-dir", str(data)]) == 0
    return data


def test_simulate_fills_both_resolutions_for_the_period(history):
    db = HistoryDB(history / "history.sqlite", readonly=True)
    first, last = db.span()
    minutes = db.capacity(END - 3 * 3600, END, 60)
    db.close()
    assert first == END - 2 * 86400 and last == END
    assert minutes["t"].nunique() == 180  # the last 3 hours minute by minute


def test_simulated_energy_is_the_demo_fleets_power_over_time(history):
    """kWh ≈ mean kW × hours: the frames' power (the mean of each interval's two ends, nodes
    live at both), integrated by the energy meter."""
    from console.energy.accounting import energy_table
    from console.sources.demo.fleet import SimFleet

    db = HistoryDB(history / "history.sqlite", readonly=True)
    t0, t1 = END - 86400, END - 3 * 3600  # a day of 5-minute frames, before the fine hours
    try:
        kwh = energy_table(db, t0, t1)["gpu_kwh"].sum()
    finally:
        db.close()
    sim = SimFleet.build(12)
    joules = 0.0
    for t in range(int(t0) + 300, int(t1) + 1, 300):
        ends = [sim.arrays(float(t - 300))["power"], sim.arrays(float(t))["power"]]
        live = np.ones(len(ends[0]), bool)
        for at in (t - 300, t):
            down = sim.unreachable(float(at))
            if down is not None:
                live[down] = False
        joules += float(np.nansum((ends[0] + ends[1])[live])) / 2 * 300
    assert kwh > 0
    assert kwh == pytest.approx(joules / 3.6e6, rel=0.01)


def test_accounting_csv_matches_the_store(history, capsys):
    argv = ["accounting", "--data-dir", str(history), "--from", "2026-11-28", "--to", "2026-11-29"]
    assert main([*argv, "--format", "csv", "--lang", "en"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out)).set_index("Sector")
    # 12 nodes × 8 GPUs for 48 h, each GPU counted for exactly one sector
    assert table.loc["Total", "Allocated GPU-h"] == pytest.approx(12 * 8 * 48, rel=1e-6)
    assert table.loc["Total", "Entitled GPU-h"] == pytest.approx(12 * 8 * 48, rel=1e-6)
    parts = table.drop("Total")
    assert parts["Used GPU-h"].sum() == pytest.approx(table.loc["Total", "Used GPU-h"], rel=1e-4)
    assert (parts["Used GPU-h"] <= parts["Reporting GPU-h"]).all()


def test_accounting_by_organisation_in_korean(history, capsys):
    argv = ["accounting", "--data-dir", str(history), "--from", "2026-11-28", "--to", "2026-11-29"]
    assert main([*argv, "--by", "org", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "기관" in out and "서울대학교" in out and "공익" in out


def test_accounting_of_an_empty_period_says_what_the_store_holds(history, capsys):
    argv = ["accounting", "--data-dir", str(history), "--from", "2026-01-01", "--to", "2026-01-31"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "no history from 2026-01-01 to 2026-01-31" in err and "2026-11-28 00:00" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--from", "2026-11-30", "--to", "2026-11-01"], "before it starts"),
        (
            ["--from", "2026-11-01", "--to", "2026-11-30", "--data-dir", "/nonexistent"],
            "no history",
        ),
    ],
)
def test_accounting_errors_are_clear(argv, message, capsys):
    assert main(["accounting", *argv]) == 2
    assert message in capsys.readouterr().err


def test_accounting_language_follows_the_locale(monkeypatch):
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert language(None) == "ko"
    assert language("en") == "en"
