"""Colours, fonts and the QSS theme: one place, so every widget agrees."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from console.fleet.model import NodeStatus, Sector
from console.paths import resource

SECTOR_COLORS = {
    Sector.PUBLIC: QColor("#4c9aff"),
    Sector.INTEREST: QColor("#36b37e"),
    Sector.PRIVATE: QColor("#ffab00"),
}
STATUS_COLORS = {
    NodeStatus.LIVE: QColor("#36b37e"),
    NodeStatus.STALE: QColor("#ffab00"),
    NodeStatus.UNREACHABLE: QColor("#ff5630"),
    NodeStatus.WAITING: QColor("#8993a4"),
    NodeStatus.CONNECTING: QColor("#8993a4"),
    NodeStatus.PROBE_ERROR: QColor("#ff8b00"),
    NodeStatus.AUTH_FAILED: QColor("#ff5630"),
    NodeStatus.HOSTKEY_UNKNOWN: QColor("#c9a0ff"),
    NodeStatus.HOSTKEY_CHANGED: QColor("#ff2d55"),
}
BACKGROUND = QColor("#161a21")
SEVERITY_COLORS = {  # alerts: the panel, the badge, the kiosk
    "critical": QColor("#ff5630"),
    "error": QColor("#ff8b00"),
    "warning": QColor("#ffc400"),
}
NO_DATA = QColor("#3a404c")  # a GPU without fresh data
UNREACHABLE = QColor("#7a2630")
TEXT = QColor("#dfe3ea")
# The kiosk (wall display): black ground and white type for contrast across a room.
KIOSK_BACKGROUND = QColor("#000000")
KIOSK_TEXT = QColor("#ffffff")

# Noto Sans CJK covers Hangul and Latin alike; prefer the Korean cut so Hangul never falls back.
PREFERRED_FAMILIES = ("Noto Sans CJK KR", "Noto Sans KR", "Noto Sans CJK", "Noto Sans")


def ui_font_family() -> str | None:
    families = set(QFontDatabase.families())
    return next((f for f in PREFERRED_FAMILIES if f in families), None)


def apply_theme(app: QApplication, name: str = "dark") -> None:
    family = ui_font_family()
    if family:
        font = QFont(family)
        font.setPointSizeF(10)
        app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(resource("themes", f"{name}.qss").read_text(encoding="utf-8"))
