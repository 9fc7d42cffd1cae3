"""What the Slurm backend does for a recovery after a crash mid-apply (console/capacity/
recovery.py): take the interrupted apply's lock, tell which partitions a node is in, and make the
include file agree with the live partitions again. A mixin of SlurmBackend, which has the
commands, the lock directory and the include file these use."""

from __future__ import annotations

import os
import socket
import time

from console.capacity.backends.base import Conflict
from console.capacity.backends.slurm_include import WrittenFile, include_text
from console.capacity.backends.slurm_runner import CommandFailed
from console.capacity.model import Plan
from console.fleet.model import Sector
from console.i18n.catalogue import translate


class SlurmRecovery:
    def reclaim(self, plan: Plan, who: str) -> None:
        """A recovery takes the lock that `plan`'s interrupted apply left (or a free one); no
        version check: the interrupted apply changed the partitions itself. A lock of any other
        plan is a Conflict."""
        self._written = None
        if self._lock_dir is None:
            return
        owner = (
            f"plan={plan.plan_id} who={who} at={socket.gethostname()}:{os.getpid()} "
            f"since={time.strftime('%Y-%m-%d %H:%M:%S')} recovering\n"
        )
        script = ('if mkdir "$1" 2>/dev/null || grep -q "^plan=$2 " "$1/owner"; '
                  'then cat > "$1/owner"; else exit 3; fi')
        try:
            self._run("sh", "-c", script, "sh", self._lock_dir, plan.plan_id, stdin=owner)
        except CommandFailed as exc:
            raise Conflict(translate("Slurm", "another apply holds {lock} ({holder})").fill(
                lock=self._lock_dir, holder=self._lock_holder() or exc.stderr)) from exc

    def sectors_of(self, node: str) -> set[Sector]:
        """Every one of our partitions `node` is in (a crash between the two partition updates
        of a move leaves it in both)."""
        members = self._members(self._partition_infos())
        return {s for s, names in members.items() if node in names}

    def settle(self) -> None:
        """Make the include file say what Slurm runs now (after a recovery: a crash between a
        partition update and the file's rewrite leaves them apart). Writes only if they differ."""
        if self.include_file is None:
            return
        infos = self._partition_infos()
        lists = {s: self.compress(v) for s, v in self._members(infos).items()}
        old = self.runner.read_file(self.include_file) or ""
        text = include_text(old, infos, lists, self.partitions, self.clock(), self.keep_versions)

        def settings(t: str) -> list[str]:
            return [ln for ln in t.splitlines() if not ln.startswith("# hangang-console")]

        if settings(text) != settings(old):
            self.runner.write_file(self.include_file, text, self.keep_versions)
            self._written = WrittenFile(self.include_file, text, self.clock(), self.runner.where)
