"""The banner above the rebalance board while an apply a crash interrupted waits for an operator.

It says which plan was cut short, by whom, how far it got (the core's words, from the journal),
and offers both ways out: finish it or roll it back. Both ask once more, then run on the board's
CapacityWorker like an apply, so the board's progress panel shows the steps and its result line
the outcome. The shared banner (asking, roles, refreshing) is widgets/capacity/recovery_base.py.
"""

from __future__ import annotations

from console.capacity.journal import JournalRun
from console.capacity.recovery import FINISH, describe
from console.capacity.service import CapacityService
from widgets.capacity.apply_flow import ApplyProgress
from widgets.capacity.recovery_base import RecoveryBannerBase
from widgets.capacity.worker import CapacityWorker
from widgets.common.labels import fmt, ui_language


class RecoveryBanner(RecoveryBannerBase):
    JOURNAL = "apply journal"

    def __init__(self, service: CapacityService, worker: CapacityWorker,
                 progress: ApplyProgress, parent=None) -> None:
        super().__init__(service, worker, "RecoveryBanner", parent)
        self.progress = progress
        self.run: JournalRun | None = None
        self.retranslate()
        self.hide()

    def waiting_runs(self) -> list[JournalRun]:
        return self.service.interrupted()

    def viewer_refusal(self) -> str:
        return fmt(self.tr("%1 is a viewer: only an operator may finish or roll back the "
                           "interrupted apply."), self.service.policy.identity.user)

    def texts(self) -> tuple[str, str, str]:
        return (self.tr("An apply was interrupted"),
                self.tr("Drain what is left, move it and resume every node of the plan"),
                self.tr("Move back what moved and resume what the plan drained"))

    def describe(self) -> str:
        return describe(self.run, ui_language())

    def question(self, choice: str, plan_id: str) -> str:
        if choice == FINISH:
            return fmt(self.tr("Finish plan %1? Nodes still draining are moved when their "
                               "work ends; no job is stopped."), plan_id)
        return fmt(self.tr("Roll back plan %1? Moved nodes go back to their sector "
                           "and every node the plan drained takes work again."), plan_id)

    def start_recovery(self, choice: str, plan_id: str) -> bool:
        service, plan = self.service, self.run.plan

        def work(progress, cancel):
            return service.recover(plan_id, choice, "", progress, cancel)

        if not self.worker.start_apply(work):
            return False
        self.progress.start(plan)
        self.progress.show()
        return True
