"""Small widgets every screen uses: big buttons that wrap their text, labels with a role."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
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


# Self-voicing: the window sets this to a function that speaks a control's label (or to None
# when the voice is off). Controls call it when they get the keyboard focus or are held down.
# A control whose label is in another language than the interface (a language's own name in the
# picker) says which in its "speech_language" property, and is read with that language's voice.
speak_label: Callable[[str, str | None], None] | None = None
HOLD_MS = 700
_KEYBOARD_REASONS = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)


def _voice(widget: QWidget) -> None:
    name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
    if speak_label is not None and name:
        language = widget.property("speech_language")
        speak_label(name.replace("&", ""), language if isinstance(language, str) else None)


class _SelfVoicing:
    """Speaks its label on keyboard focus; a long press speaks it instead of clicking."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() in _KEYBOARD_REASONS:
            _voice(self)


class _HoldToHear(_SelfVoicing):
    """Return and Enter press the button, as Space does; press and hold to hear it first."""

    def _hold_timer(self) -> QTimer:
        timer = getattr(self, "_hold", None)
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.setInterval(HOLD_MS)
            timer.timeout.connect(self._held)
            self._hold = timer
            self._heard = False
        return timer

    def _held(self) -> None:
        self._heard = True
        _voice(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._heard = False
        self._hold_timer().start()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._hold_timer().stop()
        if getattr(self, "_heard", False):
            # Explored by ear: let go without pressing.
            self._heard = False
            self.setDown(False)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            self.animateClick()
            return
        super().keyPressEvent(event)


class TextField(_SelfVoicing, QLineEdit):
    """A text field that says its name (never its content) when reached by keyboard."""


class _TickBox(_SelfVoicing, QCheckBox):
    pass


class CheckItem(QWidget):
    """A large tick box with a text that wraps; the text ticks it too. It says its text when
    reached by keyboard."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        self.box = _TickBox()
        self.box.setAccessibleName(text)
        self.box.setMinimumSize(64, 64)
        self.text_label = label(text)
        self.text_label.setBuddy(self.box)
        self.text_label.mousePressEvent = lambda _event: self.box.toggle()
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.text_label, 1)
        self.setFocusProxy(self.box)

    def isChecked(self) -> bool:
        return self.box.isChecked()

    def text(self) -> str:
        return self.text_label.text()


class BigButton(_HoldToHear, QPushButton):
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


class WrapButton(_HoldToHear, QPushButton):
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

    def set_text(self, title: str) -> None:
        """A new title, also the accessible name: a long translation wraps instead of clipping."""
        self.title_label.setText(title)
        self.setAccessibleName(title.replace("&", ""))
        self.updateGeometry()

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


class FlowLayout(QLayout):
    """Lays widgets left to right and wraps them onto new lines: rows of buttons that reflow at
    every text size instead of being clipped or scrolling sideways."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 12) -> None:
        super().__init__(parent)
        self._items: list = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _direction(self) -> Qt.LayoutDirection:
        parent = self.parentWidget()
        return parent.layoutDirection() if parent is not None else Qt.LayoutDirection.LeftToRight

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), area.width())
            if x + width > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._spacing
                line_height = 0
            height = item.heightForWidth(width) if item.hasHeightForWidth() else hint.height()
            height = max(height, hint.height()) if not item.hasHeightForWidth() else height
            if apply:
                place = QRect(QPoint(x, y), QSize(width, height))
                # Right to left (Arabic): the first control on the right, lines filled leftwards.
                item.setGeometry(QStyle.visualRect(self._direction(), area, place))
            x += width + self._spacing
            line_height = max(line_height, height)
        return y + line_height - rect.y() + margins.bottom()
