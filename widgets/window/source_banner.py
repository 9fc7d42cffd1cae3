"""A banner across the top of the window while a data source cannot be read (Prometheus down,
slow or answering garbage): one clear sentence, and the values below are the last received."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QWidget

from console.fleet.model import FleetSnapshot, NodeStatus
from widgets.common.labels import core_text, fmt
from widgets.common.theme import STATUS_COLORS

BANNER_COLOUR = STATUS_COLORS[NodeStatus.UNREACHABLE]


class SourceBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SourceBanner")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet(
            f"QLabel#SourceBanner {{ background: {BANNER_COLOUR.name()}; color: white; "
            "font-weight: 600; padding: 6px; border-radius: 3px; }"
        )
        self.hide()
        # the front-end hands in the sources' `problem`s; asked at every snapshot (≥ 1 Hz)
        self.problem_source: Callable[[], str | None] | None = None
        self.problem: str | None = None

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        self.show_problem(self.problem_source() if self.problem_source else None)

    def show_problem(self, problem: str | None) -> None:
        self.problem = problem
        if not problem:
            if not self.isHidden():
                self.hide()
            return
        text = fmt(
            self.tr("⚠ Data source unavailable: %1 · the values shown are the last received"),
            core_text(problem),
        )
        if text != self.text():
            self.setText(text)
        if self.isHidden():
            self.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.problem:
            self.show_problem(self.problem)
        super().changeEvent(event)
