"""GPU-hour accounting per sector or organisation over a period (console/history/accounting.py).

The period is whole days in the console's time zone: today, this week (from Monday), this month
(the default) or any dates picked. The query runs on the history worker; the table and the CSV
are the same DataFrame (numbers rounded as shown), with the total row last.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from PySide6.QtCore import QDate, QEvent, QLocale, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.fleet.model import SECTORS
from console.history.accounting import SECTOR_COLUMNS, period_bounds
from console.settings import AccountingSettings, EnergySettings
from widgets.common.csv_export import AskPath, Column, FrameModel, ask_save_path, export_csv
from widgets.common.labels import fmt, sector_name, ui_language
from widgets.history.accounting_energy import ENERGY, energy_columns, with_energy
from widgets.history.accounting_waits import WaitsSource, WaitsTable
from widgets.history.idle_jobs_table import IdleJobsTable
from widgets.history.query import AccountingResult, HistoryQueries, accounting_report
from widgets.history.time_range import source_label

CHANNEL = "accounting"
PRESETS = ("day", "week", "month", "custom")
NUMBERS = tuple(SECTOR_COLUMNS[1:])  # every figure accounting computes, in its order
DIGITS = 1
FORMAT = QLocale.FormatType.ShortFormat
REFRESH_MS = 60_000


def period_for(preset: str, today: date) -> tuple[date, date]:
    if preset == "day":
        return today, today
    if preset == "week":
        return today - timedelta(days=today.weekday()), today
    return today.replace(day=1), today


def accounting_frame(
    result: AccountingResult, total_label: str, no_org_label: str, lang: str
) -> pd.DataFrame:
    """The accounting table as shown: ids and names, numbers rounded to what the screen shows."""
    table = with_energy(result.table, result.energy, result.by)
    sector_names = {s.value: sector_name(s) for s in SECTORS}
    is_total = table["sector"] == "total"
    out = pd.DataFrame({"sector": table["sector"]})
    out["sector_name"] = [
        total_label if t else sector_names.get(s, s)
        for s, t in zip(table["sector"], is_total, strict=True)
    ]
    if result.by == "org":
        orgs = result.organisations
        names = dict(zip(orgs["id"], orgs["name_ko" if lang == "ko" else "name_en"], strict=True))
        out["org"] = table["org"]
        out["organisation"] = [
            "" if t else (names.get(o, o) if o else no_org_label)
            for o, t in zip(table["org"], is_total, strict=True)
        ]
    for column in NUMBERS + ENERGY:
        if column in table.columns:
            out[column] = pd.to_numeric(table[column], errors="coerce").round(DIGITS)
    return out.reset_index(drop=True)


class AccountingView(QWidget):
    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.queries: HistoryQueries | None = None
        self.settings = AccountingSettings()
        self.energy: EnergySettings | None = None  # None: no energy columns
        self.ask_save_path: AskPath = ask_save_path
        self.result: AccountingResult | None = None
        self.problem: str | None = None
        self.waits_source: WaitsSource | None = None  # with Slurm: sacct's waits per sector
        self.waits = WaitsTable()
        self.preset = QComboBox()
        self.first = QDateEdit(calendarPopup=True)
        self.last = QDateEdit(calendarPopup=True)
        self.by = QComboBox()
        self.refresh_button = QPushButton()
        self.export_button = QPushButton()
        self.accounts_button = QPushButton(visible=False)  # shown when the fleet has Slurm
        self.open_accounts: Callable[[], object] | None = None
        self.note = QLabel(objectName="Legend")
        self.from_label, self.to_label = QLabel(), QLabel()
        self.model = FrameModel([], self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.settle = QTimer(self, interval=300, singleShot=True)
        self.settle.timeout.connect(self.refresh)
        self.refresh_timer = QTimer(self, interval=REFRESH_MS)
        self.refresh_timer.timeout.connect(self._tick)
        bar = QHBoxLayout()
        for widget in (self.preset, self.from_label, self.first, self.to_label, self.last):
            bar.addWidget(widget)
        bar.addWidget(self.by)
        bar.addWidget(self.refresh_button)
        bar.addStretch(1)
        bar.addWidget(self.note)
        bar.addWidget(self.export_button)
        bar.addWidget(self.accounts_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.waits)
        self.idle = IdleJobsTable()  # the jobs at ~0 % in the same period (hidden without Slurm)
        layout.addWidget(self.idle, 1)
        self.retranslate()
        self.preset.setCurrentIndex(PRESETS.index("month"))
        self._preset_chosen()
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.first.dateChanged.connect(self._dates_edited)
        self.last.dateChanged.connect(self._dates_edited)
        self.by.currentIndexChanged.connect(lambda _: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.accounts_button.clicked.connect(lambda: self.open_accounts and self.open_accounts())

    def attach(
        self,
        queries: HistoryQueries,
        settings: AccountingSettings,
        energy: EnergySettings | None = None,
    ) -> None:
        self.queries, self.settings, self.energy = queries, settings, energy
        if self.isVisible():
            self.refresh()

    def set_accounts(self, opener: Callable[[], object]) -> None:
        """Show "Slurm accounts…", which calls `opener` (the fleet file names a Slurm)."""
        self.open_accounts = opener
        self.accounts_button.setVisible(True)

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def retranslate(self) -> None:
        texts = {
            "day": self.tr("Today"),
            "week": self.tr("This week"),
            "month": self.tr("This month"),
            "custom": self.tr("Dates below"),
        }
        self._refill(self.preset, [(texts[p], p) for p in PRESETS])
        self._refill(
            self.by, [(self.tr("By sector"), "sector"), (self.tr("By organisation"), "org")]
        )
        self.from_label.setText(self.tr("from"))
        self.to_label.setText(self.tr("to"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.accounts_button.setText(self.tr("Slurm accounts…"))
        self.preset.setAccessibleName(self.tr("Accounting period"))
        self.by.setAccessibleName(self.tr("Group accounting by"))
        self.first.setAccessibleName(self.tr("First day"))
        self.last.setAccessibleName(self.tr("Last day"))
        self.view.setAccessibleName(self.tr("Accounting"))
        if self.result is not None:
            self._show(self.result)
        self._show_note()

    @staticmethod
    def _refill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
        current = max(combo.currentIndex(), 0)
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(current)
        combo.blockSignals(False)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh_timer.start()
        if self.result is None and self.queries is not None:
            self.refresh()

    def hideEvent(self, event) -> None:
        self.refresh_timer.stop()
        super().hideEvent(event)

    # -- period -------------------------------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return self.first.date().toPython(), self.last.date().toPython()

    def set_period(self, first: date, last: date) -> None:
        """Pick dates (the preset becomes "dates below") and ask again."""
        self.preset.setCurrentIndex(PRESETS.index("custom"))
        self._set_dates(first, last)
        self.refresh()

    def _set_dates(self, first: date, last: date) -> None:
        for edit, day in ((self.first, first), (self.last, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)

    def _preset_chosen(self) -> None:
        preset = self.preset.currentData()
        if preset != "custom":
            self._set_dates(*period_for(preset, self.today()))
            self.settle.start()

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(PRESETS.index("custom"))
        self.preset.blockSignals(False)
        self.settle.start()

    def _tick(self) -> None:
        if self.period()[1] >= self.today():  # only a period still running changes
            self.refresh()

    # -- query --------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.settle.stop()
        first, last = self.period()
        if last < first:
            self.problem = self.tr("The period ends before it starts")
            self._show_note()
            return
        queries = self.queries
        if queries is None or not queries.available:
            self.problem = self.tr("History is not kept in this session")
            self._show_note()
            return
        self.problem = None
        t0, t1 = period_bounds(first, last, self.tz)
        by, settings, history = self.by.currentData(), self.settings, queries.history
        energy = self.energy
        self.idle.refresh(queries, t0, t1)
        queries.ask(
            CHANNEL,
            lambda: accounting_report(history, t0, t1, by, settings, energy),
            self._show,
            self._failed,
        )
        self.waits.refresh(queries, self.waits_source, t0, t1)
        self._show_note()

    def _failed(self, message: str) -> None:
        self.problem = fmt(self.tr("History unavailable: %1"), message)
        self._show_note()

    def _show(self, result: AccountingResult) -> None:
        self.result = result
        frame = accounting_frame(
            result, self.tr("Total"), self.tr("(no organisation)"), ui_language()
        )
        self.model.set_frame(frame, self._columns(result.by), frozenset({len(frame) - 1}))
        self._show_note()

    def _columns(self, by: str) -> list[Column]:
        columns = [Column("sector_name", lambda: self.tr("Sector"))]
        if by == "org":
            columns.append(Column("organisation", lambda: self.tr("Organisation")))
        else:
            columns.append(Column("entitled_gpu_h", lambda: self.tr("Entitled GPU-h"), DIGITS))
        columns += [
            Column("allocated_gpu_h", lambda: self.tr("Allocated GPU-h"), DIGITS),
            Column("live_gpu_h", lambda: self.tr("Reporting GPU-h"), DIGITS),
            Column("used_gpu_h", lambda: self.tr("Used GPU-h"), DIGITS),
            Column("busy_gpu_h", lambda: self.tr("Busy GPU-h"), DIGITS),
            Column("su", lambda: self.tr("SU"), DIGITS),
            Column("util_pct", lambda: self.tr("Utilisation %"), DIGITS),
            # which rule charged the used GPU-hours (console/fleet/charging.py)
            Column("job_gpu_h", lambda: self.tr("Used GPU-h by job account"), DIGITS),
            Column("user_gpu_h", lambda: self.tr("Used GPU-h by user map"), DIGITS),
            Column("node_gpu_h", lambda: self.tr("Used GPU-h by node"), DIGITS),
        ]
        if self.result is not None and self.result.energy is not None:
            columns += energy_columns(DIGITS)
        return columns

    def _show_note(self) -> None:
        if self.problem:
            text = self.problem
        elif self.queries is not None and self.queries.busy(CHANNEL):
            text = self.tr("Loading…")
        elif self.result is not None:
            first = datetime.fromtimestamp(self.result.t0, self.tz).date()
            last = datetime.fromtimestamp(self.result.t1 - 1, self.tz).date()
            locale = QLocale.system()
            text = fmt(
                self.tr("%1 – %2 · %3"),
                locale.toString(QDate(first.year, first.month, first.day), FORMAT),
                locale.toString(QDate(last.year, last.month, last.day), FORMAT),
                source_label(self.result.res),
            )
        else:
            text = ""
        self.note.setText(text)

    # -- export -------------------------------------------------------------------------------

    def export_frame(self) -> pd.DataFrame:
        return self.model.shown_frame()

    def export_csv(self, path: Path | None = None) -> Path | None:
        first, last = self.period()
        by = self.result.by if self.result is not None else self.by.currentData()
        name = f"hangang-accounting-{by}-{first:%Y%m%d}-{last:%Y%m%d}.csv"
        ask = self.ask_save_path if path is None else (lambda *_: path)
        return export_csv(self, self.export_frame(), name, ask)
