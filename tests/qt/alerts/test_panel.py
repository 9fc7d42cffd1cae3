"""The alerts panel on the real demo pipeline with the "faults" scenario: incidents appear with a
badge, filter by severity, sector and text, acknowledge with a note (kept on disk), and a
double-click opens the node's detail. Viewers (so made by the access policy, from the settings
file) cannot acknowledge, in the panel or in the core."""

from __future__ import annotations

import pytest

from console.access import AccessDenied, Role
from console.alerts.incidents import incidents_path, read_incidents
from console.app import build_services
from console.cli import parse_args
from console.settings import Settings, load_settings
from tests.qt.history.test_history_ui import double_click
from widgets.alerts.panel import AlertsPanel, Col
from widgets.window.frontend import WindowFrontend

TIMEOUT_MS = 20_000


@pytest.fixture
def console(qtbot, tmp_path):
    args = ["--demo", "12", "--interval", "0.5", "--lang", "en", "--scenario", "faults"]
    options = parse_args([*args, "--data-dir", str(tmp_path)])
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options, settings=Settings(path=tmp_path / "settings.toml"))
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    yield frontend, services
    for dialog in list(frontend.details.values()):
        dialog.close()
    services.stop()


def rows(panel: AlertsPanel) -> list[tuple[str, str]]:
    """(rule text, node) of each visible row."""
    p = panel.proxy
    return [(p.index(r, Col.RULE).data(), p.index(r, Col.NODE).data()) for r in range(p.rowCount())]


def test_incidents_badge_filters_acknowledge_and_jump_to_node(qtbot, console, tmp_path):
    frontend, services = console
    window = frontend.window
    panel = window.alerts
    window.tabs.setCurrentWidget(panel)
    # GPU faults fire at once; the badge counts open incidents and turns red for critical ones
    qtbot.waitUntil(lambda: panel.proxy.rowCount() >= 8, timeout=TIMEOUT_MS)
    assert window.tabs.tabText(window.tabs.indexOf(panel)).startswith("Alerts (")
    total = panel.proxy.rowCount()

    panel.severity_filter.setCurrentIndex(1)  # critical
    assert 0 < panel.proxy.rowCount() < total
    assert {panel.proxy.index(r, Col.SEVERITY).data() for r in range(panel.proxy.rowCount())} == {
        "● critical"
    }
    panel.severity_filter.setCurrentIndex(0)
    panel.sector_filter.setCurrentIndex(3)  # private: only the sector alert can be there
    assert all(node == "" for _, node in rows(panel))
    panel.sector_filter.setCurrentIndex(0)
    panel.search.setText("remap")
    assert {rule for rule, _ in rows(panel)} == {"Row remap pending", "Row remap failed"}

    # acknowledge the failed remap with a note
    failed = next(r for r in range(panel.proxy.rowCount()) if "failed" in rows(panel)[r][0])
    panel.view.selectRow(failed)
    assert panel.ack_button.isEnabled()
    incident = panel.selected()
    assert panel.acknowledge("RMA 요청, 교체 예정")
    qtbot.waitUntil(
        lambda: (
            panel.proxy.index(failed, Col.ACK).data() == "root: RMA 요청, 교체 예정"
            or services.alerts.incidents()[0].acked_by != ""
        ),
        timeout=TIMEOUT_MS,
    )
    acked = next(i for i in services.alerts.incidents() if i.id == incident.id)
    assert acked.note == "RMA 요청, 교체 예정" and acked.acked_at is not None

    # double-click a row: the node's detail opens
    panel.search.setText("")
    row = next(r for r, (_, node) in enumerate(rows(panel)) if node)
    node = rows(panel)[row][1]
    rect = panel.view.visualRect(panel.proxy.index(row, Col.NODE))
    double_click(qtbot, panel.view.viewport(), rect.center())
    qtbot.waitUntil(lambda: node in frontend.details, timeout=5000)

    # the acknowledgement is on disk for reports, the kiosk and the next start
    services.incidents.flush()
    assert services.incidents.wait_idle(10)
    df = read_incidents(incidents_path(tmp_path), 0, float("inf"))
    row = df[df["id"] == incident.id].iloc[0]
    assert (row["acked_by"], row["note"]) == (acked.acked_by, "RMA 요청, 교체 예정")


