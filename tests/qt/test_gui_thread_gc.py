"""Cyclic garbage made in a worker thread is collected on the GUI thread, never in the worker
(widgets/common/gui_thread_gc.py: a worker's collection of a QObject deadlocked a run)."""

from __future__ import annotations

import gc
import threading
from typing import ClassVar

from PySide6.QtCore import QObject

from widgets.common.gui_thread_gc import collect_on_gui_thread


class Cycle(QObject):
    freed_in: ClassVar[list[str]] = []

    def __init__(self) -> None:
        super().__init__()
        self.me = self  # only the collector frees it

    def __del__(self) -> None:
        Cycle.freed_in.append(threading.current_thread().name)


def test_a_cycle_made_in_a_worker_is_freed_on_the_gui_thread(qapp, qtbot):
    collector = collect_on_gui_thread(qapp)
    assert not gc.isenabled()
    Cycle.freed_in.clear()

    kept: list = []

    def work() -> None:
        Cycle()
        # containers that live on: far past the generation-0 threshold, a collection if enabled
        kept.extend([] for _ in range(5 * gc.get_threshold()[0]))

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join(30)
    assert Cycle.freed_in == []
    qtbot.waitUntil(lambda: Cycle.freed_in != [], timeout=10_000)
    assert Cycle.freed_in == [threading.main_thread().name]
    assert collect_on_gui_thread(qapp) is collector  # one per application
