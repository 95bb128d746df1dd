"""Small widgets every screen uses: big buttons that wrap their text, labels with a role."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRect, QSize, Qt, QTimer
from PySide6.QtGui import (
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from pasapas.accessibility.spoken_text import without_symbols
from pasapas.app.i18n import _


def label(text: str = "", role: str = "", *, selectable: bool = False) -> QLabel:
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Room for Qt's overlong right-to-left lines, so no word is cut at the left edge (nothing
    # changes left to right). Lazy: content_text imports this module.
    from pasapas.ui.content_text import keep_glyphs_in

    keep_glyphs_in(widget)
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
# The keys a visitor moves the focus with. Qt's focus reason cannot tell the visitor's Tab from
# the program's: hiding or deleting the focused control moves the focus with TabFocusReason too.
NAVIGATION_KEYS = frozenset(
    {
        Qt.Key.Key_Tab,
        Qt.Key.Key_Backtab,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
    }
)
_visitor_key = False  # a visitor's navigation key is being handled right now


def visitor_moves_focus() -> bool:
    """Is the focus moving because the visitor pressed Tab, Shift+Tab or an arrow just now?"""
    return _visitor_key


def _key_handled() -> None:
    global _visitor_key
    _visitor_key = False


class VisitorKeys(QObject):
    """Watches the keys pressed on the focused control (and on the window, when nothing has the
    focus) and marks a navigation key until Qt has handled it: a focus move made while it is
    handled is the visitor's own; every other focus move is the program's, and stays silent.
    One filter on one widget at a time (a filter on the whole application would see every
    event)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._watched: QWidget | None = None
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        watched = self._watched
        if watched is not None and watched is not self._window:
            with contextlib.suppress(RuntimeError):  # deleted with its screen's content
                watched.removeEventFilter(self)
        self._watched = new
        if new is not None and new is not self._window:
            new.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        global _visitor_key
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            modifiers = event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            )
            if event.key() in NAVIGATION_KEYS and not modifiers:
                _visitor_key = True
                QTimer.singleShot(0, _key_handled)  # once this key press is handled
        return False

    def close(self) -> None:
        app = QApplication.instance()
        if app is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                app.focusChanged.disconnect(self._focus_changed)
        self._focus_changed(None, None)


def _voice(widget: QWidget) -> None:
    name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
    if speak_label is not None and name:
        language = widget.property("speech_language")
        spoken = without_symbols(name.replace("&", ""))  # "♥ Santé" is heard "Santé"
        speak_label(spoken, language if isinstance(language, str) else None)


