"""Colours, fonts and the QSS themes: one place, so every widget agrees.

Two desktop themes, dark (the operations room) and light (an office desk), and the kiosk's, which
is always dark. The theme is chosen once, before any widget is built (choose_theme: the settings'
`theme`, else the desktop's colour scheme), and kept on the QApplication; colour tables and
`colours()` read it there, so a widget built under the light theme is drawn light.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from console.fleet.model import NodeStatus, Sector
from console.paths import resource

THEME_PROPERTY = "hangang-theme"  # on the QApplication: "dark", "light" or "kiosk"
DESKTOP_THEMES = ("dark", "light")


def current_theme() -> str:
    app = QGuiApplication.instance()
    name = app.property(THEME_PROPERTY) if app is not None else None
    return name if isinstance(name, str) else "dark"


def is_light() -> bool:
    return current_theme() == "light"


class ThemedColours(Mapping):
    """A colour table with a dark and a light variant; lookups answer for the current theme."""

    def __init__(self, dark: Mapping, light: Mapping) -> None:
        self._dark = {k: QColor(v) for k, v in dark.items()}
        self._light = {k: QColor(v) for k, v in light.items()}

    def _table(self) -> dict:
        return self._light if is_light() else self._dark

    def __getitem__(self, key) -> QColor:
        return self._table()[key]

    def __iter__(self) -> Iterator:
        return iter(self._dark)

    def __len__(self) -> int:
        return len(self._dark)


# Light: the same hues, darker, so lines and coloured text keep their contrast on white.
SECTOR_COLORS = ThemedColours(
    {Sector.PUBLIC: "#4c9aff", Sector.INTEREST: "#36b37e", Sector.PRIVATE: "#ffab00"},
    {Sector.PUBLIC: "#0b63ce", Sector.INTEREST: "#1f845a", Sector.PRIVATE: "#a35200"},
)
STATUS_COLORS = ThemedColours(
    {
        NodeStatus.LIVE: "#36b37e",
        NodeStatus.STALE: "#ffab00",
        NodeStatus.UNREACHABLE: "#ff5630",
        NodeStatus.WAITING: "#8993a4",
        NodeStatus.CONNECTING: "#8993a4",
        NodeStatus.PROBE_ERROR: "#ff8b00",
        NodeStatus.AUTH_FAILED: "#ff5630",
        NodeStatus.HOSTKEY_UNKNOWN: "#c9a0ff",
        NodeStatus.HOSTKEY_CHANGED: "#ff2d55",
    },
    {
        NodeStatus.LIVE: "#1f845a",
        NodeStatus.STALE: "#a35200",
        NodeStatus.UNREACHABLE: "#c9372c",
        NodeStatus.WAITING: "#5e6b80",
        NodeStatus.CONNECTING: "#5e6b80",
        NodeStatus.PROBE_ERROR: "#b84a00",
        NodeStatus.AUTH_FAILED: "#c9372c",
        NodeStatus.HOSTKEY_UNKNOWN: "#7a3fc7",
        NodeStatus.HOSTKEY_CHANGED: "#c4003f",
    },
)
SEVERITY_COLORS = ThemedColours(  # alerts: the panel, the badge, the kiosk
    {"critical": "#ff5630", "error": "#ff8b00", "warning": "#ffc400"},
    {"critical": "#c9372c", "error": "#b84a00", "warning": "#8a6500"},
)

# The rebalance board's chips (painted by hand, so outside the QSS).
CHIP_COLOURS = ThemedColours(
    {"ground": "#232936", "selected": "#2f4a6e", "warm": "#5a3d1e", "border": "#343c4b",
     "name": "#eef1f5", "caption": "#aeb6c4", "bar": "#3a404c", "busy": "#36b37e"},
    {"ground": "#ffffff", "selected": "#cfe0fa", "warm": "#f3d2ab", "border": "#b9bfca",
     "name": "#1d2330", "caption": "#4f5868", "bar": "#dde1e7", "busy": "#1f845a"},
)


@dataclass(frozen=True, slots=True)
class Colours:
    """The grounds and inks of plots and the heatmap (pyqtgraph draws outside the QSS)."""

    background: QColor
    text: QColor
    no_data: QColor  # a GPU without fresh data
    unreachable: QColor  # a node that cannot be read


DARK = Colours(QColor("#161a21"), QColor("#dfe3ea"), QColor("#3a404c"), QColor("#7a2630"))
LIGHT = Colours(QColor("#ffffff"), QColor("#1d2330"), QColor("#c3c8d1"), QColor("#d98a92"))


def colours() -> Colours:
    return LIGHT if is_light() else DARK


# The dark theme's, for the kiosk (always dark) and code that predates the light theme.
BACKGROUND, TEXT, NO_DATA, UNREACHABLE = DARK.background, DARK.text, DARK.no_data, DARK.unreachable
# The kiosk (wall display): black ground and white type for contrast across a room.
KIOSK_BACKGROUND = QColor("#000000")
KIOSK_TEXT = QColor("#ffffff")

# Noto Sans CJK covers Hangul and Latin alike; prefer the Korean cut so Hangul never falls back.
PREFERRED_FAMILIES = ("Noto Sans CJK KR", "Noto Sans KR", "Noto Sans CJK", "Noto Sans")


def ui_font_family() -> str | None:
    families = set(QFontDatabase.families())
    return next((f for f in PREFERRED_FAMILIES if f in families), None)


def choose_theme(app: QGuiApplication, setting: str | None) -> str:
    """The settings' choice; else the desktop's colour scheme (Qt 6.5+); else dark."""
    if setting in DESKTOP_THEMES:
        return setting
    if app.styleHints().colorScheme() == Qt.ColorScheme.Light:
        return "light"
    return "dark"


def apply_theme(app: QApplication, name: str = "dark") -> None:
    family = ui_font_family()
    if family:
        font = QFont(family)
        font.setPointSizeF(10)
        app.setFont(font)
    app.setStyle("Fusion")
    app.setProperty(THEME_PROPERTY, name)
    app.setStyleSheet(resource("themes", f"{name}.qss").read_text(encoding="utf-8"))
