"""The banner above the rebalance board while an apply a crash interrupted waits for an operator.

It says which plan was cut short, by whom, how far it got (the core's words, from the journal),
and offers both ways out: finish it or roll it back. Both ask once more, then run on the board's
CapacityWorker like an apply, so the board's progress panel shows the steps and its result line
the outcome. Viewers and the kiosk see the banner with the buttons off and why; the service
checks the role again when it recovers.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from console.access import Action
from console.capacity.journal import JournalRun
from console.capacity.recovery import FINISH, ROLLBACK, describe
from console.capacity.service import CapacityService
from widgets.capacity.apply_flow import ApplyProgress
from widgets.capacity.worker import CapacityWorker
from widgets.common.labels import fmt, ui_language
from widgets.common.theme import SEVERITY_COLORS

log = logging.getLogger(__name__)


class RecoveryBanner(QFrame):
    started = Signal(str)  # the choice, when a recovery starts on the worker

    def __init__(self, service: CapacityService, worker: CapacityWorker,
                 progress: ApplyProgress, parent=None) -> None:
        super().__init__(parent, objectName="RecoveryBanner")
        self.service, self.worker, self.progress = service, worker, progress
        self.run: JournalRun | None = None
        self.confirm: QMessageBox | None = None
        warn = SEVERITY_COLORS["warning"]
        self.setStyleSheet(f"QFrame#RecoveryBanner {{ border: 2px solid {warn.name()}; "
                           "border-radius: 4px; }")
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
        """An interrupted apply waits: the board applies nothing else meanwhile."""
        return self.run is not None

    def refresh(self, *_: object) -> None:
        """Ask the journal again (a local file: quick enough for the GUI thread)."""
        try:
            found = self.service.interrupted()
        except Exception as exc:  # an unreadable journal must not take the board down
            log.warning("cannot read the apply journal: %s", exc)
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
        return fmt(self.tr("%1 is a viewer: only an operator may finish or roll back the "
                           "interrupted apply."), policy.identity.user)

    def retranslate(self) -> None:
        self.title.setText(self.tr("An apply was interrupted"))
        self.finish_button.setText(self.tr("Finish it…"))
        self.finish_button.setToolTip(self.tr(
            "Drain what is left, move it and resume every node of the plan"))
        self.rollback_button.setText(self.tr("Roll it back…"))
        self.rollback_button.setToolTip(self.tr(
            "Move back what moved and resume what the plan drained"))
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update(self) -> None:
        if self.run is None:
            return
        self.text.setText(describe(self.run, ui_language()))
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
            question = fmt(self.tr("Finish plan %1? Nodes still draining are moved when their "
                                   "work ends; no job is stopped."), plan_id)
        else:
            question = fmt(self.tr("Roll back plan %1? Moved nodes go back to their sector "
                                   "and every node the plan drained takes work again."),
                           plan_id)
        box = QMessageBox(QMessageBox.Icon.Question, self.title.text(), question,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
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
        service, plan = self.service, self.run.plan

        def work(progress, cancel):
            return service.recover(plan_id, choice, "", progress, cancel)

        if self.worker.start_apply(work):
            self.progress.start(plan)
            self.progress.show()
            self.started.emit(choice)
        self._update()
