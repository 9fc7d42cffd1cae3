"""A rule, a sector, a state, a severity has one Korean name wherever a person reads it: the
window (through the installed CatalogueTranslator), the CLI tables, the PDF's HTML and the CSV
files. Each place is driven through its real function, not through names.py."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from PySide6.QtCore import QCoreApplication

from console.alerts.rules import RULES
from console.commands import accounting as accounting_command
from console.commands import alerts as alerts_command
from console.fleet.model import SECTORS, NodeStatus
from console.history.database import HistoryDB
from console.i18n import names
from console.reports.export import tables
from console.reports.html import report_html
from console.reports.model import build_report
from console.reports.period import Period
from console.reports.request import ReportRequest
from console.reports.sources import CHANGE_COLUMNS, INCIDENT_COLUMNS
from tests.report_history import D0, DAY, H, build_history

SEVERITIES = ("critical", "error", "warning")
RESULTS = ("applied", "cancelled", "rolled back", "rollback incomplete", "interrupted")


@pytest.fixture
def korean_ui(qapp):
    from widgets.common.i18n import Translations

    translations = Translations(qapp)
    translations.set_language("ko")
    yield
    translations.set_language("en")


def every_incident() -> pd.DataFrame:
    """One incident of every rule in the 29th, sectors and severities taken in turn."""
    rows = []
    for i, rule in enumerate(RULES, start=1):
        sector = SECTORS[i % 3].value
        t = D0 + i * H
        rows.append((i, rule, SEVERITIES[i % 3], f"n{i:02d}", math.nan, sector, "",
                     t, t + 0.5 * H, t + 0.5 * H, math.nan, "", math.nan, ""))  # fmt: skip
    frame = pd.DataFrame(rows, columns=INCIDENT_COLUMNS)
    frame.attrs.update(store="read", path="incidents.sqlite")
    return frame


def every_result() -> pd.DataFrame:
    rows = [(D0 + (i + 1) * H, "kim", "operator", f"p-{i}", "apply", "why",
             "int1 interest→public", 2, result) for i, result in enumerate(RESULTS)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    frame.attrs.update(store="read", path="audit.sqlite")
    return frame


@pytest.fixture(scope="module")
def korean_report(tmp_path_factory):
    db = HistoryDB(build_history(tmp_path_factory.mktemp("one-word")), readonly=True)
    try:
        request = ReportRequest(Period("day", DAY, DAY), lang="ko")
        report = build_report(db, request, incidents=every_incident(), changes=every_result())
    finally:
        db.close()
    return tables(report), report_html(report)


def test_every_rule_has_one_korean_name(korean_ui, korean_report):
    from widgets.common.labels import rule_name

    csv, html = korean_report
    cli = alerts_command.readable(every_incident(), "ko", ZoneInfo("Asia/Seoul"))
    cli_rule = dict(zip(every_incident()["rule"], cli.iloc[:, 2], strict=True))
    csv_rule = dict(zip(csv["incident_types"]["rule"], csv["incident_types"]["rule_name"],
                        strict=True))  # fmt: skip
    assert set(csv_rule) == set(RULES)
    for rule, source in names.ALERT_RULES.items():
        word = rule_name(rule)
        assert word != source, f"{rule} has no Korean name"
        assert QCoreApplication.translate("AlertRules", source) == word
        assert cli_rule[rule] == word, rule
        assert csv_rule[rule] == word, rule
        assert word in html, rule
    assert set(names.ALERT_RULES) == set(RULES)
    assert rule_name("node_unreachable") == "노드 연결 불가"
    assert rule_name("gpu_lost") == "GPU 인식 불가"


def test_every_sector_has_one_korean_name(korean_ui, korean_report):
    from widgets.common.labels import sector_name

    csv, html = korean_report
    cli = alerts_command.readable(every_incident(), "ko", ZoneInfo("Asia/Seoul"))
    cli_sector = dict(zip(every_incident()["sector"], cli.iloc[:, 3], strict=False))
    table = pd.DataFrame({"sector": [s.value for s in SECTORS] + ["total"], "used_gpu_h": 1.0})
    accounting = accounting_command.readable(table, pd.DataFrame(), "ko").iloc[:, 0].tolist()
    summary = dict(zip(csv["summary"]["sector"], csv["summary"]["sector_name"], strict=True))
    for sector in SECTORS:
        word = sector_name(sector)
        assert word == QCoreApplication.translate("Sectors", names.SECTORS[sector.value])
        assert cli_sector[sector.value] == word
        assert summary[sector.value] == word
        assert word in accounting
        assert f"<h3>{word}</h3>" in html  # the top organisations' heading per sector
    assert summary["total"] == accounting[-1] == names.sector_name("total", "ko") == "합계"


def test_every_severity_has_one_korean_name(korean_ui, korean_report):
    from widgets.common.labels import severity_name

    csv, html = korean_report
    cli = alerts_command.readable(every_incident(), "ko", ZoneInfo("Asia/Seoul"))
    cli_severity = dict(zip(every_incident()["severity"], cli.iloc[:, 1], strict=False))
    csv_severity = dict(zip(csv["incidents"]["severity"], csv["incidents"]["severity_name"],
                            strict=False))  # fmt: skip
    for severity in SEVERITIES:
        word = severity_name(severity)
        assert word != severity
        assert cli_severity[severity] == csv_severity[severity] == word
        assert word in html
    assert cli.columns[1] == "심각도"
    assert "<th>심각도</th>" in html or ">심각도</th>" in html


def test_every_result_and_state_has_one_korean_name(korean_ui, korean_report):
    from console.capacity.model import MoveState, SchedState
    from widgets.capacity.apply_flow import move_state_name
    from widgets.capacity.audit_view import AuditView
    from widgets.capacity.node_chips import state_name as slurm_state_name
    from widgets.common.labels import status_name

    csv, html = korean_report
    csv_result = dict(zip(csv["capacity_changes"]["result"],
                          csv["capacity_changes"]["result_name"], strict=True))  # fmt: skip
    for result in RESULTS:
        word = AuditView._result_name(None, result)
        assert word != result
        assert csv_result[result] == word == names.apply_result_name(result, "ko")
        assert word in html
    for state in MoveState:
        word = move_state_name(state)
        assert word == names.move_state_name(state.value, "ko") != state.value
    for status in NodeStatus:
        word = status_name(status)
        assert word == names.node_status_name(status, "ko") != status.name.lower()
    for sched in SchedState:
        word = slurm_state_name(sched)  # the capacity board's chips
        assert word == names.slurm_state_name(sched.value, "ko") != sched.value


def test_a_core_reason_is_shown_in_the_interface_language(korean_ui):
    from console.i18n.catalogue import translate
    from widgets.common.labels import core_text

    reason = translate("Slurm", "{node} must be drained before it moves").fill(node="n07")
    assert core_text(reason) == "n07은(는) 옮기기 전에 드레인해야 합니다"
    assert core_text(reason, "en") == reason == "n07 must be drained before it moves"
    assert core_text("plain text from elsewhere") == "plain text from elsewhere"
