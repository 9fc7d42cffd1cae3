"""`rebalance --dry-run` prints each sector's predicted wait before → after, in its language."""

from __future__ import annotations

import re

from console.commands import rebalance


def run(capsys, tmp_path, *extra):
    code = rebalance.main(["--demo", "48", "--data-dir", str(tmp_path), *extra])
    return code, capsys.readouterr().out


def test_dry_run_shows_the_predicted_waits_of_every_sector(capsys, tmp_path):
    code, out = run(capsys, tmp_path, "--set", "public=136,interest=152", "--dry-run",
                    "--lang", "en")
    assert code == 0, out
    assert re.search(r"Predicted waits \(from \d+ jobs over 30 days\):", out)
    lines = {s: re.search(rf"  {s}: p90 wait (\S+ \w+) → (\S+ \w+) \(range [^)]+\), p50", out)
             for s in ("Public", "Public-interest", "Private")}
    assert all(lines.values()), out
    # public-interest gains 16 GPUs: its p90 wait does not grow; the private sector is unchanged
    before, after = lines["Private"].groups()
    assert before == after
    gained = [hours(t) for t in lines["Public-interest"].groups()]
    assert gained[1] <= gained[0], out


def hours(text: str) -> float:
    value, unit = text.split()
    return float(value) / (60 if unit == "min" else 1)


def test_the_same_in_korean(capsys, tmp_path):
    code, out = run(capsys, tmp_path, "--set", "public=136,interest=152", "--dry-run",
                    "--lang", "ko")
    assert code == 0 and "예상 대기" in out and "p90 대기" in out, out


def test_a_fleet_without_job_history_says_so(capsys, tmp_path, monkeypatch):
    from console.capacity.service import CapacityService

    monkeypatch.setattr(CapacityService, "job_history", None)
    real_setup = rebalance.open_capacity

    def without_history(args, kiosk=False):
        svc = real_setup(args, kiosk)
        svc.job_history = None
        return svc

    monkeypatch.setattr(rebalance, "open_capacity", without_history)
    code, out = run(capsys, tmp_path, "--set", "public=136,interest=152", "--dry-run",
                    "--lang", "en")
    assert code == 0 and "Predicted waits: no job history for this fleet." in out


def test_recommendations_are_ranked_by_the_wait_they_save(capsys, tmp_path, monkeypatch):
    """The demo's queued demand follows the clock, so whether the planner recommends anything
    depends on the hour: the test hands the command two fixed recommendations instead."""
    from console.capacity.planner import Recommendation
    from console.capacity.service import CapacityService
    from console.fleet.model import Sector
    from console.i18n.catalogue import translate
    from console.whatif.rank import rank_by_wait

    def two(self, state=None):
        state = state or self.state()
        private = sorted(n for n, r in state.nodes.items() if r.sector is Sector.PRIVATE)
        small = self.plan_moves([(private[0], Sector.PUBLIC)], state)
        large = self.plan_moves([(n, Sector.INTEREST) for n in private[1:4]], state)
        return [
            Recommendation(small, translate("Test", "one node to public").fill()),
            Recommendation(large, translate("Test", "three nodes to public-interest").fill()),
        ]

    monkeypatch.setattr(CapacityService, "recommendations", two)
    code, out = run(capsys, tmp_path, "--lang", "en")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("→ ")]
    assert len(lines) == 2 and all("predicted p90 wait:" in line for line in lines), out
    # printed in the order of the net p90 saving, computed again here
    import argparse

    args = argparse.Namespace(demo=48, data_dir=tmp_path, settings=None, seed=20261124,
                              inventory=None, slurm=False)
    svc = rebalance.open_capacity(args)
    state = svc.state()
    figures = svc.figures(state)
    before = {s: figures[s].allocated for s in figures}
    ranked = rank_by_wait(svc.recommendations(state), svc.job_history(), before,
                          lambda r: svc.preview(r.plan, state).after)
    saved = [r.p90_saved_s for r in ranked]
    assert saved == sorted(saved, reverse=True)
    assert [str(r.recommendation.message) for r in ranked] == [
        line[2:].rsplit(" (predicted", 1)[0] for line in lines
    ]


def test_quota_dry_run_shows_each_sectors_predicted_wait_under_the_caps(capsys, tmp_path):
    # the demo's caps are at what each sector runs: moving cap needs the override
    code, out = run(capsys, tmp_path, "--mode", "quota", "--move-cap", "8:private:public",
                    "--override", "see the waits first", "--dry-run", "--lang", "en")
    assert code == 0, out
    assert re.search(r"Predicted waits under the caps \(from \d+ jobs over 30 days\):", out), out
    lines = {s: re.search(rf"  {s}: p90 wait (\S+ \w+) → (\S+ \w+) \(range [^)]+\), p50", out)
             for s in ("Public", "Public-interest", "Private")}
    assert all(lines.values()), out
    # private loses 8 GPUs of cap: its p90 wait does not shrink; public's does not grow
    private = [hours(t) for t in lines["Private"].groups()]
    public = [hours(t) for t in lines["Public"].groups()]
    assert private[1] >= private[0] and public[1] <= public[0], out
    assert "Dry run: nothing changed." in out


def test_quota_dry_run_in_korean(capsys, tmp_path):
    code, out = run(capsys, tmp_path, "--mode", "quota", "--move-cap", "8:private:public",
                    "--override", "see the waits first", "--dry-run", "--lang", "ko")
    assert code == 0 and "상한에 따른 예상 대기" in out and "p90 대기" in out, out


def test_a_sacct_that_cannot_be_read_is_said_in_place_of_the_waits(capsys, tmp_path,
                                                                   monkeypatch):
    """A real fleet's history comes from sacct (console/scheduler/job_history.py): slurmdbd
    down is said where the predicted waits would be, and the dry run still ends well."""
    from console.scheduler.books import AccountMap
    from console.scheduler.job_history import sacct_history_source
    from tests.unit.scheduler.test_job_history import DOWN, fake_sacct

    real_setup = rebalance.open_capacity
    runner = fake_sacct(tmp_path, DOWN)

    def on_sacct(args, kiosk=False):
        svc = real_setup(args, kiosk)
        svc.job_history = sacct_history_source(runner, AccountMap.from_inventory(None, {}))
        return svc

    monkeypatch.setattr(rebalance, "open_capacity", on_sacct)
    code, out = run(capsys, tmp_path / "data", "--set", "public=136,interest=152", "--dry-run",
                    "--lang", "en")
    assert code == 0, out
    assert "Slurm's accounting could not be read, so no wait is predicted" in out, out
    assert "Connection refused" in out and "p90 wait" not in out
