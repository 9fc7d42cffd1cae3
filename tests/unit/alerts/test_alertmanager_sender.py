"""The Alertmanager sender's contract without an Alertmanager: the [alertmanager] settings,
the alert each incident becomes, and what is posted when (a loopback HTTP server records it;
the real Alertmanager is in tests/integration/test_alertmanager.py)."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from console.alerts.alertmanager import AlertmanagerSender, alert_json, labels, shown_url
from console.alerts.engine import AlertUpdate, Incident
from console.settings import SettingsError, load_settings
from tests.integration.sshd_testbed import wait_until

HOT = Incident(id=7, rule="gpu_temp", severity="warning", node="hg-r01n2", gpu=0,
               sector="public", org="kma", first_seen=1000.0, last_seen=1010.0, peak=91.0)
STARVED = Incident(id=8, rule="sector_starved", severity="warning", node="", gpu=None,
                   sector="interest", org="", first_seen=1000.0, last_seen=1010.0)


def test_settings_table_and_its_errors(tmp_path):
    path = tmp_path / "settings.toml"
    assert load_settings(path).alertmanager.url is None  # none unless asked for
    path.write_text('[alertmanager]\nurl = "http://am:9093/"\ntimeout = 3\n')
    am = load_settings(path).alertmanager
    assert (am.url, am.timeout_s) == ("http://am:9093", 3.0)
    path.write_text('[alertmanager]\nurl = "am:9093"\n')
    with pytest.raises(SettingsError) as e:
        load_settings(path)
    assert "settings.toml:2" in str(e.value) and "alertmanager.url" in str(e.value)
    path.write_text('[alertmanager]\nurl = "http://am:9093"\nretries = 3\n')
    with pytest.raises(SettingsError, match=r"alertmanager\.retries"):
        load_settings(path)


def test_a_pending_page_retirement_says_what_to_do_in_both_languages():
    from console.i18n.names import rule_advice, rule_name

    pending = replace(HOT, rule="retire_pending", peak=None)
    shown = alert_json(pending, 1010.0)["annotations"]
    assert shown["summary"] == "Page retirement pending on hg-r01n2 GPU 0"
    assert "Reboot or reset the GPU to retire the pages." in shown["description"]
    assert (rule_name("retire_pending", "ko"), rule_advice("retire_pending", "ko")) == (
        "페이지 폐기 대기", "페이지를 폐기하려면 GPU를 재부팅하거나 재설정하십시오.")
    assert rule_advice("gpu_temp", "en") == ""  # its name says enough
    assert "Reboot" not in alert_json(HOT, 1010.0)["annotations"]["description"]


def test_an_incident_as_an_alert():
    assert labels(HOT) == {"alertname": "gpu_temp", "rule": "gpu_temp", "severity": "warning",
                           "node": "hg-r01n2", "sector": "public", "gpu": "0"}
    assert labels(STARVED) == {"alertname": "sector_starved", "rule": "sector_starved",
                               "severity": "warning", "sector": "interest"}
    open_alert = alert_json(HOT, now=2000.0, resend_s=30.0)
    assert open_alert["startsAt"] == "1970-01-01T00:16:40.000+00:00"
    assert open_alert["endsAt"] == "1970-01-01T00:35:20.000+00:00"  # 4 resends ahead
    assert open_alert["annotations"]["summary"] == "GPU temperature on hg-r01n2 GPU 0"
    assert "Peak value 91" in open_alert["annotations"]["description"]
    closed = alert_json(replace(HOT, closed_at=1500.0), now=2000.0)
    assert closed["endsAt"] == "1970-01-01T00:25:00.000+00:00"
    assert alert_json(STARVED, 2000.0)["annotations"]["summary"] == (
        "Sector starved in the Public-interest sector")
    assert shown_url("http://u:secret@am:9093") == "http://am:9093"


class Recorder:
    """A loopback stand-in that answers 200 (or 503 while `down`) and keeps every body."""

    def __init__(self) -> None:
        self.posts: list[list[dict]] = []
        self.down = False
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if recorder.down:
                    self.send_response(503)
                else:
                    recorder.posts.append(body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def sent(self) -> list[dict]:
        return [a for post in self.posts for a in post]


@pytest.fixture
def recorder():
    r = Recorder()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_changes_posted_severity_moves_end_the_old_alert_and_a_down_receiver_catches_up(
        recorder):
    sender = AlertmanagerSender(recorder.url, timeout_s=5, resend_s=3600)
    sender.start([])
    wait_until(lambda: sender.state().up is True, 10, message="the first (empty) post")
    sender.observe(AlertUpdate(opened=(HOT,)), lambda: [HOT])
    wait_until(lambda: any(a["labels"].get("node") == "hg-r01n2" for a in recorder.sent()), 10)
    worse = replace(HOT, severity="critical", last_seen=1020.0)
    sender.observe(AlertUpdate(changed=(worse,)), lambda: [worse])
    wait_until(lambda: len(recorder.posts) >= 3, 10)
    last = {a["labels"]["severity"]: a for a in recorder.posts[-1]}
    assert last["warning"]["endsAt"] < last["critical"]["endsAt"]  # the warning one ended
    sender.observe(AlertUpdate(changed=(worse,)), lambda: [worse])  # nothing new: no post

    recorder.down = True
    closed = replace(worse, closed_at=1030.0)
    sender.observe(AlertUpdate(closed=(closed,)), lambda: [closed])
    wait_until(lambda: sender.state().up is False, 10)
    assert sender.state().pending == 1 and "503" in sender.state().problem
    before = len(recorder.posts)
    recorder.down = False
    wait_until(lambda: sender.state().up is True and sender.state().pending == 0, 20)
    delivered = recorder.posts[before]
    assert [a["labels"]["severity"] for a in delivered] == ["critical"]
    assert delivered[0]["endsAt"] == "1970-01-01T00:17:10.000+00:00"  # when it closed
    sender.stop()


def test_a_full_queue_never_blocks_and_the_next_hand_over_is_the_whole_list(recorder):
    sender = AlertmanagerSender(recorder.url, timeout_s=5, resend_s=3600)
    sender._queue.maxsize = 1  # its thread is not started: nothing takes from the queue
    sender._queue.put_nowait(None)
    sender.observe(AlertUpdate(opened=(STARVED,)), lambda: [HOT, STARVED])  # did not fit
    assert sender._lost
    sender._queue.get_nowait()
    sender.observe(AlertUpdate(), lambda: [HOT, STARVED])
    batch = sender._queue.get_nowait()
    assert batch.everything and batch.incidents == (HOT, STARVED) and not sender._lost
