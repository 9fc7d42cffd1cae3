"""Consoles attached to a room read its incidents from the real Alertmanager `serve` files them
in (Debian's 0.25): two consoles show the same incidents, one incident each; an acknowledgement
made in one (a silence) is seen in the other, with who and until when, and ends with the
incident; an Alertmanager that is down, or a peer that answers garbage, is a clear state."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from console.alerts.acks import ACK_HOLD_S, ACK_TAG
from console.alerts.am_api import AlertmanagerApi
from console.alerts.room_incidents import RoomIncidents
from tests.integration.alertmanager_testbed import AlertmanagerTestbed
from tests.integration.serve_process import ServeProcess
from tests.integration.sshd_testbed import wait_until
from tests.integration.test_alertmanager import fast_settings, incident_labels

POLL_S = 0.3


def labels_of(view: RoomIncidents) -> list[tuple]:
    """The view's open incidents as incident_labels() spells serve's."""
    return sorted(
        (i.rule, i.rule, i.severity, i.node or None, i.sector,
         None if i.gpu is None else str(i.gpu))
        for i in view.incidents()
    )


@pytest.fixture
def parts(tmp_path):
    made: list = []

    def add(part):
        made.append(part)
        return part

    yield add
    for part in reversed(made):
        part.stop()


def start_room(tmp_path, parts, faults_on: float):
    am = parts(AlertmanagerTestbed(tmp_path)).start()
    serve = parts(ServeProcess(tmp_path / "serve", ["--demo", "8", "--scenario", "faults"], [
        "--faults-on", str(faults_on), "--settings", str(fast_settings(tmp_path / "s.toml")),
        "--alertmanager", am.url]))
    return am, serve.start()


def test_two_consoles_show_one_incident_and_share_acknowledgements(tmp_path, parts):
    am, serve = start_room(tmp_path, parts, faults_on=25.0)
    a = parts(RoomIncidents(am.url, poll_s=POLL_S))
    b = parts(RoomIncidents(am.url, poll_s=POLL_S))
    a.start()
    b.start()

    def same_picture():
        want = incident_labels(serve)
        hot = [i for i in a.incidents() if i.rule == "gpu_temp"]
        return want if hot and labels_of(a) == labels_of(b) == want else None

    found = wait_until(same_picture, 60, interval=0.25,
                       message="the consoles never showed serve's open incidents")
    assert len(found) == len(set(found))  # one incident each, whichever console looks
    assert a.state().up is True and a.state().problem is None
    hot = next(i for i in a.incidents() if i.rule == "gpu_temp")
    assert {i.id for i in a.incidents()} == {i.id for i in b.incidents()}  # serve's own ids

    # an operator acknowledges in console A: console B sees it, as a silence in the room
    a.acknowledge(hot.id, "kim", "fan replaced at 15:00", time.time())
    assert next(i for i in a.incidents() if i.id == hot.id).acked_by == "kim"  # at once
    acked = wait_until(
        lambda: next((i for i in b.incidents() if i.id == hot.id and i.acked_by), None), 30,
        interval=0.2, message="the acknowledgement never reached the other console")
    assert acked.acked_by == "kim" and acked.note == "fan replaced at 15:00"
    silence = next(s for s in b.silences() if s.comment.startswith(ACK_TAG))
    assert silence.created_by == "kim"
    assert dict(silence.matchers)["node"] == hot.node
    assert dict(silence.matchers)["gpu"] == str(hot.gpu)
    assert silence.ends_at - silence.starts_at == pytest.approx(ACK_HOLD_S, abs=2)
    # acknowledged again with a new note: one silence, the new note, in the other console too
    a.acknowledge(hot.id, "kim", "fan ordered", time.time())
    wait_until(lambda: next(i for i in b.incidents() if i.id == hot.id).note == "fan ordered",
               30, interval=0.2, message="the second acknowledgement never reached B")
    ours = wait_until(lambda: (lambda s: s if len(s) == 1 else None)(
        [s for s in b.silences() if s.comment.startswith(ACK_TAG)]), 30, interval=0.2,
        message="the earlier acknowledgement's silence was not replaced")
    silence = ours[0]
    others = [i for i in b.incidents() if i.id != hot.id]
    assert others and not any(i.acked_by for i in others)  # only that incident is silenced

    # the fault goes: the incident closes in both, and the acknowledgement ends with it
    wait_until(lambda: all(hot.id not in {i.id for i in v.incidents()} for v in (a, b)), 90,
               interval=0.25, message="the resolved incident stayed open in a console")
    closed = [i for i in b.incidents(include_closed=True) if i.id == hot.id]
    assert closed and closed[0].closed_at is not None
    api = AlertmanagerApi(am.url)
    wait_until(lambda: all(s.state == "expired" for s in api.silences() if s.id == silence.id),
               30, interval=0.25, message="the acknowledgement outlived its incident")


def test_alertmanager_down_keeps_the_last_picture_and_says_so(tmp_path, parts):
    am, _ = start_room(tmp_path, parts, faults_on=3600.0)
    view = parts(RoomIncidents(am.url, poll_s=POLL_S))
    view.start()
    wait_until(lambda: view.incidents(), 60, interval=0.25,
               message="no incident ever shown")
    seen = {i.id for i in view.incidents()}
    am.stop()
    wait_until(lambda: view.state().up is False, 30, interval=0.2,
               message="the console never showed its Alertmanager down")
    assert am.url.split("//")[1] in view.state().problem
    assert seen <= {i.id for i in view.incidents()}  # not emptied: the last picture stays
    with pytest.raises(KeyError):
        view.acknowledge(-1, "kim", "", 0.0)
    am.start()  # it comes back empty; serve files the incidents again, the view follows
    wait_until(lambda: view.state().up and view.incidents(), 90, interval=0.25,
               message="the console never recovered with its Alertmanager")


class _Garbage(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html>proxy error</html>" if "alerts" in self.path else b'{"not": "a list"}'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_peer_that_answers_garbage_is_a_clear_problem():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    view = RoomIncidents(f"http://127.0.0.1:{server.server_port}", poll_s=POLL_S)
    try:
        view.start()
        assert view.wait_polled(1, 20)
        state = view.state()
        assert state.up is False
        assert "not JSON" in state.problem and "/api/v2/alerts" in state.problem
        assert view.incidents() == ()
    finally:
        view.stop()
        server.shutdown()
        server.server_close()


def test_serve_ends_an_acknowledgement_when_its_incident_resolves_with_no_console_open(
        tmp_path, parts):
    am, _ = start_room(tmp_path, parts, faults_on=20.0)
    view = RoomIncidents(am.url, poll_s=POLL_S)
    view.start()
    try:
        hot = wait_until(lambda: next((i for i in view.incidents() if i.rule == "gpu_temp"),
                                      None), 60, interval=0.25, message="no GPU temperature")
        view.acknowledge(hot.id, "kim", "night shift", time.time())
        api = AlertmanagerApi(am.url)
        silence = wait_until(lambda: next((s for s in api.silences()
                                           if s.comment.startswith(ACK_TAG)), None), 30,
                             interval=0.2, message="the acknowledgement was never filed")
    finally:
        view.stop()  # the room has no console open from here on
    assert silence.state == "active"
    wait_until(lambda: all(s.state == "expired" for s in api.silences() if s.id == silence.id),
               90, interval=0.25, message="serve left the acknowledgement of a resolved incident")
    assert "gpu_temp" not in {a["labels"]["rule"] for a in am.alerts()}
