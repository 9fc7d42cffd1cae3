"""The shipped monthly report timer: systemd accepts it and its service, it fires on the 1st of
each month in Seoul, and the service's own command, run as the unit runs it (no display, the
unit's environment), writes last month's PDF and CSV from a serve data directory."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.paths import REPO
from tests.peers import require_peer
from tests.systemd_units import unit_settings

SYSTEMD = REPO / "packaging" / "systemd"
SERVICE = SYSTEMD / "hangang-console-report.service"
TIMER = SYSTEMD / "hangang-console-report.timer"
SEOUL = ZoneInfo("Asia/Seoul")
INSTALLED = "/usr/bin/hangang-console"


def analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        require_peer("systemd-analyze", "install systemd to check the units")
    return found


def entry_point() -> str:
    script = Path(sys.executable).parent / "hangang-console"
    if not script.exists():
        require_peer("hangang-console", f"{script} missing: pip install -e . in the venv")
    return str(script)


def test_systemd_accepts_the_timer_and_its_service(tmp_path):
    for unit in (SERVICE, TIMER):  # verify checks ExecStart's binary exists: use one that does
        (tmp_path / unit.name).write_text(unit.read_text().replace(INSTALLED, entry_point()))
    result = subprocess.run([analyze(), "verify", str(tmp_path / TIMER.name),
                             str(tmp_path / SERVICE.name)], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    timer = unit_settings(TIMER)
    assert timer["Unit"] == [SERVICE.name] and timer["Persistent"] == ["true"]
    service = unit_settings(SERVICE)
    assert service["Type"] == ["oneshot"] and service["User"] == ["hangang"]
    assert "QT_QPA_PLATFORM=offscreen" in service["Environment"]


def test_the_timer_fires_on_the_first_of_each_month_in_seoul():
    spec = unit_settings(TIMER)["OnCalendar"][0]
    result = subprocess.run([analyze(), "calendar", "--iterations=3", spec],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "TZ": "UTC", "LC_ALL": "C"})
    assert result.returncode == 0, result.stderr
    elapses = [line.split(":", 1)[1].strip() for line in result.stdout.splitlines()
               if line.strip().startswith(("Next elapse", "Iter."))]
    assert len(elapses) == 3, result.stdout
    for text in elapses:  # "Thu 2026-12-31 21:00:00 UTC"
        _, day, clock, zone = text.split()
        assert zone == "UTC", text
        at = datetime.fromisoformat(f"{day}T{clock}+00:00").astimezone(SEOUL)
        assert (at.day, at.hour, at.minute) == (1, 6, 0), at


def test_the_services_command_writes_last_months_report_with_no_display(tmp_path):
    if shutil.which("pdftotext") is None:
        require_peer("pdftotext", "install poppler-utils (packaging/debian-packages.sh test)")
    state = tmp_path / "var-lib"
    config = tmp_path / "etc"
    config.mkdir()
    (config / "fleet.toml").write_text(
        'centre = { name = "서울 한강 AI 센터" }\n'
        '[sectors]\npublic = "40%"\ninterest = "35%"\nprivate = "25%"\n'
        '[[nodes]]\nname = "gpu01"\nsector = "public"\ngpus = 8\n', encoding="utf-8")
    # the month just ended, in Seoul: serve's history holds its last two days
    first_this_month = datetime.now(SEOUL).date().replace(day=1)
    month = (first_this_month - timedelta(days=1)).replace(day=1)
    end = datetime.combine(first_this_month, datetime.min.time(), SEOUL).timestamp() - 600
    made = subprocess.run(
        [entry_point(), "simulate", "--nodes", "6", "--days", "2", "--end", str(end),
         "--data-dir", str(state / "hangang-console")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert made.returncode == 0, made.stderr

    unit = unit_settings(SERVICE)
    argv = shlex.split(unit["ExecStart"][0])
    assert argv[0] == INSTALLED
    where = {"/var/lib/hangang-console": str(state / "hangang-console"),
             "/etc/hangang-console": str(config)}
    argv = [entry_point()] + [_moved(a, where) for a in argv[1:]]
    # no DISPLAY, no WAYLAND_DISPLAY: a timer has none; this checkout's code, not another's
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO)}
    for assignment in unit["Environment"]:
        for pair in shlex.split(assignment):
            key, value = pair.split("=", 1)
            env[key] = _moved(value, {"/var/lib": str(state), "/etc": str(tmp_path / "etc"),
                                      "/var/cache": str(tmp_path / "cache")})
    result = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr

    label = f"{month:%Y-%m}"
    pdf = state / "hangang-console" / "reports" / f"report-{label}.pdf"
    assert pdf.exists(), sorted(p.name for p in pdf.parent.iterdir())
    csv_dir = pdf.with_name(f"report-{label}-csv")
    assert any(csv_dir.glob("*.csv"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, timeout=60).stdout
    assert "서울 한강 AI 센터" in text  # the fleet file's centre, in Korean (--lang ko)
    assert f"{month.year}" in text and _last_day(month).strftime("%d") in text


def _moved(text: str, where: dict[str, str]) -> str:
    for old, new in where.items():
        text = text.replace(old, new)
    return text


def _last_day(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
