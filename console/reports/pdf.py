"""A report as an A4 PDF: QTextDocument lays out html.report_html(), QPdfWriter prints it.

The document is laid out in CSS pixels (96 per inch) and printed page by page with the painter
scaled to the writer's resolution, so text stays vector text (selectable, `pdftotext` reads it)
and Noto Sans CJK is embedded as a subset. Each page but the cover gets a running header and
"page n of N". Tables repeat their header row on every page they run over.

Qt needs a QGuiApplication for fonts: `gui_application()` makes one on the offscreen platform
when there is no display, so the command line works over SSH and in cron. Rendering does not
touch widgets and may run on a worker thread of the console.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from console.reports.charts import FAMILY, draw_all
from console.reports.html import CONTENT_WIDTH, report_html
from console.reports.model import Report
from console.reports.request import ReportError
from console.reports.text import default_centre, period_text, words

DPI = 300
CSS_DPI = 96.0
A4_MM = (210.0, 297.0)
TOP, BOTTOM = 64.0, 62.0  # CSS px above and below the text, room for header and footer
FONT_FILES = (  # where Debian's fonts-noto-cjk puts them, if fontconfig does not offer them
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
FONT_HELP = "no Korean font: install Noto Sans CJK (Debian/Ubuntu: apt install fonts-noto-cjk)"


def gui_application() -> QGuiApplication:
    """The running Qt application, or a new QGuiApplication (offscreen without a display)."""
    app = QGuiApplication.instance()
    if app is None:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["hangang-console-report"])
    return app


def ensure_fonts() -> None:
    if FAMILY in QFontDatabase.families():
        return
    for path in FONT_FILES:
        if Path(path).exists():
            QFontDatabase.addApplicationFont(path)
    if FAMILY not in QFontDatabase.families():
        raise ReportError(FONT_HELP)


def text_font(point_size: float | None = None, pixel_size: int | None = None) -> QFont:
    """Noto Sans CJK KR without its `locl` substitutions: with them, digits after a Latin letter
    (hg-r01n1, UTF-8) become glyphs outside the font's character map, which Qt's PDF writer
    cannot map back to text, so copying and `pdftotext` would lose them."""
    font = QFont(FAMILY)
    font.setFeature(QFont.Tag("locl"), 0)
    if point_size is not None:
        font.setPointSizeF(point_size)
    if pixel_size is not None:
        font.setPixelSize(pixel_size)
    return font


def _px(mm: float) -> float:
    return mm / 25.4 * CSS_DPI


def layout_document(report: Report) -> QTextDocument:
    """The whole report laid out on pages of the A4 text area (CSS px)."""
    doc = QTextDocument()
    doc.setDefaultFont(text_font(point_size=9.0))
    doc.setDocumentMargin(0)
    for name, image in draw_all(report).items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), image)
    doc.setHtml(report_html(report))
    doc.setPageSize(QSizeF(CONTENT_WIDTH, _px(A4_MM[1]) - TOP - BOTTOM))
    return doc


def _page_furniture(painter: QPainter, report: Report, page: int, pages: int) -> None:
    """Running header (centre · title · period) and the page number, in CSS px."""
    lang = report.request.lang
    w = words(lang)
    width = _px(A4_MM[0])
    left = (width - CONTENT_WIDTH) / 2
    painter.setFont(text_font(pixel_size=10))
    painter.setPen(QPen(QColor("#55606c")))
    centre = report.request.centre_name or default_centre(lang)
    period = period_text(report.request.period.first, report.request.period.last, lang)
    header = QRectF(left, 30, CONTENT_WIDTH, 16)
    painter.drawText(header, Qt.AlignmentFlag.AlignLeft, f"{centre} · {w['title']}")
    painter.drawText(header, Qt.AlignmentFlag.AlignRight, period)
    painter.setPen(QPen(QColor("#c3ccd6"), 0.5))
    painter.drawLine(QPointF(left, 48), QPointF(left + CONTENT_WIDTH, 48))
    painter.setPen(QPen(QColor("#55606c")))
    footer = QRectF(left, _px(A4_MM[1]) - 40, CONTENT_WIDTH, 16)
    painter.drawText(
        footer, Qt.AlignmentFlag.AlignHCenter, w["page"].format(page=page, pages=pages)
    )


def render_pdf(report: Report, path: Path, progress: Callable[[float], None] | None = None) -> int:
    """Write the report to `path` (through a temporary file beside it, so a failure never
    leaves half a PDF); returns the number of pages. Raises OSError when it cannot write."""
    gui_application()
    ensure_fonts()
    tell = progress or (lambda _f: None)
    doc = layout_document(report)
    pages = doc.pageCount()
    tell(0.3)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".pdf", dir=path.parent)
    os.close(fd)
    try:
        _print(doc, report, Path(tmp), pages, tell)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return pages


def _print(doc: QTextDocument, report: Report, tmp: Path, pages: int, tell) -> None:
    writer = QPdfWriter(str(tmp))
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    lang = report.request.lang
    writer.setTitle(f"{words(lang)['title']} · {report.request.period.first}")
    writer.setCreator("Hangang Console")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"{tmp.parent}: cannot write a PDF here")
    try:
        scale = DPI / CSS_DPI
        page_h = doc.pageSize().height()
        left = (_px(A4_MM[0]) - CONTENT_WIDTH) / 2
        layout = doc.documentLayout()
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            if page:
                _page_furniture(painter, report, page + 1, pages)
            painter.translate(left, TOP - page * page_h)
            clip = QRectF(0, page * page_h, CONTENT_WIDTH, page_h)
            painter.setClipRect(clip)
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.clip = clip
            layout.draw(painter, ctx)
            painter.restore()
            tell(0.3 + 0.7 * (page + 1) / pages)
    finally:
        painter.end()
