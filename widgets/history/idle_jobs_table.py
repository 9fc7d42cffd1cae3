"""Under the accounting table: the Slurm jobs that held GPUs at ~0 % in the same period
("GPU-hours at 0 %", as Princeton's Jobstats reports them), with their efficiency.

The rows come from a callable the wiring hands over (console/scheduler/job_books.py
JobBooks.idle_table: the per-job store, charged to organisations and sectors); it runs on the
history query pool. Without one (no [slurm] in the fleet file) the table stays hidden.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from widgets.common.csv_export import Column, FrameModel
from widgets.common.labels import fmt, ui_language

CHANNEL = "idle-jobs"
MIN_MINUTES = 60.0
DIGITS = 1
Source = Callable[[float, float, str, float], list[dict]]


class IdleJobsTable(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source: Source | None = None
        self.rows: list[dict] | None = None
        self.title = QLabel(objectName="SectionTitle")
        self.note = QLabel(objectName="Legend")
        self.model = FrameModel(self._columns(), self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self.retranslate()
        self.setVisible(False)

    def attach(self, source: Source | None) -> None:
        self.source = source
        self.setVisible(source is not None)

    def refresh(self, queries, t0: float, t1: float) -> None:
        source = self.source
        if source is None or queries is None:
            return
        lang = ui_language()
        queries.ask(CHANNEL, lambda: source(t0, t1, lang, MIN_MINUTES), self._show, self._failed)

    def _show(self, rows: list[dict]) -> None:
        self.rows = rows
        frame = pd.DataFrame(rows, columns=[c.key for c in self._columns()])
        self.model.set_frame(frame, self._columns())
        hours = sum(r["zero_gpu_h"] for r in rows)
        self.note.setText(
            fmt(self.tr("Jobs: %1 · GPU-h at 0 %: %2"), str(len(rows)), f"{hours:,.1f}")
        )

    def _failed(self, message: str) -> None:
        self.note.setText(fmt(self.tr("Per-job usage unavailable: %1"), message))

    def _columns(self) -> list[Column]:
        return [
            Column("job", lambda: self.tr("Job")),
            Column("user", lambda: self.tr("User")),
            Column("account", lambda: self.tr("Account")),
            Column("org_name", lambda: self.tr("Organisation")),
            Column("sector_name", lambda: self.tr("Sector")),
            Column("gpus", lambda: self.tr("GPUs"), 0),
            Column("held_gpu_h", lambda: self.tr("Allocated GPU-h"), DIGITS),
            Column("zero_gpu_h", lambda: self.tr("GPU-h at 0 %"), DIGITS),
            Column("idle_h", lambda: self.tr("Hours at 0 %"), DIGITS),
            Column("efficiency_pct", lambda: self.tr("Efficiency %"), DIGITS),
        ]

    def retranslate(self) -> None:
        self.title.setText(
            fmt(self.tr("Jobs that held GPUs at ~0 % for %1 minutes or more"), f"{MIN_MINUTES:g}")
        )
        self.view.setAccessibleName(self.tr("Idle jobs"))
        self.model.set_frame(self.model.frame, self._columns())
        if self.rows is not None:
            self._show(self.rows)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
