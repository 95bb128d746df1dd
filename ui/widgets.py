"""Small widgets every screen uses: big buttons that wrap their text, labels with a role."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def label(text: str = "", role: str = "", *, selectable: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def add_shown(layout: QLayout, widget: QWidget) -> QWidget:
    """Add to a layout and show at once, so the widget can take focus right away."""
    layout.addWidget(widget)
    widget.show()
    return widget


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget in `layout` (and its sub-layouts)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


class _EnterClicks:
    """Return and Enter press the focused button, as Space does."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.animateClick()
            return
        super().keyPressEvent(event)


class BigButton(_EnterClicks, QPushButton):
    def __init__(self, text: str = "", role: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        if role:
            self.setProperty("role", role)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoDefault(False)

    def set_text(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleName(text.replace("&", ""))


class WrapButton(_EnterClicks, QPushButton):
    """A big button whose title and detail wrap on several lines (long titles, answers)."""

    def __init__(
        self, title: str, detail: str = "", role: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if role:
            self.setProperty("role", role)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 14, 24, 14)
        layout.setSpacing(4)
        self.title_label = label(title, "subtitle")
        layout.addWidget(self.title_label)
        self.detail_label = label(detail)
        self.detail_label.setVisible(bool(detail))
        layout.addWidget(self.detail_label)
        for child in (self.title_label, self.detail_label):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setAccessibleName(title)
        if detail:
            self.setAccessibleDescription(detail)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.layout().totalHeightForWidth(width)

    def sizeHint(self) -> QSize:
        hint = self.layout().totalSizeHint()
        return QSize(hint.width(), max(hint.height(), 64))

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 64)


class ScrollPage(QScrollArea):
    """A vertically scrolling page: text reflows, never scrolls sideways."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Tab goes to the controls, not to the page; the page follows the focused control.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(48, 32, 48, 32)
        self.body_layout.setSpacing(20)
        self.setWidget(self.body)

    def to_top(self) -> None:
        self.verticalScrollBar().setValue(0)
