"""Cyclic garbage is collected on the GUI thread only.

Python's collector runs in whichever thread happens to allocate past a threshold. When a worker
thread (a what-if replay, a history read) collects a cycle that holds a QObject, the QObject's
destructor takes Qt's lock and then waits for the GIL, while the GUI thread, holding the GIL,
waits for that lock in a destructor of its own: both hang for good (seen in a clean-clone run, in
test_board_recommendations). So automatic collection is off and a timer on the GUI thread
collects each generation once its count passes Python's own threshold.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 250  # collections come as often as Python's own would, within a quarter second


class GuiThreadGc(QObject):
    """Install once, on the GUI thread, with the QApplication as parent."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):  # the oldest due: collecting it collects the younger too
            if counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                return


def collect_on_gui_thread(app: QObject) -> GuiThreadGc:
    """The application's one collector (a second call returns the first)."""
    found = app.findChild(GuiThreadGc)
    return found if found is not None else GuiThreadGc(app)
