"""A worker thread that asks Slurm which running job holds which GPU, every ~30 s, and hands
each answer (or the reason there is none) to a callback.

Every command goes through the Runner with a timeout, so a hung slurmctld or SSH link gives a
"could not read" state within the timeout, never a stuck thread. `--json` is tried first where
the Slurm has it and the text form kept once JSON fails, as the sacct reader does.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from console.capacity.backends.slurm_parse import ParseError
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.fleet.jobs import SchedulerJobs
from console.i18n.catalogue import Phrase, reason_of, translate
from console.scheduler.holders import read_holders

log = logging.getLogger(__name__)

THREAD_NAME = "running-jobs"
INTERVAL_S = 30.0
TIMEOUT_S = 20.0


@dataclass(frozen=True, slots=True)
class RunningRead:
    at: float  # epoch s of the attempt
    jobs: SchedulerJobs | None  # None: this read failed
    error: Phrase | None = None  # why, in words for the operator

    @property
    def ok(self) -> bool:
        return self.jobs is not None


class RunningWatch:
    def __init__(
        self,
        runner: Runner,
        on_read: Callable[[RunningRead], None],
        interval_s: float = INTERVAL_S,
        timeout_s: float = TIMEOUT_S,
        use_json: bool | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.runner = runner
        self.on_read = on_read
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self.json = use_json  # None: not decided yet
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def read_once(self) -> RunningRead:
        now = self.clock()
        try:
            return RunningRead(now, self._read(now))
        except (CommandFailed, ParseError, OSError) as e:
            why = translate("Scheduler", "Cannot read Slurm's running jobs ({where}): {why}")
            return RunningRead(now, None, why.fill(where=self.runner.where, why=reason_of(e)))

    def _read(self, now: float) -> SchedulerJobs:
        if self.json is not False:
            try:
                jobs = read_holders(self.runner, True, now, self.timeout_s)
            except (CommandFailed, ParseError):
                if self.json:  # JSON worked before: a real failure, not a missing form
                    raise
                self.json = False
            else:
                self.json = True
                return jobs
        return read_holders(self.runner, False, now, self.timeout_s)

    def start(self) -> RunningWatch:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name=THREAD_NAME, daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self.timeout_s + 5 if timeout is None else timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            read = self.read_once()
            if self._stop.is_set():
                break
            try:
                self.on_read(read)
            except Exception:  # the receiver's bug must not end the watch
                log.exception("running-jobs callback failed")
            self._stop.wait(self.interval_s)
