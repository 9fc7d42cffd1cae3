"""The quota board's preview: every sector's cap before → after, the checks, the override.

A cap is a QOS limit Slurm applies at once: nothing drains and no running job stops, but a
sector whose new cap is below what it runs now starts nothing new until it is back under the cap.
The core refuses such a cap (and one below the guarantee) unless the operator overrides with a
written justification; the panel says so in the checks and carries the override to the plan.
Below the caps, the predicted waits of each sector before → after (widgets/capacity/
wait_forecast.py, replayed off the GUI thread on the fleet's job history).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console.capacity.quota.model import QuotaSettings, QuotaState
from console.fleet.model import SECTORS, Sector
from console.whatif.quota_predict import QuotaScene
from widgets.capacity.preview_parts import (
    checks_list,
    override_row,
    panel_title,
    put_row,
    sector_table,
    show_checks,
    show_no_plan,
)
from widgets.capacity.wait_forecast import WaitForecast
from widgets.common.labels import fmt, sector_name, ui_language


class QuotaPreviewPanel(QWidget):
    override_changed = Signal(bool, str)  # override on, justification

    def __init__(
        self, history=None, settings: QuotaSettings | None = None, parent: QWidget | None = None
    ) -> None:
        """`history`: the fleet's job history source (console/whatif/effect.py HistorySource);
        `settings`: the quota settings (whether a borrow QOS lets sectors run above caps)."""
        super().__init__(parent)
        self.settings = settings
        self.wait_forecast = WaitForecast(history)
        self.state: QuotaState | None = None
        self.preview = None  # QuotaPreview
        self.guarantees: dict[Sector, int] = {}
        self.caps_title, self.checks_title = panel_title(), panel_title()
        self.caps = sector_table(5, len(SECTORS))
        self.problems = checks_list()
        self.effect = QLabel(objectName="Legend", wordWrap=True)
        self.override, self.justification, row = override_row()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.caps_title)
        layout.addWidget(self.caps)
        layout.addWidget(self.effect)
        layout.addWidget(self.wait_forecast)
        layout.addWidget(self.checks_title)
        layout.addWidget(self.problems, 1)
        layout.addLayout(row)
        self.override.toggled.connect(self._override_edited)
        self.justification.textChanged.connect(self._override_edited)
        self.retranslate()

    def retranslate(self) -> None:
        self.caps_title.setText(self.tr("Caps before → after"))
        self.checks_title.setText(self.tr("Checks"))
        self.caps.setAccessibleName(self.tr("Caps before → after"))
        self.problems.setAccessibleName(self.tr("Checks"))
        self.caps.setHorizontalHeaderLabels(
            [
                self.tr("Sector"),
                self.tr("Cap"),
                self.tr("Running"),
                self.tr("Guarantee"),
                self.tr("Pending at cap"),
            ]
        )
        self.effect.setText(
            self.tr(
                "A new cap takes effect at once: running jobs carry on, new jobs above "
                "the cap wait (QOSGrpGRES). Nothing drains."
            )
        )
        self.override.setText(self.tr("Override the checks"))
        self.override.setAccessibleName(self.tr("Override the checks"))
        self.justification.setPlaceholderText(self.tr("Justification (at least 10 characters)"))
        self.justification.setAccessibleName(self.tr("Why the checks are overridden"))
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_preview(
        self, state: QuotaState | None, preview, guarantees: dict[Sector, int]
    ) -> None:
        """The draft's preview, or with none the caps as they are."""
        self.state, self.preview, self.guarantees = state, preview, guarantees
        self._render()
        self._forecast()

    def _forecast(self) -> None:
        state, preview, settings = self.state, self.preview, self.settings
        if state is None or preview is None:
            self.wait_forecast.show_caps(None, None, QuotaScene(0))
            return
        scene = QuotaScene(
            state.capacity,
            borrow=bool(settings is not None and settings.borrow_qos),
            grace_s=float(settings.grace_time_s) if settings is not None else 0.0,
        )
        self.wait_forecast.show_caps(state.caps(), preview.plan.caps(), scene)

    def shutdown(self) -> None:
        self.wait_forecast.shutdown()

    def reset_override(self) -> None:
        self.override.setChecked(False)
        self.justification.clear()

    def set_editable(self, on: bool) -> None:
        self.override.setEnabled(on)
        self.justification.setEnabled(on and self.override.isChecked())

    def _override_edited(self) -> None:
        on = self.override.isChecked()
        self.justification.setEnabled(on and self.override.isEnabled())
        self.override_changed.emit(on, self.justification.text().strip() if on else "")

    def _render(self) -> None:
        state, preview = self.state, self.preview
        after = preview.plan.caps() if preview is not None else None
        for row, sector in enumerate(SECTORS):
            cells = [sector_name(sector), "", "", "", ""]
            below = False
            if state is not None:
                q = state.sectors[sector]
                before = q.cap
                new = after[sector] if after is not None else before
                if new != before:
                    change = (new or 0) - (before or 0)
                    cells[1] = fmt(
                        "%1 → %2 (%3)", "–" if before is None else before, new, f"{change:+d}"
                    )
                else:
                    cells[1] = "–" if before is None else str(before)
                guarantee = self.guarantees.get(sector)
                below = new is not None and (
                    new < q.running or (guarantee is not None and new < guarantee)
                )
                cells[2] = str(q.running)
                cells[3] = "–" if guarantee is None else str(guarantee)
                cells[4] = str(q.pending_at_cap)
            put_row(self.caps, row, cells, below and after is not None)
        self._render_problems()

    def _render_problems(self) -> None:
        if self.preview is None:
            show_no_plan(
                self.problems,
                self.tr("No change: set a new cap, or move GPUs of cap between sectors."),
            )
            return
        show_checks(self.problems, self.preview.problems, ui_language(),
                    self.tr("The new caps pass every check."))
