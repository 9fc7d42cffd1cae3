"""One sector's column on the quota board: its cap as a bar, its figures, its new cap.

The bar is drawn on the shared partition's scale (every column alike): the cap as an outline,
the GPUs its own jobs run inside it, the part of its unused cap that other sectors borrow (lent),
its own borrowing above the cap, a white mark at the guarantee and a dashed line at the new cap
of the draft. The bar is also the drag handle: dropping it on another column moves the board's
step of GPUs of cap there (the same move the keyboard row makes).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDrag, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.capacity.quota.model import SectorQuota
from console.fleet.model import Sector
from widgets.common.labels import fmt, sector_name
from widgets.common.theme import SECTOR_COLORS

MIME_TYPE = "application/x-hangang-quota-cap"  # data: the source sector's value
LENT_COLOR = QColor("#ffab00")  # others' jobs in this sector's unused cap
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
NO_CAP = -1  # the spin box's "no limit" (a sector whose QOS sets no GPU limit)


class CapBar(QWidget):
    """The cap and its use, drawn; press and drag to move cap to another column."""

    def __init__(self, sector: Sector, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sector = sector
        self.colour = SECTOR_COLORS[sector]
        self.quota: SectorQuota | None = None
        self.lent = 0
        self.guarantee: int | None = None
        self.new_cap: int | None = None
        self.scale = 1
        self._press: QPoint | None = None
        self.draggable = True  # off for viewers and the kiosk
        self.setMinimumHeight(60)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def set_values(
        self,
        quota: SectorQuota | None,
        lent: int,
        guarantee: int | None,
        new_cap: int | None,
        scale: int,
    ) -> None:
        self.quota, self.lent, self.guarantee = quota, lent, guarantee
        self.new_cap, self.scale = new_cap, max(1, scale)
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width() - 2, self.height()
        top, bar_h = 8.0, h - 16.0
        p.fillRect(QRectF(1, top, w, bar_h), QColor("#1c212b"))
        q = self.quota
        if q is None:
            p.end()
            return

        def x(gpus: float) -> float:
            return 1 + w * min(gpus, self.scale) / self.scale

        cap = q.cap if q.cap is not None else self.scale
        dim = QColor(self.colour)
        dim.setAlpha(70)
        p.fillRect(QRectF(1, top, x(cap) - 1, bar_h), dim)
        p.fillRect(QRectF(1, top, x(q.running) - 1, bar_h), self.colour)
        if self.lent:  # others' borrowing sits in the unused part of the cap
            p.fillRect(
                QRectF(x(q.running), top, x(q.running + self.lent) - x(q.running), bar_h),
                QBrush(LENT_COLOR, Qt.BrushStyle.BDiagPattern),
            )
        if q.borrowed:  # its own jobs above the cap, through the borrow QOS
            start = max(cap, q.running)
            p.fillRect(
                QRectF(x(start), top, x(start + q.borrowed) - x(start), bar_h),
                QBrush(self.colour, Qt.BrushStyle.Dense4Pattern),
            )
        if q.cap is not None:
            p.setPen(QPen(self.colour.lighter(140), 2))
            p.drawRect(QRectF(1, top, x(cap) - 1, bar_h))
        if self.guarantee is not None:
            p.setPen(QPen(QColor("#ffffff"), 3))
            p.drawLine(int(x(self.guarantee)), 2, int(x(self.guarantee)), h - 2)
        if self.new_cap is not None and self.new_cap != q.cap:
            pen = QPen(QColor("#ffffff"), 2, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(int(x(self.new_cap)), 0, int(x(self.new_cap)), h)
        p.end()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        start = self._press
        if start is None or not self.draggable:
            return
        if (event.position().toPoint() - start).manhattanLength() < 8:
            return
        self._press = None
        drag = QDrag(self)
        drag.setMimeData(cap_mime(self.sector))
        drag.exec(Qt.DropAction.MoveAction)

    def mouseReleaseEvent(self, event) -> None:
        self._press = None
        super().mouseReleaseEvent(event)


def cap_mime(sector: Sector) -> QMimeData:
    mime = QMimeData()
    mime.setData(MIME_TYPE, QByteArray(sector.value.encode()))
    return mime


def sector_of_mime(mime: QMimeData) -> Sector | None:
    if not mime.hasFormat(MIME_TYPE):
        return None
    try:
        return Sector(bytes(mime.data(MIME_TYPE).data()).decode())
    except ValueError:
        return None


class QuotaColumn(QFrame):
    """A sector's cap bar, figures and new-cap box. Emits what the operator asks for."""

    cap_dropped = Signal(object, object)  # source sector, this (target) sector
    cap_edited = Signal(object, int)  # this sector, its new cap

    CAPTIONS = ("cap", "running", "borrowed", "lent", "pending", "at cap", "guarantee")

    def __init__(self, sector: Sector, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="SectorCard")
        self.sector = sector
        self.title = QLabel(objectName="CardTitle")
        self.title.setStyleSheet(f"color: {SECTOR_COLORS[sector].name()}; font-size: 12pt;")
        self.bar = CapBar(sector, self)
        self.captions = {k: QLabel(objectName="CardCaption") for k in self.CAPTIONS}
        self.values = {k: QLabel("–", objectName="CardValue") for k in self.CAPTIONS}
        for label in self.values.values():
            label.setStyleSheet("font-weight: bold;")
        self.new_cap_label = QLabel(objectName="CardCaption")
        self.new_cap = QSpinBox()
        self.new_cap.setRange(NO_CAP, 100_000)
        self.new_cap.setAccelerated(True)
        self.new_cap.setKeyboardTracking(False)  # typing "64" plans 64, not 6 then 64
        self.new_cap.valueChanged.connect(self._edited)
        self.note = QLabel(objectName="Legend", wordWrap=True)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        for row, key in enumerate(self.CAPTIONS):
            self.values[key].setAlignment(RIGHT)
            grid.addWidget(self.captions[key], row, 0)
            grid.addWidget(self.values[key], row, 1)
        grid.setColumnStretch(0, 1)
        grid.addWidget(self.new_cap_label, len(self.CAPTIONS), 0)
        grid.addWidget(self.new_cap, len(self.CAPTIONS), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self._showing = False  # set_values moves the spin box: not the operator's edit
        self.setAcceptDrops(True)

    def retranslate(self) -> None:
        name = sector_name(self.sector)
        self.title.setText(name)
        texts = {
            "cap": self.tr("Cap (GPUs)"),
            "running": self.tr("Running"),
            "borrowed": self.tr("Borrowed above its cap"),
            "lent": self.tr("Lent to other sectors"),
            "pending": self.tr("Pending GPUs"),
            "at cap": self.tr("… pending at the cap"),
            "guarantee": self.tr("Guarantee"),
        }
        for key, text in texts.items():
            self.captions[key].setText(text)
        self.new_cap_label.setText(self.tr("New cap"))
        self.new_cap.setSpecialValueText(self.tr("no limit"))
        self.new_cap.setAccessibleName(fmt(self.tr("New GPU cap of %1"), name))
        self.bar.setAccessibleName(fmt(self.tr("Cap of %1 (drag to another sector)"), name))
        self.bar.setToolTip(
            self.tr("Drag onto another sector to move the step's GPUs of cap there")
        )

    def show_quota(
        self, quota: SectorQuota, lent: int, guarantee: int | None, new_cap: int | None, scale: int
    ) -> None:
        self.bar.set_values(quota, lent, guarantee, new_cap, scale)
        cap = "–" if quota.cap is None else str(quota.cap)
        if new_cap is not None and new_cap != quota.cap:
            cap = fmt("%1 → %2", cap, new_cap)
        values = {
            "cap": cap,
            "running": str(quota.running),
            "borrowed": str(quota.borrowed),
            "lent": str(lent),
            "pending": str(quota.pending_gpus),
            "at cap": str(quota.pending_at_cap),
            "guarantee": "–" if guarantee is None else str(guarantee),
        }
        for key, text in values.items():
            self.values[key].setText(text)
        self._showing = True
        self.new_cap.setMaximum(max(scale, 1))
        if not self.new_cap.hasFocus():  # a read every few seconds must not undo typing
            self.new_cap.setValue(NO_CAP if new_cap is None else new_cap)
        self._showing = False

    def set_editable(self, on: bool) -> None:
        """Viewers and the kiosk: no drag, no drop, no new cap (the core refuses anyway)."""
        self.new_cap.setEnabled(on)
        self.setAcceptDrops(on)
        self.bar.draggable = on
        self.bar.setCursor(Qt.CursorShape.OpenHandCursor if on else Qt.CursorShape.ArrowCursor)

    def _edited(self, value: int) -> None:
        if not self._showing and value != NO_CAP:
            self.cap_edited.emit(self.sector, value)

    # -- drops ------------------------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        source = sector_of_mime(event.mimeData())
        if source is not None and source != self.sector:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        source = sector_of_mime(event.mimeData())
        if source is None or source == self.sector:
            event.ignore()
            return
        event.acceptProposedAction()
        self.cap_dropped.emit(source, self.sector)