def test_viewers_cannot_acknowledge_or_save_settings(qtbot, tmp_path):
    """A settings file that names no group of this user makes it a viewer: the access policy
    decides (AccessPolicy.for_session, as the console's start does), and the panel, the settings
    dialog and the core all follow it; nothing here sets a read-only flag by hand."""
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        'schema_version = 1\n[roles]\noperator_users = []\n'
        'operator_groups = ["hangang-test-operators-nobody-is-in"]\n'
    )
    options = parse_args(["--demo", "12", "--interval", "0.5", "--lang", "en", "--scenario",
                          "faults", "--data-dir", str(tmp_path), "--settings",
                          str(settings_file)])
    settings = load_settings(options.settings)
    frontend = WindowFrontend()
    frontend.create_application([])
    services = build_services(options, settings=settings)
    assert services.policy.role is Role.VIEWER  # decided by the policy, from the file
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.start()
    try:
        panel = frontend.window.alerts
        qtbot.waitUntil(lambda: panel.proxy.rowCount() > 0, timeout=TIMEOUT_MS)
        panel.view.selectRow(0)
        assert panel.selected() is not None
        assert not panel.ack_button.isEnabled() and not panel.acknowledge("x")
        with pytest.raises(AccessDenied):
            services.acknowledge_incident(panel.selected().id, "x")
        assert all(i.acked_by == "" for i in services.alerts.incidents())
        with pytest.raises(AccessDenied):
            services.save_settings(services.settings)
        dialog = frontend.alerts.open_settings()  # the presenter asks the policy
        qtbot.addWidget(dialog)
        assert dialog.read_only_note.isVisibleTo(dialog)
    finally:
        services.stop()


def test_settings_dialog_saves_alert_thresholds(qtbot, console, tmp_path):
    frontend, services = console
    dialog = frontend.alerts.open_settings()
    qtbot.addWidget(dialog)
    _, threshold, _, fire, _ = dialog.editors["gpu_temp"]
    threshold.setValue(80.0)
    fire.setValue(5.0)
    dialog.editors["node_stale"][0].setChecked(False)
    dialog._save()
    from console.settings import load_settings

    saved = load_settings(tmp_path / "settings.toml").alerts
    assert saved.rule("gpu_temp").threshold == 80.0 and saved.rule("gpu_temp").fire_after_s == 5
    assert not saved.rule("node_stale").enabled
    assert services.alerts.settings.rule("gpu_temp").threshold == 80.0  # applied at once


def test_saved_energy_factors_reach_the_accounting_tab_at_once(qtbot, console, tmp_path):
    frontend, services = console
    dialog = frontend.alerts.open_settings()
    qtbot.addWidget(dialog)
    dialog.energy_page.pue.setValue(1.25)
    dialog._save()
    assert services.settings.energy.pue == 1.25
    assert frontend.window.accounting.energy.pue == 1.25  # the tab counts with it now


def test_a_pending_page_retirement_says_what_to_do(qtbot, console):
    """The faults scenario's GPU 4 has a page retirement pending: its row names the rule and
    its tooltip says what an operator does about it; a rule whose name says enough has none."""
    from PySide6.QtCore import Qt

    frontend, _ = console
    panel = frontend.window.alerts
    tip = Qt.ItemDataRole.ToolTipRole

    def shown() -> dict[str, object]:
        p = panel.proxy
        return {p.index(r, Col.RULE).data(): p.index(r, Col.RULE).data(tip)
                for r in range(p.rowCount())}

    qtbot.waitUntil(lambda: "Page retirement pending" in shown(), timeout=TIMEOUT_MS)
    rules = shown()
    assert rules["Page retirement pending"] == "Reboot or reset the GPU to retire the pages."
    assert rules["Row remap pending"] == "Reset the GPU to remap the rows."
    assert rules["Power brake"] is None
