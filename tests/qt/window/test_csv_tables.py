"""CSV from every table that had none: the node table, alerts and the audit log. Each file is
UTF-8 with a byte-order mark (spreadsheets then read Hangul), headers in the interface language,
rows and columns as the table shows them."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from PySide6.QtCore import Qt

from console.app import build_services
from console.cli import parse_args
from console.fleet.model import Sector
from console.settings import Settings
from tests.qt.capacity.setup import capacity_service
from tests.qt.waiting import wait_for_data
from widgets.capacity.audit_view import AuditView
from widgets.fleet.node_table import Col
from widgets.window.frontend import WindowFrontend

HANGUL = re.compile("[\uac00-\ud7a3]")
BOM = b"\xef\xbb\xbf"


@pytest.fixture
def console(qtbot, tmp_path):
    args = ["--demo", "12", "--interval", "0.3", "--lang", "en", "--scenario", "faults"]
    options = parse_args([*args, "--data-dir", str(tmp_path / "data")])
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options, settings=Settings(path=tmp_path / "settings.toml"))
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    yield frontend, services
    services.stop()
    frontend.translations.set_language("en")


def shown(view) -> tuple[list[str], list[list[str]]]:
    """Headers and cells of the visible columns, in view order."""
    model, header = view.model(), view.horizontalHeader()
    cols = [header.logicalIndex(v) for v in range(header.count())]
    cols = [c for c in cols if not header.isSectionHidden(c)]
    heads = [model.headerData(c, Qt.Orientation.Horizontal) for c in cols]
    cells = [[model.index(r, c).data() or "" for c in cols] for r in range(model.rowCount())]
    return heads, cells


def read(path) -> pd.DataFrame:
    assert path.read_bytes().startswith(BOM)
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_node_table_exports_what_it_shows_in_korean(qtbot, console, tmp_path):
    frontend, services = console
    table = frontend.window.table
    snap = wait_for_data(qtbot, services)
    frontend.translations.set_language("ko")
    table.search.setText(snap.node_names[-1][:-1])  # the last node's name, less its digit
    table.view.sortByColumn(Col.UTIL, Qt.SortOrder.DescendingOrder)
    table.view.horizontalHeader().hideSection(Col.CPU)
    table.view.horizontalHeader().moveSection(Col.STATUS, 0)
    services.stop()  # the fleet stands still while the file and the table are compared
    heads, cells = shown(table.view)
    path = table.export_csv(tmp_path / "nodes.csv")
    frame = read(path)
    assert list(frame.columns) == heads and HANGUL.search(heads[0])
    assert len(heads) == len(Col) - 1 and len(frame) == table.proxy.rowCount() > 0
    assert frame.values.tolist() == cells


def test_alerts_export_what_the_filters_show(qtbot, console, tmp_path):
    frontend, services = console
    panel = frontend.window.alerts
    qtbot.waitUntil(lambda: panel.proxy.rowCount() >= 4, timeout=20_000)
    panel.severity_filter.setCurrentIndex(1)  # critical only
    services.stop()
    heads, cells = shown(panel.view)
    frame = read(panel.export_csv(tmp_path / "alerts.csv"))
    assert list(frame.columns) == heads and heads[:2] == ["Severity", "Alert"]
    assert frame.values.tolist() == cells and set(frame["Severity"]) == {"● critical"}


def test_audit_log_exports_every_entry(qtbot, tmp_path):
    service = capacity_service(tmp_path)
    for node in ("pri00", "pri01"):
        service.apply(service.plan_moves([(node, Sector.PUBLIC)], service.state()), f"move {node}")
    view = AuditView(service.audit, ZoneInfo("Asia/Seoul"), service.policy)
    qtbot.addWidget(view)
    view.show()
    asked = []
    view.ask_save_path = lambda parent, name: asked.append(name) or tmp_path / name
    view.export_button.click()
    assert asked and re.fullmatch(r"hangang-audit-\d{8}-\d{4}\.csv", asked[0])
    frame = read(tmp_path / asked[0])
    assert list(frame.columns)[:4] == ["Time", "User", "Role", "Action"]
    assert frame["Reason"].tolist() == ["move pri01", "move pri00"]  # newest first, as listed
    assert frame["Result"].tolist() == ["applied", "applied"]
