"""The report appendix says how predicted waits are made, the period of jobs they learned from and
what they cannot see, in both languages, read back from the PDF with poppler; with too little
history it says so instead of a method that reads as if it predicted."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest

from console.fleet.model import Sector
from console.history.database import HistoryDB
from console.reports.model import build_report
from console.reports.pdf import render_pdf
from console.reports.period import Period
from console.reports.request import ReportRequest
from console.sources.demo.job_history import demo_job_history
from tests.qt.reports.test_pdf import pdftotext
from tests.report_history import D0, DAY, build_history

END = D0 + 86400  # the report day's end: the history learned from ends there
GPUS = {Sector.PUBLIC: 16, Sector.INTEREST: 32, Sector.PRIVATE: 16}


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("report-whatif-history"))


def appendix(qapp, history, tmp_path, lang: str, job_history) -> str:
    db = HistoryDB(history, readonly=True)
    try:
        request = ReportRequest(Period("day", DAY, DAY), lang=lang)
        report = build_report(db, request, job_history=job_history)
    finally:
        db.close()
    out = tmp_path / f"{lang}.pdf"
    render_pdf(report, out)
    text = unicodedata.normalize("NFKC", pdftotext(out))  # the PDF's "ﬁ" ligatures
    heading = "부록" if lang == "ko" else "Appendix: method"
    return re.sub(r"\s+", " ", text[text.rindex(heading) :])


def day(epoch: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_appendix_names_the_method_its_period_and_blind_spots(qapp, history, tmp_path, lang):
    jobs = demo_job_history(GPUS, END, days=30)
    text = appendix(qapp, history, tmp_path, lang, jobs)
    # the period learned from, the job count and the source
    assert f"{day(jobs.start)}" in text and f"{day(jobs.end - 1)}" in text, text
    assert f"{len(jobs.jobs)}" in text and "(demo)" in text, text
    if lang == "en":
        assert "Predicted waits (the rebalance board and rebalance --dry-run)" in text
        assert "backfill" in text and "fair share" in text and "node failures" in text
        # quota mode: the caps on one shared partition, borrowing and its requeue
        assert "In quota mode" in text and "QOS cap" in text and "requeued" in text, text
    else:
        assert "예상 대기" in text and "백필" in text and "공정 배분" in text, text
        assert "할당량 모드" in text and "재대기열" in text, text
    assert "Too little history" not in text and "이력이 너무 짧" not in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_with_too_little_history_the_appendix_says_so(qapp, history, tmp_path, lang):
    jobs = demo_job_history(GPUS, END, days=2)
    text = appendix(qapp, history, tmp_path, lang, jobs)
    if lang == "en":
        assert "Too little history to predict, no figure is guessed:" in text, text
        assert "Private (" in text and "jobs in 2 days)" in text, text
    else:
        assert "이력이 너무 짧" in text and "2일" in text, text


def test_without_a_job_history_it_names_no_period(qapp, history, tmp_path):
    text = appendix(qapp, history, tmp_path, "en", None)
    assert "No job history was given to this report" in text, text


def test_the_report_command_gives_the_demo_fleets_jobs_to_the_appendix(history):
    from console.commands.report import build_parser, job_history

    made = job_history(build_parser().parse_args(["-o", "r.pdf", "--demo", "12"]))
    assert made is not None and made.source == "demo" and len(made.jobs) > 100
    assert job_history(build_parser().parse_args(["-o", "r.pdf"])) is None
