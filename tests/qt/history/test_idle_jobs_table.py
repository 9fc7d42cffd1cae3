"""The accounting tab's "GPU-hours at 0 %" table over per-job usage recorded through the real
path (tests/job_usage_history.py): job 504 held pub1's GPU 1 at 0 % all day; the others worked.
Screenshots in English and Korean go to /tmp/z-accounting-*.png."""

from __future__ import annotations

from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QCoreApplication

from console.capacity.backends.slurm_runner import LocalRunner
from console.history.database import HistoryDB
from console.history.job_usage_db import job_usage_path
from console.scheduler.job_books import JobBooks
from tests.job_usage_history import accounts, build_job_usage, inventory_with_accounts
from tests.report_history import DAY, build_history
from widgets.common.csv_export import VALUE_ROLE
from widgets.common.i18n import Translations
from widgets.history.accounting_view import AccountingView
from widgets.history.query import HistoryQueries

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("idle-jobs")
    build_history(d)
    build_job_usage(d)
    return d


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_idle_job_is_listed_with_its_organisation(qtbot, data, lang, monkeypatch):
    monkeypatch.setattr("widgets.history.idle_jobs_table.ui_language", lambda: lang)
    translations = Translations()
    translations.set_language(lang)
    store = SimpleNamespace(reader=lambda: HistoryDB(data / "history.sqlite", readonly=True))
    queries = HistoryQueries(store)
    books = JobBooks(
        LocalRunner(),
        job_usage_path(data),
        accounts=accounts(),
        inventory=inventory_with_accounts(),
    )
    view = AccountingView(SEOUL)
    qtbot.addWidget(view)
    try:
        view.attach(queries, view.settings)
        view.idle.attach(books.idle_table)
        view.set_period(DAY, DAY)
        qtbot.waitUntil(lambda: view.idle.rows is not None, timeout=15_000)
        qtbot.waitUntil(lambda: view.result is not None, timeout=15_000)
        model = view.idle.model
        assert model.rowCount() == 1
        row = {
            c.key: model.data(model.index(0, i), VALUE_ROLE) for i, c in enumerate(model.columns)
        }
        assert row["job"] == "504" and row["user"] == "choi" and row["gpus"] == 1
        assert row["org_name"] == ("시청" if lang == "ko" else "City Hall")
        assert row["held_gpu_h"] == pytest.approx(24.0)
        assert row["zero_gpu_h"] == pytest.approx(24.0) and row["efficiency_pct"] == 0.0
        assert "24.0" in view.idle.note.text()
        view.resize(1200, 640)
        view.show()
        QCoreApplication.processEvents()
        view.grab().save(f"/tmp/z-accounting-{lang}.png")
    finally:
        queries.shutdown()
        translations.set_language("en")