class _SelfVoicing:
    """Speaks its label when the visitor reaches it with the keyboard (never when the program
    moves the focus onto it); a long press speaks it instead of clicking."""

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if visitor_moves_focus():
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
    """A tick box whose ticked state shows a tick, not only a filled square."""

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self.isChecked():
            return
        option = QStyleOptionButton()
        self.initStyleOption(option)
        box = self.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, self)
        if box.width() < 8:
            return
        # The indicator is filled with the text colour when ticked: the tick is drawn in the
        # page's colour on it, a thick stroke the same in every theme.
        fifth_w, fifth_h = box.width() // 5, box.height() // 5
        inner = box.adjusted(fifth_w, fifth_h, -fifth_w, -fifth_h)
        path = QPainterPath(QPointF(inner.left(), inner.top() + inner.height() * 0.55))
        path.lineTo(QPointF(inner.left() + inner.width() * 0.4, inner.bottom()))
        path.lineTo(QPointF(inner.right(), inner.top()))
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(QPalette.ColorRole.Window))
        pen.setWidthF(max(3.0, box.width() / 7))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.drawPath(path)
        painter.end()


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
        self.setAccessibleName(without_symbols(text.replace("&", "")))


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
        # In the layout first: shown without a parent, a label is a window of its own (a flash
        # on X11, and the kiosk window loses the keyboard focus).
        layout.addWidget(self.detail_label)
        self.detail_label.setVisible(bool(detail))
        for child in (self.title_label, self.detail_label):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setAccessibleName(title)
        if detail:
            self.setAccessibleDescription(detail)

    def set_text(self, title: str) -> None:
        """A new title, also the accessible name: a long translation wraps instead of clipping."""
        self.title_label.setText(title)
        self.setAccessibleName(without_symbols(title.replace("&", "")))
        self.updateGeometry()

    def set_detail(self, detail: str) -> None:
        """A new detail line under the title (also the accessible description)."""
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.setAccessibleDescription(without_symbols(detail))
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
    """A vertically scrolling page: text reflows, never scrolls sideways.

    A finger (or the mouse, held down) flicks it up and down, with momentum; and when the page
    goes on below or above what is shown, two big arrows sit at the ends of its scroll bar,
    "more below" and "back up", each scrolling by most of a screen."""

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
        # Flick: a left-button drag is a scroll, and a touch screen's finger comes as one too;
        # a tap still presses the control under it, a drag never does.
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        scroller = QScroller.scroller(self.viewport())
        props = scroller.scrollerProperties()
        off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
        props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
        # A press reaches the control at once (held, it speaks its label): no press delay.
        props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
        scroller.setScrollerProperties(props)
        # The arrows are made the first time the page scrolls at all (most pages never do).
        self._arrows: tuple[BigButton, BigButton] | None = None
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(lambda _low, high: self._update_arrows() if high > 0 else None)

    def _made_arrows(self) -> tuple[BigButton, BigButton]:
        if self._arrows is None:
            bar = self.verticalScrollBar()
            self._arrows = (self._arrow("page-up", "↑", -1), self._arrow("page-down", "↓", 1))
            # On the scroll bar's own container: shown with the bar, drawn over its ends.
            for arrow in self._arrows:
                arrow.setParent(bar.parentWidget())
            bar.rangeChanged.connect(lambda _low, _high: self._update_arrows())
            bar.valueChanged.connect(lambda _value: self._update_arrows())
            bar.installEventFilter(self)
        return self._arrows

    @property
    def up_button(self) -> BigButton:
        """ "Back up": scrolls up by most of a screen; shown when the page goes on above."""
        return self._made_arrows()[0]

    @property
    def more_button(self) -> BigButton:
        """ "More below": scrolls down by most of a screen; shown when the page goes on below."""
        return self._made_arrows()[1]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.verticalScrollBar() and event.type() in (
            QEvent.Type.Show,
            QEvent.Type.Hide,
            QEvent.Type.Resize,
            QEvent.Type.Move,
        ):
            self._update_arrows()
        return super().eventFilter(watched, event)

    def _arrow(self, name: str, symbol: str, direction: int) -> BigButton:
        button = BigButton(symbol)
        button.setObjectName(name)
        button.setProperty("role", "scroll")
        # Not in the Tab order (the page follows the focused control); pressed by touch.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setProperty("touch_only", True)  # the audit knows why
        button.clicked.connect(lambda _checked=False: self.scroll_page(direction))
        button.hide()
        return button

    def scroll_page(self, direction: int) -> None:
        """Scroll by most of what is shown (a line of it stays in sight), down or up."""
        bar = self.verticalScrollBar()
        step = max(bar.pageStep() * 4 // 5, 1)
        bar.setValue(bar.value() + direction * step)

    def continues_below(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() < bar.maximum()

    def continues_above(self) -> bool:
        return self.verticalScrollBar().value() > 0

    def _update_arrows(self) -> None:
        self.up_button.setAccessibleName(_("Remonter"))
        self.up_button.setToolTip(_("Remonter"))
        self.more_button.setAccessibleName(_("Voir la suite, plus bas"))
        self.more_button.setToolTip(_("Voir la suite, plus bas"))
        shown = not self.verticalScrollBar().isHidden()
        self.up_button.setVisible(shown and self.continues_above())
        self.more_button.setVisible(shown and self.continues_below())
        self._place_arrows()

    def _place_arrows(self) -> None:
        if self._arrows is None:
            return
        bar = self.verticalScrollBar()
        if bar.isHidden() or bar.width() <= 0:
            return
        area = bar.geometry()
        area = area.adjusted(2, 2, -2, -2)  # a little in from the window's edges
        side = area.width()
        height = max(44, min(side, area.height() // 2))  # never under a finger's 44 px
        self.up_button.setGeometry(area.x(), area.y(), side, height)
        self.more_button.setGeometry(area.x(), area.bottom() + 1 - height, side, height)
        self.up_button.raise_()
        self.more_button.raise_()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_arrows()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._arrows is not None or self.verticalScrollBar().maximum() > 0:
            QTimer.singleShot(0, self._update_arrows)

    def minimumSizeHint(self) -> QSize:
        # The page gives way to the fixed bars around it: however short, it still scrolls.
        return QSize(super().minimumSizeHint().width(), 64)

    def to_top(self) -> None:
        QScroller.scroller(self.viewport()).stop()
        self.verticalScrollBar().setValue(0)

    def show_from(self, widget: QWidget) -> None:
        """Bring `widget` into sight from its top (a page scrolled to a widget taller than the
        view would otherwise show its middle): left as it is when all of it already shows."""
        if self.is_in_view(widget):
            return
        top = widget.mapTo(self.widget(), QPoint(0, 0)).y()
        bar = self.verticalScrollBar()
        bar.setValue(min(max(top - 8, 0), bar.maximum()))

    def is_in_view(self, widget: QWidget) -> bool:
        """Is the whole of `widget` inside what the page shows now?"""
        top_left = widget.mapTo(self.viewport(), QPoint(0, 0))
        return self.viewport().rect().contains(QRect(top_left, widget.size()))


class WindowOverlay(QWidget):
    """A panel that covers the whole window it is shown over, opaque, and follows its size.

    Made hidden inside its owner (so it goes when the owner goes, never a stray top-level
    window), it moves onto the window when first shown over it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self._over: QWidget | None = None
        self.hide()

    def show_over(self, window: QWidget) -> None:
        if self._over is not window:
            if self._over is not None:
                self._over.removeEventFilter(self)
            self.setParent(window)
            window.installEventFilter(self)
            self._over = window
        self.setGeometry(window.rect())
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._over and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self._over.rect())
        return False


class Confirmation(WindowOverlay):
    """A question over the whole window with two big answers: the safe one takes the focus."""

    def __init__(
        self,
        on_yes: Callable[[], None],
        on_no: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmation")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        page = ScrollPage()
        outer.addWidget(page)
        body = page.body_layout
        body.setContentsMargins(64, 64, 64, 64)
        body.addStretch(1)
        self.question = label("", "title")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = label("")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        body.addWidget(self.question)
        body.addWidget(self.detail)
        row = QWidget()
        answers = FlowLayout(row, spacing=32)
        self.no_button = BigButton(role="primary")
        self.no_button.setObjectName("confirm-no")
        self.yes_button = BigButton(role="stop")
        self.yes_button.setObjectName("confirm-yes")
        answers.addWidget(self.no_button)
        answers.addWidget(self.yes_button)
        body.addWidget(row)
        body.addStretch(1)
        self._on_no = on_no
        self.yes_button.clicked.connect(lambda _checked=False: self._answer(on_yes))
        self.no_button.clicked.connect(lambda _checked=False: self._answer(self._on_no))

    def set_texts(self, question: str, yes: str, no: str, detail: str = "") -> None:
        self.question.setText(question)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.yes_button.set_text(yes)
        self.no_button.set_text(no)

    def ask(self, window: QWidget) -> None:
        self.show_over(window)
        self.no_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _answer(self, action: Callable[[], None] | None) -> None:
        self.hide()
        if action is not None:
            action()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:  # Escape is the safe answer
            self._answer(self._on_no)
            return
        super().keyPressEvent(event)


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
