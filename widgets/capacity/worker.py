"""Capacity calls off the GUI thread: reads of the allocation and applies of plans.

The Slurm backend reads with scontrol (maybe over SSH) and an apply waits for drains that may take
hours, so neither may run on the GUI thread. One reader thread serves read requests (asking while
a read runs coalesces into one more read); one apply thread runs at a time. Results and each
step's progress arrive on the GUI thread through queued signals. `shutdown()` cancels the apply
(it rolls back, as a cancel does) and joins both threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from console.capacity.apply import StepEvent
from console.capacity.model import ClusterState
from console.i18n.catalogue import reason_of

log = logging.getLogger(__name__)

READ_THREAD = "capacity-read"
APPLY_THREAD = "capacity-apply"

ApplyWork = Callable[[Callable[[StepEvent], None], threading.Event], object]


class CapacityWorker(QObject):
    state_read = Signal(object)  # ClusterState
    read_failed = Signal(object)  # str or Phrase (a Qt str signal would drop the Phrase)
    progress = Signal(object)  # StepEvent
    apply_finished = Signal(object)  # ApplyResult
    apply_failed = Signal(object)  # the exception (AccessDenied, PlanRejected, Conflict, ...)

    _read_done = Signal(bool, object)
    _step = Signal(object)
    _apply_done = Signal(bool, object)

    def __init__(self, read: Callable[[], ClusterState], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read = read
        self._wake = threading.Condition()
        self._want_read = False
        self._stopping = False
        self._reader: threading.Thread | None = None
        self._applier: threading.Thread | None = None
        self._cancel = threading.Event()
        self.reads = 0  # reads delivered (tests wait on it)
        queued = Qt.ConnectionType.QueuedConnection
        self._read_done.connect(self._deliver_read, queued)
        self._step.connect(self.progress, queued)
        self._apply_done.connect(self._deliver_apply, queued)

    # -- reads ----------------------------------------------------------------------------------

    def request_read(self) -> None:
        with self._wake:
            if self._stopping:
                return
            self._want_read = True
            if self._reader is None:
                self._reader = threading.Thread(target=self._read_loop, name=READ_THREAD)
                self._reader.daemon = True
                self._reader.start()
            self._wake.notify()

    def _read_loop(self) -> None:
        while True:
            with self._wake:
                while not self._want_read and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                self._want_read = False
            try:
                result, ok = self._read(), True
            except Exception as exc:  # a failed read must not end the thread
                log.warning("capacity read failed: %s", exc)
                result, ok = reason_of(exc), False  # a Phrase: shown in the reader's language
            self._read_done.emit(ok, result)

    @Slot(bool, object)
    def _deliver_read(self, ok: bool, result: object) -> None:
        if self._stopping:
            return
        if ok:
            self.reads += 1
            self.state_read.emit(result)
        else:
            self.read_failed.emit(result)

    # -- applies --------------------------------------------------------------------------------

    @property
    def applying(self) -> bool:
        return self._applier is not None

    def start_apply(self, work: ApplyWork) -> bool:
        """Run `work(progress, cancel)` on the apply thread; False when one is running."""
        if self._applier is not None or self._stopping:
            return False
        self._cancel = threading.Event()
        cancel, step, done = self._cancel, self._step, self._apply_done

        def run() -> None:
            try:
                result, ok = work(step.emit, cancel), True
            except Exception as exc:  # refused, rejected, conflict: the GUI says which
                result, ok = exc, False
            done.emit(ok, result)

        self._applier = threading.Thread(target=run, name=APPLY_THREAD, daemon=True)
        self._applier.start()
        return True

    def cancel_apply(self) -> None:
        self._cancel.set()

    @Slot(bool, object)
    def _deliver_apply(self, ok: bool, result: object) -> None:
        if self._applier is not None:
            self._applier.join()
            self._applier = None
        if ok:
            self.apply_finished.emit(result)
        else:
            self.apply_failed.emit(result)

    # -- end --------------------------------------------------------------------------------------

    def shutdown(self, timeout_s: float = 30.0) -> None:
        """Stop both threads: a running apply is cancelled and rolls back first."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._cancel.set()
        for thread in (self._reader, self._applier):
            if thread is not None:
                thread.join(timeout_s)
        self._reader = self._applier = None
