"""Running sacct where Slurm is (here or over SSH) and reading what it prints: --json where this
Slurm has it, the -P text where not, decided on the first call and kept."""

from __future__ import annotations

from console.capacity.backends.slurm_parse import ParseError, version_tuple
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.i18n.catalogue import Phrase, translate
from console.scheduler.sacct import (
    JobRecord,
    SacctError,
    parse_sacct_json,
    parse_sacct_text,
    sacct_argv,
)

SACCT_TIMEOUT_S = 120.0  # a month of a busy centre is a large answer


class SacctReader:
    def __init__(self, runner: Runner, timeout: float = SACCT_TIMEOUT_S) -> None:
        self.runner = runner
        self.timeout = timeout  # per sacct call
        self.json: bool | None = None  # None: not tried yet
        self.version: tuple[int, int, int] | None = None  # sacct's, once jobs() has run

    def jobs(self, t0: float, t1: float) -> list[JobRecord]:
        """Every job allocation that existed in [t0, t1). Raises CommandFailed (slurmdbd down,
        no sacct) or SacctError (output it cannot read)."""
        if self.version is None:
            try:
                self.version = version_tuple(self.runner.run(["sacct", "--version"]))
            except ParseError:
                self.version = (0, 0, 0)  # said nothing we know: the output tells the rest
        if self.json is not False:
            try:
                found = parse_sacct_json(self.runner.run(sacct_argv(t0, t1, True),
                                                         timeout=self.timeout))
            except (CommandFailed, SacctError):
                if self.json:  # it worked before: this is a real failure, not a missing form
                    raise
                self.json = False
            else:
                self.json = True
                return found
        return parse_sacct_text(self.runner.run(sacct_argv(t0, t1, False),
                                                timeout=self.timeout))

    def how(self) -> Phrase:
        v = self.version or (0, 0, 0)
        version = f"{v[0]}.{v[1]:02d}.{v[2]}"
        if self.json:
            return translate("Sacct", "Slurm {version}, read with sacct --json on {where}").fill(
                version=version, where=self.runner.where)
        return translate("Sacct", "Slurm {version}, read with sacct -P on {where}").fill(
            version=version, where=self.runner.where)
