"""The node table's cells, painted straight from the model's text and colour.

Qt's own delegate asks the model for about eight roles per cell (each a Python call through the
proxy) and lays every cell's text out with QTextLayout: 6 rows cost ~7 ms of the GUI thread at
each snapshot, the table's whole paint. Plain cells are drawn here with one call into the model
and one drawStaticText (texts stay laid out between paints), placed where Qt's delegate places
them (measured once per font); selected, focused and elided cells, rare, go to Qt's delegate.
tests/qt/fleet/test_node_delegate.py compares the pixels.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetricsF, QImage, QPainter, QPalette, QStaticText, QTransform
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from widgets.fleet.node_model import NodeTableModel

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# selected or focused cells keep Qt's drawing (highlight, focus frame)
STATIC_CACHE = 8192  # laid-out strings kept; cleared when full (numbers drift)
SPECIAL = QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus


class NodeCellDelegate(QStyledItemDelegate):
    def __init__(
        self, model: NodeTableModel, proxy: QSortFilterProxyModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model, self.proxy = model, proxy
        self._margin: int | None = None
        self._static: dict[str, QStaticText] = {}
        self._font = QFont()
        self._places: dict[
            tuple[str, int], tuple[float, float]
        ] = {}  # the style's text margin, as Qt's delegate uses it

    def _place(self, option: QStyleOptionViewItem) -> tuple[int, float]:
        """Where a line of text starts, down from the cell's top, and its height; measured once
        per font and cell height against Qt's delegate itself, whose text layout rounds in ways
        drawText's centring does not (half a pixel off on some fonts)."""
        key = (option.font.key(), option.rect.height())
        if key not in self._places:
            height = QFontMetricsF(option.font).height()
            guess = (option.rect.height() - height) / 2
            probe = QStyleOptionViewItem(option)
            probe.rect = QRect(0, 0, 64, option.rect.height())
            probe.text, probe.state = "Hg8", QStyle.StateFlag.State_Enabled
            probe.features |= QStyleOptionViewItem.ViewItemFeature.HasDisplay
            probe.displayAlignment = LEFT
            widget = option.widget

            def ink_top(draw) -> int:
                image = QImage(64, probe.rect.height(), QImage.Format.Format_ARGB32)
                image.fill(0)
                painter = QPainter(image)
                draw(painter)
                painter.end()
                alpha = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), 64)
                rows = np.flatnonzero(alpha.any(axis=1))
                return int(rows[0]) if len(rows) else 0

            element = QStyle.ControlElement.CE_ItemViewItem
            theirs = ink_top(lambda p: widget.style().drawControl(element, probe, p, widget))
            hg8 = QStaticText("Hg8")
            hg8.prepare(QTransform(), option.font)
            ours = ink_top(lambda p: self._draw(p, probe, hg8, None, False, guess))
            self._places[key] = (guess + theirs - ours, height)
        return self._places[key]

    def _laid_out(self, text: str, font: QFont) -> QStaticText:
        """A QStaticText keeps its text laid out: the same few hundred strings come back at
        every snapshot (names, small numbers), and drawText shaped them again each time."""
        static = self._static.get(text)
        if static is None:
            if len(self._static) > STATIC_CACHE:
                self._static.clear()
            static = self._static[text] = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), font)
        return static

    def _draw(self, painter, option, static, colour, right, top) -> None:
        if colour is None:
            colour = option.palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.Text)
        painter.setPen(colour)
        painter.setFont(option.font)
        rect = option.rect
        if right:
            x = rect.right() + 1 - self._margin - static.size().width()
        else:
            x = rect.left() + self._margin
        painter.drawStaticText(QPointF(x, rect.top() + top), static)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if option.state & SPECIAL:
            super().paint(painter, option, index)
            return
        row = self.proxy.mapToSource(index).row()
        text, colour, right = self.model.cell(row, index.column())
        if not text:
            return
        if self._margin is None:
            widget = option.widget
            style = widget.style() if widget is not None else None
            metric = QStyle.PixelMetric.PM_FocusFrameHMargin
            frame = style.pixelMetric(metric, None, widget) if style else 2
            self._margin = frame + 1
        if option.font != self._font:  # laid-out texts and places hold for one font
            self._font, self._static = QFont(option.font), {}
        static = self._laid_out(text, option.font)
        if static.size().width() > option.rect.width() - 2 * self._margin:
            super().paint(painter, option, index)  # elided: Qt's elision, exactly
            return
        top, _ = self._place(option)
        self._draw(painter, option, static, colour, right, top)
