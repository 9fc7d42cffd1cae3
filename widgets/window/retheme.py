"""Following the desktop when its colour scheme changes while the window is open (only when the
settings and --theme leave the choice to the desktop). The QSS and the colour tables follow by
themselves; what pyqtgraph drew with a colour of its own (grounds, axis labels, legends) and the
time-range bars are set again here."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QWidget

from widgets.common.theme import apply_theme, choose_theme, colours, current_theme
from widgets.history.time_range import BAR_STYLE, LIGHT_BAR_STYLE, TimeRangeBar


def restyle_plots(root: QWidget) -> None:
    ink = colours()
    for view in root.findChildren(pg.GraphicsView):
        view.setBackground(ink.background)
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setTextPen(ink.text)
            elif isinstance(item, pg.LegendItem):
                item.setLabelTextColor(ink.text)
    for bar in root.findChildren(TimeRangeBar):
        bar.setStyleSheet(LIGHT_BAR_STYLE if current_theme() == "light" else BAR_STYLE)
    for widget in [root, *root.findChildren(QWidget)]:
        widget.update()


def follow_desktop(app: QApplication, windows: list[QWidget]) -> None:
    """The desktop's scheme changed: the theme it now asks for, on every window in `windows`
    (the main window and its node windows, which are its children)."""
    name = choose_theme(app, None)
    if name == current_theme():
        return
    apply_theme(app, name)
    for window in windows:
        restyle_plots(window)
