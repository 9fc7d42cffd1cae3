"""The one way into quota mode: read, plan, preview, apply, undo, recover — role check here.

The board, the CLI and tests all call this, so a viewer or the kiosk is refused by the core
whatever the widgets show. Every apply is validated against the caps read now, journaled before
any QOS is touched, set through the backend against the version it was planned on (a change by
someone else in between is a Conflict), and written to the same hash-chained audit log as node
moves, as "quota-apply" / "quota-undo".
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from console.access import AccessPolicy, Action
from console.capacity.audit import AuditEntry, AuditLog
from console.capacity.backends.base import BackendError, Conflict
from console.capacity.crash_guard import CrashGuard
from console.capacity.model import Entitlement
from console.capacity.quota.journal import (
    QuotaJournal,
    QuotaRun,
    caps_body,
    quota_plan_body,
    quota_plan_from_body,
)
from console.capacity.quota.model import QuotaBackend, QuotaPlan, QuotaState, move_cap
from console.capacity.quota.outcome import (
    ACTIONS,
    APPLIED,
    APPLY,
    FAILED,
    ROLLED_BACK,
    UNDO,
    QuotaApplyResult,
)
from console.capacity.quota.recovery import run_recovery
from console.capacity.quota.validation import validate_quota
from console.capacity.service import PlanRejected
from console.capacity.validation import Code, Problem, Severity, blocking
from console.fleet.model import SECTORS, Sector
from console.i18n.catalogue import translate


class UnfinishedQuotaApply(Conflict):
    """A cap apply was interrupted: no new one until it is finished or rolled back."""

    def __init__(self, run: QuotaRun) -> None:
        super().__init__(
            translate(
                "QuotaService",
                "A cap apply was interrupted: plan {plan} by {user} ({reason}). Finish it or roll "
                "it back first (rebalance --mode quota --recover finish|rollback).",
            ).fill(plan=run.plan.plan_id, user=run.user, reason=run.reason)
        )
        self.run = run


@dataclass(frozen=True, slots=True)
class QuotaPreview:
    plan: QuotaPlan
    state: QuotaState
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not blocking(list(self.problems))


def _rejected(code: Code, message) -> PlanRejected:
    return PlanRejected([Problem(code, Severity.ERROR, message)])


class QuotaService(CrashGuard):
    # where the what-if reads each sector's past jobs (console/whatif/effect.py HistorySource);
    # None: no prediction (the board and `--dry-run` say so). The demo sets its synthetic one.
    job_history = None

    def __init__(
        self,
        backend: QuotaBackend,
        entitlements: Mapping[Sector, Entitlement],
        policy: AccessPolicy,
        audit: AuditLog,
        journal: QuotaJournal | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.backend = backend
        self.entitlements = dict(entitlements)
        self.policy = policy
        self.audit = audit
        self.journal = journal  # None: an apply cut short by a crash is not found again
        self.clock = clock

    # -- reading and planning (anyone) ------------------------------------------------------

    def read(self) -> QuotaState:
        return self.backend.read()

    def plan(
        self,
        targets: Mapping[Sector, int],
        state: QuotaState | None = None,
        override: bool = False,
        justification: str = "",
    ) -> QuotaPlan:
        """New caps for the sectors named in `targets`, against the caps read now."""
        state = state or self.read()
        before = state.caps()
        after = {Sector(s): int(c) for s, c in targets.items() if int(c) != before.get(Sector(s))}
        return QuotaPlan(
            before, after, state.version, override=override, justification=justification.strip()
        )

    def plan_move(
        self,
        source: Sector,
        target: Sector,
        gpus: int,
        state: QuotaState | None = None,
        override: bool = False,
        justification: str = "",
    ) -> QuotaPlan:
        """Move `gpus` of cap from `source` to `target` (a board drop, `--move-cap`)."""
        state = state or self.read()
        try:
            targets = move_cap(state.caps(), Sector(source), Sector(target), gpus)
        except ValueError as exc:
            raise _rejected(
                Code.BAD_CAP, translate("QuotaService", "{error}").fill(error=str(exc))
            ) from None
        return self.plan(targets, state, override, justification)

    def preview(self, plan: QuotaPlan, state: QuotaState | None = None) -> QuotaPreview:
        state = state or self.read()
        return QuotaPreview(plan, state, tuple(validate_quota(plan, state, self.entitlements)))

    def can_change(self) -> bool:
        return self.policy.allows(Action.REBALANCE_APPLY)

    # -- writing (operators only) -----------------------------------------------------------

    def apply(self, plan: QuotaPlan, who: str | None = None, reason: str = "") -> QuotaApplyResult:
        self.policy.require(Action.REBALANCE_UNDO if plan.undoes else Action.REBALANCE_APPLY)
        return self._apply(plan, who, reason)

    def undo(
        self,
        plan_id: str,
        who: str | None = None,
        reason: str = "",
        override: bool = False,
        justification: str = "",
    ) -> QuotaApplyResult:
        """Put back the caps an applied plan replaced, against the caps now (below what a
        sector runs by then only with an override and a justification)."""
        self.policy.require(Action.REBALANCE_UNDO)
        plan = self.inverse_of(plan_id)
        if override:
            plan = dataclasses.replace(plan, override=True, justification=justification.strip())
        return self._apply(plan, who, reason)

    def inverse_of(self, plan_id: str, state: QuotaState | None = None) -> QuotaPlan:
        entry = self.audit.entry_for_plan(plan_id)
        if entry is None or entry.action != APPLY or entry.result != APPLIED:
            raise _rejected(
                Code.NOT_APPLIED,
                translate("QuotaService", "No applied cap plan {plan} in the audit log.").fill(
                    plan=plan_id
                ),
            )
        done = [
            e
            for e in self.audit.entries()
            if e.action == UNDO
            and e.result == APPLIED
            and e.body.get("plan", {}).get("undoes") == plan_id
        ]
        if done:
            raise _rejected(
                Code.NOT_APPLIED,
                translate(
                    "QuotaService", "Cap plan {plan} was already undone (entry {entry})."
                ).fill(plan=plan_id, entry=done[-1].id),
            )
        original = quota_plan_from_body(entry.body["plan"])
        back = {s: before for s, before, _ in original.changes() if before is not None}
        plan = self.plan(back, state, original.override, original.justification)
        return dataclasses.replace(plan, undoes=plan_id)

    def _apply(self, plan: QuotaPlan, who: str | None, reason: str) -> QuotaApplyResult:
        t0 = time.monotonic()
        if not reason.strip():
            raise _rejected(
                Code.NO_REASON, translate("QuotaService", "A reason is required.").fill()
            )
        who = who or self.policy.identity.user
        state = self.read()
        problems = blocking(validate_quota(plan, state, self.entitlements))
        if problems:
            # a stale plan is a conflict whatever else it breaks now: planning again answers both
            stale = [p for p in problems if p.code == Code.STALE_VERSION]
            if stale:
                raise Conflict(stale[0].message)
            raise PlanRejected(problems)
        self._refuse_if_interrupted()
        action = UNDO if plan.undoes else APPLY
        if self.journal is not None:  # on disk before any QOS changes, so a crash is found
            self.journal.begin(
                plan,
                user=who,
                role=self.policy.role.value,
                action=action,
                reason=reason.strip(),
                backend=self.backend.name,
                caps_before=state.caps(),
                version_before=state.version,
            )
        changes = {s: after for s, _, after in plan.changes()}
        result, error = APPLIED, None
        try:
            self.backend.set_caps(changes, expect_version=plan.base_version)
        except Conflict:
            self._forget(plan)  # refused before anything was set
            raise
        except BackendError as exc:
            result, error = self._after_failure(plan, state), exc
        after = self._caps_now(fallback=plan.caps() if result == APPLIED else state.caps())
        entry = self._audit(
            plan,
            action,
            who,
            reason,
            state.caps(),
            after,
            result,
            state.version,
            time.monotonic() - t0,
            error,
        )
        self._forget(plan)
        if error is not None:
            raise BackendError(error.args[0] if error.args else str(error)) from error
        return QuotaApplyResult(plan, entry, state.caps(), after, result, time.monotonic() - t0)

    def _after_failure(self, plan: QuotaPlan, state: QuotaState) -> str:
        """The scheduler refused part way: put back what was set, so a failed apply leaves
        the caps it found (Slurm sets one QOS per call)."""
        try:
            now = self.read()
        except BackendError:
            return FAILED  # cannot tell: audited as failed, the next read shows the caps
        back = {
            s: state.caps()[s]
            for s in SECTORS
            if now.caps()[s] != state.caps()[s] and state.caps()[s] is not None
        }
        if not back:
            return FAILED
        try:
            self.backend.set_caps(back, expect_version=now.version)
        except BackendError:
            return FAILED
        return ROLLED_BACK

    def _caps_now(self, fallback: Mapping[Sector, int | None]) -> dict[Sector, int | None]:
        try:
            return self.read().caps()
        except BackendError:
            return dict(fallback)

    def _audit(
        self,
        plan,
        action,
        who,
        reason,
        before,
        after,
        result,
        version_before,
        elapsed,
        error=None,
        recovery=None,
    ) -> AuditEntry:
        body = {
            "kind": "quota",
            "plan": quota_plan_body(plan),
            "before": caps_body(before),
            "after": caps_body(after),
            "result": result,
            "error": None if error is None else str(error),
            "backend": self.backend.name,
            "version_before": version_before,
            "elapsed_s": round(elapsed, 3),
            "gpus_moved": plan.gpus_moved(),
        }
        if recovery is not None:
            body["recovery"] = recovery
        return self.audit.append(
            t=self.clock(),
            user=who,
            role=self.policy.role.value,
            action=action,
            plan_id=plan.plan_id,
            reason=reason.strip(),
            body=body,
        )

    def _forget(self, plan: QuotaPlan) -> None:
        if self.journal is not None:
            self.journal.end(plan.plan_id)

    # -- after a crash (journal) ------------------------------------------------------------

    def unfinished(self) -> list[QuotaRun]:
        """Cap applies a crash cut short (process gone, no audit entry), oldest first."""
        return self._cut_short()

    def _is_outcome(self, entry: AuditEntry) -> bool:
        return entry.action in ACTIONS

    def _unfinished_error(self, run: QuotaRun) -> Exception:
        return UnfinishedQuotaApply(run)

    def recover(
        self, choice: str, reason: str = "", plan_id: str | None = None, who: str | None = None
    ) -> QuotaApplyResult:
        """Finish ("finish") or roll back ("rollback") an interrupted cap apply, on an operator's
        word, from the caps read now (a set that may or may not have happened is read, not
        guessed). Safe to run twice or after a crash of the first."""
        self.policy.require(Action.REBALANCE_RECOVER)
        runs = [r for r in self.unfinished() if plan_id is None or r.plan.plan_id == plan_id]
        if not runs:
            raise _rejected(
                Code.NOT_APPLIED,
                translate("QuotaService", "No interrupted cap apply to recover.").fill(),
            )
        return run_recovery(self, runs[0], choice, reason, who or self.policy.identity.user)
