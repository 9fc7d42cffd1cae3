"""Demo only (`--demo-control`, hidden): the kiosk's end-to-end test drives an outage from stdin.

Lines on stdin: `stop` pauses the demo source (the nodes go stale, as if it went down), `run`
resumes it, `quit` saves the --screenshot and quits. The test sends each one when it has seen the
previous effect in the log, so nothing depends on how fast the machine is (it once ran on a fixed
schedule: stop at 2 s, resume at 18 s, quit at 21 s).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TextIO

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


class DemoControl(QObject):
    _line = Signal(str)  # from the reader thread; delivered queued, on the GUI thread

    def __init__(
        self, sources: Sequence, quit_: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.sources = [s for s in sources if hasattr(s, "pause")]
        self.quit = quit_
        self._line.connect(self._command, Qt.ConnectionType.QueuedConnection)

    def listen(self, stream: TextIO) -> None:
        """Read commands from `stream` until it ends (a daemon thread: it never blocks exit)."""

        def read() -> None:
            for line in stream:
                self._line.emit(line.strip())

        threading.Thread(target=read, name="kiosk-demo-control", daemon=True).start()

    @Slot(str)
    def _command(self, command: str) -> None:
        if command == "stop":
            log.info("demo outage: the demo source stops")
            for source in self.sources:
                source.pause()
        elif command == "run":
            log.info("demo outage over: the demo source runs again")
            for source in self.sources:
                source.resume()
        elif command == "quit":
            self.quit()
        elif command:
            log.warning("demo control: unknown command %r (stop, run, quit)", command)
