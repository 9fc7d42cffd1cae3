"""The banner above the quota board while a cap apply a crash interrupted waits for an operator.

It says which plan was cut short, by whom, why and when, and which caps it was changing (from the
quota journal, QuotaService.unfinished()), and offers both ways out: finish it (set the plan's
caps) or roll it back (put the caps before back). Both ask once more, then run on the board's
CapacityWorker like an apply; the board's result line says the outcome. The shared banner
(asking, roles, refreshing) is widgets/capacity/recovery_base.py.
"""

from __future__ import annotations

from datetime import datetime

from console.capacity.quota.recovery import FINISH
from widgets.capacity.recovery_base import RecoveryBannerBase
from widgets.capacity.worker import CapacityWorker
from widgets.common.labels import fmt, sector_name


class QuotaRecoveryBanner(RecoveryBannerBase):
    JOURNAL = "quota journal"

    def __init__(self, service, worker: CapacityWorker, tz, parent=None) -> None:
        """`service`: a QuotaService; `worker`: the board's (its apply thread runs recover)."""
        super().__init__(service, worker, "QuotaRecoveryBanner", parent)
        self.tz = tz
        self.retranslate()
        self.hide()

    def waiting_runs(self) -> list:
        return self.service.unfinished()

    def viewer_refusal(self) -> str:
        return fmt(
            self.tr("%1 is a viewer: only an operator may finish or roll back the cap change."),
            self.service.policy.identity.user,
        )

    def texts(self) -> tuple[str, str, str]:
        return (
            self.tr("A cap change was interrupted"),
            self.tr("Set the caps the plan was setting"),
            self.tr("Put back the caps the plan found"),
        )

    def describe(self) -> str:
        run = self.run
        when = datetime.fromtimestamp(run.started, self.tz).strftime("%Y-%m-%d %H:%M:%S")
        caps = ", ".join(
            fmt("%1 %2 → %3", sector_name(s), "–" if before is None else before, after)
            for s, before, after in run.plan.changes()
        )
        return fmt(
            self.tr(
                "Plan %1 by %2 (%3), started %4, stopped before it was recorded: %5. "
                "Some of these caps may already be set; no other change until it is "
                "finished or rolled back."
            ),
            run.plan.plan_id,
            run.user,
            run.reason,
            when,
            caps,
        )

    def question(self, choice: str, plan_id: str) -> str:
        if choice == FINISH:
            return fmt(
                self.tr("Finish plan %1? Its caps are set now; running jobs carry on."), plan_id
            )
        return fmt(self.tr("Roll back plan %1? The caps it found are set back."), plan_id)

    def start_recovery(self, choice: str, plan_id: str) -> bool:
        service = self.service

        def work(progress, cancel):  # on the apply thread; the audit keeps the run's reason
            return service.recover(choice, "", plan_id=plan_id)

        return self.worker.start_apply(work)
