"""Horizontal bar charts drawn with QPainter, each with its data table beside it.

Qt Charts is deprecated (Qt 6.10): a chart here is a plain QWidget that paints its bars. Each bar
has its name written above it and its count written after it, in the widget's own font (the
stylesheet's, so it grows with the staff member's text size) and in the theme's text colour on
the theme's background (the colours the stylesheet gives the palette): a bar is at least 3:1
against the page, like every text pair of the themes is 7:1. Right to left, the bars grow leftwards.

A screen reader hears the chart's title (accessible name) and a sentence listing every value
(accessible description); the table beside it holds the same figures, cell by cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHeaderView,
    QSizePolicy,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pasapas.app.i18n import _
from pasapas.ui.widgets import label

MAX_BARS = 12  # more than that is unreadable as bars: the rest are summed as "Autres"
GAP_PX = 10


def summary(title: str, rows: Sequence[tuple[str, int]]) -> str:
    """What a screen reader hears of a chart: its title and every value, in one sentence."""
    if not rows:
        return _("{title} : aucune donnée pour cette période.").format(title=title)
    values = " ; ".join(f"{name} : {count}" for name, count in rows)
    return _("{title}. {values}.").format(title=title, values=values)


def shown_rows(rows: Sequence[tuple[str, int]], limit: int = MAX_BARS) -> list[tuple[str, int]]:
    """The rows drawn as bars: the first `limit - 1` and the rest summed as "Autres"."""
    rows = list(rows)
    if len(rows) <= limit:
        return rows
    kept = rows[: limit - 1]
    return [*kept, (_("Autres"), sum(count for _name, count in rows[limit - 1 :]))]


class BarChart(QWidget):
    """Named counts as horizontal bars: name above, bar, count after the bar."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bar-chart")
        self._title = title
        self._rows: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumWidth(200)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._describe()

    # -- data ----------------------------------------------------------------------------------

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(self._rows)

    def set_data(self, title: str, rows: Sequence[tuple[str, int]]) -> None:
        self._title = title
        self._rows = shown_rows(rows)
        self._describe()
        self.updateGeometry()
        self.update()

    def _describe(self) -> None:
        self.setAccessibleName(self._title)
        self.setAccessibleDescription(summary(self._title, self._rows))

    # -- size ------------------------------------------------------------------------------------

    def _metrics(self) -> tuple[QFontMetrics, int]:
        metrics = QFontMetrics(self.font())
        return metrics, max(metrics.height(), 24)  # the bar is as thick as a line of text

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._layout(width)[1]

    def sizeHint(self) -> QSize:
        width = max(self.width(), 400)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.heightForWidth(max(self.width(), 200)))

    def _layout(self, width: int) -> tuple[list[tuple[QRect, QRect, QRect]], int]:
        """For each row: the rectangles of its name, its bar's full length, its count — laid
        left to right (mirrored when painting right to left) — and the total height."""
        metrics, thickness = self._metrics()
        if not self._rows:
            return [], metrics.height() + 2 * GAP_PX
        count_width = max(metrics.horizontalAdvance(str(count)) for _n, count in self._rows)
        count_width += metrics.horizontalAdvance("  ")
        bar_room = max(width - count_width - GAP_PX, 20)
        rects, y = [], 0
        for name, _count in self._rows:
            name_rect = metrics.boundingRect(
                QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), name
            )
            name_rect = QRect(0, y, width, name_rect.height())
            y += name_rect.height() + 2
            bar = QRect(0, y, bar_room, thickness)
            count = QRect(bar_room + GAP_PX, y, count_width, thickness)
            rects.append((name_rect, bar, count))
            y += thickness + GAP_PX * 2
        return rects, y

    # -- painting ---------------------------------------------------------------------------------

    def colours(self) -> tuple[QColor, QColor]:
        """(text and bars, background): the theme's, as the stylesheet set the palette."""
        palette = self.palette()
        return (
            palette.color(QPalette.ColorRole.WindowText),
            palette.color(QPalette.ColorRole.Window),
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            ink, page = self.colours()
            painter.fillRect(self.rect(), page)
            self.paint(painter, self.rect().width(), ink)
        finally:
            painter.end()

    def paint(self, painter: QPainter, width: int, ink: QColor) -> None:
        """Draw the bars on `painter` (the screen, or a printed page) at `width` pixels wide."""
        painter.setFont(self.font())
        painter.setPen(ink)
        rects, height = self._layout(width)
        direction = self.layoutDirection()
        area = QRect(0, 0, width, height)
        if not self._rows:
            painter.drawText(
                area, int(Qt.AlignmentFlag.AlignCenter), _("Aucune donnée pour cette période.")
            )
            return
        highest = max(count for _n, count in self._rows) or 1
        # Absolute: a painter on a right-to-left widget would swap left and right again.
        align_start = Qt.AlignmentFlag.AlignAbsolute | (
            Qt.AlignmentFlag.AlignLeft
            if direction == Qt.LayoutDirection.LeftToRight
            else Qt.AlignmentFlag.AlignRight
        )
        for (name, count), (name_rect, bar, count_rect) in zip(self._rows, rects, strict=True):
            painter.drawText(
                QStyle.visualRect(direction, area, name_rect),
                int(align_start | Qt.TextFlag.TextWordWrap),
                name,
            )
            length = round(bar.width() * count / highest)
            if count > 0:
                length = max(length, 4)  # a count of 1 among thousands still shows
            filled = QRect(bar.x(), bar.y(), length, bar.height())
            painter.fillRect(QStyle.visualRect(direction, area, filled), ink)
            # The count right after the end of the bar, not at the far end of the room.
            after = QRect(
                bar.x() + length + GAP_PX, count_rect.y(), count_rect.width(), bar.height()
            )
            painter.drawText(
                QStyle.visualRect(direction, area, after),
                int(align_start | Qt.AlignmentFlag.AlignVCenter),
                str(count),
            )

    def image(self, width: int, font: QFont | None = None, scale: float = 2.0) -> QImage:
        """The chart in black on white, for a printed page: `width` points wide, drawn at
        `scale` times that in pixels."""
        saved = self.font()
        if font is not None:
            self.setFont(font)
        try:
            height = self.heightForWidth(width)
            image = QImage(round(width * scale), round(height * scale), QImage.Format.Format_RGB32)
            image.fill(QColor("white"))
            painter = QPainter(image)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.scale(scale, scale)
                self.paint(painter, width, QColor("black"))
            finally:
                painter.end()
            return image
        finally:
            if font is not None:
                self.setFont(saved)


class DataTable(QTableWidget):
    """Two columns (name, count), as tall as its rows: the page scrolls, not the table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("chart-table")
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.Box)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Reached by Tab, read cell by cell by a screen reader; the arrows move inside it.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setTabKeyNavigation(False)

    def set_rows(self, title: str, rows: Sequence[tuple[str, int]]) -> None:
        self.setAccessibleName(_("Tableau : {title}").format(title=title))
        self.setHorizontalHeaderLabels([_("Libellé"), _("Nombre")])
        self.setRowCount(len(rows))
        for index, (name, count) in enumerate(rows):
            name_item = QTableWidgetItem(name)
            count_item = QTableWidgetItem(str(count))
            count_item.setTextAlignment(
                Qt.AlignmentFlag.AlignTrailing | Qt.AlignmentFlag.AlignVCenter
            )
            self.setItem(index, 0, name_item)
            self.setItem(index, 1, count_item)
        self.fit()

    def fit(self) -> None:
        self.resizeColumnToContents(1)
        self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(row) for row in range(self.rowCount()))
        self.setFixedHeight(height + 2)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resizeRowsToContents()  # wrapped names take more lines when narrower
        self.fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (event.Type.FontChange, event.Type.StyleChange):
            self.fit()

    def rows(self) -> list[tuple[str, str]]:
        return [
            (self.item(row, 0).text(), self.item(row, 1).text()) for row in range(self.rowCount())
        ]


class ChartPanel(QWidget):
    """A chart's title, the chart and its table: side by side when there is room, the table
    under the chart when the screen is narrow or the text large."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"chart-{key}")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        self.title = label("", "subtitle")
        column.addWidget(self.title)
        self.row = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.row.setSpacing(24)
        self.chart = BarChart()
        self.chart.setObjectName(f"chart-{key}-bars")
        self.table = DataTable()
        self.table.setObjectName(f"chart-{key}-table")
        self.row.addWidget(self.chart, 3)
        self.row.addWidget(self.table, 2, Qt.AlignmentFlag.AlignTop)
        column.addLayout(self.row)
        self.all_rows: list[tuple[str, int]] = []

    def set_data(self, title: str, rows: Sequence[tuple[str, int]]) -> None:
        self.all_rows = list(rows)
        self.title.setText(title)
        self.chart.set_data(title, rows)
        self.table.set_rows(title, rows)
        self._arrange(self.width())

    def _arrange(self, width: int) -> None:
        # Side by side only when each half keeps at least ~24 characters of the current font.
        room = QFontMetrics(self.font()).averageCharWidth() * 48
        wanted = (
            QBoxLayout.Direction.LeftToRight if width >= room else QBoxLayout.Direction.TopToBottom
        )
        if self.row.direction() != wanted:
            self.row.setDirection(wanted)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())
