"""The report's charts, drawn with QPainter into images (no widgets, no display needed).

Sizes are CSS pixels of the page (96 per inch, see html.CHARTS); images are drawn SCALE times
larger so they print sharp. Sector colours are the console's, darkened for white paper. Each
chart draws exactly the frame that export.tables() writes to CSV.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen

from console.i18n.names import sector_name
from console.reports.html import CHARTS
from console.reports.model import Report
from console.reports.text import words

SCALE = 3.0
FAMILY = "Noto Sans CJK KR"
SECTOR_COLOURS = {"public": "#1f6fd1", "interest": "#1f8a5b", "private": "#c98400"}
INK, GRID, MUTED, NO_DATA = "#1d232b", "#d5dbe2", "#55606c", "#e6e8eb"
# light to dark, for utilisation 0..100 % (a print-friendly yellow-green-blue ramp)
HEAT_STOPS = np.array(
    [[255, 255, 217], [199, 233, 180], [65, 182, 196], [34, 94, 168], [8, 29, 88]], float
)


def font(px: float, bold: bool = False) -> QFont:
    f = QFont(FAMILY)
    f.setPixelSize(max(1, round(px)))  # CSS px: the painter is scaled already
    f.setBold(bold)
    return f


def canvas(name: str) -> tuple[QImage, QPainter]:
    w, h = CHARTS[name]
    image = QImage(round(w * SCALE), round(h * SCALE), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.scale(SCALE, SCALE)  # draw in CSS px from here on
    return image, painter


def pen(colour: str, width: float = 1.0, style=Qt.PenStyle.SolidLine) -> QPen:
    p = QPen(QColor(colour), width)
    p.setStyle(style)
    return p


def time_ticks(t0: float, t1: float, tz: str) -> list[tuple[float, str]]:
    """Midnights (every n days, so that at most ~10 are labelled), or 3-hourly for one day."""
    zone = ZoneInfo(tz)
    days = (t1 - t0) / 86400
    if days <= 1.01:
        return [
            (t, datetime.fromtimestamp(t, zone).strftime("%H:%M"))
            for t in np.arange(t0, t1 + 1, 3 * 3600)
        ]
    every = next(n for n in (1, 2, 3, 7, 14, 30) if days / n <= 10)
    out = []
    for i in range(0, round(days) + 1, every):
        t = t0 + i * 86400
        out.append((t, datetime.fromtimestamp(t, zone).strftime("%m/%d")))
    return out


class Axes:
    """A plot rectangle with data ranges; maps data to CSS px and draws grid and labels."""

    def __init__(self, p: QPainter, rect: QRectF, x0, x1, y0, y1) -> None:
        self.p, self.rect = p, rect
        self.x0, self.x1, self.y0, self.y1 = float(x0), float(x1), float(y0), float(y1 or 1)

    def x(self, v: float) -> float:
        return self.rect.left() + (v - self.x0) / (self.x1 - self.x0) * self.rect.width()

    def y(self, v: float) -> float:
        return self.rect.bottom() - (v - self.y0) / (self.y1 - self.y0) * self.rect.height()

    def grid(self, y_ticks, x_ticks, y_fmt=lambda v: f"{v:g}", x_labels=True) -> None:
        p, r = self.p, self.rect
        p.setFont(font(9))
        for v in y_ticks:
            p.setPen(pen(GRID, 0.5))
            p.drawLine(QPointF(r.left(), self.y(v)), QPointF(r.right(), self.y(v)))
            p.setPen(pen(MUTED))
            label = QRectF(r.left() - 46, self.y(v) - 7, 42, 14)
            p.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, y_fmt(v))
        for t, text in x_ticks:
            p.setPen(pen(GRID, 0.5))
            p.drawLine(QPointF(self.x(t), r.top()), QPointF(self.x(t), r.bottom()))
            if x_labels:
                p.setPen(pen(MUTED))
                width = p.device().width() / SCALE  # keep the last label on the image
                left = min(max(self.x(t) - 30, 0.0), width - 62)
                p.drawText(
                    QRectF(left, r.bottom() + 3, 60, 14),
                    Qt.AlignmentFlag.AlignHCenter,
                    text,
                )
        p.setPen(pen(INK, 0.8))
        p.drawLine(r.bottomLeft(), r.bottomRight())

    def line(self, xs, ys, colour: str, width=1.4, style=Qt.PenStyle.SolidLine) -> None:
        """A polyline broken where a value is missing."""
        path = QPainterPath()
        drawing = False
        for xv, yv in zip(xs, ys, strict=True):
            if np.isnan(yv):
                drawing = False
                continue
            point = QPointF(self.x(xv), self.y(yv))
            path.lineTo(point) if drawing else path.moveTo(point)
            drawing = True
        self.p.setPen(pen(colour, width, style))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawPath(path)

    def area(self, xs, ys, colour: str) -> None:
        c = QColor(colour)
        c.setAlphaF(0.28)
        self.p.setPen(Qt.PenStyle.NoPen)
        self.p.setBrush(QBrush(c))
        values = np.nan_to_num(np.asarray(ys, float))
        path = QPainterPath(QPointF(self.x(xs[0]), self.y(0)))
        for xv, yv in zip(xs, values, strict=True):
            path.lineTo(QPointF(self.x(xv), self.y(yv)))
        path.lineTo(QPointF(self.x(xs[-1]), self.y(0)))
        self.p.drawPath(path)


def legend(p: QPainter, x: float, y: float, items: list[tuple[str, str, str]]) -> None:
    """items: (text, colour, kind) with kind "line", "dash" or "area"."""
    p.setFont(font(10))
    for text, colour, kind in items:
        if kind == "area":
            c = QColor(colour)
            c.setAlphaF(0.28)
            p.fillRect(QRectF(x, y - 5, 16, 10), c)
        else:
            style = Qt.PenStyle.DashLine if kind == "dash" else Qt.PenStyle.SolidLine
            p.setPen(pen(colour, 2.0, style))
            p.drawLine(QPointF(x, y), QPointF(x + 16, y))
        p.setPen(pen(INK))
        width = p.fontMetrics().horizontalAdvance(text)
        p.drawText(QRectF(x + 20, y - 8, width + 4, 16), Qt.AlignmentFlag.AlignVCenter, text)
        x += 20 + width + 18


def _centres(frame: pd.DataFrame, step: int) -> np.ndarray:
    return frame["t"].to_numpy(float) + step / 2


def util_chart(report: Report) -> QImage:
    image, p = canvas("util")
    lang, tz = report.request.lang, report.request.tz
    w, h = CHARTS["util"]
    ax = Axes(p, QRectF(50, 28, w - 62, h - 50), report.t0, report.t1, 0, 100)
    ax.grid(range(0, 101, 25), time_ticks(report.t0, report.t1, tz), lambda v: f"{v:g} %")
    items = []
    for sector in report.request.ordered_sectors():
        rows = report.series[report.series["sector"] == sector]
        colour = SECTOR_COLOURS[sector]
        if len(rows):
            ax.line(_centres(rows, report.step), rows["util_pct"].to_numpy(float), colour)
        items.append((sector_name(sector, lang), colour, "line"))
    legend(p, 50, 12, items)
    p.end()
    return image


def alloc_chart(report: Report) -> QImage:
    image, p = canvas("alloc")
    lang, tz = report.request.lang, report.request.tz
    word = words(lang)
    w, h = CHARTS["alloc"]
    sectors = report.request.ordered_sectors()
    top, bottom = 30.0, h - 20.0
    band = (bottom - top) / len(sectors)
    ticks = time_ticks(report.t0, report.t1, tz)
    for i, sector in enumerate(sectors):
        rows = report.series[report.series["sector"] == sector]
        colour = SECTOR_COLOURS[sector]
        peak = np.nanmax(
            rows[["allocated_gpus", "used_gpus", "entitled_gpus"]].to_numpy(float), initial=1.0
        )
        y1 = nice_ceiling(peak * 1.1)
        rect = QRectF(50, top + i * band + 17, w - 62, band - 25)
        ax = Axes(p, rect, report.t0, report.t1, 0, y1)
        ax.grid([0, y1 / 2, y1], ticks, lambda v: f"{v:,.0f}", x_labels=i == len(sectors) - 1)
        p.setFont(font(10, bold=True))
        p.setPen(pen(colour))
        p.drawText(
            QRectF(50, top + i * band, 300, 15),
            Qt.AlignmentFlag.AlignLeft,
            sector_name(sector, lang),
        )
        if len(rows):
            xs = _centres(rows, report.step)
            ax.area(xs, rows["used_gpus"].to_numpy(float), colour)
            ax.line(xs, rows["allocated_gpus"].to_numpy(float), colour, 1.6)
            ax.line(xs, rows["entitled_gpus"].to_numpy(float), MUTED, 1.0, Qt.PenStyle.DashLine)
    legend(
        p,
        50,
        12,
        [
            (word["allocated"], INK, "line"),
            (word["used"], INK, "area"),
            (word["entitled"], MUTED, "dash"),
        ],
    )
    p.end()
    return image


def nice_ceiling(v: float) -> float:
    """The next 1, 2 or 5 × 10^k at or above v (axis tops)."""
    if v <= 0:
        return 1.0
    k = 10 ** np.floor(np.log10(v))
    return float(next(m * k for m in (1, 2, 5, 10) if m * k >= v))


def heat_colours(values: np.ndarray) -> np.ndarray:
    """Utilisation % → RGB (uint8) along HEAT_STOPS; NaN → NO_DATA."""
    v = np.clip(np.nan_to_num(values, nan=0.0), 0, 100) / 100 * (len(HEAT_STOPS) - 1)
    lo = np.floor(v).astype(int).clip(0, len(HEAT_STOPS) - 2)
    frac = (v - lo)[..., None]
    rgb = HEAT_STOPS[lo] * (1 - frac) + HEAT_STOPS[lo + 1] * frac
    rgb[np.isnan(values)] = QColor(NO_DATA).getRgb()[:3]
    return rgb.astype(np.uint8)


def heat_chart(report: Report) -> QImage:
    image, p = canvas("heat")
    lang = report.request.lang
    w, h = CHARTS["heat"]
    heat = report.heat
    days = [c for c in heat.columns if c not in ("node", "sector")]
    values = heat[days].to_numpy(float)
    rgb = heat_colours(values)
    rows, cols = values.shape
    label_w = 24.0 if rows * 9 > h - 30 else 110.0  # room for node names when they fit
    rect = QRectF(label_w, 22, w - label_w - 70, h - 30)
    if rows and cols:
        argb = np.empty((rows, cols, 4), np.uint8)
        argb[..., 0], argb[..., 1], argb[..., 2], argb[..., 3] = (
            rgb[..., 2],
            rgb[..., 1],
            rgb[..., 0],
            255,
        )
        strip = QImage(argb.data, cols, rows, cols * 4, QImage.Format.Format_RGB32).copy()
        p.save()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # crisp cells
        p.drawImage(rect, strip)
        p.restore()
    p.setFont(font(7.5))
    p.setPen(pen(MUTED))
    cell_w = rect.width() / max(cols, 1)
    every = max(1, int(np.ceil(16 / cell_w)))
    for j in range(0, cols, every):
        p.drawText(
            QRectF(rect.left() + j * cell_w - 10, 6, cell_w + 20, 14),
            Qt.AlignmentFlag.AlignHCenter,
            days[j][8:10],
        )
    row_h = rect.height() / max(rows, 1)
    sectors = heat["sector"].tolist()
    start = 0
    for i in range(1, rows + 1):  # sector bands with their names and node counts
        if i < rows and sectors[i] == sectors[start]:
            continue
        band = QRectF(rect.left() - 8, rect.top() + start * row_h, 5, (i - start) * row_h)
        p.fillRect(band, QColor(SECTOR_COLOURS[sectors[start]]))
        if start:
            p.setPen(pen("white", 1.2))
            p.drawLine(QPointF(rect.left(), band.top()), QPointF(rect.right(), band.top()))
        text = f"{sector_name(sectors[start], lang)} · {i - start}"
        p.setFont(font(8.5, bold=True))
        if p.fontMetrics().horizontalAdvance(text) < band.height():
            p.save()
            p.setPen(pen(SECTOR_COLOURS[sectors[start]]))
            p.translate(8, band.center().y())
            p.rotate(-90)
            p.drawText(
                QRectF(-band.height() / 2, -8, band.height(), 16),
                Qt.AlignmentFlag.AlignCenter,
                text,
            )
            p.restore()
        start = i
    if rows and row_h >= 9:  # few nodes: name each row
        p.setFont(font(min(8.0, row_h * 0.75)))
        p.setPen(pen(INK))
        for i, node in enumerate(heat["node"]):
            p.drawText(
                QRectF(18, rect.top() + i * row_h, rect.left() - 30, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                node,
            )
    # colour scale
    scale = QRectF(rect.right() + 14, rect.top(), 12, min(240.0, rect.height()))
    ramp = heat_colours(np.linspace(100, 0, 200)[:, None])
    argb = np.concatenate([ramp[..., ::-1], np.full((200, 1, 1), 255, np.uint8)], axis=2)
    p.drawImage(scale, QImage(argb.tobytes(), 1, 200, 4, QImage.Format.Format_RGB32).copy())
    p.setFont(font(7.5))
    p.setPen(pen(MUTED))
    for v in (0, 50, 100):
        y = scale.bottom() - v / 100 * scale.height()
        p.drawText(
            QRectF(scale.right() + 3, y - 7, 40, 14), Qt.AlignmentFlag.AlignVCenter, f"{v} %"
        )
    p.fillRect(QRectF(scale.left(), scale.bottom() + 12, 12, 10), QColor(NO_DATA))
    p.drawText(
        QRectF(scale.left(), scale.bottom() + 24, 60, 28),
        Qt.TextFlag.TextWordWrap,
        words(lang)["no_data"],
    )
    p.end()
    return image


def draw_all(report: Report) -> dict[str, QImage]:
    return {"util": util_chart(report), "alloc": alloc_chart(report), "heat": heat_chart(report)}
