"""`report` on a real fleet (a fleet file with a [slurm] table) gives the appendix the jobs the
board learns from: sacct's last days, read as the board reads them; a sacct that cannot be read
is said on stderr and the report goes on without them. The sacct here is a real program on PATH
(tests/unit/scheduler/test_job_history.py's script), run through the console's LocalRunner."""

from __future__ import annotations

import io
import time

from console.commands import report
from console.fleet.model import Sector
from console.scheduler.sacct import FIELDS, utc_text
from tests.unit.scheduler.test_job_history import DOWN, fake_sacct

FLEET = """\
[sectors.public]
entitlement = "40%"
account = "public"
[sectors.interest]
entitlement = "35%"
[sectors.private]
entitlement = "25%"
[[nodes]]
name = "n01"
sector = "public"
[slurm]
history_days = 5
"""


def args_for(tmp_path, *extra):
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(FLEET)
    argv = ["-o", str(tmp_path / "r.pdf"), "--inventory", str(fleet), *extra]
    return report.build_parser().parse_args(argv)


def line(submit: float) -> str:
    cells = {"JobID": "7", "Account": "public", "User": "kim", "QOS": "normal",
             "Partition": "public", "AllocTRES": "cpu=1,gres/gpu=2", "Elapsed": "00:01:00",
             "Submit": utc_text(submit), "Eligible": utc_text(submit),
             "Start": utc_text(submit + 30), "End": utc_text(submit + 90), "State": "COMPLETED",
             "TimelimitRaw": "10", "ReqTRES": "cpu=1,gres/gpu=2"}
    return "|".join(cells[f] for f in FIELDS)


def test_a_real_fleets_report_reads_sacct(tmp_path, monkeypatch):
    submit = time.time() - 86400
    runner = fake_sacct(tmp_path, f"case \"$*\" in *--json*) exit 1;; esac; echo '{line(submit)}'")
    monkeypatch.setenv("PATH", runner.env["PATH"])
    history = report.job_history(args_for(tmp_path))
    assert history is not None and history.days == 5
    (job,) = history.jobs
    assert (job.sector, job.gpus, job.run_s, job.limit_s) == (Sector.PUBLIC, 2, 60.0, 600.0)
    assert report.job_history(args_for(tmp_path, "--no-slurm")) is None


def test_a_sacct_that_cannot_be_read_is_said_and_the_report_goes_on(tmp_path, monkeypatch):
    runner = fake_sacct(tmp_path, DOWN)
    monkeypatch.setenv("PATH", runner.env["PATH"])
    err = io.StringIO()
    assert report.job_history(args_for(tmp_path), err) is None
    assert "could not be read" in err.getvalue() and "Connection refused" in err.getvalue()
