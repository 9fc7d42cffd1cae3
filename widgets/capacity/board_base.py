"""What both capacity boards share (node moves: board.py, caps: quota_board.py).

The worker that reads and applies off the GUI thread, a refresh timer that runs only while the
board is on screen, the read-failure text, the confirmation dialog's life, and the splitter
of the board beside its preview. A subclass builds its own controls, `retranslate` and `_update`.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QDialog, QSplitter, QWidget

from widgets.capacity.worker import CapacityWorker
from widgets.common.labels import core_text


def board_splitter(board: QWidget, side: QWidget, name: str) -> QSplitter:
    """The board left (3 parts), its preview right (2 parts)."""
    split = QSplitter(Qt.Orientation.Horizontal, objectName=name)
    split.addWidget(board)
    split.addWidget(side)
    split.setStretchFactor(0, 3)
    split.setStretchFactor(1, 2)
    split.setSizes([900, 520])
    return split


class BoardBase(QWidget):
    def __init__(self, service, tz: ZoneInfo, read: Callable[[], object], refresh_ms: int,
                 parent=None) -> None:
        """`read`: what the worker's reader thread calls for a fresh state."""
        super().__init__(parent)
        self.service, self.tz = service, tz
        self.read_problem: str | None = None
        self.last_result = ""
        self.apply_dialog: QDialog | None = None
        self.worker = CapacityWorker(read, self)
        self.refresh_timer = QTimer(self, interval=refresh_ms)
        self.refresh_timer.timeout.connect(self.refresh)

    def retranslate(self) -> None:
        raise NotImplementedError

    def _update(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh_timer.start()
        self.refresh()

    def hideEvent(self, event) -> None:
        self.refresh_timer.stop()
        super().hideEvent(event)

    def refresh(self) -> None:
        self.worker.request_read()

    def _read_failed(self, message: str) -> None:
        self.read_problem = core_text(message)
        self._update()

    def _open(self, dialog: QDialog) -> QDialog:
        """Window-modal, not blocking; deleted on close, `apply_dialog` while it is open."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _: setattr(self, "apply_dialog", None))
        self.apply_dialog = dialog
        dialog.open()
        return dialog
