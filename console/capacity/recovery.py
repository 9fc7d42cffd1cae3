"""After a crash mid-apply: where each move stands, what to tell the operator, the journaled
backend the apply and the recovery write through.

The journal (journal.py) says which plan was running and how far it got; the backend says where
each node is now. A recovery trusts the backend (a step journaled as begun may or may not have
happened) and picks up from there: *finish* drains what is left, moves it and resumes
everything; *rollback* moves back what moved and resumes what the plan drained. Both only touch
the plan's own nodes and drains, so running one twice, or after a crash of the first, is safe.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from console.capacity.apply import Applier, StepEvent
from console.capacity.backends.base import Backend, Conflict
from console.capacity.journal import EVENT, INTENT, ApplyJournal, JournalRun
from console.capacity.model import MoveState, Plan
from console.capacity.plan_body import plan_body
from console.fleet.model import Sector
from console.i18n.catalogue import translate
from console.i18n.names import move_state_name, sector_name

FINISH, ROLLBACK = "finish", "rollback"
CHOICES = (FINISH, ROLLBACK)
TZ = ZoneInfo("Asia/Seoul")


class UnfinishedApply(Conflict):
    """An apply was interrupted: no new one until it is finished or rolled back."""

    def __init__(self, run: JournalRun) -> None:
        super().__init__(describe(run, "en"))
        self.run = run


class JournaledBackend:
    """The backend, with every write journaled (durably) before it runs."""

    def __init__(self, backend: Backend, journal: ApplyJournal, plan_id: str) -> None:
        self.backend, self.journal, self.plan_id = backend, journal, plan_id
        self.name = backend.name

    def read(self):
        return self.backend.read()

    def drain(self, node: str, reason: str) -> None:
        self.journal.intend(self.plan_id, node, "drain")
        self.backend.drain(node, reason)

    def assign(self, node: str, source: Sector, target: Sector) -> None:
        self.journal.intend(self.plan_id, node, f"assign {source.value}->{target.value}")
        self.backend.assign(node, source, target)

    def resume(self, node: str, reason: str) -> None:
        self.journal.intend(self.plan_id, node, "resume")
        self.backend.resume(node, reason)

    def __getattr__(self, name: str):  # claim, release, features, … of the backend itself
        return getattr(self.backend, name)


def journaled_progress(
    journal: ApplyJournal, plan_id: str, progress: Callable[[StepEvent], None] | None
) -> Callable[[StepEvent], None]:
    """Each move's new state on disk before anyone is told of it."""

    def step(event: StepEvent) -> None:
        journal.record(plan_id, event)
        if progress is not None:
            progress(event)

    return step


def states_now(backend: Backend, plan: Plan, choice: str) -> dict[str, MoveState]:
    """Where each move of `plan` stands, read from the backend: moved (drained by the plan or
    resumed), drained by the plan but not moved, or not touched."""
    state = backend.read()
    sectors_of = getattr(backend, "sectors_of", None)
    out = {}
    for m in plan.moves:
        rec = state.nodes.get(m.node)
        if rec is None:
            out[m.node] = MoveState.PLANNED
            continue
        # a crash between Slurm's two partition updates leaves a node in both: a rollback
        # takes it out of the target, a finish out of the source
        member = sectors_of(m.node) if callable(sectors_of) else {rec.sector}
        moved = m.target in member and (m.source not in member or choice == ROLLBACK)
        ours = rec.drain_reason == plan.drain_reason(m)
        if moved:
            out[m.node] = MoveState.MOVED if ours else MoveState.RESUMED
        else:
            out[m.node] = MoveState.DRAINING if ours else MoveState.PLANNED
    return out


def run_recovery(svc, run: JournalRun, choice: str, reason: str, progress, cancel):
    """The recovery itself, for CapacityService.recover (which checked the role and the run):
    take the run and the lock, write the crash to the audit log, finish or roll back from where
    the backend stands, release, write the outcome, forget the run."""

    who = svc.policy.identity.user
    plan = run.plan
    svc.journal.take_over(plan.plan_id, f"recover-{choice}")
    svc.backend.reclaim(plan, who)
    backend, progress = svc._journaled(plan, progress)
    try:
        states = states_now(svc.backend, plan, choice)
        crash = _crash_entry(svc, run, states, who)
        applier = Applier(backend, svc.poll_s, svc.drain_timeout_s)
        if choice == FINISH:
            outcome = applier.run(plan, progress, cancel, resume_from=states)
        else:
            why = translate("Recovery", "rolled back after the apply was interrupted")
            outcome = applier.roll_back(plan, states, progress, why.into("en"))
        settle = getattr(svc.backend, "settle", None)
        if callable(settle):  # what the backend keeps on disk agrees with what it runs
            settle()
    finally:
        svc.backend.release(plan)
    body = {
        "plan": plan_body(plan),
        "steps": [e.as_dict() for e in outcome.events],
        "before": run.before,
        "after": {n: s.value for n, s in sorted(svc.state().allocation().items())},
        "result": outcome.result,
        "error": outcome.error,
        "backend": svc.backend.name,
        "version_before": run.version_before,
        "recovery": {"choice": choice, "by": who, "interrupted_entry": crash.id},
    }
    last_written = getattr(svc.backend, "last_written", None)
    written = last_written() if callable(last_written) else None
    if written is not None:
        body["written"] = written.as_dict()
    entry = svc.audit.append(t=time.time(), user=who, role=svc.policy.role.value,
                             action=run.action, plan_id=plan.plan_id,
                             reason=reason.strip() or run.reason, body=body)
    svc.journal.end(plan.plan_id)
    return outcome, entry


