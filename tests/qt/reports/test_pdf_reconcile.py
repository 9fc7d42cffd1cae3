"""The report's reconciliation section (console/reports/reconcile*.py): Slurm's allocated
GPU-hours per sector from the books beside the console's accounting of the same day
(tests/report_history.py), the difference and why, efficiency, idle-allocated GPU-hours, waits
and pending now, in the PDF (read back with poppler) and reconciliation.csv, both languages;
without Slurm's books the section says they are absent."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from console.fleet.model import Sector
from console.history.accounting import accounting, period_bounds
from console.history.database import HistoryDB
from console.reports.export import write_csv_dir
from console.reports.model import build_report
from console.reports.pdf import render_pdf
from console.reports.period import Period
from console.reports.reconcile import SlurmBooks
from console.reports.request import ReportRequest
from console.scheduler.books import AccountMap, books
from console.scheduler.queue import Waiting
from console.scheduler.sacct import JobRecord
from console.settings import AccountingSettings
from tests.qt.reports.test_pdf import pdftotext
from tests.report_history import D0, DAY, H, build_history

ACCOUNTS = AccountMap(
    {"city_a": "city"},
    {"city": Sector.PUBLIC, "uni": Sector.INTEREST, "lab": Sector.PRIVATE},
    {"public": Sector.PUBLIC, "interest": Sector.INTEREST, "private": Sector.PRIVATE},
    {},
)


def job(i: int, account: str, gpus: int, start_h: float, end_h: float, wait_s: float):
    start, end = D0 + start_h * H, D0 + end_h * H
    return JobRecord(
        str(i),
        account,
        "u",
        "normal",
        "p",
        gpus,
        int(end - start),
        start - wait_s,
        start - wait_s,
        start,
        end,
        "COMPLETED",
    )


JOBS = [
    job(1, "interest", 2, 0, 24, 60),  # the console allocated interest 48 GPU-h too: agree
    job(2, "city_a", 1, 8, 20, 600),  # 12 of public's 48: the console charges idle GPUs too
    job(3, "private", 2, 0, 12, 30),  # 24 + 12 = 36 of private's 48
    job(4, "private", 1, 12, 24, 1200),
    job(5, "nobody", 1, 10, 12, 0),  # no sector: unmapped
]
PENDING = {"interest": {"QOSGrpGRES": Waiting(2, 16), "Priority": Waiting(1, 1)}}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("report-reconcile-history"))


def made(history, tmp_path, lang: str, slurm: SlurmBooks | None):
    db = HistoryDB(history, readonly=True)
    try:
        report = build_report(db, ReportRequest(Period("day", DAY, DAY), lang=lang))
        t0, t1 = period_bounds(DAY, DAY, ZoneInfo(report.request.tz))
        mine = accounting(db, t0, t1, "sector", AccountingSettings())
    finally:
        db.close()
    report = replace(report, slurm=slurm)
    pdf = tmp_path / f"reconcile-{lang}.pdf"
    render_pdf(report, pdf)
    rows = {}
    for path in write_csv_dir(report, tmp_path / f"csv-{lang}"):
        if path.stem == "reconciliation":
            with path.open(encoding="utf-8-sig") as f:
                rows = {r["sector"]: r for r in csv.DictReader(f)}
    return report, mine.set_index("sector"), re.sub(r"\s+", " ", pdftotext(pdf)), rows


def the_books(t0: float, t1: float):
    return books(JOBS, ACCOUNTS, t0, t1, t1)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_numbers_are_the_books_and_the_history_of_the_same_day(qapp, history, tmp_path, lang):
    t0, t1 = period_bounds(DAY, DAY, ZoneInfo("Asia/Seoul"))
    theirs = the_books(t0, t1)
    _, mine, text, rows = made(
        history, tmp_path, lang, SlurmBooks(theirs, PENDING, "Slurm 22.05.8", read_at=t1)
    )
    assert set(rows) == {"public", "interest", "private", "unmapped", "total"}
    for sector in ("public", "interest", "private"):
        row = rows[sector]
        slurm, console = theirs.by_sector[sector], float(mine.at[sector, "allocated_gpu_h"])
        used, busy = float(mine.at[sector, "used_gpu_h"]), float(mine.at[sector, "busy_gpu_h"])
        assert float(row["slurm_gpu_h"]) == pytest.approx(slurm, abs=0.05)
        assert float(row["console_gpu_h"]) == pytest.approx(console, abs=0.05)
        assert float(row["difference_gpu_h"]) == pytest.approx(slurm - console, abs=0.05)
        assert float(row["efficiency_pct"]) == pytest.approx(100 * used / slurm, abs=0.05)
        assert float(row["idle_allocated_gpu_h"]) == pytest.approx(max(0, slurm - busy), abs=0.05)
        w = theirs.waits[sector]
        assert int(row["jobs_started"]) == w.jobs
        assert float(row["wait_p90_min"]) == pytest.approx(w.p90_s / 60, abs=0.05)
    assert float(rows["public"]["slurm_gpu_h"]) == 12.0  # the hand-made day, once by hand
    assert float(rows["interest"]["console_gpu_h"]) == 48.0
    assert rows["interest"]["why"] == "agree" and rows["public"]["why"] == "idle_nodes"
    assert rows["unmapped"]["why"] == "unmapped" and float(rows["unmapped"]["slurm_gpu_h"]) == 2
    assert float(rows["total"]["slurm_gpu_h"]) == pytest.approx(theirs.total, abs=0.05)
    assert (rows["interest"]["pending_jobs"], rows["interest"]["pending_gpus"]) == ("3", "17")
    assert rows["interest"]["top_reason"] == "QOSGrpGRES"
    # the PDF prints the same rows
    section = text[text.rindex("7. ") :]
    for sector in ("public", "interest", "private"):
        assert f"{float(rows[sector]['slurm_gpu_h']):,.1f}" in section
        assert f"{float(rows[sector]['console_gpu_h']):,.1f}" in section
    if lang == "en":
        assert "Slurm's books beside the console's" in section
        assert "at its cap" in section and "(unmapped)" in section
        assert "the console charges every GPU allocated to the sector" in section
    else:
        assert "한도" in section and "Slurm" in section, section
        assert "Slurm's books beside" not in section


def test_without_slurm_the_section_says_it_is_absent(qapp, history, tmp_path):
    _, _, text, rows = made(history, tmp_path, "en", None)
    assert "Slurm's books are absent from this report" in text
    assert rows == {}  # no reconciliation.csv


def test_a_slurm_that_could_not_be_read_is_said(qapp, history, tmp_path):
    from console.scheduler.watch import accounting_state

    problem = accounting_state("sacct: error: Problem talking to the database")
    _, _, text, rows = made(history, tmp_path, "en", SlurmBooks(None, None, problem=problem))
    assert "Slurm's accounting cannot be read: sacct: error: Problem talking" in text
    assert rows == {}
