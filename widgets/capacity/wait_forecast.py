"""The board's "predicted waits" lines: what the drafted plan would do to each sector's queue.

The replay takes about a second for a month of jobs, so it runs on a thread of its own, after the
draft has been still for a moment (a drag is many small changes), and only the answer for the
latest draft is shown. The tooltip says how the prediction is made and what it cannot see. The
node board asks with its Preview (show_preview), the quota board with caps before and after on
the shared partition (show_caps).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.capacity.service import Preview
from console.fleet.model import SECTORS, Sector
from console.whatif.effect import HistoryUnavailable, effect_lines, method_text, plan_effect
from console.whatif.jobs import JobHistory
from console.whatif.quota_predict import QuotaScene, compare_quota
from widgets.common.labels import ui_language

SETTLE_MS = 400  # a draft still for this long is worth replaying


class WaitForecast(QWidget):
    computed = Signal(int, object, object)  # generation, effect per sector, history

    def __init__(
        self, history: Callable[[], JobHistory | None] | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.history_source = history
        self.title = QLabel(objectName="CardCaption")
        self.body = QLabel(wordWrap=True, objectName="Legend")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.body)
        self.generation = 0
        self.effect: Mapping[Sector, object] | None = None
        self.history: JobHistory | None = None
        self.problem: HistoryUnavailable | None = None  # why the source had no history
        self._pending: Callable[[JobHistory], Mapping] | None = None  # the draft's replay
        self.scene: QuotaScene | None = None  # quota mode: the tooltip says so
        self._asked: tuple | None = None  # the caps last replayed (quota mode)
        self._thread: threading.Thread | None = None
        self._state = "idle"  # idle | computing | shown | no-history
        self._timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._timer.timeout.connect(self._start)
        self.computed.connect(self._show)
        self.retranslate()

    @property
    def busy(self) -> bool:
        return self._state == "computing" or self._timer.isActive()

    def show_preview(self, preview: Preview | None) -> None:
        if preview is None or not preview.plan.moves:
            self._ask(None)
            return
        before = {s: preview.before[s].allocated for s in SECTORS}
        after = dict(preview.after)
        self._ask(lambda history: plan_effect(history, before, after))

    def show_caps(self, before: Mapping | None, after: Mapping | None, scene: QuotaScene) -> None:
        """Quota mode: each sector's cap before → after (None, or equal: no plan)."""
        self.scene = scene
        if before is None or after is None or dict(before) == dict(after):
            self._asked = None
            self._ask(None)
            return
        before, after = dict(before), dict(after)
        key = (tuple(before.items()), tuple(after.items()), scene)
        if key == self._asked and self._state in ("computing", "shown"):
            return  # the board re-reads every few seconds: the same caps need no new replay
        self._asked = key
        self._ask(lambda history: compare_quota(history, scene, before, after))

    def _ask(self, compute: Callable[[JobHistory], Mapping] | None) -> None:
        self.generation += 1
        if compute is None:
            self._pending, self._state = None, "idle"
            self._timer.stop()
        elif self.history_source is None:
            self._state = "no-history"
        else:
            self._pending, self._state = compute, "computing"
            self._timer.start()
        self.retranslate()

    def _start(self) -> None:
        if self._pending is None:
            return
        compute, generation, source = self._pending, self.generation, self.history_source

        def work() -> None:
            try:
                history = source()
            except HistoryUnavailable as exc:  # sacct down, hanging or unreadable: say so
                history = exc
            unavailable = isinstance(history, HistoryUnavailable)
            effect = compute(history) if history is not None and not unavailable else None
            with contextlib.suppress(RuntimeError):  # the board was closed meanwhile
                self.computed.emit(generation, effect, history)  # queued to the GUI thread

        self._thread = threading.Thread(target=work, name="what-if", daemon=True)
        self._thread.start()

    def shutdown(self, timeout: float = 10.0) -> None:
        """No replay left running (the board's shutdown): its answer would go nowhere."""
        self._timer.stop()
        self.generation += 1
        if self._thread is not None:
            self._thread.join(timeout)

    def _show(self, generation: int, effect, history) -> None:
        if generation != self.generation:
            return  # an older draft's answer
        self.problem = history if isinstance(history, HistoryUnavailable) else None
        self.effect, self.history = effect, (None if self.problem else history)
        self._state = "shown" if effect is not None else "no-history"
        self.retranslate()

    def retranslate(self) -> None:
        lang = ui_language()
        self.title.setText(self.tr("Predicted waits"))
        history, scene = self.history, self.scene
        self.setToolTip(method_text(history, lang, scene) if history is not None else "")
        if self._state == "idle":
            self.body.setText(self.tr("Make a plan to see what it does to each sector's queue."))
        elif self._state == "computing":
            self.body.setText(self.tr("Replaying the sectors' past jobs…"))
        elif self._state == "no-history" and self.problem is not None:
            self.body.setText(self.problem.text(lang))
        elif self._state == "no-history":
            self.body.setText(self.tr("No job history for this fleet: no prediction."))
        else:
            self.body.setText("\n".join(effect_lines(self.effect, lang)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
