"""Applying a plan as one transaction, drain first.

All moving nodes are drained at once (running work carries on), each is moved as soon as it is
idle, and none takes work again until every move is made: so if any step fails, or the operator
cancels, the moved nodes are still empty and go straight back, and the allocation is what it was.
No job is killed at any point.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from console.capacity.backends.base import Backend, BackendError
from console.capacity.model import TRANSITIONS, Move, MoveState, Plan, SchedState, advance
from console.i18n.catalogue import reason_of

DEFAULT_POLL_S = 2.0
DEFAULT_DRAIN_TIMEOUT_S = 12 * 3600.0  # long jobs: an apply may wait a shift for a drain


@dataclass(frozen=True, slots=True)
class StepEvent:
    node: str
    state: MoveState
    t: float
    message: str = ""

    def as_dict(self) -> dict:
        return {"node": self.node, "state": self.state.value, "t": self.t, "message": self.message}


class Cancelled(Exception):
    pass


@dataclass
class ApplyOutcome:
    result: str  # "applied" | "rolled back" | "cancelled" | "rollback incomplete"
    states: dict[str, MoveState]
    events: list[StepEvent] = field(default_factory=list)
    error: str = ""

    @property
    def applied(self) -> bool:
        return self.result == "applied"


class Applier:
    def __init__(
        self,
        backend: Backend,
        poll_s: float = DEFAULT_POLL_S,
        drain_timeout_s: float = DEFAULT_DRAIN_TIMEOUT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.backend = backend
        self.poll_s = poll_s
        self.drain_timeout_s = drain_timeout_s
        self.clock = clock

    def run(
        self,
        plan: Plan,
        progress: Callable[[StepEvent], None] | None = None,
        cancel: threading.Event | None = None,
        resume_from: Mapping[str, MoveState] | None = None,
    ) -> ApplyOutcome:
        """Run a claimed plan to the end or roll it back. The caller claims and releases.
        `resume_from`: where each move stands (a recovery finishing an interrupted apply):
        drained nodes are not drained again, moved ones not moved again."""
        cancel = cancel or threading.Event()
        start = resume_from or {}
        out = ApplyOutcome("applied", {m.node: start.get(m.node, MoveState.PLANNED)
                                       for m in plan.moves})
        at: list[Move | None] = [None]  # the move whose step is running, to name it if it fails
        step = self._stepper(out, progress)

        try:
            for move in plan.moves:
                if cancel.is_set():
                    raise Cancelled()
                if out.states[move.node] != MoveState.PLANNED:
                    continue
                at[0] = move
                self.backend.drain(move.node, plan.drain_reason(move))
                step(move, MoveState.DRAINING)
            self._wait_and_move(plan, step, cancel, at, out.states)
            for move in plan.moves:
                if out.states[move.node] == MoveState.RESUMED:
                    continue
                at[0] = move
                self.backend.resume(move.node, plan.drain_reason(move))
                step(move, MoveState.RESUMED)
            for move in plan.moves:
                step(move, MoveState.DONE)
        except Cancelled:
            out.result = "cancelled"
            self._roll_back(plan, out, step, "cancelled by the operator")
        except Exception as exc:
            out.result = "rolled back"
            out.error = reason_of(exc)  # a Phrase from the backend stays one
            failed = at[0]
            if failed is not None and MoveState.FAILED in TRANSITIONS[out.states[failed.node]]:
                step(failed, MoveState.FAILED, out.error)
            self._roll_back(plan, out, step, out.error)
        return out

    def roll_back(
        self,
        plan: Plan,
        states: Mapping[str, MoveState],
        progress: Callable[[StepEvent], None] | None = None,
        why: str = "",
    ) -> ApplyOutcome:
        """Undo a claimed plan whose moves stand at `states` (a recovery rolling back an
        interrupted apply): what moved goes back, what we drained is resumed."""
        out = ApplyOutcome("rolled back", dict(states))
        self._roll_back(plan, out, self._stepper(out, progress), why)
        return out

    @staticmethod
    def _stepper(out: ApplyOutcome, progress: Callable[[StepEvent], None] | None):
        def step(move: Move, state: MoveState, message: str = "") -> None:
            out.states[move.node] = advance(out.states[move.node], state)
            event = StepEvent(move.node, state, time.time(), message)
            out.events.append(event)
            if progress is not None:
                progress(event)

        return step

    def _wait_and_move(self, plan: Plan, step, cancel: threading.Event, at: list,
                       states: Mapping[str, MoveState]) -> None:
        moved = (MoveState.MOVED, MoveState.RESUMED)
        waiting = [m for m in plan.moves if states[m.node] not in moved]
        if not waiting:
            return
        deadline = self.clock() + self.drain_timeout_s
        while waiting:
            # one read per poll for every waiting node (a read per node made waiting on many
            # drains cost nodes × moves: 200 moves × 31 ms locally, 2 scheduler calls each in Slurm)
            nodes = self.backend.read().nodes
            for move in list(waiting):
                at[0] = move
                rec = nodes.get(move.node)
                if rec is not None and rec.state == SchedState.DRAINED:
                    step(move, MoveState.DRAINED)
                    self.backend.assign(move.node, move.source, move.target)
                    step(move, MoveState.MOVED)
                    waiting.remove(move)
            if not waiting:
                return
            at[0] = waiting[0]
            if self.clock() > deadline:
                names = ", ".join(m.node for m in waiting)
                raise BackendError(
                    f"{names} did not drain within {self.drain_timeout_s / 60:.0f} min"
                )
            if cancel.wait(self.poll_s):
                raise Cancelled()

    def _roll_back(self, plan: Plan, out: ApplyOutcome, step, why: str) -> None:
        """Undo in reverse: move back what moved, resume what we drained."""
        problems = []
        for move in reversed(plan.moves):
            state = out.states[move.node]
            reason = plan.drain_reason(move)
            try:
                moved = state in (MoveState.MOVED, MoveState.RESUMED, MoveState.DONE) or (
                    state == MoveState.FAILED and self._is_in(move)
                )
                if moved:
                    if state in (MoveState.RESUMED, MoveState.DONE):
                        self.backend.drain(move.node, reason)
                    self.backend.assign(move.node, move.target, move.source)
                    self.backend.resume(move.node, reason)
                    step(move, MoveState.ROLLED_BACK, why)
                else:
                    ours = state in (MoveState.DRAINING, MoveState.DRAINED) or (
                        self._drained_by(move, reason)
                    )
                    if ours:  # never resume a node someone else drained
                        self.backend.resume(move.node, reason)
                    if state != MoveState.FAILED:
                        step(move, MoveState.CANCELLED, why)
            except Exception as exc:
                problems.append(f"{move.node}: {exc}")
        if problems:
            out.result = "rollback incomplete"
            out.error = (out.error + "; " if out.error else "") + "; ".join(problems)

    def _is_in(self, move: Move) -> bool:
        rec = self.backend.read().nodes.get(move.node)
        return rec is not None and rec.sector == move.target

    def _drained_by(self, move: Move, reason: str) -> bool:
        rec = self.backend.read().nodes.get(move.node)
        return rec is not None and rec.drain_reason == reason
