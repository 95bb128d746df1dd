"""The take-home sheet on paper: a PDF (QPdfWriter) or a real printer (QPrinter), A4, large print.

The sheet (`app.sheet.Sheet`) is laid out as a QTextDocument in the visitor's direction (right to
left for Arabic: each paragraph follows the language its text is in, as on the kiosk's screens)
and painted page by page. The official website's QR code (segno) and the box for the volunteer's
handwritten note are objects inside the text, drawn with QPainter as vector shapes: the QR code's
modules are exact squares at any zoom and on any printer, and never mirrored in right-to-left.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import segno
from PySide6.QtCore import QMarginsF, QObject, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPyTextObject,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLength,
    QTextTableFormat,
)

from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.app.languages import isolate
from pasapas.app.sheet import Sheet
from pasapas.ui.fonts import load_fonts

RESOLUTION = 300  # dots per inch of the PDF's layout (text is vector whatever this says)
# The text is 16 mm from the paper's edges: the page's margins plus the document's own margin,
# which Qt also keeps at the top and bottom of every page (so that Arabic marks above the first
# line of a page, or below its last one, are never cut off).
MARGINS_MM = QMarginsF(12, 12, 12, 10)
GAP_MM = 4
FOOTER_MM = 9
BODY_PT = 16  # large print: never below 16 pt on the sheet
HEADING_PT = 20
TITLE_PT = 26
NUMBER_PT = 22
QR_MM = 42  # the whole symbol, quiet zone included: about 1.2 mm a module for a long address
NOTE_BOX_MM = 55
INK = QColor("#000000")
QR_OBJECT = QTextFormat.ObjectTypes.UserObject.value + 1
NOTE_OBJECT = QTextFormat.ObjectTypes.UserObject.value + 2
_DATA = QTextFormat.Property.UserProperty.value + 1  # the QR code's text
_SIZE = QTextFormat.Property.UserProperty.value + 2  # an object's size, in device pixels
_KEEP = QTextFormat.Property.UserProperty.value + 3  # a paragraph kept with the next one

_app: QGuiApplication | None = None


class NoPrinterError(PasapasError):
    """No printer is installed on this machine."""


def _ensure_app() -> None:
    """Qt's fonts and painters need an application object; the command line has none yet."""
    global _app
    if QGuiApplication.instance() is None:
        _app = QGuiApplication([])


def _mm(value: float, dpi: float = RESOLUTION) -> float:
    """Millimetres in the device's pixels."""
    return value * dpi / 25.4


# QTextDocument's layout scales the document's margin and tables' lengths from 96 dpi to its paint
# device's resolution; paragraphs' margins and indents, objects' sizes and painting are in device
# pixels (as measured on the rendered pages).
FORMAT_DPI = 96.0


def _fmt(value: float) -> float:
    """Millimetres as a format length."""
    return _mm(value, FORMAT_DPI)


class _QrObject(QPyTextObject):
    """A QR code inside the text: segno's modules painted as filled squares."""

    def intrinsicSize(self, doc, pos_in_document, fmt) -> QSizeF:
        side = fmt.property(_SIZE)
        return QSizeF(side, side)

    def drawObject(self, painter, rect, doc, pos_in_document, fmt) -> None:
        draw_qr(painter, rect, str(fmt.property(_DATA)))


