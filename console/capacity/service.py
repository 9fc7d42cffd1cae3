"""The one way into capacity: read, plan, preview, apply, undo — with the role check here.

The board, the CLI and tests all call this, so a viewer or the kiosk is refused by the core
whatever the widgets show, and every apply is validated, claimed against its version, run as one
transaction and written to the audit log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from console.access import AccessPolicy, Action
from console.capacity.apply import (
    DEFAULT_DRAIN_TIMEOUT_S,
    DEFAULT_POLL_S,
    Applier,
    ApplyOutcome,
    StepEvent,
)
from console.capacity.audit import AuditEntry, AuditLog
from console.capacity.backends.base import Backend, Conflict
from console.capacity.crash_guard import CrashGuard
from console.capacity.journal import ApplyJournal, JournalRun
from console.capacity.model import (
    ClusterState,
    Entitlement,
    Move,
    NodeRecord,
    Plan,
    SectorFigures,
    sector_figures,
)
from console.capacity.plan_body import plan_body, plan_from_body
from console.capacity.planner import PlanDraft, Recommendation, plan_for_targets, recommend
from console.capacity.recovery import (
    CHOICES,
    JournaledBackend,
    UnfinishedApply,
    journaled_progress,
    run_recovery,
)
from console.capacity.validation import (
    Code,
    Problem,
    Severity,
    allocated_after,
    blocking,
    validate,
)
from console.fleet.model import Sector
from console.i18n.catalogue import translate


class PlanRejected(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.en for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Preview:
    plan: Plan
    before: Mapping[Sector, SectorFigures]
    after: Mapping[Sector, int]  # GPUs allocated after the plan
    drains: tuple[NodeRecord, ...]  # moving nodes with work on them: they drain first
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not blocking(list(self.problems))


@dataclass(frozen=True, slots=True)
class ApplyResult:
    outcome: ApplyOutcome
    entry: AuditEntry


class CapacityService(CrashGuard):
    # where the what-if reads each sector's past jobs (console/whatif/effect.py HistorySource);
    # set by the setup that knows the fleet (the demo's synthetic history, later sacct)
    job_history = None

    def __init__(
        self,
        backend: Backend,
        entitlements: Mapping[Sector, Entitlement],
        policy: AccessPolicy,
        audit: AuditLog,
        poll_s: float = DEFAULT_POLL_S,
        drain_timeout_s: float = DEFAULT_DRAIN_TIMEOUT_S,
        journal: ApplyJournal | None = None,
    ) -> None:
        self.backend = backend
        self.entitlements = dict(entitlements)
        self.policy = policy
        self.audit = audit
        self.poll_s = poll_s
        self.drain_timeout_s = drain_timeout_s
        self.journal = journal  # None: an apply cut short by a crash is not found again

    # -- reading and planning (anyone) ------------------------------------------------------

    def state(self) -> ClusterState:
        return self.backend.read()

    def figures(self, state: ClusterState) -> dict[Sector, SectorFigures]:
        return sector_figures(state, self.entitlements)

    def plan_targets(
        self, targets: Mapping[Sector, int | None], state: ClusterState | None = None
    ) -> PlanDraft:
        return plan_for_targets(state or self.state(), targets, self.entitlements)

    def plan_moves(self, moves: Iterable[tuple[str, Sector]], state: ClusterState) -> Plan:
        """A plan from hand-picked moves (the board's drags): node → target sector."""
        out = []
        for node, target in moves:
            target = Sector(target)
            rec = state.nodes.get(node)
            source = rec.sector if rec else target
            out.append(Move(node, source, target, rec.gpus if rec else 0))
        return Plan(tuple(out), state.version)

    def recommendations(self, state: ClusterState | None = None) -> list[Recommendation]:
        return recommend(state or self.state(), self.entitlements)

    def preview(self, plan: Plan, state: ClusterState | None = None) -> Preview:
        state = state or self.state()
        after = allocated_after(plan, state)
        drains = tuple(
            state.nodes[m.node]
            for m in plan.moves
            if m.node in state.nodes and not state.nodes[m.node].idle
        )
        problems = tuple(validate(plan, state, self.entitlements))
        return Preview(plan, self.figures(state), after, drains, problems)

    # -- writing (operators only) -----------------------------------------------------------

    def apply(
        self,
        plan: Plan,
        reason: str,
        progress: Callable[[StepEvent], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ApplyResult:
        self.policy.require(self.policy_action(plan))
        return self._apply(plan, reason, progress, cancel)

    @staticmethod
    def policy_action(plan: Plan) -> Action:
        return Action.REBALANCE_UNDO if plan.undoes else Action.REBALANCE_APPLY

    def undo(
        self,
        plan_id: str,
        reason: str,
        progress: Callable[[StepEvent], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ApplyResult:
        """Apply the inverse of an applied plan (drain-first too), against the allocation now."""
        self.policy.require(Action.REBALANCE_UNDO)
        return self._apply(self.inverse_of(plan_id), reason, progress, cancel)

    def inverse_of(self, plan_id: str, state: ClusterState | None = None) -> Plan:
        entry = self.audit.entry_for_plan(plan_id)
        if entry is None or entry.action != "apply" or entry.result != "applied":
            raise PlanRejected(
                [
                    Problem(
                        Code.NOT_APPLIED,
                        Severity.ERROR,
                        translate("Capacity", "No applied plan {plan} in the audit log.").fill(
                            plan=plan_id
                        ),
                    )
                ]
            )
        done = [
            e
            for e in self.audit.entries()
            if e.body.get("plan", {}).get("undoes") == plan_id and e.result == "applied"
        ]
        if done:
            raise PlanRejected(
                [
                    Problem(
                        Code.NOT_APPLIED,
                        Severity.ERROR,
                        translate("Capacity", "Plan {plan} was already undone (entry {entry}).")
                        .fill(plan=plan_id, entry=done[-1].id),
                    )
                ]
            )
        state = state or self.state()
        original = plan_from_body(entry.body["plan"])
        return original.inverse(state.version)

    def _apply(self, plan, reason, progress, cancel) -> ApplyResult:
        if not reason.strip():
            raise PlanRejected(
                [
                    Problem(
                        Code.NO_REASON,
                        Severity.ERROR,
                        translate("Capacity", "A reason is required.").fill(),
                    )
                ]
            )
        state = self.state()
        problems = blocking(validate(plan, state, self.entitlements))
        if problems:
            # a stale plan is a conflict whatever else it breaks now: those problems come from
            # the other apply, and planning again is the answer to both
            stale = [p for p in problems if p.code == Code.STALE_VERSION]
            if stale:
                raise Conflict(stale[0].en)
            raise PlanRejected(problems)
        self._refuse_if_interrupted()
        who = self.policy.identity.user
        backend, progress = self._journaled(plan, progress)
        if self.journal is not None:  # on disk before the claim, so a crash after it is found
            self.journal.begin(plan, user=who, role=self.policy.role.value,
                               action="undo" if plan.undoes else "apply", reason=reason.strip(),
                               backend=self.backend.name, before=state.allocation(),
                               version_before=state.version)
        try:
            self.backend.claim(plan, who)
        except BaseException:
            if self.journal is not None:
                self.journal.end(plan.plan_id)  # refused: nothing was done
            raise
        try:
            outcome = Applier(backend, self.poll_s, self.drain_timeout_s).run(
                plan, progress, cancel
            )
        finally:
            self.backend.release(plan)
        after = self.state().allocation()
        body = {
            "plan": plan_body(plan),
            "steps": [e.as_dict() for e in outcome.events],
            "before": {n: s.value for n, s in sorted(state.allocation().items())},
            "after": {n: s.value for n, s in sorted(after.items())},
            "result": outcome.result,
            "error": outcome.error,
            "backend": self.backend.name,
            "version_before": state.version,
        }
        # what a backend wrote to make the apply last (Slurm: the partition include file)
        last_written = getattr(self.backend, "last_written", None)
        written = last_written() if callable(last_written) else None
        if written is not None:
            body["written"] = written.as_dict()
        entry = self.audit.append(
            t=time.time(),
            user=who,
            role=self.policy.role.value,
            action="undo" if plan.undoes else "apply",
            plan_id=plan.plan_id,
            reason=reason.strip(),
            body=body,
        )
        if self.journal is not None:
            self.journal.end(plan.plan_id)
        return ApplyResult(outcome, entry)

    # -- after a crash (journal) ------------------------------------------------------------

    def _journaled(self, plan: Plan, progress):
        if self.journal is None:
            return self.backend, progress
        return (JournaledBackend(self.backend, self.journal, plan.plan_id),
                journaled_progress(self.journal, plan.plan_id, progress))

    def interrupted(self) -> list[JournalRun]:
        """Applies a crash cut short (their process is gone, their audit entry never came),
        oldest first. Anyone may ask; only operators may finish or roll one back."""
        return self._cut_short()

    def _is_outcome(self, entry: AuditEntry) -> bool:
        return entry.action != "interrupted"  # the crash's own entry ends nothing

    def _unfinished_error(self, run: JournalRun) -> Exception:
        return UnfinishedApply(run)

    def recover(
        self,
        plan_id: str,
        choice: str,
        reason: str = "",
        progress: Callable[[StepEvent], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ApplyResult:
        """Finish or roll back the interrupted apply of `plan_id`, on the operator's word. The
        audit log gets the crash (once) and then the outcome; the lock is released."""
        self.policy.require(Action.REBALANCE_RECOVER)
        if choice not in CHOICES:
            raise ValueError(f"choose one of {', '.join(CHOICES)}, not {choice!r}")
        run = next((r for r in self.interrupted() if r.plan.plan_id == plan_id), None)
        if run is None:
            none = translate("Recovery", "No interrupted apply of plan {plan}.")
            raise PlanRejected([Problem(Code.NOT_APPLIED, Severity.ERROR, none.fill(plan=plan_id))])
        outcome, entry = run_recovery(self, run, choice, reason, progress, cancel)
        return ApplyResult(outcome, entry)
