"""Presentation mode: a workshop's current step in extra-large type, for the room.

`Presentation` holds the slides (`app.training.slides`) and where the trainer is: which slide,
whether the answer is shown, paused (the room sees "Pause" and the workshop's title) or hidden
(a blank screen, while the trainer shows something else). Its `PresentationWindow` goes on the
screen that is not the kiosk's when there is one (a projector, a second monitor), full screen;
with a single screen it is an ordinary window the trainer can move. The trainer's controls stay
on the kiosk's screen (`ui/screens/staff_workshop.py`).

The slide's type is sized from the window's height, so it stays extra large on a projector of
any resolution; its direction follows the slide's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent, QScreen
from PySide6.QtWidgets import QFrame, QLabel, QStackedLayout, QVBoxLayout, QWidget

from pasapas.app.i18n import _, gettext_in
from pasapas.app.languages import directed, is_rtl
from pasapas.app.training.slides import Slide
from pasapas.ui.fonts import load_fonts

_BLANK = re.compile(r"\s*:\s*_+$")
WINDOW_SIZE = (1280, 720)  # the presentation's own window when there is no second screen
LINES_PER_HEIGHT = 20  # body text: a twentieth of the window's height, less if it must fit
MIN_BODY_PX = 18
_STYLE = """
#presentation-window { background: #ffffff; }
#presentation-window QLabel { color: #000000; background: transparent; }
#presentation-window QLabel[role="muted"] { color: #2b2b2b; }
#presentation-window QFrame#slide-answer { background: #dff3e4; border: 4px solid #1b6e32; }
#presentation-window QFrame#slide-blank { background: #000000; }
"""


def other_screen(screens: Sequence[QScreen], main: QScreen | None) -> QScreen | None:
    """The screen to present on: one that is not the kiosk's, when there is one."""
    for screen in screens:
        if screen is not main:
            return screen
    return None


def _label(role: str = "", name: str = "") -> QLabel:
    widget = QLabel()
    widget.setWordWrap(True)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if role:
        widget.setProperty("role", role)
    if name:
        widget.setObjectName(name)
    return widget


