"""What every kiosk page is: an id, a translated title, and a snapshot to show."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QWidget

from console.fleet.model import FleetSnapshot


class KioskPage(QWidget):
    """A page: an id (for settings and screenshots), a translated title, and a snapshot."""

    page_id = ""

    def title(self) -> str:
        raise NotImplementedError

    def show_snapshot(self, snap: FleetSnapshot) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        """Re-read the page's own fixed texts (values follow with the next snapshot)."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
