"""The node table's cells, painted straight from the model's text and colour.

Qt's own delegate asks the model for about eight roles per cell (each a Python call through the
proxy) and lays every cell's text out with QTextLayout: 6 rows cost ~7 ms of the GUI thread at
each snapshot, the table's whole paint. Plain cells are drawn here with one call into the model
and one drawText; selected and focused cells, rare, go to Qt's delegate so they look as before.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from widgets.fleet.node_model import NodeTableModel

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# selected or focused cells keep Qt's drawing (highlight, focus frame)
SPECIAL = QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus


class NodeCellDelegate(QStyledItemDelegate):
    def __init__(
        self, model: NodeTableModel, proxy: QSortFilterProxyModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model, self.proxy = model, proxy
        self._margin: int | None = None  # the style's text margin, as Qt's delegate uses it

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
        rect = option.rect.adjusted(self._margin, 0, -self._margin, 0)
        if colour is None:
            colour = option.palette.color(QPalette.ColorGroup.Normal, QPalette.ColorRole.Text)
        painter.setPen(colour)
        painter.setFont(option.font)
        shown = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, RIGHT if right else LEFT, shown)
