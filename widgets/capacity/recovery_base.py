"""What both crash banners share (node moves: recovery_banner.py, caps: quota_recovery.py).

An apply a crash cut short waits for an operator: the banner says so, offers finish or roll
back, asks once more (window-modal, not blocking) and runs the choice on the board's
CapacityWorker like an apply. Viewers and the kiosk see it with the buttons off and why; the
service checks the role again when it recovers. A subclass says what its journal holds: which
runs wait, how one reads, the question for each choice and how the recovery starts.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout

from console.access import Action
from console.capacity.recovery import FINISH, ROLLBACK
from widgets.capacity.worker import CapacityWorker
from widgets.common.theme import SEVERITY_COLORS

log = logging.getLogger(__name__)


class RecoveryBannerBase(QFrame):
    started = Signal(str)  # the choice, when a recovery starts on the worker
    JOURNAL = "journal"  # for the log line when it cannot be read

    def __init__(self, service, worker: CapacityWorker, name: str, parent=None) -> None:
        super().__init__(parent, objectName=name)
        self.service, self.worker = service, worker
        self.run = None  # the run waiting, oldest first
        self.confirm: QMessageBox | None = None
        warn = SEVERITY_COLORS["warning"]
        self.setStyleSheet(
            f"QFrame#{name} {{ border: 2px solid {warn.name()}; border-radius: 4px; }}"
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

    # -- what a subclass says -----------------------------------------------------------------

    def waiting_runs(self) -> list:
        """The runs a crash cut short, oldest first (from the service's journal)."""
        raise NotImplementedError

    def texts(self) -> tuple[str, str, str]:
        """The title and the two buttons' tooltips (finish, roll back), translated."""
        raise NotImplementedError

    def viewer_refusal(self) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def question(self, choice: str, plan_id: str) -> str:
        raise NotImplementedError

    def start_recovery(self, choice: str, plan_id: str) -> bool:
        """Hand the recovery to the worker; False when it is busy."""
        raise NotImplementedError

    # -- shared -------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """An interrupted apply waits: the board applies nothing else meanwhile."""
        return self.run is not None

    def refresh(self, *_: object) -> None:
        """Ask the journal again (a local file: quick enough for the GUI thread)."""
        try:
            found = self.waiting_runs()
        except Exception as exc:  # an unreadable journal must not take the board down
            log.warning("cannot read the %s: %s", self.JOURNAL, exc)
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
        return self.viewer_refusal()

    def retranslate(self) -> None:
        title, finish_tip, rollback_tip = self.texts()
        self.title.setText(title)
        self.finish_button.setText(self.tr("Finish it…"))
        self.finish_button.setToolTip(finish_tip)
        self.rollback_button.setText(self.tr("Roll it back…"))
        self.rollback_button.setToolTip(rollback_tip)
        self._update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.title.text(),
            self.question(choice, plan_id),
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
        if self.start_recovery(choice, plan_id):
            self.started.emit(choice)
        self._update()
