"""A sector's queue as Slurm tells it (console/scheduler/watch.py SchedulerView): jobs and GPUs
waiting now with their top reasons, and the p50/p90 wait of the jobs that started in the watch's
period. Shared by the sector cards and the kiosk's sector pages (bigger type there).

Nothing is shown where the session has no Slurm; when Slurm cannot be read the last figures
stay, dimmed, under the reason in words.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLocale
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from console.scheduler.reasons import reason_name
from console.scheduler.watch import SchedulerView
from widgets.common.labels import core_text, fmt, ui_language

STALE = "#9aa3b2"
PROBLEM = "#e0a030"


def wait_text(seconds: float | None) -> str:
    """A wait as a person reads it: "40 s", "12 min", "3.5 h", "–" when none started."""
    if seconds is None:
        return "–"
    loc = QLocale()
    if seconds < 120:
        return fmt(QCoreApplication.translate("SectorWaits", "%1 s"), loc.toString(round(seconds)))
    if seconds < 7200:
        return fmt(
            QCoreApplication.translate("SectorWaits", "%1 min"), loc.toString(round(seconds / 60))
        )
    return fmt(
        QCoreApplication.translate("SectorWaits", "%1 h"), loc.toString(seconds / 3600, "f", 1)
    )


def queued_text(view: SchedulerView, sector: str) -> str:
    if view.pending is None:
        return "–"
    q = view.queued(sector)
    return fmt(QCoreApplication.translate("SectorWaits", "%1 / %2", "jobs / GPUs"), q.jobs, q.gpus)


def reasons_text(view: SchedulerView, sector: str, most: int = 3) -> str:
    """ "at its cap 8 GPUs · no free GPUs 4 GPUs": the reasons holding the most GPUs."""
    if view.pending is None:
        return ""
    lang = ui_language()
    parts = [
        fmt(QCoreApplication.translate("SectorWaits", "%1: %2 GPU"), reason_name(r, lang), w.gpus)
        for r, w in view.reasons(sector, most)
    ]
    return " · ".join(parts) if parts else QCoreApplication.translate("SectorWaits", "no job waits")


def waits_text(view: SchedulerView, sector: str) -> str:
    w = view.wait(sector)
    if view.waits is None:
        return "–"
    if w is None or w.jobs == 0:
        return QCoreApplication.translate("SectorWaits", "no job started")
    return fmt(
        QCoreApplication.translate("SectorWaits", "%1 / %2"), wait_text(w.p50_s), wait_text(w.p90_s)
    )


def period_days(view: SchedulerView) -> int:
    if view.waits_t0 is None or view.waits_t1 is None:
        return 0
    return max(1, round((view.waits_t1 - view.waits_t0) / 86400))


class SectorWaits(QWidget):
    """Queued now and waits, one sector; `big` uses the kiosk's object names."""

    def __init__(self, sector: str, big: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sector = sector
        value, caption = ("KioskStat", "KioskStatCaption") if big else ("", "CardCaption")
        self.queued = QLabel("–", objectName=value)
        self.queued_caption = QLabel(objectName=caption)
        self.waits = QLabel("–", objectName=value)
        self.waits_caption = QLabel(objectName=caption)
        self.reasons = QLabel(objectName="KioskBarLegend" if big else "CardCaption")
        self.reasons.setWordWrap(True)
        self.state = QLabel(objectName="KioskBarLegend" if big else "CardCaption")
        self.state.setWordWrap(True)
        self.state.setStyleSheet(f"QLabel {{ color: {PROBLEM}; }}")
        self.state.hide()
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(40 if big else 12)
        for col, (v, c) in enumerate(
            ((self.queued, self.queued_caption), (self.waits, self.waits_caption))
        ):
            grid.addWidget(v, 0, col)
            grid.addWidget(c, 1, col)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(grid)
        layout.addWidget(self.reasons)
        layout.addWidget(self.state)
        self.view: SchedulerView | None = None
        self.setVisible(False)  # until a view comes: no Slurm, no rows
        self.retranslate()

    def retranslate(self) -> None:
        self.queued_caption.setText(
            QCoreApplication.translate("SectorWaits", "jobs / GPUs waiting now")
        )
        days = period_days(self.view) if self.view is not None else 0
        self.waits_caption.setText(
            fmt(QCoreApplication.translate("SectorWaits", "wait p50 / p90, last %1 d"), days)
            if days
            else QCoreApplication.translate("SectorWaits", "wait p50 / p90")
        )
        if self.view is not None:
            self.show_view(self.view)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_view(self, view: SchedulerView | None) -> None:
        first = self.view is None or (
            view is not None and period_days(view) != period_days(self.view)
        )
        self.view = view
        self.setVisible(view is not None)
        if view is None:
            return
        if first:
            self.retranslate()
            return
        self.queued.setText(queued_text(view, self.sector))
        self.reasons.setText(reasons_text(view, self.sector))
        self.waits.setText(waits_text(view, self.sector))
        problems = view.problems()
        self.state.setText("\n".join(core_text(p) for p in problems))
        self.state.setVisible(bool(problems))
        stale_q = view.queue_problem is not None
        stale_w = view.accounting_problem is not None
        for label, stale in (
            (self.queued, stale_q),
            (self.reasons, stale_q),
            (self.waits, stale_w),
        ):
            label.setStyleSheet(f"QLabel {{ color: {STALE}; }}" if stale else "")
        self.setToolTip(
            QCoreApplication.translate(
                "SectorWaits",
                "Figures from Slurm: pending jobs by squeue, waits (submit to start) by sacct",
            )
            if not problems
            else QCoreApplication.translate(
                "SectorWaits", "Slurm cannot be read now: the dimmed figures are the last read"
            )
        )
