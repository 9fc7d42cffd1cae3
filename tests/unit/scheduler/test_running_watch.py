"""The running-jobs watch's choices, with an `scontrol` on PATH that answers with the captures
of the real 24.11 and 22.05 controllers (this directory): JSON where it works, text once JSON
fails, a failure after JSON has worked is a failed read (not a silent switch), and the thread
hands every read to its callback and stops when asked."""

from __future__ import annotations

import os
import queue
import stat
from pathlib import Path

from console.capacity.backends.slurm_runner import LocalRunner
from console.scheduler.running_watch import RunningWatch

HERE = Path(__file__).parent


def fake_scontrol(tmp_path: Path, json_file: str | None, text_file: str) -> dict[str, str]:
    """An scontrol printing `json_file` for --json (exit 1 without one), `text_file` else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    tool = bin_dir / "scontrol"
    json_part = (
        f'cat "{HERE / json_file}"' if json_file else 'echo "invalid option --json" >&2; exit 1'
    )
    tool.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do [ "$a" = --json ] && { ' + json_part + "; exit 0; }; done\n"
        f'[ -e "{tmp_path}/down" ] && {{ echo "slurm_load_jobs error: Unable to contact" >&2; '
        "exit 1; }\n"
        f'cat "{HERE / text_file}"\n'
    )
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    return {"PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_json_where_the_controller_has_it(tmp_path):
    env = fake_scontrol(tmp_path, "scontrol-job-d-24.11.json", "scontrol-job-d-24.11.txt")
    watch = RunningWatch(LocalRunner(env), lambda r: None, clock=lambda: 42.0)
    read = watch.read_once()
    assert read.ok and watch.json is True and read.at == 42.0
    assert read.jobs.holders[("n03", 2)] == "3"


def test_text_once_json_fails_and_a_later_failure_is_reported(tmp_path):
    env = fake_scontrol(tmp_path, None, "scontrol-job-d-22.05.txt")
    watch = RunningWatch(LocalRunner(env), lambda r: None)
    assert watch.read_once().ok and watch.json is False
    (tmp_path / "down").touch()
    read = watch.read_once()
    assert not read.ok and "Unable to contact" in read.error


def test_the_thread_reads_until_stopped(tmp_path):
    env = fake_scontrol(tmp_path, None, "scontrol-job-d-22.05-typed.txt")
    reads: queue.Queue = queue.Queue()
    watch = RunningWatch(LocalRunner(env), reads.put, interval_s=0.05).start()
    try:
        first, second = reads.get(timeout=10), reads.get(timeout=10)
    finally:
        watch.stop()
    assert first.ok and second.ok and sorted(second.jobs.jobs) == ["2", "3", "4", "5_1", "5_2"]