class _NoteBox(QPyTextObject):
    """The box the volunteer writes in by hand: a frame with faint writing lines."""

    def __init__(self, parent: QObject, dpi: float) -> None:
        super().__init__(parent)
        self.dpi = dpi

    def intrinsicSize(self, doc, pos_in_document, fmt) -> QSizeF:
        size = fmt.property(_SIZE)
        return QSizeF(size.width(), size.height())

    def drawObject(self, painter, rect, doc, pos_in_document, fmt) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(INK, _mm(0.5, self.dpi)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inner = rect.adjusted(
            _mm(0.5, self.dpi), _mm(0.5, self.dpi), -_mm(0.5, self.dpi), -_mm(0.5, self.dpi)
        )
        painter.drawRoundedRect(inner, _mm(3, self.dpi), _mm(3, self.dpi))
        painter.setPen(QPen(QColor("#9a9a9a"), _mm(0.25, self.dpi)))
        step = _mm(11, self.dpi)
        y = inner.top() + step
        while y < inner.bottom() - _mm(4, self.dpi):
            painter.drawLine(
                QPointF(inner.left() + _mm(6, self.dpi), y),
                QPointF(inner.right() - _mm(6, self.dpi), y),
            )
            y += step
        painter.restore()


def qr_code(data: str) -> segno.QRCode:
    """A full QR code (never a Micro QR: many phone cameras do not read those)."""
    return segno.make_qr(data, error="m")


def draw_qr(painter: QPainter, rect: QRectF, data: str) -> None:
    """Paint the QR code of `data` in `rect` (a square), quiet zone included, white behind."""
    matrix = [list(row) for row in qr_code(data).matrix_iter(scale=1, border=4)]
    count = len(matrix)
    module = min(rect.width(), rect.height()) / count
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for y, row in enumerate(matrix):
        x = 0
        while x < count:  # one rectangle per run of dark modules: no seams inside a run
            if row[x]:
                start = x
                while x < count and row[x]:
                    x += 1
                path.addRect(
                    QRectF(
                        rect.left() + start * module,
                        rect.top() + y * module,
                        (x - start) * module,
                        module,
                    )
                )
            else:
                x += 1
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(QRectF(rect.topLeft(), QSizeF(module * count, module * count)), Qt.white)
    painter.fillPath(path, INK)
    painter.restore()


def _direction(text: str, default: Qt.LayoutDirection) -> Qt.LayoutDirection:
    """The direction a paragraph reads in, from its first strong character (marks included)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return Qt.LayoutDirection.LeftToRight
        if kind in ("R", "AL"):
            return Qt.LayoutDirection.RightToLeft
    return default


class _Builder:
    """Writes the sheet into a QTextDocument, paragraph by paragraph."""

    def __init__(self, sheet: Sheet, doc: QTextDocument, width: float, dpi: float) -> None:
        self.sheet = sheet
        self.dpi = dpi
        self.doc = doc
        self.width = width
        self.cursor = QTextCursor(doc)
        self.direction = (
            Qt.LayoutDirection.RightToLeft if sheet.rtl else Qt.LayoutDirection.LeftToRight
        )
        self.first = True

    def _char(self, size: float, *, bold: bool = False) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setFontPointSize(size)
        fmt.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        fmt.setForeground(INK)
        return fmt

    def block(
        self,
        text: str,
        size: float = BODY_PT,
        *,
        bold: bool = False,
        content: bool = False,
        before: float = 0.0,
        after: float = 1.5,
        indent: float = 0.0,
        hanging: float = 0.0,
        keep_with_next: bool = False,
        more: tuple[tuple[str, float, bool], ...] = (),
    ) -> None:
        """One paragraph (`more`: further runs of text, size, bold). `content` text (from the
        procedure, maybe in French on an Arabic sheet) takes its direction from its own first
        letter, as `languages.directed` made it; the rest follows the sheet. `indent` is on the
        leading side; `hanging` keeps a bullet's wrapped lines under its text."""
        fmt = QTextBlockFormat()
        direction = _direction(text, self.direction) if content else self.direction
        fmt.setLayoutDirection(direction)
        fmt.setTopMargin(_mm(before, self.dpi))
        fmt.setBottomMargin(_mm(after, self.dpi))
        fmt.setLineHeight(115, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        # Margins are physical (left, right); the text indent is on the leading side.
        leading = _mm(indent + hanging, self.dpi)
        if direction == Qt.LayoutDirection.RightToLeft:
            fmt.setRightMargin(leading)
        else:
            fmt.setLeftMargin(leading)
        fmt.setTextIndent(-_mm(hanging, self.dpi))
        if keep_with_next:
            fmt.setProperty(_KEEP, True)
        char = self._char(size, bold=bold)
        if self.first:
            self.cursor.setBlockFormat(fmt)
            self.cursor.setBlockCharFormat(char)
            self.first = False
        else:
            self.cursor.insertBlock(fmt, char)
        self.cursor.insertText(text, char)
        for run, run_size, run_bold in more:
            self.cursor.insertText(run, self._char(run_size, bold=run_bold))

    def heading(self, text: str) -> None:
        self.block(text, HEADING_PT, bold=True, before=5, after=1.5, keep_with_next=True)

    def _object_format(self, kind: int, size, data: str = "") -> QTextCharFormat:
        char = QTextCharFormat()
        char.setObjectType(kind)
        char.setProperty(_SIZE, size)
        char.setProperty(_DATA, data)
        return char

    def website(self, label: str, url: str) -> None:
        """The website's name and address beside its QR code (mirrored for right to left:
        the code on the left, its text on the right; the code itself never mirrored)."""
        side = float(round(_mm(QR_MM, self.dpi)))
        scale = FORMAT_DPI / self.dpi
        qr_width = (side + _mm(1, self.dpi)) * scale
        text_width = self.width * scale - qr_width - _fmt(1)
        table = QTextTableFormat()
        table.setBorder(0)
        table.setCellPadding(0)
        table.setCellSpacing(0)
        table.setLayoutDirection(self.direction)
        table.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        table.setColumnWidthConstraints(
            [
                QTextLength(QTextLength.Type.FixedLength, text_width),
                QTextLength(QTextLength.Type.FixedLength, qr_width),
            ]
        )
        created = self.cursor.insertTable(1, 2, table)
        text = created.cellAt(0, 0).firstCursorPosition()
        self.cursor = text
        self.first = True
        if label:
            self.block(label, content=True, after=1)
            self.first = False
        self.block(isolate(url), BODY_PT, bold=True, after=0)  # its final "/" stays at its end
        qr = created.cellAt(0, 1).firstCursorPosition()
        fmt = QTextBlockFormat()
        fmt.setAlignment(Qt.AlignmentFlag.AlignTrailing)
        fmt.setLayoutDirection(self.direction)
        qr.setBlockFormat(fmt)
        qr.insertText("\ufffc", self._object_format(QR_OBJECT, side, url))
        self.cursor = created.lastCursorPosition()
        self.cursor.movePosition(QTextCursor.MoveOperation.NextBlock)
        self.first = True

    def note_box(self) -> None:
        fmt = QTextBlockFormat()
        fmt.setLayoutDirection(self.direction)
        self.cursor.insertBlock(fmt)
        size = QSizeF(self.width - _mm(1, self.dpi), _mm(NOTE_BOX_MM, self.dpi))
        self.cursor.insertText("\ufffc", self._object_format(NOTE_OBJECT, size))

    def build(self) -> None:
        sheet, h = self.sheet, self.sheet.headings
        self.block(sheet.title, TITLE_PT, bold=True, content=True, after=2)
        if sheet.untranslated_note:
            self.block(sheet.untranslated_note, BODY_PT, after=1)
        if sheet.steps:
            self.heading(h["steps"])
            for number, step in enumerate(sheet.steps, 1):
                title, *lines = step.split("\n")
                self.block(
                    f"{number}.  {title}",
                    BODY_PT + 1,
                    bold=True,
                    content=True,
                    before=1.5,
                    after=0.8,
                    keep_with_next=True,
                )
                for line in lines:
                    bullet = line.lstrip("\u200e\u200f").startswith("•")
                    self.block(
                        line,
                        content=True,
                        after=0.8,
                        indent=8,
                        hanging=5 if bullet else 0,
                    )
        self.heading(h["documents"])
        for document in sheet.documents:
            self.block("•  " + document, content=True, after=1, hanging=5)
        if not sheet.documents:
            self.block(h["nothing"])
        if sheet.website:
            self.heading(h["website"])
            self.website(sheet.website_label, sheet.website)
        if sheet.phones:
            self.heading(h["phones"])
            for what, number in sheet.phones:
                self.block(what + "  ", after=1, more=((number, NUMBER_PT, True),))
        if sheet.help_point or sheet.opening_hours:
            self.heading(h["help_point"])
            if sheet.help_point:
                self.block(sheet.help_point, BODY_PT + 2, bold=True, after=1)
            if sheet.opening_hours:
                self.block(h["hours"], bold=True, after=0, keep_with_next=True)
                self.block(sheet.opening_hours, after=1)
        self.heading(sheet.note_label)
        self.note_box()


def keep_together(doc: QTextDocument, page_height: float) -> None:
    """Move a heading (or a step's title) that would end a page to the next one, with the
    paragraph it introduces (QTextDocument has no "keep with next" of its own)."""
    layout = doc.documentLayout()
    for _round in range(20):
        moved = False
        block = doc.begin()
        while block.isValid():
            following = block.next()
            if block.blockFormat().property(_KEEP) and following.isValid():
                top = layout.blockBoundingRect(block).top()
                below = layout.blockBoundingRect(following)
                if not below.isValid() and following.text() == "":
                    following = following.next()
                    below = layout.blockBoundingRect(following)
                if int(top // page_height) != int(below.bottom() // page_height) and (
                    below.height() < page_height / 3
                ):
                    cursor = QTextCursor(block)
                    fmt = block.blockFormat()
                    if not fmt.pageBreakPolicy() & QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
                        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                        cursor.setBlockFormat(fmt)
                        moved = True
                        break
            block = following
        if not moved:
            return


def _document(
    sheet: Sheet, width: float, height: float, device: QPagedPaintDevice
) -> QTextDocument:
    dpi = float(device.logicalDpiY())
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(device)
    font = QFont()
    font.setFamilies(list(load_fonts()))
    font.setPointSizeF(BODY_PT)
    doc.setDefaultFont(font)
    doc.setDocumentMargin(_fmt(GAP_MM))
    doc.setPageSize(QSizeF(width, height))
    option = doc.defaultTextOption()
    option.setTextDirection(
        Qt.LayoutDirection.RightToLeft if sheet.rtl else Qt.LayoutDirection.LeftToRight
    )
    option.setWrapMode(option.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    layout: QAbstractTextDocumentLayout = doc.documentLayout()
    # The handlers must live as long as the document: kept as its children.
    qr, note = _QrObject(doc), _NoteBox(doc, dpi)
    layout.registerHandler(QR_OBJECT, qr)
    layout.registerHandler(NOTE_OBJECT, note)
    _Builder(sheet, doc, width - 2 * _mm(GAP_MM, dpi), dpi).build()
    keep_together(doc, height)
    return doc


def _paint(sheet: Sheet, device: QPagedPaintDevice) -> int:
    """Lay the sheet out for `device` and paint every page; returns the number of pages."""
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    painter = QPainter()
    if not painter.begin(device):
        raise PasapasError(_("La fiche n'a pas pu être préparée pour l'impression."))
    try:
        width, height = float(device.width()), float(device.height())
        footer = _mm(FOOTER_MM, device.logicalDpiY())
        doc = _document(sheet, width, height - footer, device)
        pages = max(1, doc.pageCount())
        footer_font = QFont(doc.defaultFont())
        footer_font.setPointSizeF(11)
        for page in range(pages):
            if page:
                device.newPage()
            painter.save()
            painter.translate(0, -page * (height - footer))
            doc.drawContents(painter, QRectF(0, page * (height - footer), width, height - footer))
            painter.restore()
            if pages > 1:
                painter.setFont(footer_font)
                painter.setPen(INK)
                painter.drawText(
                    QRectF(0, height - footer, width, footer),
                    Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter,
                    f"{page + 1} / {pages}",
                )
    finally:
        painter.end()
    return pages


def render_pdf(sheet: Sheet, out: Path) -> Path:
    """Write the sheet as an A4 PDF at `out` (a temporary file renamed at the end: never a
    half-written PDF). Refuses, with one sentence, a folder that cannot be written."""
    _ensure_app()
    out = Path(out)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(b"")
    except OSError as exc:
        raise PasapasError(
            _("Impossible d'écrire la fiche dans « {path} » : {reason}.").format(
                path=out, reason=exc.strerror or exc
            )
        ) from None
    try:
        writer = QPdfWriter(str(temporary))
        writer.setResolution(RESOLUTION)
        writer.setTitle(sheet.title)
        writer.setCreator("Pas à pas")
        _paint(sheet, writer)
        del writer  # closes the file
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return out


def printers() -> list[str]:
    """The printers the system's print service knows (none on most test machines)."""
    _ensure_app()
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames())


def print_sheet(sheet: Sheet, printer: str | None = None) -> str:
    """Print the sheet on `printer` (default: the system's default printer, else the first one);
    returns the printer's name. NoPrinterError when no printer is installed."""
    _ensure_app()
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    names = printers()
    if not names:
        raise NoPrinterError(_("Aucune imprimante n'est installée : enregistrez la fiche en PDF."))
    if printer is None:
        default = QPrinterInfo.defaultPrinterName()
        printer = default if default in names else names[0]
    elif printer not in names:
        raise PasapasError(_("L'imprimante « {name} » n'est pas installée.").format(name=printer))
    device = QPrinter(QPrinterInfo.printerInfo(printer), QPrinter.PrinterMode.HighResolution)
    device.setDocName(sheet.title)
    device.setColorMode(QPrinter.ColorMode.GrayScale)
    _paint(sheet, device)
    return printer
