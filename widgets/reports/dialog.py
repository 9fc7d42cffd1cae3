"""The report dialog: period, language, sectors and where to write; the PDF is made off the GUI
thread (console/reports/make.py) with a progress bar, then opened with the desktop's viewer.

The work runs on the dialog's own one-thread pool: it opens its own read-only connection to the
history and returns a plain result. Progress and the result come back as queued signals, so the
window keeps painting while a month of 2,000 nodes is read.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.fleet.model import SECTORS
from console.i18n.names import language_name
from console.reports.period import KINDS, Period, last_complete
from console.settings import AccountingSettings, EnergySettings
from widgets.common.labels import fmt, sector_name, ui_language

LANGUAGE_NAMES = {code: language_name(code) for code in ("ko", "en")}  # each in its own language
STEPS = 1000  # progress bar resolution


class _Signals(QObject):
    progress = Signal(float)
    done = Signal(object)  # console.reports.make.Made
    failed = Signal(bool, str)  # the period is empty, the reason


def default_output(today: date) -> Path:
    return Path.home() / f"hangang-report-{today:%Y%m%d}.pdf"


class ReportDialog(QDialog):
    finished_report = Signal(object)  # Made, after the PDF was written (tests wait on it)

    def __init__(
        self,
        history_path: Path | None,
        tz: ZoneInfo,
        settings: AccountingSettings | None = None,
        centre_name: str = "",
        parent: QWidget | None = None,
        energy: EnergySettings | None = None,
        job_history: Callable[[], object] | None = None,
        scheduler: object | None = None,
    ) -> None:
        """`job_history`: the what-if's job source (the appendix names the period it learned
        from); read on the report's thread. `scheduler`: the session's SchedulerWatch (with
        [slurm]): Slurm's books for the period, read on that thread, reconciled in the report."""
        super().__init__(parent)
        self.setObjectName("ReportDialog")
        self.job_history = job_history
        self.scheduler = scheduler
        self.history_path = history_path
        self.tz = tz
        self.settings = settings or AccountingSettings()
        self.energy = energy or EnergySettings()
        self.centre_name = centre_name
        # seams for tests: where a file dialog asks, and how the PDF is opened
        self.ask_path: Callable[[QWidget, Path], Path | None] = _ask_pdf_path
        self.open_file: Callable[[Path], object] = lambda p: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(p))
        )
        self.made = None
        self.problem: str | None = None
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._busy = False
        self._signals.progress.connect(self._progress)
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)

        self.preset = QComboBox()
        self.first = QDateEdit(calendarPopup=True)
        self.last = QDateEdit(calendarPopup=True)
        self.language = QComboBox()
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGE_NAMES).index(ui_language()))
        self.sector_boxes = {s.value: QCheckBox() for s in SECTORS}
        for box in self.sector_boxes.values():
            box.setChecked(True)
        self.output = QLineEdit(str(default_output(self.today())))
        self.browse = QPushButton()
        self.csv = QCheckBox()
        self.csv.setChecked(True)
        self.bar = QProgressBar(maximum=STEPS, textVisible=False)
        self.status = QLabel(wordWrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.generate = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        self._layout()
        self.retranslate()
        self.preset.setCurrentIndex(KINDS.index("month"))
        self._preset_chosen()
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.browse.clicked.connect(self._browse)
        self.generate.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)

    def _layout(self) -> None:
        dates = QHBoxLayout()
        self.from_label, self.to_label = QLabel(), QLabel()
        for widget in (self.preset, self.from_label, self.first, self.to_label, self.last):
            dates.addWidget(widget)
        sectors = QHBoxLayout()
        for box in self.sector_boxes.values():
            sectors.addWidget(box)
        sectors.addStretch(1)
        output = QHBoxLayout()
        output.addWidget(self.output, 1)
        output.addWidget(self.browse)
        self.row_labels = [QLabel() for _ in range(4)]
        self.form = QFormLayout()
        for label, field in zip(
            self.row_labels, (dates, self.language, sectors, output), strict=True
        ):
            self.form.addRow(label, field)
        self.form.addRow(QLabel(), self.csv)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)

    def today(self) -> date:
        return datetime.now(self.tz).date()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Report"))
        names = {
            "day": self.tr("Yesterday"),
            "week": self.tr("Last week"),
            "month": self.tr("Last month"),
            "custom": self.tr("Dates"),
        }
        current = max(self.preset.currentIndex(), 0)
        self.preset.blockSignals(True)
        self.preset.clear()
        for kind in KINDS:
            self.preset.addItem(names[kind], kind)
        self.preset.setCurrentIndex(current)
        self.preset.blockSignals(False)
        self.from_label.setText(self.tr("from"))
        self.to_label.setText(self.tr("to"))
        texts = (self.tr("Period"), self.tr("Language"), self.tr("Sectors"), self.tr("PDF file"))
        for label, text in zip(self.row_labels, texts, strict=True):
            label.setText(text)
        for sector in SECTORS:
            self.sector_boxes[sector.value].setText(sector_name(sector))
        self.browse.setText(self.tr("Choose…"))
        self.csv.setText(self.tr("Also write the CSV of every table and chart beside it"))
        self.generate.setText(self.tr("Generate"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- choices -------------------------------------------------------------------------------

    def _preset_chosen(self) -> None:
        kind = self.preset.currentData()
        custom = kind == "custom"
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if not custom:
            period = last_complete(kind, self.today())
            for edit, day in ((self.first, period.first), (self.last, period.last)):
                edit.setDate(QDate(day.year, day.month, day.day))

    def set_period(self, kind: str, first: date, last: date) -> None:
        self.preset.setCurrentIndex(KINDS.index(kind))
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))

    def period(self) -> Period:
        return Period(
            self.preset.currentData(), self.first.date().toPython(), self.last.date().toPython()
        )

    def sectors(self) -> tuple[str, ...]:
        return tuple(s for s, box in self.sector_boxes.items() if box.isChecked())

    def _browse(self) -> None:
        path = self.ask_path(self, Path(self.output.text()))
        if path is not None:
            self.output.setText(str(path))

    # -- generating -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """A report was started and its result has not been shown yet."""
        return self._busy

    def start(self) -> bool:
        """Check the choices, then make the report on the pool; False if it did not start."""
        from console.reports.request import ReportError, ReportRequest

        if self.running:
            return False
        if self.history_path is None:
            return self._refuse(self.tr("History is not kept in this session"))
        if not self.sectors():
            return self._refuse(self.tr("Choose at least one sector"))
        try:
            request = ReportRequest(
                self.period(),
                lang=self.language.currentData(),
                sectors=self.sectors(),
                tz=str(self.tz),
                centre_name=self.centre_name,
                generated_by=getpass.getuser(),
            )
        except (ValueError, ReportError) as exc:
            return self._refuse(str(exc))
        pdf = Path(self.output.text()).expanduser()
        if pdf.suffix.lower() != ".pdf":
            pdf = pdf.with_suffix(".pdf")
        csv_dir = pdf.with_name(f"{pdf.stem}-csv") if self.csv.isChecked() else None
        signals, history, settings = self._signals, self.history_path, self.settings
        energy, jobs, scheduler, tz = self.energy, self.job_history, self.scheduler, self.tz

        def job_history():  # sacct that cannot be read: the report goes on without it
            from console.whatif.effect import HistoryUnavailable

            try:
                return jobs() if jobs is not None else None
            except HistoryUnavailable:
                return None

        def work() -> None:  # on the pool thread: plain values in, signals out
            from console.reports.make import make_report
            from console.reports.request import EmptyPeriod

            try:
                slurm = None
                if scheduler is not None:  # sacct for the period: a failure is said in the PDF
                    from console.reports.reconcile import read_period_books

                    slurm = read_period_books(scheduler, request.period, tz)
                made = make_report(
                    history,
                    request,
                    pdf,
                    csv_dir,
                    settings,
                    progress=signals.progress.emit,
                    energy=energy,
                    job_history=job_history(),
                    slurm=slurm,
                )
            except Exception as exc:  # shown in the dialog; the pool thread must live on
                signals.failed.emit(isinstance(exc, EmptyPeriod), str(exc) or type(exc).__name__)
            else:
                signals.done.emit(made)

        self.problem = None
        self.bar.setValue(0)
        self.status.setText(self.tr("Making the report…"))
        self.generate.setEnabled(False)
        self._busy = True
        self.pool.start(work)
        return True

    def _refuse(self, message: str) -> bool:
        self.problem = message
        self.status.setText(message)
        return False

    def _progress(self, fraction: float) -> None:
        self.bar.setValue(round(fraction * STEPS))

    def _done(self, made) -> None:
        self._busy = False
        self.made = made
        self.generate.setEnabled(True)
        self.bar.setValue(STEPS)
        text = fmt(self.tr("Wrote %1 (%2 pages)"), made.pdf, made.pages)
        if made.csv_files:
            text += "\n" + fmt(
                self.tr("and %1 CSV files in %2"), len(made.csv_files), made.csv_files[0].parent
            )
        self.status.setText(text)
        self.open_file(made.pdf)
        self.finished_report.emit(made)

    def _failed(self, empty: bool, message: str) -> None:
        self._busy = False
        self.generate.setEnabled(True)
        self.bar.setValue(0)
        if empty:
            self.problem = fmt(self.tr("Nothing recorded in this period (%1)"), message)
        else:
            self.problem = fmt(self.tr("No report: %1"), message)
        self.status.setText(self.problem)
        self.finished_report.emit(None)

    def done(self, result: int) -> None:
        self.pool.waitForDone()  # a report being written finishes first (a few seconds)
        super().done(result)

    def shutdown(self) -> None:
        self.pool.waitForDone()


def _ask_pdf_path(parent: QWidget, suggested: Path) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(
        parent,
        QCoreApplication.translate("ReportDialog", "Save report"),
        str(suggested),
        QCoreApplication.translate("ReportDialog", "PDF files (*.pdf)"),
    )
    return Path(path) if path else None
