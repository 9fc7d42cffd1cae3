"""Which scheduler the board drives, where, and what this one can do (Slurm: its version and
host, JSON reads or text, Nodes+= or full lists): one line on the board's bar, the rest in the
tooltip. Nothing for the local store, which says nothing an operator needs here."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel

from widgets.common.labels import ui_language


class SchedulerLabel(QLabel):
    def __init__(self, backend, worker, parent=None) -> None:
        super().__init__(parent, objectName="Legend")
        self.backend = backend
        self.hide()
        # after each read: the backend knows its version and forms by then, so no command runs
        # on the GUI thread here
        worker.state_read.connect(self._read)

    def _read(self, _state) -> None:
        self.show_backend()

    def show_backend(self) -> None:
        lines_of = getattr(self.backend, "feature_lines", None)
        lines = tuple(lines_of(ui_language())) if lines_of is not None else ()
        if not lines:
            self.hide()
            return
        self.setText(lines[0])
        self.setToolTip("\n".join(lines))
        self.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and not self.isHidden():
            self.show_backend()
        super().changeEvent(event)
