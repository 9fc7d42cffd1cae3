"""The rebalance board: three sector columns of node chips, a live preview, apply and undo.

Drag chips between columns, or set target GPUs per sector and let the planner pick nodes; either
way the board holds a draft (node → sector) and previews it against the last read allocation.
Reads and applies run on the CapacityWorker's threads; planning and preview are pure Python on the
read state, so they run here. The service checks the role again on apply and undo: the greyed
buttons only say early what the core would refuse.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.access import Action
from console.capacity.model import ClusterState, Plan
from console.capacity.planner import Note, Recommendation
from console.capacity.service import ApplyResult, CapacityService, PlanRejected, Preview
from console.fleet.model import SECTORS, FleetSnapshot, Sector
from widgets.capacity.apply_flow import ApplyDialog, ApplyProgress
from widgets.capacity.board_base import BoardBase, board_splitter
from widgets.capacity.move_keys import MoveKeys
from widgets.capacity.node_chips import NodeChipModel, node_utilisation
from widgets.capacity.outcome_text import failure_text, outcome_text
from widgets.capacity.preview import PreviewPanel
from widgets.capacity.recovery_banner import RecoveryBanner
from widgets.capacity.refusal import refusal_text
from widgets.capacity.scheduler_label import SchedulerLabel
from widgets.capacity.sector_column import SectorColumn
from widgets.capacity.wait_forecast import WaitForecast
from widgets.common.labels import fmt, ui_language

REFRESH_MS = 3000


class RebalanceBoard(BoardBase):
    applied = Signal(object)  # ApplyResult of an apply or undo (the audit view refreshes)
    plan_changed = Signal()  # the draft or its preview changed

    def __init__(self, service: CapacityService, tz: ZoneInfo, parent=None) -> None:
        super().__init__(service, tz, service.state, REFRESH_MS, parent)
        self.state: ClusterState | None = None
        self.moves: dict[str, Sector] = {}  # the draft: node → the sector it goes to
        self.notes: tuple[Note, ...] = ()
        self.plan: Plan | None = None
        self.preview: Preview | None = None
        self.override, self.justification = False, ""
        self.model = NodeChipModel(self)
        self.columns = {s: SectorColumn(s, self.model) for s in SECTORS}
        self.search = QLineEdit(clearButtonEnabled=True)
        self.plan_button, self.clear_button = QPushButton(), QPushButton()
        self.replan_button, self.refresh_button = QPushButton(), QPushButton()
        self.apply_button = QPushButton(objectName="ApplyButton")
        self.status = QLabel(objectName="Legend")
        self.scheduler = SchedulerLabel(service.backend, self.worker)  # "Slurm 24.11.5 on …"
        self.preview_panel = PreviewPanel(tz, service.job_history)
        # below the before → after table: what the draft does to each sector's queue
        self.wait_forecast = WaitForecast(service.job_history)
        self.preview_panel.layout().insertWidget(2, self.wait_forecast)
        self.progress = ApplyProgress()
        self.progress.hide()
        self.recovery = RecoveryBanner(service, self.worker, self.progress, self)
        self._layout()
        self._connect()
        self.retranslate()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for button in (self.plan_button, self.clear_button, self.replan_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.scheduler)
        bar.addWidget(self.status)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.apply_button)
        board = QWidget()
        cols = QHBoxLayout(board)
        cols.setContentsMargins(0, 0, 0, 0)
        for column in self.columns.values():
            cols.addWidget(column, 1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(self.preview_panel)
        side = QSplitter(Qt.Orientation.Vertical, objectName="BoardSideSplitter")
        side.addWidget(self.progress)
        side.addWidget(scroll)
        split = board_splitter(board, side, "BoardSplitter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.recovery)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    def _connect(self) -> None:
        self.worker.state_read.connect(self.show_state)
        self.worker.read_failed.connect(self._read_failed)
        self.worker.progress.connect(self.progress.step)
        self.worker.apply_finished.connect(self._apply_finished)
        self.worker.apply_failed.connect(self._apply_failed)
        for column in self.columns.values():
            column.view.nodes_dropped.connect(self.move_nodes)
        self.move_keys = MoveKeys([c.view for c in self.columns.values()], self.move_nodes, self)
        self.search.textChanged.connect(
            lambda text: [c.filter.set_text(text) for c in self.columns.values()]
        )
        self.plan_button.clicked.connect(self.plan_to_targets)
        self.clear_button.clicked.connect(self.clear_plan)
        self.replan_button.clicked.connect(self._rebuild_plan)
        self.refresh_button.clicked.connect(self.refresh)
        self.apply_button.clicked.connect(self.ask_apply)
        self.preview_panel.override_changed.connect(self._override_changed)
        self.preview_panel.recommendation_chosen.connect(self.use_recommendation)
        self.progress.cancel_requested.connect(self.worker.cancel_apply)
        self.progress.dismissed.connect(self.progress.hide)

    def retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Find nodes (name, state, job)…"))
        self.search.setAccessibleName(self.tr("Find nodes on the board"))
        self.plan_button.setText(self.tr("Plan to targets"))
        self.plan_button.setToolTip(
            self.tr("Let the planner pick nodes so each sector with a target gets it")
        )
        self.clear_button.setText(self.tr("Clear plan"))
        self.replan_button.setText(self.tr("Re-plan on the current allocation"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.apply_button.setText(self.tr("Apply…"))
        for column in self.columns.values():
            column.retranslate()
        self._update()

    def shutdown(self) -> None:
        """Stop the timer and the worker's threads (a running apply is cancelled first)."""
        self.refresh_timer.stop()
        self.wait_forecast.shutdown()
        self.preview_panel.recs.shutdown()
        self.worker.shutdown()

    # -- reading ----------------------------------------------------------------------------------

    def show_state(self, state: ClusterState) -> None:
        self.state = state
        self.read_problem = None
        # drop draft moves the allocation has made true meanwhile, or of nodes gone
        self.moves = {
            n: s for n, s in self.moves.items() if n in state.nodes and state.nodes[n].sector != s
        }
        self.model.show_state(state, self._planned())
        if self.plan is None or not self.moves:
            self._rebuild_plan()
        else:  # keep the plan on the version it was made for: a change makes it stale
            self._update_preview()
        recs = self.service.recommendations(state)
        afters = [self.service.preview(r.plan, state).after for r in recs]
        self.preview_panel.show_recommendations(recs, self.service.figures(state), afters)

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        """Live utilisation colours the chips (only while the board is on screen)."""
        if self.isVisible():
            self.model.set_utilisation(node_utilisation(snap))

    def _planned(self) -> dict[str, Sector]:
        if self.state is None:
            return {}
        return {n: self.moves.get(n, r.sector) for n, r in self.state.nodes.items()}

    # -- the draft -------------------------------------------------------------------------------

    def move_nodes(self, names: list[str], target: Sector) -> None:
        """Dropped chips: plan `names` into `target` (back home cancels their move)."""
        if self.state is None:
            return
        for name in names:
            rec = self.state.nodes.get(name)
            if rec is None:
                continue
            if rec.sector == target:
                self.moves.pop(name, None)
            else:
                self.moves[name] = target
        self.notes = ()
        self._rebuild_plan()

    def plan_to_targets(self) -> None:
        if self.state is None:
            return
        targets = {s: c.target_value() for s, c in self.columns.items()}
        if all(t is None for t in targets.values()):
            self.notes = ()
            self.moves = {}
        else:
            draft = self.service.plan_targets(targets, self.state)
            self.moves = {m.node: m.target for m in draft.plan.moves}
            self.notes = draft.notes
        self._rebuild_plan()

    def use_recommendation(self, recommendation: Recommendation) -> None:
        self.moves = {m.node: m.target for m in recommendation.plan.moves}
        self.notes = ()
        self._rebuild_plan()

    def clear_plan(self) -> None:
        self.moves, self.notes = {}, ()
        self.preview_panel.reset_override()
        self._rebuild_plan()

    def _override_changed(self, on: bool, justification: str) -> None:
        self.override, self.justification = on, justification
        if self.plan is not None:
            self.plan = replace(self.plan, override=on, justification=justification)
            self._update_preview()

    def _rebuild_plan(self) -> None:
        """A fresh plan of the draft against the last read allocation."""
        if self.state is None or not self.moves:
            self.plan = None
        else:
            plan = self.service.plan_moves(sorted(self.moves.items()), self.state)
            self.plan = replace(plan, override=self.override, justification=self.justification)
        self.model.set_planned(self._planned())
        self._update_preview()

    def _update_preview(self) -> None:
        if self.plan is not None and self.state is not None:
            self.preview = self.service.preview(self.plan, self.state)
        else:
            self.preview = None
        figures = self.service.figures(self.state) if self.state is not None else None
        self.preview_panel.show_preview(self.preview, self.notes, figures)
        self.wait_forecast.show_preview(self.preview)
        self._update()
        self.plan_changed.emit()

    # -- buttons and status -----------------------------------------------------------------------

    def apply_refusal(self) -> str | None:
        """Why Apply is off now, in words (None: it is on)."""
        refused = refusal_text(self.service.policy, Action.REBALANCE_APPLY)
        if refused:
            return refused
        if self.worker.applying:
            return self.tr("A plan is being applied.")
        if self.recovery.pending:
            return self.tr("Finish or roll back the interrupted apply first.")
        if self.plan is None:
            return self.tr("Drag nodes between sectors or plan to targets first.")
        if self.preview is None or not self.preview.ok:
            return self.tr("The plan has errors (see Checks).")
        return None

    def _update(self) -> None:
        state = self.state
        if state is not None:
            figures = self.preview.before if self.preview else self.service.figures(state)
            for sector, column in self.columns.items():
                after = self.preview.after[sector] if self.preview else figures[sector].allocated
                nodes = sum(1 for r in state.nodes.values() if r.sector == sector)
                column.show_figures(figures[sector], after, nodes)
                column.target.setMaximum(sum(r.gpus for r in state.nodes.values()))
        refusal = self.apply_refusal()
        self.apply_button.setEnabled(refusal is None)
        self.apply_button.setToolTip(refusal or self.tr("Apply the plan (asks for a reason)"))
        self.clear_button.setEnabled(bool(self.moves))
        stale = (
            self.plan is not None
            and state is not None
            and self.plan.base_version != (state.version)
        )
        self.replan_button.setVisible(stale)
        if self.read_problem:
            text = fmt(self.tr("Cannot read the allocation: %1"), self.read_problem)
        elif state is None:
            text = self.tr("Reading the allocation…")
        else:
            when = datetime.fromtimestamp(state.read_at, self.tz).strftime("%H:%M:%S")
            text = fmt(self.tr("Read %1 · version %2"), when, state.version)
        self.status.setText(text)

    # -- apply and undo ---------------------------------------------------------------------------

    def ask_apply(self) -> ApplyDialog | None:
        """Open the confirmation (window-modal, not blocking); applying starts on accept."""
        if self.apply_refusal() is not None or self.plan is None or self.preview is None:
            return None
        plan = self.plan
        drains = [r.name for r in self.preview.drains]
        dialog = ApplyDialog(plan, drains, undo=False, parent=self)
        dialog.accepted.connect(lambda: self._start(plan, dialog.reason()))
        return self._open(dialog)

    def ask_undo(self, plan_id: str) -> ApplyDialog | None:
        """Confirm undoing an applied plan (its inverse, drain-first too) and run it."""
        refused = refusal_text(self.service.policy, Action.REBALANCE_UNDO)
        if self.recovery.pending:
            refused = self.tr("Finish or roll back the interrupted apply first.")
        if refused or self.worker.applying or self.state is None:
            self._say(refused or self.tr("Wait for the current apply to end."), ok=False)
            return None
        try:
            inverse = self.service.inverse_of(plan_id, self.state)
        except PlanRejected as exc:
            self._say(" ".join(p.text(ui_language()) for p in exc.problems), ok=False)
            return None
        drains = [m.node for m in inverse.moves if not self.state.nodes[m.node].idle]
        dialog = ApplyDialog(inverse, drains, undo=True, parent=self)
        dialog.accepted.connect(lambda: self._start(inverse, dialog.reason(), undo_of=plan_id))
        return self._open(dialog)

    def _start(self, plan: Plan, reason: str, undo_of: str | None = None) -> None:
        service = self.service
        if undo_of is None:

            def work(progress, cancel) -> ApplyResult:
                return service.apply(plan, reason, progress, cancel)
        else:

            def work(progress, cancel) -> ApplyResult:
                return service.undo(undo_of, reason, progress, cancel)

        if self.worker.start_apply(work):
            self.progress.start(plan)
            self.progress.show()
            self._update()

    def _apply_finished(self, result: ApplyResult) -> None:
        outcome = result.outcome
        self.last_result = outcome.result
        self.progress.finish(outcome_text(outcome), outcome.applied)
        if outcome.applied:
            self.moves, self.notes = {}, ()
            self.preview_panel.reset_override()
        self.plan = None
        self.refresh()
        self._update()
        self.applied.emit(result)

    def _apply_failed(self, error: Exception) -> None:
        self.last_result, text = failure_text(error, self.service.policy)
        self.progress.finish(text, ok=False)
        self.refresh()
        self._update()

    def _say(self, text: str, ok: bool) -> None:
        self.progress.start(Plan((), ""))
        self.progress.finish(text, ok)
        self.progress.show()
