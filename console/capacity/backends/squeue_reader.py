"""The queue as both Slurm backends read it (nodes: slurm.py, caps: quota/slurm.py).

`squeue --json` where this Slurm has it (21.08 on, with the openapi plugin), else the fixed
`squeue -O` text format: a Slurm without the JSON output is read as text from the first miss
on. What was used is said in the backend's features (the board's "Slurm 24.11 on …" line).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from console.capacity.backends.base import BackendError
from console.capacity.backends.slurm_parse import ParseError
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.capacity.backends.slurm_squeue import (
    SQUEUE_FORMAT,
    JobInfo,
    parse_squeue_json,
    parse_squeue_text,
)
from console.i18n.catalogue import Phrase, translate

JSON_SINCE = (21, 8)  # squeue --json (openapi plugin v0.0.37)
TEXT_ARGV = ("squeue", "-h", "-t", "PENDING,RUNNING,COMPLETING,SUSPENDED,CONFIGURING",
             "-O", SQUEUE_FORMAT)


class SqueueReader:
    def __init__(self, runner: Runner, version: Callable[[], tuple[int, int, int]]) -> None:
        """`version`: the backend's slurm_version (asked once, on the first read)."""
        self.runner, self.version = runner, version
        self.json: bool | None = None  # squeue --json works; None: not tried yet

    def jobs(self) -> list[JobInfo]:
        if self.json is None:
            self.json = self.version()[:2] >= JSON_SINCE
        if self.json:
            try:
                return parse_squeue_json(self.runner.run(("squeue", "--json")))
            except (CommandFailed, ParseError):
                self.json = False  # no JSON plugin here: the text format from now on
        return parse_squeue_text(self.runner.run(TEXT_ARGV))

    def phrase(self) -> Phrase:
        """How the queue is read (one read first if none was made yet)."""
        if self.json is None:
            with contextlib.suppress(BackendError):
                self.jobs()
        if self.json:
            return translate("Slurm", "queue read with squeue --json").fill()
        return translate("Slurm", "queue read with squeue -O (no JSON output here)").fill()
