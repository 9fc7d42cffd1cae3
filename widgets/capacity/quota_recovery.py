"""The banner above the quota board while a cap apply a crash interrupted waits for an operator.

It says which plan was cut short, by whom, why and when, and which caps it was changing (from the
quota journal, QuotaService.unfinished()), and offers both ways out: finish it (set the plan's
caps) or roll it back (put the caps before back). Both ask once more, then run on the board's
CapacityWorker like an apply; the board's result line says the outcome. Viewers and the kiosk
see the banner with the buttons off and why; the service checks the role again on recover.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from console.access import Action
from console.capacity.quota.recovery import FINISH, ROLLBACK
from widgets.capacity.worker import CapacityWorker
from widgets.common.labels import fmt, sector_name
from widgets.common.theme import SEVERITY_COLORS

log = logging.getLogger(__name__)


class QuotaRecoveryBanner(QFrame):
    started = Signal(str)  # the choice, when a recovery starts on the worker

    def __init__(self, service, worker: CapacityWorker, tz, parent=None) -> None:
        """`service`: a QuotaService; `worker`: the board's (its apply thread runs recover)."""
        super().__init__(parent, objectName="QuotaRecoveryBanner")
        self.service, self.worker, self.tz = service, worker, tz
        self.run = None  # the QuotaRun waiting, oldest first
        self.confirm: QMessageBox | None = None
        warn = SEVERITY_COLORS["warning"]
        self.setStyleSheet(
            f"QFrame#QuotaRecoveryBanner {{ border: 2px solid {warn.name()}; border-radius: 4px; }}"
        )
        self.title = QLabel(objectName="CardTitle")
        self.title.setStyleSheet(f"color: {warn.name()};")
        self.text = QLabel(wordWrap=True)
        self.note = QLabel(objectName="Legend", wordWrap=True)
        self.finish_button, self.rollback_button = QPushButton(), QPushButton()
        self.finish_button.clicked.connect(lambda: self.choose(FINISH))
        self.rollback_button.clicked.connect(lambda: self.choose(ROLLBACK))
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.finish_button)
        buttons.addWidget(self.rollback_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        worker.state_read.connect(self.refresh)
        worker.apply_finished.connect(self.refresh)
        worker.apply_failed.connect(self.refresh)
        self.retranslate()
        self.hide()

    @property
    def pending(self) -> bool:
        """An interrupted cap apply waits: the board applies nothing else meanwhile."""
        return self.run is not None

    def refresh(self, *_: object) -> None:
        """Ask the journal again (a local file: quick enough for the GUI thread)."""
        try:
            found = self.service.unfinished()
        except Exception as exc:  # an unreadable journal must not take the board down
            log.warning("cannot read the quota journal: %s", exc)
            found = []
        self.run = found[0] if found else None
        self.setVisible(self.run is not None)
        self._update()

    def refusal(self) -> str | None:
        policy = self.service.policy
        if policy.refusal(Action.REBALANCE_RECOVER) is None:
            return None
        if policy.kiosk:
            return self.tr("The console is in kiosk mode (read-only).")
        return fmt(
            self.tr("%1 is a viewer: only an operator may finish or roll back the cap change."),
            policy.identity.user,
        )

    def retranslate(self) -> None:
        self.title.setText(self.tr("A cap change was interrupted"))
        self.finish_button.setText(self.tr("Finish it…"))
        self.finish_button.setToolTip(self.tr("Set the caps the plan was setting"))
        self.rollback_button.setText(self.tr("Roll it back…"))
        self.rollback_button.setToolTip(self.tr("Put back the caps the plan found"))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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

    def _update(self) -> None:
        if self.run is None:
            return
        self.text.setText(self.describe())
        refused = self.refusal()
        busy = self.worker.applying
        for button in (self.finish_button, self.rollback_button):
            button.setEnabled(refused is None and not busy)
        self.note.setText(refused or (self.tr("Being recovered…") if busy else ""))

    def choose(self, choice: str) -> QMessageBox | None:
        """Ask once more (window-modal, not blocking); the recovery starts on Yes."""
        if self.run is None or self.refusal() is not None or self.worker.applying:
            return None
        plan_id = self.run.plan.plan_id
        if choice == FINISH:
            question = fmt(
                self.tr("Finish plan %1? Its caps are set now; running jobs carry on."), plan_id
            )
        else:
            question = fmt(self.tr("Roll back plan %1? The caps it found are set back."), plan_id)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.title.text(),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda answer: self._answered(answer, choice, plan_id))
        self.confirm = box
        box.open()
        return box

    def _answered(self, answer: int, choice: str, plan_id: str) -> None:
        self.confirm = None
        if answer != QMessageBox.StandardButton.Yes or self.run is None:
            return
        if self.run.plan.plan_id != plan_id:  # it changed while the question was open
            return
        service = self.service
        def work(progress, cancel):  # on the apply thread; the audit keeps the run's reason
            return service.recover(choice, "", plan_id=plan_id)

        if self.worker.start_apply(work):
            self.started.emit(choice)
        self._update()
