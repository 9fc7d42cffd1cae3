"""The accounting tab's waits table: per sector, the jobs Slurm started in the period and their
p50/p90 wait (submit → start), read from sacct on the history pool for the period picked above
(console/scheduler/watch.py SchedulerWatch.waits_between). Shown only where the session has Slurm.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from console.fleet.model import SECTORS
from console.scheduler.books import UNMAPPED, Waits
from console.scheduler.watch import accounting_state, slurm_why
from widgets.common.csv_export import Column, FrameModel
from widgets.common.labels import core_text, sector_name

CHANNEL = "accounting-waits"
MINUTES = 1

WaitsSource = Callable[[float, float], Mapping[str, Waits]]


def waits_frame(waits: Mapping[str, Waits], unmapped: str) -> pd.DataFrame:
    """One row per sector (every sector, unmapped last when any job was), waits in minutes."""
    keys = [s.value for s in SECTORS] + ([UNMAPPED] if UNMAPPED in waits else [])
    names = {s.value: sector_name(s) for s in SECTORS} | {UNMAPPED: unmapped}
    rows = []
    for key in keys:
        w = waits.get(key)
        rows.append(
            {
                "sector": key or "unmapped",
                "sector_name": names[key],
                "started": w.jobs if w else 0,
                "wait_p50_min": None if w is None or w.p50_s is None else w.p50_s / 60,
                "wait_p90_min": None if w is None or w.p90_s is None else w.p90_s / 60,
            }
        )
    return pd.DataFrame(rows)


def _read(source: WaitsSource, t0: float, t1: float) -> object:
    """On the pool: the waits, or the clear state in words (a Phrase) when sacct fails."""
    try:
        return source(t0, t1)
    except Exception as exc:  # slurmdbd down, sacct missing, output unreadable
        return accounting_state(slurm_why(exc))


class WaitsTable(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(objectName="PanelTitle")
        self.note = QLabel(objectName="Legend")
        self.note.setWordWrap(True)
        self.model = FrameModel(self._columns(), self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.setFixedHeight(22 * 4 + 30)  # every sector's row, the table above stretches
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view)
        layout.addWidget(self.note)
        self.waits: Mapping[str, Waits] | None = None
        self.problem: str | None = None
        self.setVisible(False)
        self.retranslate()

    def _columns(self) -> list[Column]:
        return [
            Column("sector_name", lambda: self.tr("Sector")),
            Column("started", lambda: self.tr("Jobs started"), 0),
            Column("wait_p50_min", lambda: self.tr("Wait p50 (min)"), MINUTES),
            Column("wait_p90_min", lambda: self.tr("Wait p90 (min)"), MINUTES),
        ]

    def retranslate(self) -> None:
        self.title.setText(self.tr("Waits in Slurm (submit to start), jobs started in the period"))
        self.view.setAccessibleName(self.tr("Waits per sector"))
        self.model.retranslate()
        if self.waits is not None:
            self._show(self.waits)
        self._show_note()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def refresh(self, queries, source: WaitsSource | None, t0: float, t1: float) -> None:
        """Read the period's waits on the pool; nothing shown without a source (no Slurm)."""
        self.setVisible(source is not None)
        if source is None or queries is None:
            return
        self.note.setText(self.tr("Loading…"))
        queries.ask(CHANNEL, lambda: _read(source, t0, t1), self._answer, self._failed)

    def _answer(self, result: object) -> None:
        if isinstance(result, str):  # the clear state: the table keeps the last good figures
            self._failed(result)
            return
        self.problem = None
        self._show(result)
        self._show_note()

    def _failed(self, message: str) -> None:
        self.problem = message
        self._show_note()

    def _show(self, waits: Mapping[str, Waits]) -> None:
        self.waits = waits
        self.model.set_frame(waits_frame(waits, self.tr("(unmapped account)")))

    def _show_note(self) -> None:
        self.note.setText(core_text(self.problem) if self.problem else "")
        self.note.setStyleSheet("QLabel { color: #e0a030; }" if self.problem else "")
