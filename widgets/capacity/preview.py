"""The rebalance board's live preview: what the draft plan does, and everything wrong with it.

Per sector: GPUs before → after against the guarantee and cap, busy/idle, queued demand; the
nodes that drain first with their running work; every validation message in its severity's
colour; the planner's rounding notes; recommendations to adopt; and the override with its
written justification (the only way below a guarantee).
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from console.capacity.model import SectorFigures
from console.capacity.planner import Note, Recommendation
from console.capacity.service import Preview
from console.fleet.model import SECTORS, Sector
from widgets.capacity.preview_parts import (
    checks_list,
    override_row,
    panel_title,
    plain_table,
    put_row,
    sector_table,
    show_checks,
    show_no_plan,
)
from widgets.capacity.recommendations import RecommendationList
from widgets.common.labels import fmt, sector_name, ui_language
from widgets.history.time_range import format_time

MAX_RECOMMENDATIONS = 3


class PreviewPanel(QWidget):
    override_changed = Signal(bool, str)  # override on, justification
    recommendation_chosen = Signal(object)  # Recommendation

    def __init__(self, tz: ZoneInfo, history=None, parent: QWidget | None = None) -> None:
        """`history`: the fleet's job history source (the recommendations are ranked on it)."""
        super().__init__(parent)
        self.tz = tz
        self.preview: Preview | None = None
        self.figures: Mapping[Sector, SectorFigures] | None = None
        self.notes: tuple[Note, ...] = ()
        self.sectors_title, self.drains_title = panel_title(), panel_title()
        self.problems_title, self.recs_title = panel_title(), panel_title()
        self.sectors = sector_table(6, len(SECTORS))
        self.drains = plain_table(4)
        self.drains.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.drains.setMinimumHeight(110)
        self.problems = checks_list()
        self.notes_label = QLabel(wordWrap=True, objectName="Legend")
        self.override, self.justification, row = override_row()
        self.recs = RecommendationList(history)
        self.recs.chosen.connect(self.recommendation_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.sectors_title)
        layout.addWidget(self.sectors)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems, 1)
        layout.addLayout(row)
        layout.addWidget(self.drains_title)
        layout.addWidget(self.drains, 1)
        layout.addWidget(self.recs_title)
        layout.addWidget(self.recs)
        self.override.toggled.connect(self._override_edited)
        self.justification.textChanged.connect(self._override_edited)
        self.retranslate()

    def retranslate(self) -> None:
        self.sectors_title.setText(self.tr("Before → after"))
        self.drains_title.setText(self.tr("Nodes that drain first (running work continues)"))
        self.problems_title.setText(self.tr("Checks"))
        self.recs_title.setText(self.tr("Recommendations"))
        self.sectors.setAccessibleName(self.tr("Before → after"))
        self.drains.setAccessibleName(self.tr("Nodes that drain first"))
        self.problems.setAccessibleName(self.tr("Checks"))
        self.justification.setAccessibleName(self.tr("Why the guarantee is overridden"))
        self.sectors.setHorizontalHeaderLabels(
            [
                self.tr("Sector"),
                self.tr("GPUs"),
                self.tr("Guarantee"),
                self.tr("Cap"),
                self.tr("Busy / idle"),
                self.tr("Queued"),
            ]
        )
        self.drains.setHorizontalHeaderLabels(
            [self.tr("Node"), self.tr("Move"), self.tr("Running work"), self.tr("Expected end")]
        )
        self.override.setText(self.tr("Override guarantee"))
        self.justification.setPlaceholderText(self.tr("Justification (at least 10 characters)"))
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- input ------------------------------------------------------------------------------------

    def show_preview(
        self,
        preview: Preview | None,
        notes: tuple[Note, ...] = (),
        figures: Mapping[Sector, SectorFigures] | None = None,
    ) -> None:
        """The plan's preview; with no plan, the sectors as they are (`figures`)."""
        self.preview, self.notes = preview, notes
        self.figures = preview.before if preview is not None else figures
        self._render()

    def show_recommendations(
        self,
        recommendations: list[Recommendation],
        figures: Mapping[Sector, SectorFigures],
        afters: list[Mapping[Sector, int]],
    ) -> None:
        """The planner's advice (at most MAX_RECOMMENDATIONS), with each plan's GPUs after."""
        same = [r.text("en") for r in recommendations[:MAX_RECOMMENDATIONS]] == [
            r.text("en") for r in self.recs.recommendations
        ]
        if same:
            return  # same advice: keep the buttons and their ranking (a refresh every 3 s)
        self.recs.show_recommendations(
            recommendations[:MAX_RECOMMENDATIONS],
            {s: figures[s].allocated for s in SECTORS},
            afters[:MAX_RECOMMENDATIONS],
            {s: figures[s].guarantee for s in SECTORS},
        )

    def reset_override(self) -> None:
        self.override.setChecked(False)
        self.justification.clear()

    def _override_edited(self) -> None:
        on = self.override.isChecked()
        self.justification.setEnabled(on)
        self.override_changed.emit(on, self.justification.text() if on else "")

    # -- drawing ----------------------------------------------------------------------------------

    def _render(self) -> None:
        lang = ui_language()
        preview = self.preview
        for row, sector in enumerate(SECTORS):
            cells = [sector_name(sector), "", "", "", "", ""]
            below = False
            if self.figures is not None:
                fig = self.figures[sector]
                after = preview.after[sector] if preview is not None else fig.allocated
                below = after < fig.guarantee and after < fig.allocated
                change = after - fig.allocated
                cells[1] = (
                    fmt("%1 → %2 (%3)", fig.allocated, after, f"{change:+d}")
                    if change
                    else str(after)
                )
                cells[2] = str(fig.guarantee)
                cells[3] = "–" if fig.maximum is None else str(fig.maximum)
                cells[4] = f"{fig.busy} / {fig.idle}"
                cells[5] = str(fig.demand)
            put_row(self.sectors, row, cells, below)
        self.notes_label.setText("\n".join(n.text(lang) for n in self.notes))
        self.notes_label.setVisible(bool(self.notes))
        self._render_problems(lang)
        self._render_drains()

    def _render_problems(self, lang: str) -> None:
        if self.preview is None:
            show_no_plan(
                self.problems,
                self.tr("No plan: drag nodes to another sector, or set targets and plan."),
            )
            return
        show_checks(self.problems, self.preview.problems, lang,
                    self.tr("The plan passes every check."))

    def _render_drains(self) -> None:
        preview = self.preview
        drains = preview.drains if preview is not None else ()
        targets = {m.node: m.target for m in preview.plan.moves} if preview is not None else {}
        self.drains.setRowCount(len(drains))
        for row, rec in enumerate(drains):
            target = targets.get(rec.name)
            move = sector_name(rec.sector) + (" → " + sector_name(target) if target else "")
            work = "; ".join(rec.work) or fmt(self.tr("%1 jobs"), rec.running_jobs)
            ends = (
                format_time(rec.work_ends_at, self.tz)
                if rec.work_ends_at
                else self.tr("unknown")
            )
            for col, text in enumerate((rec.name, move, work, ends)):
                self.drains.setItem(row, col, QTableWidgetItem(text))