class PresentationWindow(QWidget):
    """What the room sees. Shows whatever `Presentation` tells it; never takes the focus."""

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("presentation-window")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        families = load_fonts()
        font = self.font()
        font.setFamilies(list(families))
        self.setFont(font)
        self.stack = QStackedLayout(self)
        # The slide.
        self.slide_page = QWidget()
        column = QVBoxLayout(self.slide_page)
        self.where = _label("muted", "slide-where")
        self.title = _label("", "slide-title")
        self.text = _label("", "slide-text")
        self.lines = _label("", "slide-lines")
        self.answer = QFrame()
        self.answer.setObjectName("slide-answer")
        inside = QVBoxLayout(self.answer)
        self.answer_text = _label("", "slide-answer-text")
        inside.addWidget(self.answer_text)
        for widget in (self.where, self.title, self.text, self.lines, self.answer):
            column.addWidget(widget)
        column.addStretch(1)
        # Paused, and hidden.
        self.pause_page = QWidget()
        pause = QVBoxLayout(self.pause_page)
        self.pause_title = _label("", "pause-title")
        self.pause_text = _label("muted", "pause-text")
        for widget in (self.pause_title, self.pause_text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pause.addStretch(1)
        pause.addWidget(self.pause_title)
        pause.addWidget(self.pause_text)
        pause.addStretch(1)
        self.blank_page = QFrame()
        self.blank_page.setObjectName("slide-blank")
        for page in (self.slide_page, self.pause_page, self.blank_page):
            self.stack.addWidget(page)
        self._size_type()

    def _size_type(self, body: int | None = None) -> None:
        body = body or self._largest_body()
        self._body = body
        margin = body
        self.slide_page.layout().setContentsMargins(margin * 2, margin, margin * 2, margin)
        self.slide_page.layout().setSpacing(body // 2)
        for widget, scale, bold in (
            (self.where, 0.7, False),
            (self.title, 1.5, True),
            (self.text, 1.0, False),
            (self.lines, 1.0, False),
            (self.answer_text, 1.0, False),
            (self.pause_title, 2.0, True),
            (self.pause_text, 1.0, False),
        ):
            font = widget.font()
            font.setPixelSize(round(body * scale))
            font.setBold(bold)
            widget.setFont(font)

    def _largest_body(self) -> int:
        return max(MIN_BODY_PX, self.height() // LINES_PER_HEIGHT)

    def fit(self) -> None:
        """The largest type (up to a twentieth of the height) at which the whole slide fits in
        the window: a long explanation shrinks the type, never runs off the bottom."""
        layout = self.slide_page.layout()
        body = self._largest_body()
        while True:
            self._size_type(body)
            layout.activate()
            if body <= MIN_BODY_PX or layout.totalHeightForWidth(self.width()) <= self.height():
                return
            body = max(MIN_BODY_PX, int(body * 0.9))

    @property
    def body_px(self) -> int:
        return self._body

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def show_slide(self, slide: Slide, number: int, total: int, answer: bool) -> None:
        """`slide`, step `number` of the `total` steps of its procedure."""
        language = slide.language
        direction = (
            Qt.LayoutDirection.RightToLeft if is_rtl(language) else Qt.LayoutDirection.LeftToRight
        )
        self.slide_page.setLayoutDirection(direction)
        where = gettext_in(language, "{procedure} · étape {n} sur {total}").format(
            procedure=slide.procedure_title, n=number, total=total
        )
        self.where.setText(directed(where, language))
        self.title.setText(directed(slide.title, language))
        body = "\n\n".join(t for t in (slide.text, slide.question) if t)
        self.text.setText(directed(body, language))
        self.text.setVisible(bool(body))
        marks = []
        for n, line in enumerate(slide.lines, start=1):
            right = answer and (n - 1) in slide.right
            mark = "✔ " if right else ""
            marks.append(directed(f"{mark}{n}. {line}", language))
        self.lines.setText("\n".join(marks))
        self.lines.setVisible(bool(marks))
        if answer and slide.has_answer:
            rights = [str(i + 1) for i in slide.right]
            said = (
                gettext_in(language, "Bonne réponse : {answers}").format(answers=", ".join(rights))
                if rights
                else ""
            )
            self.answer_text.setText(
                directed("\n".join(t for t in (said, slide.explanation) if t), language)
            )
            self.answer.show()
        else:
            self.answer.hide()
        self.stack.setCurrentWidget(self.slide_page)
        self.fit()

    def show_pause(self, title: str) -> None:
        self.pause_title.setText(_("Pause"))
        self.pause_text.setText(title)
        self.stack.setCurrentWidget(self.pause_page)

    def show_blank(self) -> None:
        self.stack.setCurrentWidget(self.blank_page)

    def visible_text(self) -> str:
        """What the room can read now (for the trainer's mirror and the tests)."""
        page = self.stack.currentWidget()
        labels = [w for w in page.findChildren(QLabel) if w.isVisibleTo(page) and w.text()]
        return "\n".join(w.text() for w in labels)


class Presentation(QObject):
    """The slides and where the trainer is in them. `changed` after every move."""

    changed = Signal()

    def __init__(
        self,
        slides: Sequence[Slide],
        title: str,
        *,
        main_screen: QScreen | None = None,
        screens: Callable[[], Sequence[QScreen]] = QGuiApplication.screens,
    ) -> None:
        super().__init__()
        if not slides:
            raise ValueError("a presentation needs slides")
        self.slides = tuple(slides)
        self.title = title
        self.index = 0
        self.answer_shown = False
        self.paused = False
        self.hidden = False
        self.window = PresentationWindow()
        self.window.setWindowTitle(_("Pas à pas — présentation"))
        self.on_second_screen = False
        self._main_screen = main_screen
        self._screens = screens

    @property
    def current(self) -> Slide:
        return self.slides[self.index]

    def open(self) -> None:
        """Show the presentation: full screen on the other screen, else in its own window."""
        target = other_screen(self._screens(), self._main_screen)
        self.on_second_screen = target is not None
        if target is not None:
            self.window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.window.setScreen(target)
            self.window.setGeometry(target.geometry())
            self.window.showFullScreen()
        else:
            self.window.resize(*WINDOW_SIZE)
            self.window.show()
        self._draw()

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()

    def _draw(self) -> None:
        if self.hidden:
            self.window.show_blank()
        elif self.paused:
            self.window.show_pause(self.title)
        else:
            slide = self.current
            ours = [n for n, s in enumerate(self.slides) if s.procedure_id == slide.procedure_id]
            self.window.show_slide(slide, ours.index(self.index) + 1, len(ours), self.answer_shown)
        self.changed.emit()

    def go_to(self, index: int) -> None:
        index = max(0, min(index, len(self.slides) - 1))
        if index != self.index:
            self.index = index
            self.answer_shown = False
        self.paused = self.hidden = False
        self._draw()

    def next(self) -> None:
        self.go_to(self.index + 1)

    def previous(self) -> None:
        self.go_to(self.index - 1)

    def toggle_answer(self) -> None:
        self.answer_shown = not self.answer_shown
        self.paused = self.hidden = False
        self._draw()

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self.hidden = False
        self._draw()

    def toggle_hidden(self) -> None:
        self.hidden = not self.hidden
        self._draw()

    def spoken(self) -> list[tuple[str, str]]:
        """The current slide, to be read aloud in its language."""
        slide = self.current
        parts = [slide.title, slide.text, slide.question]
        # A practice form's empty boxes ("Nom : ____") are read as their names only.
        parts += [f"{n}. {_BLANK.sub('', line)}" for n, line in enumerate(slide.lines, start=1)]
        if self.answer_shown and slide.explanation:
            parts.append(slide.explanation)
        return [(p, slide.language) for p in parts if p]