def _crash_entry(svc, run: JournalRun, states: dict[str, MoveState], who: str):
    """The audit entry saying the apply was interrupted: written once, before the recovery
    acts (a recovery cut short finds it and does not write it again)."""
    for entry in svc.audit.entries(t0=run.started):
        if entry.plan_id == run.plan.plan_id and entry.action == "interrupted":
            return entry
    body = crash_body(run, states, who, svc.state().allocation())
    return svc.audit.append(t=time.time(), user=run.user, role=run.role, action="interrupted",
                            plan_id=run.plan.plan_id, reason=run.reason, body=body)


def crash_body(run: JournalRun, states: dict[str, MoveState], found_by: str,
               allocation: Mapping[str, Sector]) -> dict:
    """The audit entry of the crash itself: what was running, how far the journal got, what
    the backend showed when it was found ("after": the allocation the crash left)."""

    events = [s for s in run.steps if s.kind == EVENT]
    return {
        "plan": plan_body(run.plan),
        # the moves' states as an apply's entry has them (the audit view and reports read
        # these), then everything the journal held, intents included
        "steps": [{"node": s.node, "state": s.what, "t": s.t, "message": s.message}
                  for s in events],
        "journal": [s.as_dict() for s in run.steps],
        "before": run.before,
        "after": {n: s.value for n, s in sorted(allocation.items())},
        "version_before": run.version_before,
        "started": run.started,
        "backend": run.backend,
        "result": "interrupted",
        "found": {"by": found_by, "at": time.time(),
                  "states": {n: s.value for n, s in states.items()}},
    }


# -- words for the operator ---------------------------------------------------------------------

def _when(t: float) -> str:
    return datetime.fromtimestamp(t, TZ).strftime("%Y-%m-%d %H:%M:%S")


def last_step(run: JournalRun, lang: str) -> str:
    """The last thing the journal says, in words ("moving n04 from Interest to Public")."""
    if not run.steps:
        return translate("Recovery", "nothing yet (it had just begun)").into(lang)
    s = next((s for s in reversed(run.steps) if s.kind in (INTENT, EVENT)), None)
    if s is None:
        return translate("Recovery", "nothing yet (it had just begun)").into(lang)
    if s.kind == EVENT:
        return translate("Recovery", "{node} {state}").into(
            lang, node=s.node, state=move_state_name(s.what, lang))
    if s.what == "drain":
        return translate("Recovery", "draining {node}").into(lang, node=s.node)
    if s.what == "resume":
        return translate("Recovery", "resuming {node}").into(lang, node=s.node)
    source, _, target = s.what.removeprefix("assign ").partition("->")
    return translate("Recovery", "moving {node} from {source} to {target}").into(
        lang, node=s.node, source=sector_name(Sector(source), lang),
        target=sector_name(Sector(target), lang))


def describe(run: JournalRun, lang: str) -> str:
    """One paragraph: which apply was interrupted, how far it got, what the operator can do."""
    states = run.states()
    made = sum(1 for s in states.values() if s in ("moved", "resumed", "done"))
    return translate(
        "Recovery",
        "An apply was interrupted: plan {plan} by {user}, begun {when} ({reason}). "
        "{made} of {total} moves were made; the last step journaled: {last}. "
        "Until it is finished or rolled back, no other plan can be applied.",
    ).into(lang, plan=run.plan.plan_id, user=run.user, when=_when(run.started),
           reason=run.reason, made=made, total=len(run.plan.moves), last=last_step(run, lang))


def choice_name(choice: str, lang: str) -> str:
    if choice == FINISH:
        return translate("Recovery", "finish").into(lang)
    return translate("Recovery", "roll back").into(lang)
