"""Building blocks of the kiosk pages: ages in words, per-sector views, a fixed table, a bar.

Everything here is made once and updated in place, so hours of rotation allocate no widgets.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from console.fleet.model import FleetSnapshot
from widgets.common.labels import fmt
from widgets.common.theme import ui_font_family

KIOSK_DIM = "#6b7280"  # text of a page whose data is not live (the page is disabled)


def format_age(seconds: float) -> str:
    """A duration as a person says it: "42 s", "3 min 5 s", "2 h 10 min"."""
    s = max(0, int(seconds))
    if s < 60:
        return fmt(QCoreApplication.translate("Kiosk", "%1 s"), s)
    if s < 3600:
        return fmt(QCoreApplication.translate("Kiosk", "%1 min %2 s"), s // 60, s % 60)
    return fmt(QCoreApplication.translate("Kiosk", "%1 h %2 min"), s // 3600, (s % 3600) // 60)


def sector_view(snap: FleetSnapshot, index: int) -> FleetSnapshot:
    """The snapshot restricted to the nodes of one sector (for that sector's own heatmap)."""
    return snap.subset(np.flatnonzero(snap.node_sector == index))


def big_font(point_size: float, bold: bool = True) -> QFont:
    font = QFont(ui_font_family() or "")
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def set_text(label: QLabel, text: str) -> None:
    if label.text() != text:  # repaint only what changed
        label.setText(text)


def set_colour(label: QLabel, colour: str | None) -> None:
    if label.property("kioskColour") == colour:
        return
    label.setProperty("kioskColour", colour)
    label.setStyleSheet(
        ""
        if colour is None
        else f"QLabel {{ color: {colour}; }} QLabel:disabled {{ color: {KIOSK_DIM}; }}"
    )


class FitLabel(QLabel):
    """A one-line label that fits its column instead of spilling over its neighbours: a text
    wider than the label is drawn smaller (down to `min_scale` of its size), and only past
    that elided with "…". The kiosk's header: a long page title or date in English at 1280 px.
    The font, colour and alignment stay the style sheet's; only the drawing scales."""

    def __init__(self, min_scale: float = 0.7, **kwargs) -> None:
        super().__init__(**kwargs)
        self.min_scale = min_scale
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def fitted(self) -> tuple[QFont, str]:
        """The font it draws with and the text it shows (elided only when even the smallest
        font does not fit)."""
        font, text = QFont(self.font()), self.text()
        width = self.contentsRect().width()
        need = QFontMetrics(font).horizontalAdvance(text)
        if need > width > 0 and font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * max(self.min_scale, width / need))
        return font, QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, width)

    def paintEvent(self, event) -> None:
        font, text = self.fitted()
        p = QPainter(self)
        p.setFont(font)
        self.style().drawItemText(p, self.contentsRect(), int(self.alignment()), self.palette(),
                                  self.isEnabled(), text, self.foregroundRole())
        p.end()


Cell = tuple[str, str | None]  # text, colour (None: the theme's)


class StatTable(QWidget):
    """A table of labels made once: `max_rows` rows under a header, then "and N more"."""

    def __init__(
        self, columns: int, max_rows: int, stretch: tuple[int, ...], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.grid = grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(6)
        self.header = [QLabel(objectName="KioskTableHeader") for _ in range(columns)]
        for col, label in enumerate(self.header):
            grid.addWidget(label, 0, col)
            grid.setColumnStretch(col, stretch[col])
        self.cells: list[list[QLabel]] = []
        for row in range(max_rows):
            labels = [QLabel(objectName="KioskCell") for _ in range(columns)]
            for col, label in enumerate(labels):
                # long text is cut by the column, never widens it
                label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                grid.addWidget(label, row + 1, col)
            self.cells.append(labels)
        self.more = QLabel(objectName="KioskTableMore")
        grid.addWidget(self.more, max_rows + 1, 0, 1, columns)
        grid.setRowStretch(max_rows + 2, 1)

    def set_stretch(self, stretch: tuple[int, ...]) -> None:
        for col, factor in enumerate(stretch):
            self.grid.setColumnStretch(col, factor)

    def set_header(self, titles: tuple[str, ...]) -> None:
        for label, title in zip(self.header, titles, strict=True):
            set_text(label, title)

    def set_rows(self, rows: list[tuple[Cell, ...]], more_text: str = "") -> None:
        for i, labels in enumerate(self.cells):
            row = rows[i] if i < len(rows) else None
            for col, label in enumerate(labels):
                text, colour = row[col] if row is not None else ("", None)
                set_text(label, text)
                set_colour(label, colour)
        set_text(self.more, more_text)


class EntitlementBar(QWidget):
    """Entitlement against use: the allocated GPUs as a bar, the GPUs in use filled in, and a
    white mark at the entitlement."""

    def __init__(self, colour: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = colour
        self.entitled = self.allocated = self.used = 0.0
        self.setMinimumHeight(56)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, entitled: float, allocated: float, used: float) -> None:
        values = (entitled, allocated, used)
        if values != (self.entitled, self.allocated, self.used):
            self.entitled, self.allocated, self.used = values
            self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        top, bar_h = 12.0, h - 24.0
        scale = max(self.entitled, self.allocated, 1.0) * 1.05
        dim = QColor(self.colour)
        dim.setAlpha(90)
        p.fillRect(QRectF(0, top, w, bar_h), QColor("#1c212b"))
        p.fillRect(QRectF(0, top, w * self.allocated / scale, bar_h), dim)
        if self.isEnabled():  # a page without live data shows no use at all
            p.fillRect(QRectF(0, top, w * self.used / scale, bar_h), self.colour)
        x = w * self.entitled / scale
        if math.isfinite(x):
            p.setPen(QPen(QColor("#ffffff"), 6))
            p.drawLine(int(x), 0, int(x), h)
        p.end()
