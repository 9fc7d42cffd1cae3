"""The report dialog makes the PDF off the GUI thread, shows progress, opens the file; the main
window reaches it through File → Report…."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from console.app import build_services, run_command
from console.cli import parse_args
from tests.report_history import DAY, build_history
from widgets.reports.dialog import STEPS, ReportDialog
from widgets.window.frontend import WindowFrontend

SEOUL = ZoneInfo("Asia/Seoul")
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("report-dialog-history"))


def dialog_for(qtbot, history, tmp_path) -> tuple[ReportDialog, list]:
    dialog = ReportDialog(history, SEOUL)
    qtbot.addWidget(dialog)
    opened: list = []
    dialog.open_file = opened.append  # the desktop's PDF viewer is not started in tests
    dialog.output.setText(str(tmp_path / "day.pdf"))
    return dialog, opened


def test_the_dialog_writes_the_pdf_and_csv_without_freezing(qtbot, history, tmp_path):
    dialog, opened = dialog_for(qtbot, history, tmp_path)
    dialog.show()
    dialog.set_period("day", DAY, DAY)
    dialog.language.setCurrentIndex(dialog.language.findData("ko"))
    # progress reaches the bar through the GUI thread's event loop while the report is still
    # being made: proof the window was not frozen (by order of events, not by timing)
    ticks, returned = [], []
    dialog.bar.valueChanged.connect(lambda _v: ticks.append(dialog.running and bool(returned)))
    with qtbot.waitSignal(dialog.finished_report, timeout=TIMEOUT_MS) as done:
        assert dialog.start()
        returned.append(True)  # progress seen only before this would mean start() blocked
        assert not dialog.generate.isEnabled()
    made = done.args[0]
    assert made is not None, dialog.status.text()
    assert any(ticks), "the GUI thread did not run while the report was being made"
    assert opened == [tmp_path / "day.pdf"] and made.pdf.stat().st_size > 10_000
    assert (tmp_path / "day-csv" / "summary.csv").exists()
    assert dialog.bar.value() == STEPS and dialog.generate.isEnabled()
    assert "day.pdf" in dialog.status.text()
    text = subprocess.run(
        ["pdftotext", str(made.pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "GPU 이용 보고서" in text and "96.0" in text  # total used GPU-hours of the day


def test_the_dialog_says_why_there_is_no_report(qtbot, history, tmp_path):
    dialog, opened = dialog_for(qtbot, history, tmp_path)
    for box in dialog.sector_boxes.values():
        box.setChecked(False)
    assert not dialog.start() and "sector" in dialog.status.text()
    dialog.sector_boxes["public"].setChecked(True)
    dialog.set_period("custom", date(2026, 1, 1), date(2026, 1, 2))
    with qtbot.waitSignal(dialog.finished_report, timeout=TIMEOUT_MS) as done:
        assert dialog.start()
    assert done.args[0] is None and not opened
    assert "Nothing recorded in this period" in dialog.status.text()
    assert "no history from 2026-01-01" in dialog.status.text()
    assert not (tmp_path / "day.pdf").exists()


def test_file_menu_opens_the_dialog_on_the_consoles_history(qtbot, tmp_path):
    data = tmp_path / "data"
    assert run_command("simulate", ["--nodes", "6", "--days", "2", "--data-dir", str(data)]) == 0
    options = parse_args(
        ["--demo", "6", "--interval", "0.2", "--lang", "en", "--data-dir", str(data)]
    )
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options)
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    try:
        assert frontend.window.report_action.isEnabled()
        frontend.window.report_action.trigger()
        dialog = frontend.report
        assert dialog is not None and dialog.isVisible()
        assert dialog.history_path == services.history.path
        yesterday = datetime.now(SEOUL).date().toordinal() - 1
        assert dialog.period().last.toordinal() <= yesterday  # a complete period by default
        dialog.open_file = lambda _p: None
        dialog.output.setText(str(tmp_path / "yesterday.pdf"))
        dialog.preset.setCurrentIndex(dialog.preset.findData("day"))
        with qtbot.waitSignal(dialog.finished_report, timeout=TIMEOUT_MS) as done:
            assert dialog.start()
        assert done.args[0] is not None, dialog.status.text()
        assert done.args[0].pages >= 5
        # the demo fleet's job history went to the appendix: it names the period it learned from
        jobs = done.args[0].report.job_history
        assert jobs is not None and jobs.source == "demo" and len(jobs.jobs) > 0
    finally:
        services.stop()
        frontend.window.close()
