"""Reconciling Slurm's accounts with the fleet file: read, diff, and — on an operator's word and
with a reason — run the diff's commands in order, stopping at the first that fails, recorded in
the capacity audit log (action "accounts-reconcile") with the diff and each command's result.

The diff applied is the one read just before applying, so what the log says was run is what
was run against the tree as it stood; re-reading afterwards gives the diff still left (empty when
every command succeeded).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from console.access import AccessPolicy, Action
from console.capacity.audit import AuditEntry, AuditLog
from console.capacity.backends.slurm_runner import CommandFailed, Runner
from console.i18n.catalogue import translate
from console.inventory.model import Inventory
from console.scheduler.associations import (
    SACCTMGR_TIMEOUT_S,
    AssocError,
    AssocReader,
    AssocTree,
)
from console.scheduler.reconcile import Diff, fleet_diff

ACTION = "accounts-reconcile"


class ReasonRequired(ValueError):
    def __init__(self) -> None:
        super().__init__(translate(
            "Accounts", "a reason is required to change Slurm's accounts").fill())


@dataclass(frozen=True, slots=True)
class StepResult:
    argv: tuple[str, ...]
    ok: bool
    output: str  # sacctmgr's words on success, its error on failure

    def as_dict(self) -> dict:
        return {"argv": list(self.argv), "ok": self.ok, "output": self.output}


@dataclass(frozen=True, slots=True)
class ReconcileResult:
    diff: Diff  # what was applied
    steps: tuple[StepResult, ...]
    entry: AuditEntry | None  # None: nothing to apply, nothing written
    after: Diff  # what is left, read again

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps) and len(self.steps) == len(self.diff.changes)


class AccountsReconciler:
    def __init__(self, runner: Runner, inventory: Inventory, policy: AccessPolicy,
                 audit: AuditLog, cluster: str | None = None) -> None:
        self.runner = runner
        self.inventory = inventory
        self.policy = policy
        self.audit = audit
        self.reader = AssocReader(runner, cluster)

    def tree(self) -> AssocTree:
        return self.reader.read()

    def diff(self, remove_unmanaged: bool = False, tree: AssocTree | None = None) -> Diff:
        return fleet_diff(self.inventory, tree or self.tree(), remove_unmanaged)

    def can_apply(self) -> bool:
        return self.policy.allows(Action.ACCOUNTS_RECONCILE)

    def apply(self, reason: str, remove_unmanaged: bool = False) -> ReconcileResult:
        """Raises AccessDenied (not an operator), ReasonRequired, AssocError (Slurm unreadable
        before anything ran)."""
        self.policy.require(Action.ACCOUNTS_RECONCILE)
        if not reason.strip():
            raise ReasonRequired()
        todo = self.diff(remove_unmanaged)
        if todo.empty:
            return ReconcileResult(todo, (), None, todo)
        steps: list[StepResult] = []
        for change in todo.changes:
            try:
                out = self.runner.run(change.argv, timeout=SACCTMGR_TIMEOUT_S)
            except CommandFailed as exc:
                steps.append(StepResult(change.argv, False, exc.stderr or str(exc)))
                break
            steps.append(StepResult(change.argv, True, out.strip()))
        failed = any(not s.ok for s in steps)
        body = {"kind": "accounts", "diff": todo.as_dict(),
                "results": [s.as_dict() for s in steps],
                "result": "failed" if failed else "applied"}
        entry = self.audit.append(t=time.time(), user=self.policy.identity.user,
                                  role=self.policy.role.value, action=ACTION,
                                  plan_id=uuid.uuid4().hex[:12], reason=reason, body=body)
        try:
            after = self.diff(remove_unmanaged)
        except AssocError:  # recorded above; what is left is unknown until Slurm answers
            after = todo
        return ReconcileResult(todo, tuple(steps), entry, after)


@dataclass(frozen=True, slots=True)
class AccountsRead:
    """One read for a view: the tree, the diff the fleet file implies, and how it was read."""

    tree: AssocTree
    diff: Diff
    how: str  # a Phrase: render with .into(lang)


def read_accounts(runner: Runner, inventory: Inventory, cluster: str | None = None
                  ) -> AccountsRead:
    """Read-only (no policy, no audit): what the GUI shows. Raises AssocError."""
    reader = AssocReader(runner, cluster)
    tree = reader.read()
    return AccountsRead(tree, fleet_diff(inventory, tree), reader.how())


def fleet_accounts_reader(inventory: Inventory):
    """A callable reading the fleet's Slurm (its [slurm] controller) afresh on each call."""
    from console.capacity.backends.slurm_setup import slurm_options_for, slurm_runner

    def read() -> AccountsRead:
        runner = slurm_runner(slurm_options_for(inventory))
        try:
            return read_accounts(runner, inventory)
        finally:
            runner.close()

    return read
