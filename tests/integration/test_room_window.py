"""A window attached to a room (its fleet file reads Prometheus, its settings name the room's
Alertmanager) lists the room's incidents instead of firing its own, acknowledges them as the
room's silences, shows who set each silence and until when, and the kiosk's attention page lists
the same incidents. Real Prometheus and Alertmanager on loopback."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from console.access import AccessDenied, Action
from console.alerts.alertmanager import alert_json
from console.alerts.engine import Incident
from console.alerts.room_incidents import RoomIncidents
from console.app import build_services
from console.cli import parse_args
from console.fleet_choice import load_inventory_for
from tests.integration.alertmanager_testbed import AlertmanagerTestbed
from tests.integration.prometheus_testbed import PrometheusTestbed
from tests.peers import require_peer
from widgets.kiosk.attention import AlertsPage
from widgets.kiosk.frontend import KioskFrontend
from widgets.window.frontend import WindowFrontend

HOT = Incident(id=41, rule="gpu_temp", severity="critical", node="gpu01", gpu=3,
               sector="interest", org="snu", first_seen=time.time() - 120,
               last_seen=time.time())


def file_alert(am: AlertmanagerTestbed, inc: Incident) -> None:
    """What serve posts for an open incident (console/alerts/alertmanager.py)."""
    body = json.dumps([alert_json(inc, time.time())]).encode()
    request = urllib.request.Request(am.url + "/api/v2/alerts", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        r.read()


@pytest.fixture
def room(tmp_path):
    for engine in (PrometheusTestbed, AlertmanagerTestbed):
        if engine.executable() is None:
            require_peer(engine.binary, "not installed (bash packaging/debian-packages.sh test)")
    prom = PrometheusTestbed(tmp_path / "p", jobs={}).start()
    am = AlertmanagerTestbed(tmp_path / "a").start()
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(f"""
[sectors]
public = "40%"
interest = "35%"
private = "25%"

[[nodes]]
name = "gpu01"
sector = "interest"
gpus = 8

[prometheus]
url = "{prom.url}"
interval = 1.0
""", encoding="utf-8")
    settings = tmp_path / "settings.toml"
    settings.write_text(f'[alertmanager]\nurl = "{am.url}"\n', encoding="utf-8")
    yield fleet, settings, am
    am.stop()
    prom.stop()


def started(qtbot, tmp_path, room, frontend_class, *extra):
    """The room's first alert filed, then a front-end on the room, its services running."""
    from console.settings import load_settings

    fleet, settings, am = room
    file_alert(am, HOT)
    options = parse_args(["--inventory", str(fleet), "--settings", str(settings),
                          "--lang", "en", "--data-dir", str(tmp_path / "data"), *extra])
    services = build_services(options, load_inventory_for(options), load_settings(settings))
    assert isinstance(services.room_alerts, RoomIncidents)
    assert services.alerts is None and services.incidents is None  # the room fires, not us
    frontend = frontend_class()
    frontend.create_application([])
    frontend.open(services, options, started_at=0.0)
    qtbot.addWidget(frontend.window)
    services.room_alerts.poll_s = 0.3
    services.start()
    return frontend, services


def test_the_window_shows_and_acknowledges_the_rooms_incidents(qtbot, tmp_path, room):
    am = room[2]
    frontend, services = started(qtbot, tmp_path, room, WindowFrontend)
    try:
        panel = frontend.window.alerts
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=30_000)
        assert panel.model.incidents[0].id == HOT.id and panel.model.incidents[0].gpu == 3
        qtbot.waitUntil(lambda: "Room alerts from" in panel.room.status.text(), timeout=30_000)
        assert not panel.room.isHidden()

        # acknowledge in the panel (root is an operator by default): a silence in the room
        assert panel.select(HOT.id)
        assert panel.acknowledge("checking the fans")
        table = panel.room.table
        qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=30_000)
        assert table.item(0, 0).text() == "GPU temperature · gpu01 · GPU 3"
        assert table.item(0, 1).text() == services.policy.identity.user
        assert table.item(0, 4).text() == "checking the fans"
        assert "KST" in table.item(0, 3).text()  # until when, in the centre's zone
        qtbot.waitUntil(lambda: panel.model.incidents[0].acked_by
                        == services.policy.identity.user, timeout=30_000)

        # the Alertmanager goes away: said in the strip, the incident shown stays
        am.stop()
        qtbot.waitUntil(lambda: "cannot be read" in panel.room.status.text(), timeout=30_000)
        assert panel.model.rowCount() == 1
    finally:
        services.stop()


def test_the_kiosk_attention_page_lists_the_rooms_incidents(qtbot, tmp_path, room):
    frontend, services = started(qtbot, tmp_path, room, KioskFrontend, "--kiosk")
    try:
        page = next(p for p in frontend.window.pages if isinstance(p, AlertsPage))
        qtbot.waitUntil(lambda: [i.id for i in page.incidents()] == [HOT.id], timeout=30_000)
        assert not services.policy.allows(Action.ACKNOWLEDGE_ALERT)  # read-only here too
        with pytest.raises(AccessDenied):
            services.acknowledge_incident(HOT.id, "from the wall")
    finally:
        services.stop()
