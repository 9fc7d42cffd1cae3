"""The shipped systemd unit, Prometheus config and Alertmanager routes for `serve` are what the
README says, and the real tools (systemd-analyze, promtool, amtool) accept them."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys

import pytest

from console.alerts.alertmanager import labels
from console.alerts.engine import Incident
from console.commands.serve import build_parser
from tests.paths import REPO
from tests.peers import require_peer
from tests.systemd_units import unit_settings as read_unit

UNIT = REPO / "packaging" / "systemd" / "hangang-console-serve.service"
SCRAPE = REPO / "packaging" / "prometheus" / "hangang.yml"
ROUTES = REPO / "packaging" / "alertmanager" / "hangang.yml"


def unit_settings() -> dict[str, list[str]]:
    return read_unit(UNIT)


def test_the_unit_restarts_runs_as_hangang_and_keeps_state_under_var_lib():
    s = unit_settings()
    assert s["Restart"] == ["on-failure"]
    assert s["User"] == ["hangang"] and s["StateDirectory"] == ["hangang-console"]
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert hardening in s, hardening
    argv = shlex.split(s["ExecStart"][0])
    assert argv[:2] == ["/usr/bin/hangang-console", "serve"]
    args = build_parser().parse_args(argv[2:])
    assert str(args.data_dir) == "/var/lib/hangang-console"
    assert args.listen.startswith("127.0.0.1:")
    assert "hangang" in (REPO / "packaging" / "systemd" / "hangang-console.sysusers").read_text()


def test_systemd_accepts_the_unit(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        require_peer("systemd-analyze", "install systemd to verify the unit")
    # the same unit with an ExecStart that exists here (verify checks the binary)
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/usr/bin/hangang-console",
                                             f"{sys.executable} -m console.app"))
    result = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_promtool_accepts_the_scrape_config():
    promtool = shutil.which("promtool")
    if promtool is None:
        require_peer("promtool", "install Debian's prometheus (packaging/debian-packages.sh test)")
    result = subprocess.run([promtool, "check", "config", str(SCRAPE)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "127.0.0.1:9464" in SCRAPE.read_text() and "job_name: hangang" in SCRAPE.read_text()


def _amtool() -> str:
    amtool = shutil.which("amtool")
    if amtool is None:
        require_peer("amtool", "install Debian's prometheus-alertmanager "
                     "(packaging/debian-packages.sh test)")
    return amtool


def test_amtool_accepts_the_example_routes():
    result = subprocess.run([_amtool(), "check-config", str(ROUTES)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and "SUCCESS" in result.stdout, result.stdout + result.stderr


def _incident(rule: str, severity: str, node: str = "hg-r01n2", gpu: int | None = 0):
    return Incident(id=1, rule=rule, severity=severity, node=node, gpu=gpu, sector="public",
                    org="", first_seen=0.0, last_seen=0.0)


@pytest.mark.parametrize(("incident", "receivers"), [
    (_incident("gpu_temp", "critical"), "on-call-pager,operations-room"),
    (_incident("xid", "error"), "gpu-team"),
    (_incident("sector_starved", "warning", node="", gpu=None), "capacity-planners"),
    (_incident("gpu_temp", "warning"), "operations-room"),
])
def test_severity_routes_to_its_receivers(incident, receivers):
    """With the labels serve's sender gives the incident (console/alerts/alertmanager.py)."""
    given = [f"{k}={v}" for k, v in labels(incident).items()]
    result = subprocess.run([_amtool(), "config", "routes", "test", f"--config.file={ROUTES}",
                             *given], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == receivers
