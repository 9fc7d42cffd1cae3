"""Slurm's books beside the console's own numbers, over a real history file
(tests/report_history.py: on 2026-11-29 public has 48 allocated and 12 used GPU-h)."""

from __future__ import annotations

import argparse

import pytest

from console.commands.accounting_slurm import books_table, console_table
from console.fleet.model import Sector
from console.i18n.names import sector_name
from console.scheduler.books import AccountMap, books
from console.scheduler.sacct import JobRecord
from console.settings import AccountingSettings
from tests.report_history import D0, H, build_history, inventory


def slurm_books():
    # Slurm says public held 3 GPUs for 8 hours of the day, and one job sat 2 h in the queue
    job = JobRecord("1", "city", "kim", "normal", "public", 3, 0, D0, D0, D0 + 2 * H,
                    D0 + 10 * H, "COMPLETED")
    return books([job], AccountMap.from_inventory(None, {s: s.value for s in Sector}),
                 D0, D0 + 24 * H, D0 + 24 * H)


def test_slurm_and_console_side_by_side(tmp_path):
    build_history(tmp_path)
    args = argparse.Namespace(data_dir=tmp_path, by="sector")
    mine = console_table(args, D0, D0 + 24 * H, AccountingSettings())
    table = books_table(slurm_books(), "sector", inventory(), mine, "en", csv=True)
    public = table.set_index("sector").loc["public"]
    assert public["slurm_gpu_h"] == pytest.approx(24.0)
    assert public["console_alloc_gpu_h"] == pytest.approx(48.0, rel=1e-3)
    assert public["console_used_gpu_h"] == pytest.approx(12.0, rel=1e-3)
    assert public["used_pct"] == pytest.approx(50.0, rel=1e-3)
    assert public["waited"] == 1 and public["wait_p50"] == pytest.approx(2 * H)
    shown = books_table(slurm_books(), "sector", inventory(), mine, "ko", csv=False)
    assert list(shown["sector"]) == [sector_name(s, "ko") for s in Sector]
    assert shown["wait_p90"].iloc[0] == "2.0시간"


def test_without_history_the_console_columns_are_left_out(tmp_path):
    args = argparse.Namespace(data_dir=tmp_path / "empty", by="sector")
    assert console_table(args, D0, D0 + 24 * H, AccountingSettings()) is None
    table = books_table(slurm_books(), "sector", inventory(), None, "en", csv=True)
    assert "console_used_gpu_h" not in table
