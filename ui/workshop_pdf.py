"""A workshop's papers as PDF: the session report and the attestations (`app.training.papers`).

Each `Paper` is laid out as a QTextDocument on A4, in its language's direction (an Arabic
attestation reads right to left, its French names kept whole by `languages.directed`), and
painted page by page into a QPdfWriter. The report's bar chart is drawn with QPainter into an
image the document holds, its numbers written beside each bar and repeated in the list under
it, so the chart is never the only way to read them. Written to a temporary file and renamed:
never a half-written PDF.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from pasapas.app.errors import PasapasError, os_reason
from pasapas.app.i18n import _
from pasapas.app.training.papers import (
    Bullets,
    Chart,
    Heading,
    Paper,
    Para,
    Signature,
    Table,
)
from pasapas.ui.fonts import load_fonts
from pasapas.ui.sheet_render import NoPrinterError, _ensure_app, printers

RESOLUTION = 300
MARGINS_MM = QMarginsF(16, 16, 16, 14)
BODY_PT = 14
BIG_PT = 18
TITLE_PT = 24
TABLE_PT = 11
CHART_WIDTH_PX = 2000  # the chart image, drawn at the PDF's resolution (about 17 cm wide)
BAR_COLOUR = QColor("#1f4e9c")


def _chart_image(chart: Chart, rtl: bool, families: tuple[str, ...]) -> QImage:
    font = QFont()
    font.setFamilies(list(families))
    font.setPixelSize(44)
    metrics = QFontMetricsF(font)
    row = 90
    label_width = CHART_WIDTH_PX * 0.45
    image = QImage(CHART_WIDTH_PX, row * len(chart.bars) + 20, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setFont(font)
        bar_space = CHART_WIDTH_PX - label_width - 140
        for n, (text, value) in enumerate(chart.bars):
            top = 10 + n * row
            label = metrics.elidedText(text, Qt.TextElideMode.ElideRight, label_width - 20)
            length = bar_space * value / max(1, chart.top)
            if rtl:  # labels on the right, bars growing to the left
                label_rect = QRectF(CHART_WIDTH_PX - label_width, top, label_width, row)
                bar = QRectF(CHART_WIDTH_PX - label_width - 10 - length, top + 18, length, row - 36)
                value_rect = QRectF(bar.left() - 130, top, 120, row)
                align = Qt.AlignmentFlag.AlignRight
            else:
                label_rect = QRectF(0, top, label_width, row)
                bar = QRectF(label_width + 10, top + 18, length, row - 36)
                value_rect = QRectF(bar.right() + 10, top, 120, row)
                align = Qt.AlignmentFlag.AlignLeft
            painter.setPen(QColor("black"))
            painter.drawText(label_rect, align | Qt.AlignmentFlag.AlignVCenter, label)
            painter.fillRect(bar, BAR_COLOUR)
            painter.drawText(value_rect, align | Qt.AlignmentFlag.AlignVCenter, str(value))
    finally:
        painter.end()
    return image


def _html(paper: Paper, doc: QTextDocument, families: tuple[str, ...]) -> str:
    direction = "rtl" if paper.rtl else "ltr"
    align = "right" if paper.rtl else "left"
    parts = [
        f'<h1 dir="{direction}" align="{align}" style="font-size:{TITLE_PT}pt">'
        f"{html.escape(paper.title)}</h1>"
    ]
    for number, block in enumerate(paper.blocks):
        if isinstance(block, Heading):
            parts.append(
                f'<h2 dir="{direction}" align="{align}" style="font-size:{BIG_PT}pt">'
                f"{html.escape(block.text)}</h2>"
            )
        elif isinstance(block, Para):
            size = BIG_PT if block.big else BODY_PT
            text = html.escape(block.text)
            if block.bold:
                text = f"<b>{text}</b>"
            parts.append(
                f'<p dir="{direction}" align="{align}" style="font-size:{size}pt">{text}</p>'
            )
        elif isinstance(block, Bullets):
            items = "".join(
                f'<li dir="{direction}" style="font-size:{BODY_PT}pt">{html.escape(i)}</li>'
                for i in block.items
            )
            parts.append(f'<ul dir="{direction}">{items}</ul>')
        elif isinstance(block, Table):
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block.headers)
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            parts.append(
                f'<table dir="{direction}" border="1" cellspacing="0" cellpadding="6" '
                f'width="100%" style="font-size:{TABLE_PT}pt; border-collapse:collapse">'
                f"<thead><tr>{head}</tr></thead>{rows}</table>"
            )
        elif isinstance(block, Chart):
            name = f"chart-{number}.png"
            doc.addResource(
                QTextDocument.ResourceType.ImageResource,
                QUrl(name),
                _chart_image(block, paper.rtl, families),
            )
            parts.append(
                f'<p dir="{direction}" align="{align}" style="font-size:{BODY_PT}pt">'
                f"{html.escape(block.title)}</p>"
                f'<p align="center"><img src="{name}" width="620"></p>'
            )
        elif isinstance(block, Signature):
            parts.append(
                f'<p dir="{direction}" align="{align}" style="font-size:{BODY_PT}pt">'
                f"{html.escape(block.label)}</p>"
                f'<table border="1" cellspacing="0" cellpadding="40" width="55%" '
                f'align="{align}"><tr><td>&nbsp;</td></tr></table>'
            )
    return "".join(parts)


def _paint(paper: Paper, device: QPagedPaintDevice) -> int:
    """Lay `paper` out for `device` (a PDF writer or a printer) and paint every page."""
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    families = load_fonts()
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    font = QFont()
    font.setFamilies(list(families))
    font.setPointSizeF(BODY_PT)
    doc.setDefaultFont(font)
    option = doc.defaultTextOption()
    option.setTextDirection(
        Qt.LayoutDirection.RightToLeft if paper.rtl else Qt.LayoutDirection.LeftToRight
    )
    doc.setDefaultTextOption(option)
    width, height = float(device.width()), float(device.height())
    doc.setPageSize(QSizeF(width, height))
    doc.setHtml(_html(paper, doc, families))
    pages = max(1, doc.pageCount())
    painter = QPainter()
    if not painter.begin(device):
        raise PasapasError(_("Le document n'a pas pu être préparé."))
    try:
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(0, -page * height)
            doc.drawContents(painter, QRectF(0, page * height, width, height))
            painter.restore()
    finally:
        painter.end()
    return pages


def render_paper(paper: Paper, out: Path) -> Path:
    """Write `paper` as an A4 PDF at `out`, whole or not at all; one sentence when the folder
    cannot be written."""
    _ensure_app()
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(b"")
    except OSError as exc:
        raise PasapasError(
            _("Impossible d'écrire le document dans « {path} » : {reason}.").format(
                path=out, reason=os_reason(exc.errno)
            )
        ) from None
    try:
        writer = QPdfWriter(str(temporary))
        writer.setResolution(RESOLUTION)
        writer.setTitle(paper.title)
        writer.setCreator("Pas à pas")
        _paint(paper, writer)
        del writer  # closes the file
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return out


def print_paper(paper: Paper, printer: str | None = None) -> str:
    """Print `paper` on `printer` (default: the system's default printer, else the first);
    the printer's name. `NoPrinterError` when none is installed."""
    _ensure_app()
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    names = printers()
    if not names:
        raise NoPrinterError(
            _("Aucune imprimante n'est installée : enregistrez le document en PDF.")
        )
    if printer is None:
        default = QPrinterInfo.defaultPrinterName()
        printer = default if default in names else names[0]
    elif printer not in names:
        raise PasapasError(_("L'imprimante « {name} » n'est pas installée.").format(name=printer))
    device = QPrinter(QPrinterInfo.printerInfo(printer), QPrinter.PrinterMode.HighResolution)
    device.setDocName(paper.title)
    device.setColorMode(QPrinter.ColorMode.GrayScale)
    _paint(paper, device)
    return printer
