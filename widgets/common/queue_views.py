"""The scheduler watch's views (console/scheduler/watch.py) onto the GUI thread: the watch calls
its listeners on its own thread; a signal of an object living on the GUI thread queues them."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class QueueViews(QObject):
    view_ready = Signal(object)  # SchedulerView

    def attach(self, watch) -> None:
        """Connect `view_ready` first: the watch hands its latest view at once."""
        watch.subscribe(self.view_ready.emit)
