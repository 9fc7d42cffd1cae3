"""What both capacity services do with their journal after a crash (CapacityService, QuotaService).

A run still in the journal whose process is gone was cut short, unless its audit entry was
written (a crash after the entry, before the journal forgot the run, leaves nothing to recover).
While one waits, no other apply starts. A service says which audit entries end a run of its own
and which error refuses an apply meanwhile.
"""

from __future__ import annotations

from console.capacity.audit import AuditEntry


class CrashGuard:
    """Mixed into a service that has `journal` (a RunJournal or None) and `audit` (an AuditLog)."""

    def _is_outcome(self, entry: AuditEntry) -> bool:
        """Does `entry` (of the run's plan) say how the run ended?"""
        raise NotImplementedError

    def _unfinished_error(self, run) -> Exception:
        raise NotImplementedError

    def _cut_short(self) -> list:
        """Runs a crash cut short (process gone, no audit entry), oldest first."""
        if self.journal is None:
            return []
        return [r for r in self.journal.interrupted() if self._outcome_entry(r) is None]

    def _outcome_entry(self, run) -> AuditEntry | None:
        for entry in reversed(self.audit.entries(t0=run.started)):
            if entry.plan_id == run.plan.plan_id and self._is_outcome(entry):
                return entry
        return None

    def _refuse_if_interrupted(self) -> None:
        if self.journal is None:
            return
        for run in self.journal.interrupted():
            if self._outcome_entry(run) is None:
                raise self._unfinished_error(run)
            self.journal.end(run.plan.plan_id)  # it ended in the audit log: forget it here too
