"""The quota board: each sector's GPU cap (its QOS's GrpTRES) and use, and moving cap between them.

In quota mode capacity is a number Slurm applies at once: the board edits a new cap per sector, or
moves N GPUs of cap between sectors (the keyboard row, or a cap bar dropped on another column).
The draft is previewed on the last read (before → after, the core's checks, the override) and
applied with a reason through the same confirmation as a node move; the last change can be undone.
Reads and applies run on the CapacityWorker's threads (sacctmgr may be slow, slurmdbd down): a
failed read shows a banner, the board keeps the last read and keeps answering. The service checks
the role again on apply and undo: the absent controls only say early what it refuses.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.access import Action
from console.capacity.quota.model import QuotaPlan, QuotaState, move_cap
from console.fleet.model import SECTORS, Sector
from widgets.capacity.board_base import BoardBase, board_splitter
from widgets.capacity.outcome_text import failure_text
from widgets.capacity.quota_column import QuotaColumn
from widgets.capacity.quota_dialog import QuotaApplyDialog
from widgets.capacity.quota_move_row import CapMoveRow
from widgets.capacity.quota_parts import (
    BANNER_STYLE,
    applied_text,
    checked_inverse,
    feature_texts,
    guarantees_of,
    last_undoable_plan,
    legend_html,
    read_texts,
)
from widgets.capacity.quota_preview import QuotaPreviewPanel
from widgets.capacity.quota_recovery import QuotaRecoveryBanner
from widgets.capacity.refusal import refusal_text
from widgets.common.labels import core_text, ui_language

REFRESH_MS = 5000


class QuotaBoard(BoardBase):
    applied = Signal(object)  # QuotaApplyResult of an apply or undo (the audit view refreshes)
    plan_changed = Signal()

    def __init__(self, service, tz: ZoneInfo, parent=None) -> None:
        """`service`: a QuotaService (console/capacity/quota/service.py)."""
        super().__init__(service, tz, self._read, REFRESH_MS, parent)
        self.state: QuotaState | None = None
        self.targets: dict[Sector, int] = {}  # the draft: sector → its new cap
        self.plan: QuotaPlan | None = None
        self.preview = None  # QuotaPreview of the plan on the last read
        self.plan_problem = ""  # why the draft cannot be planned (move_cap, plan raised)
        self.override, self.justification = False, ""
        self.editable = bool(service.can_change())
        self.undoable: str | None = None  # plan id "Undo last" reverses
        self.features: dict[str, str] | None = None  # what the backend is, per language
        self.recovery = QuotaRecoveryBanner(service, self.worker, tz, self)  # after a crash
        self.columns = {s: QuotaColumn(s) for s in SECTORS}
        self.banner = QLabel(objectName="QuotaBanner", wordWrap=True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.move_row = CapMoveRow()
        row = self.move_row
        self.step, self.source, self.target = row.step, row.source, row.target
        self.move_button, self.clear_button = row.move_button, row.clear_button
        self.refresh_button, self.undo_button = QPushButton(), QPushButton()
        self.apply_button = QPushButton(objectName="ApplyButton")
        self.status = QLabel(objectName="Legend")
        self.legend = QLabel(objectName="Legend", wordWrap=True)
        self.about = QLabel(objectName="Legend", wordWrap=True)  # Slurm version, borrowing
        self.read_only = QLabel(objectName="Legend", wordWrap=True)
        self.result = QLabel(wordWrap=True)
        history = getattr(service, "job_history", None)
        self.preview_panel = QuotaPreviewPanel(history, getattr(service.backend, "settings", None))
        self._layout()
        self._connect()
        self._set_editable(self.editable)
        self.undoable = last_undoable_plan(service.audit) if self.editable else None
        self.retranslate()

    def _layout(self) -> None:
        moves = QHBoxLayout()
        moves.addWidget(self.move_row)
        moves.addStretch(1)
        moves.addWidget(self.status)
        moves.addWidget(self.refresh_button)
        moves.addWidget(self.undo_button)
        moves.addWidget(self.apply_button)
        cols = QHBoxLayout()
        cols.setContentsMargins(0, 0, 0, 0)
        for column in self.columns.values():
            cols.addWidget(column, 1)
        board = QWidget()
        left = QVBoxLayout(board)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(cols, 1)
        left.addWidget(self.legend)
        left.addWidget(self.about)
        side = QWidget()
        right = QVBoxLayout(side)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.preview_panel, 1)
        right.addWidget(self.result)
        split = board_splitter(board, side, "QuotaBoardSplitter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.recovery)
        layout.addWidget(self.banner)
        layout.addWidget(self.read_only)
        layout.addLayout(moves)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        self.worker.state_read.connect(self.show_state)
        self.worker.read_failed.connect(self._read_failed)
        self.worker.apply_finished.connect(self._apply_finished)
        self.worker.apply_failed.connect(self._apply_failed)
        for column in self.columns.values():
            column.cap_dropped.connect(lambda src, dst: self.move(src, dst, self.step.value()))
            column.cap_edited.connect(self.set_cap)
        self.move_row.move_requested.connect(self.move)
        self.move_row.clear_requested.connect(self.clear_plan)
        self.refresh_button.clicked.connect(self.refresh)
        self.undo_button.clicked.connect(self.ask_undo)
        self.apply_button.clicked.connect(self.ask_apply)
        self.preview_panel.override_changed.connect(self._override_changed)
        self.recovery.started.connect(lambda _: self._say(self.tr("Recovering the caps…"), True))

    def _set_editable(self, on: bool) -> None:
        """A viewer or the kiosk sees the caps and no control to change them."""
        for w in (self.move_row, self.undo_button, self.apply_button):
            w.setVisible(on)
        for column in self.columns.values():
            column.set_editable(on)
        self.preview_panel.set_editable(on)
        self.read_only.setVisible(not on)

    def retranslate(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.undo_button.setText(self.tr("Undo last change…"))
        self.apply_button.setText(self.tr("Apply…"))
        self.legend.setText(legend_html())
        self.read_only.setText(
            refusal_text(self.service.policy, Action.REBALANCE_APPLY)
            or self.tr("Read-only: this session may not change caps.")
        )
        for column in self.columns.values():
            column.retranslate()
        self._update()

    def shutdown(self) -> None:
        self.refresh_timer.stop()
        self.worker.shutdown()
        self.preview_panel.shutdown()


    def _read(self) -> QuotaState:
        """On the reader thread: the caps, and once what the backend is (may run scontrol)."""
        state = self.service.read()
        if self.features is None:
            self.features = feature_texts(self.service.backend)
        return state

    def show_state(self, state: QuotaState) -> None:
        self.state, self.read_problem = state, None
        # drop targets the caps have reached meanwhile
        caps = state.caps()
        self.targets = {s: c for s, c in self.targets.items() if caps.get(s) != c}
        if self.plan is None or self.plan.base_version == state.version:
            self._rebuild_plan()
        else:  # someone changed the caps since the plan: keep it, it is stale (Conflict)
            self._update_preview()

    def show_snapshot(self, snap) -> None:
        """The window hands every panel its snapshots; the caps come from the scheduler."""


    def move(self, source: Sector, target: Sector, gpus: int) -> None:
        """Move `gpus` of cap from `source` to `target` in the draft (drop or the Move button)."""
        if self.state is None or not self.editable:
            return
        caps = self.state.caps() | self.targets
        try:
            changed = move_cap(caps, source, target, gpus)
        except ValueError:
            self.plan_problem = self.tr("Choose two different sectors that both have a GPU cap.")
            self._update()
            return
        self.targets.update(changed)
        self._rebuild_plan()

    def set_cap(self, sector: Sector, cap: int) -> None:
        if self.state is None or not self.editable:
            return
        self.targets[sector] = cap
        self._rebuild_plan()

    def clear_plan(self) -> None:
        self.targets = {}
        self.preview_panel.reset_override()
        self._rebuild_plan()

    def _override_changed(self, on: bool, justification: str) -> None:
        self.override, self.justification = on, justification
        self._rebuild_plan()

    def _rebuild_plan(self) -> None:
        """A fresh plan of the draft against the last read."""
        self.plan_problem = ""
        state = self.state
        caps = state.caps() if state is not None else {}
        targets = {s: c for s, c in self.targets.items() if caps.get(s) != c}
        self.plan = None
        if state is not None and targets:
            try:
                self.plan = self.service.plan(
                    targets, state, override=self.override, justification=self.justification
                )
            except ValueError as exc:
                self.plan_problem = core_text(str(exc))
        self._update_preview()

    def _update_preview(self) -> None:
        # on the last read: a preview must not read the scheduler on the GUI thread
        state = self.state
        self.preview = (
            self.service.preview(self.plan, state)
            if self.plan is not None and state is not None
            else None
        )
        self.preview_panel.show_preview(self.state, self.preview, self._guarantees())
        self._update()
        self.plan_changed.emit()

    def _guarantees(self) -> dict[Sector, int]:
        return guarantees_of(self.service, self.state) if self.state is not None else {}


    def apply_refusal(self) -> str | None:
        refused = refusal_text(self.service.policy, Action.REBALANCE_APPLY)
        if refused:
            return refused
        if self.worker.applying:
            return self.tr("A change is being applied.")
        if self.recovery.pending:
            return self.tr("An interrupted cap change waits: finish it or roll it back first.")
        if self.read_problem:
            return self.tr("The caps cannot be read now: apply once a read succeeds.")
        if self.plan is None:
            return self.plan_problem or self.tr("Set a new cap or move cap between sectors first.")
        if self.state is not None and self.plan.base_version != self.state.version:
            return self.tr("The caps changed since this plan: clear it and plan again.")
        if self.preview is None or not self.preview.ok:
            return self.tr("The new caps fail a check (see Checks).")
        return None

    def _update(self) -> None:
        state = self.state
        if state is not None:
            lent = state.lent()
            guarantees = self._guarantees()
            after = self.plan.caps() if self.plan is not None else state.caps()
            scale = max(
                [state.capacity]
                + [(c or 0) for c in after.values()]
                + [q.running + q.borrowed for q in state.sectors.values()]
            )
            for sector, column in self.columns.items():
                column.show_quota(
                    state.sectors[sector],
                    lent[sector],
                    guarantees.get(sector),
                    after[sector],
                    scale,
                )
            self.step.setMaximum(max(1, state.capacity))
        refusal = self.apply_refusal()
        self.apply_button.setEnabled(refusal is None)
        self.apply_button.setToolTip(refusal or self.tr("Apply the new caps (asks for a reason)"))
        self.clear_button.setEnabled(bool(self.targets))
        self.move_button.setEnabled(state is not None and not self.worker.applying)
        self.undo_button.setEnabled(
            self.undoable is not None and not self.worker.applying and state is not None
        )
        self.about.setText((self.features or {}).get(ui_language(), ""))
        banner, status = read_texts(state, self.read_problem, self.tz)
        self.banner.setText(banner)
        self.banner.setVisible(bool(banner))
        self.status.setText(status)


    def ask_apply(self) -> QuotaApplyDialog | None:
        """The confirmation (window-modal, not blocking); applying starts on accept."""
        if self.apply_refusal() is not None or self.plan is None:
            return None
        plan = self.plan
        dialog = QuotaApplyDialog(plan, undo=False, parent=self)
        dialog.accepted.connect(lambda: self._start(plan, dialog.reason()))
        return self._open(dialog)

    def ask_undo(self, plan_id: str | None = None) -> QuotaApplyDialog | None:
        """Confirm undoing a change (the last one by default) and run it on the apply thread."""
        plan_id = plan_id or self.undoable
        refused = refusal_text(self.service.policy, Action.REBALANCE_UNDO)
        if refused or self.worker.applying or self.state is None or plan_id is None:
            self._say(refused or self.tr("Nothing to undo now."), ok=False)
            return None
        override, why = self.override, self.justification
        shown, problem = checked_inverse(self.service, plan_id, self.state, override, why)
        if shown is None:
            self._say(problem, ok=False)
            return None
        dialog = QuotaApplyDialog(shown, undo=True, parent=self)
        dialog.accepted.connect(
            lambda: self._start(None, dialog.reason(), undo_of=plan_id, override=(override, why))
        )
        return self._open(dialog)

    def _start(
        self, plan: QuotaPlan | None, reason: str, undo_of: str | None = None, override=(False, "")
    ) -> None:
        service, who = self.service, self.service.policy.identity.user

        def work(progress, cancel):  # on the apply thread; no steps to report
            if undo_of is None:
                return service.apply(plan, who, reason)
            return service.undo(undo_of, who, reason, *override)

        if self.worker.start_apply(work):
            self.result.setStyleSheet("")
            self.result.setText(self.tr("Applying the new caps…"))
            self._update()

    def _apply_finished(self, result) -> None:
        entry = result.entry
        self.last_result = entry.result
        self.undoable = last_undoable_plan(self.service.audit)
        self._say(applied_text(entry), ok=True)
        self.targets, self.plan = {}, None
        self.preview_panel.reset_override()
        self.refresh()
        self._update()
        self.applied.emit(result)

    def _apply_failed(self, error: Exception) -> None:
        self.last_result, text = failure_text(error, self.service.policy)
        self._say(text, ok=False)
        self.refresh()
        self._update()

    def _say(self, text: str, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {'#36b37e' if ok else '#ff5630'};")
