"""`serve --alertmanager URL` against a real Alertmanager (Debian's 0.25): one alert per
incident with the incident's labels, resolved when the incident closes; an Alertmanager that is
down is shown as down, the incidents wait and arrive when it is back (also after a restart)."""

from __future__ import annotations

import math

import pytest

from console.alerts.incidents import incidents_path, read_incidents
from console.alerts.rules import RULES
from console.room import names as n
from tests.integration.alertmanager_testbed import AlertmanagerTestbed
from tests.integration.serve_process import ServeProcess
from tests.integration.sshd_testbed import wait_until

LABELS = ("alertname", "rule", "severity", "node", "sector", "gpu")


def fast_settings(path):
    """Every rule fires at once and clears 2 s after its condition went: the test's pace."""
    rules = "".join(f"[alerts.{r}]\nfire_after_s = 0\nclear_after_s = 2\n" for r in RULES)
    path.write_text(rules, encoding="utf-8")
    return path


def incident_labels(serve: ServeProcess, open_only: bool = True) -> list[tuple]:
    """The labels each incident in serve's store should have in the Alertmanager, sorted."""
    df = read_incidents(incidents_path(serve.data_dir), 0.0, math.inf)
    out = []
    for r in df.itertuples():
        if open_only and not math.isnan(r.closed_at):
            continue
        labels = {"alertname": r.rule, "rule": r.rule, "severity": r.severity,
                  "node": r.node or None, "sector": r.sector,
                  "gpu": None if math.isnan(r.gpu) else str(int(r.gpu))}
        out.append(tuple(labels[k] for k in LABELS))
    return sorted(out)


def alert_labels(am: AlertmanagerTestbed) -> list[tuple]:
    return sorted(tuple(a["labels"].get(k) for k in LABELS) for a in am.alerts())


def agree(serve: ServeProcess, am: AlertmanagerTestbed):
    """The store's open incidents and the Alertmanager's alerts, when they are the same."""
    try:
        want, got = incident_labels(serve), alert_labels(am)
    except OSError:
        return None
    return want if want and want == got else None


def metric(serve: ServeProcess, name: str) -> float | None:
    fams = serve.families()
    return fams[name].samples[0].value if name in fams and fams[name].samples else None


@pytest.fixture
def room(tmp_path):
    made: list = []

    def start(am: AlertmanagerTestbed, faults_on: float, up: bool = True) -> ServeProcess:
        if up:
            made.append(am.start())
        else:
            made.append(am)
        serve = ServeProcess(tmp_path / "serve", ["--demo", "8", "--scenario", "faults"], [
            "--faults-on", str(faults_on), "--settings", str(fast_settings(tmp_path / "s.toml")),
            "--alertmanager", am.url])
        made.append(serve)
        return serve.start()

    yield start
    for part in reversed(made):
        part.stop()


def test_one_alert_per_incident_resolved_when_it_clears(tmp_path, room):
    am = AlertmanagerTestbed(tmp_path)
    serve = room(am, faults_on=40.0)
    expected = {"gpu_temp", "node_unreachable", "xid"}

    def all_filed():
        # the faults' rules open one after another: wait until these have, and the
        # Alertmanager holds exactly the open incidents
        found = agree(serve, am)
        return found if found and expected <= {a[1] for a in found} else None

    alerts = wait_until(all_filed, 60, interval=0.25,
                        message="the Alertmanager's alerts never matched the open incidents")
    rules = {a[1] for a in alerts}
    assert expected <= rules, rules
    assert len(alerts) == len(set(alerts))  # one alert per incident, no second copy
    hot = [a for a in am.alerts() if a["labels"]["rule"] == "gpu_temp"]
    assert hot[0]["labels"]["gpu"] == "0" and hot[0]["labels"]["sector"] == "public"
    assert hot[0]["labels"]["node"] in hot[0]["annotations"]["summary"]
    assert hot[0]["annotations"]["summary"].startswith("GPU temperature on ")
    assert serve.health()[1]["alertmanager"]["up"] is True
    assert metric(serve, n.ALERTMANAGER_UP) == 1.0

    # the faults go away: each incident closes and its alert ends with it
    def resolved():
        gone = set(incident_labels(serve, open_only=False)) - set(incident_labels(serve))
        return gone and not gone & set(alert_labels(am)) and "gpu_temp" in {g[1] for g in gone}

    wait_until(resolved, 60, interval=0.25, message="closed incidents still alerting")
    assert alert_labels(am) == incident_labels(serve)


def test_down_alertmanager_keeps_alerts_and_delivers_them_when_back(tmp_path, room):
    am = AlertmanagerTestbed(tmp_path)
    serve = room(am, faults_on=3600.0, up=False)  # started before its Alertmanager
    wait_until(lambda: incident_labels(serve) and metric(serve, n.ALERTMANAGER_UP) == 0.0, 40,
               interval=0.25, message="serve never showed its Alertmanager down")
    facts = serve.health()[1]
    assert facts["status"] == "ok"  # collection is fine; only the receiver is away
    assert facts["alertmanager"]["up"] is False and facts["alertmanager"]["problem"]
    assert metric(serve, n.ALERTMANAGER_PENDING) > 0

    am.start()
    wait_until(lambda: agree(serve, am), 60, interval=0.25,
               message="incidents kept while it was down never arrived")
    wait_until(lambda: metric(serve, n.ALERTMANAGER_UP) == 1.0, 20, interval=0.25)

    am.stop()  # a restarted Alertmanager comes back empty: serve sends them again
    wait_until(lambda: metric(serve, n.ALERTMANAGER_UP) == 0.0, 90, interval=0.5,
               message="serve never noticed its Alertmanager stopped")
    am.start()
    wait_until(lambda: agree(serve, am), 60, interval=0.25,
               message="the alerts never came back after the Alertmanager restarted")
    assert "cannot be reached" in serve.log()
