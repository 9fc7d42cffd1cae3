"""After a crash mid cap-apply: finish it or put the old caps back, from the caps read now.

The journal says which plan ran and the caps it found; the backend says what the caps are now
(a `sacctmgr modify` journaled as about to run may or may not have run). *finish* sets whatever
of the plan's caps is not yet set; *rollback* sets the caps before back on the plan's sectors.
Only the plan's own sectors are touched, so a second recovery, or one after a crash of the
first, finds nothing or little left to do. The audit log gets the crash (once), then the outcome.
"""

from __future__ import annotations

import time

from console.capacity.quota.journal import QuotaRun, caps_body, quota_plan_body
from console.capacity.quota.outcome import APPLIED, INTERRUPTED, ROLLED_BACK, QuotaApplyResult

FINISH, ROLLBACK = "finish", "rollback"
CHOICES = (FINISH, ROLLBACK)


def run_recovery(svc, run: QuotaRun, choice: str, reason: str, who: str) -> QuotaApplyResult:
    if choice not in CHOICES:
        raise ValueError(f"choose one of {', '.join(CHOICES)}, not {choice!r}")
    t0 = time.monotonic()
    plan = run.plan
    svc.journal.take_over(plan.plan_id, f"recover-{choice}")
    state = svc.read()
    now = state.caps()
    crash = _crash_entry(svc, run, now, who)
    wanted = plan.caps() if choice == FINISH else run.caps_before
    todo = {
        s: wanted[s]
        for s, _, _ in plan.changes()
        if wanted[s] is not None and now.get(s) != wanted[s]
    }
    if todo:
        svc.backend.set_caps(todo, expect_version=state.version)
    after = svc.read().caps()
    result = APPLIED if choice == FINISH else ROLLED_BACK
    entry = svc._audit(
        plan,
        run.action,
        who,
        reason or run.reason,
        run.caps_before,
        after,
        result,
        run.version_before,
        time.monotonic() - t0,
        recovery={
            "choice": choice,
            "by": who,
            "interrupted_entry": crash.id,
            "found": caps_body(now),
            "set": caps_body(todo),
        },
    )
    svc.journal.end(plan.plan_id)
    return QuotaApplyResult(plan, entry, run.caps_before, after, result, time.monotonic() - t0)


def _crash_entry(svc, run: QuotaRun, now, who: str):
    """The audit entry saying the apply was interrupted: written once, before the recovery acts."""
    for entry in svc.audit.entries(t0=run.started):
        if entry.plan_id == run.plan.plan_id and entry.action == INTERRUPTED:
            return entry
    body = {
        "kind": "quota",
        "plan": quota_plan_body(run.plan),
        "before": caps_body(run.caps_before),
        "after": caps_body(now),
        "result": "interrupted",
        "backend": run.backend,
        "started": run.started,
        "version_before": run.version_before,
        "found": {"by": who, "at": time.time()},
    }
    return svc.audit.append(
        t=time.time(),
        user=run.user,
        role=run.role,
        action=INTERRUPTED,
        plan_id=run.plan.plan_id,
        reason=run.reason,
        body=body,
    )
