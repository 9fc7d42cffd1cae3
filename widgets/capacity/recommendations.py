"""The board's recommendations, ranked by the wait they save against the guarantees they touch.

The planner's advice comes first in its own order; when the fleet has a job history each plan is
replayed (console/whatif/rank.py, as `rebalance` does) on a thread of its own, a few seconds for
three plans, and the list is then shown most wait saved first, each with its predicted effect:
the net p90 saving, every sector it changes (with the range) and the guarantee margins it uses.
Only the answer for the latest advice is shown.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from console.capacity.planner import Recommendation
from console.fleet.model import Sector
from console.whatif.effect import HistoryUnavailable, method_text, ranked_lines
from console.whatif.jobs import JobHistory
from console.whatif.rank import Ranked, rank_by_wait
from widgets.common.labels import ui_language

RANK_THREAD = "what-if-rank"


class RecommendationList(QWidget):
    chosen = Signal(object)  # Recommendation
    ranked_ready = Signal(int, object, object)  # generation, list[Ranked] or None, history

    def __init__(
        self, history: Callable[[], JobHistory | None] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.history_source = history
        self.recommendations: list[Recommendation] = []
        self.ranked: list[Ranked] | None = None
        self.history: JobHistory | None = None
        self.problem: HistoryUnavailable | None = None  # why the source had no history
        self.generation = 0
        self.state = "idle"  # idle | ranking | ranked | no-history
        self.buttons: list[QPushButton] = []
        self.note: QLabel | None = None  # what the list is: ranked, being ranked, or why not
        self.effects: list[QLabel] = []  # one per recommendation shown, in the order shown
        self._threads: list[threading.Thread] = []  # an older ranking may still be running
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.ranked_ready.connect(self._ranked)
        self._render()

    @property
    def busy(self) -> bool:
        return self.state == "ranking"

    @property
    def shown(self) -> list[Recommendation]:
        """The recommendations in the order they are on screen."""
        if self.ranked is not None:
            return [r.recommendation for r in self.ranked]
        return list(self.recommendations)

    def show_recommendations(
        self,
        recommendations: list[Recommendation],
        before: Mapping[Sector, int],
        afters: list[Mapping[Sector, int]],
        guarantees: Mapping[Sector, int],
    ) -> None:
        """`afters[i]`: each sector's GPUs once recommendation i is applied."""
        self.generation += 1
        self.recommendations, self.ranked, self.history = list(recommendations), None, None
        if not recommendations:
            self.state = "idle"
        elif self.history_source is None:
            self.state = "no-history"
        else:
            self.state = "ranking"
            self._start(dict(before), [dict(a) for a in afters], dict(guarantees))
        self._render()

    def _start(self, before, afters, guarantees) -> None:
        generation, source = self.generation, self.history_source
        recs = list(self.recommendations)
        after_of = {id(r): a for r, a in zip(recs, afters, strict=True)}

        def work() -> None:
            try:
                history = source()
            except HistoryUnavailable as exc:  # sacct down, hanging or unreadable: say so
                history = exc
            ranked = None
            if history is not None and not isinstance(history, HistoryUnavailable):
                ranked = rank_by_wait(
                    recs, history, before, lambda r: after_of[id(r)], guarantees=guarantees
                )
            with contextlib.suppress(RuntimeError):  # the board was closed meanwhile
                self.ranked_ready.emit(generation, ranked, history)  # queued to the GUI thread

        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=work, name=RANK_THREAD, daemon=True)
        self._threads.append(thread)
        thread.start()

    def shutdown(self, timeout: float = 10.0) -> None:
        """No ranking left running (the board's shutdown): its answer would go nowhere."""
        self.generation += 1
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def _ranked(self, generation: int, ranked, history) -> None:
        if generation != self.generation:
            return
        self.problem = history if isinstance(history, HistoryUnavailable) else None
        self.ranked, self.history = ranked, (None if self.problem else history)
        self.state = "ranked" if ranked is not None else "no-history"
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def _render(self) -> None:
        while self.box.count():
            widget = self.box.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.buttons, self.effects = [], []
        lang = ui_language()
        self.setToolTip(method_text(self.history, lang) if self.history is not None else "")
        if not self.recommendations:
            none = self.tr(
                "None now: no idle nodes above a guarantee for a sector with queued work."
            )
            self.note = QLabel(none, wordWrap=True, objectName="Legend")
            self.box.addWidget(self.note)
            return
        if self.state == "ranking":
            note = self.tr("Replaying each plan against the sectors' past jobs…")
        elif self.state == "no-history" and self.problem is not None:
            note = self.problem.text(lang) + " " + self.tr("In the planner's order.")
        elif self.state == "no-history":
            note = self.tr("No job history for this fleet: in the planner's order, no prediction.")
        else:
            note = self.tr("Most p90 wait saved first (then most guarantee margin left).")
        self.note = QLabel(note, wordWrap=True, objectName="Legend")
        self.box.addWidget(self.note)
        ranked = {id(r.recommendation): r for r in self.ranked or ()}
        for rec in self.shown:
            self.box.addWidget(QLabel(rec.text(lang), wordWrap=True))
            r = ranked.get(id(rec))
            effect = QLabel(
                "\n".join(ranked_lines(r, lang)) if r is not None else "",
                wordWrap=True,
                objectName="Legend",
            )
            self.box.addWidget(effect)
            # after addWidget: before it, a shown parentless label is a top-level window for a
            # moment, and the layout's own show comes queued (visible only a turn later)
            effect.setVisible(r is not None)
            self.effects.append(effect)
            button = QPushButton(self.tr("Use this plan"))
            button.clicked.connect(lambda _=False, x=rec: self.chosen.emit(x))
            self.box.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            self.buttons.append(button)
