"""`hangang-console prometheus-rules`: Prometheus's own promtool accepts the printed rules, and a
real Prometheus that loads them while scraping a real `serve --demo 8` records the sector and
organisation series, equal to what serve exports."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from console.commands.prometheus_rules import SERIES
from console.room import names as n
from tests.integration.prometheus_testbed import PrometheusTestbed
from tests.integration.serve_process import ServeProcess
from tests.paths import REPO
from tests.peers import require_peer


def printed_rules(tmp_path, *args: str):
    out = subprocess.run([sys.executable, "-m", "console.app", "prometheus-rules", *args],
                         cwd=REPO, capture_output=True, text=True, check=True, timeout=60)
    path = tmp_path / "hangang-rules.yml"
    path.write_text(out.stdout, encoding="utf-8")
    return path


def test_promtool_accepts_the_printed_rules(tmp_path):
    if shutil.which("promtool") is None:
        require_peer("promtool", "ships with Debian's prometheus (packaging/debian-packages.sh)")
    path = printed_rules(tmp_path)
    check = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"SUCCESS: {len(SERIES)} rules found" in check.stdout
    assert "interval: 1m" in path.read_text()
    assert "hangang:sector_gpus_used:avg1m" in path.read_text()


def test_a_bad_interval_is_refused():
    out = subprocess.run([sys.executable, "-m", "console.app", "prometheus-rules", "--interval",
                          "soon"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and "a Prometheus duration" in out.stderr


@pytest.fixture
def room(tmp_path):
    made = []
    serve = ServeProcess(tmp_path / "serve", ["--demo", "8"])
    made.append(serve)
    serve.start()
    # evaluated every second here (1m in the printed default) so the test needs no minute
    prom = PrometheusTestbed(tmp_path, interval_s=1.0,
                             jobs={"hangang": [f"127.0.0.1:{serve.port}"]},
                             rule_files=[printed_rules(tmp_path, "--interval", "1s")])
    made.append(prom)
    yield serve, prom.start()
    for thing in reversed(made):
        thing.stop()


def test_prometheus_records_the_sector_and_organisation_series(room):
    _, prom = room
    prom.wait_up("hangang")
    sectors = prom.wait_for("hangang:sector_gpus_used:avg1m", count=3)
    assert {r["metric"]["sector"] for r in sectors} == {"public", "interest", "private"}
    assert all("instance" not in r["metric"] for r in sectors)  # summed over serve's targets
    allocated = prom.wait_for("hangang:sector_gpus_allocated:avg1m", count=3)
    # the demo's 8 nodes of 8 GPUs never move in this test: the minute's mean is the count
    assert sum(float(r["value"][1]) for r in allocated) == 64
    orgs = prom.wait_for('hangang:org_gpus_busy:avg1m{organisation!=""}', count=3)
    assert {r["metric"]["sector"] for r in orgs} == {"public", "interest", "private"}
    by_org = prom.wait_for("hangang:org_gpus_allocated:avg1m", count=8)
    assert sum(float(r["value"][1]) for r in by_org) == 64
    assert prom.value(f"sum({n.ORG_ALLOCATED})") == 64
