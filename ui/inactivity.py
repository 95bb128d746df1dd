"""Inactivity: warn a visitor who went quiet, then wipe their visit.

Any key, click or touch restarts the count. When a visit is under way and nobody has touched the
kiosk for the idle time, a full-window warning counts down with one big "I am still here" button;
at zero the window wipes the visit and goes home.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QInputEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QVBoxLayout, QWidget

from pasapas.app.i18n import _, ngettext
from pasapas.ui.style import frame_stylesheet
from pasapas.ui.voice import announce
from pasapas.ui.widgets import BigButton, ScrollPage, label

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
    }
)


class InactivityOverlay(QWidget):
    """Covers the whole window while the countdown runs."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("inactivity")
        # Opaque: the window's background colour, painted from the style sheet, over everything
        # (a see-through warning lets the step's text collide with its own).
        self.setProperty("role", "overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # At 300 % on a small screen the warning scrolls rather than being cut.
        self.page = ScrollPage()
        outer.addWidget(self.page)
        layout = self.page.body_layout
        layout.setContentsMargins(64, 48, 64, 48)
        layout.addStretch(1)
        self.question = label("", "title")
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = label("", "subtitle")
        self.countdown.setObjectName("countdown")
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = BigButton(role="primary")
        self.button.setObjectName("still-here")
        self.button.setMinimumHeight(120)
        self.button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.question)
        layout.addWidget(self.countdown)
        layout.addStretch(1)
        # The answer never scrolls away: under the words, on the screen at every size.
        row = QVBoxLayout()
        row.setContentsMargins(64, 8, 64, 32)
        row.addWidget(self.button)
        outer.addLayout(row)
        self._scale = 0.0
        self.hide()

    def fit_text_size(self) -> None:
        """The visitor's text size, up to 200 % here: the question, the countdown and the
        button fit together even on a small screen."""
        size = self.font().pixelSize()
        scale = size / 26 if size > 0 else 1.0
        if abs(scale - self._scale) > 0.01:
            self._scale = scale
            self.setStyleSheet(frame_stylesheet(scale, cap=2.0))

    def retranslate(self, seconds: int) -> None:
        self.fit_text_size()
        self.question.setText(_("Êtes-vous toujours là ?"))
        self.countdown.setText(
            ngettext(
                "Sans réponse, la démarche sera effacée dans {n} seconde.",
                "Sans réponse, la démarche sera effacée dans {n} secondes.",
                seconds,
            ).format(n=seconds)
        )
        self.countdown.setAccessibleName(self.countdown.text())
        self.button.set_text(_("Je suis toujours là"))
        # Screen readers hear the question, then every tick of the countdown.
        announce(self.countdown, f"{self.question.text()} {self.countdown.text()}")


class InactivityGuard(QObject):
    def __init__(
        self,
        window: QWidget,
        *,
        idle_ms: int,
        warning_seconds: int,
        has_visit: Callable[[], bool],
        on_expired: Callable[[], None],
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.warning_seconds = warning_seconds
        self.has_visit = has_visit
        self.on_expired = on_expired
        self.on_warning = on_warning
        self.overlay = InactivityOverlay(window)
        self.overlay.button.clicked.connect(self.still_here)
        self._left = warning_seconds
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_ms)
        self.idle.timeout.connect(self._idle_reached)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._tick)
        self._watching = False
        # Watch input only once the window is up: a Python filter on every event of the first
        # layout and paint would slow the start noticeably (see docs/benchmarks.md).
        QTimer.singleShot(0, self.watch)

    def watch(self) -> None:
        if not self._watching:
            QApplication.instance().installEventFilter(self)
            self._watching = True
        self.idle.start()

    def set_timeouts(self, idle_ms: int, warning_seconds: int, tick_ms: int = 1000) -> None:
        self.idle.setInterval(idle_ms)
        self.warning_seconds = warning_seconds
        self.tick.setInterval(tick_ms)
        self.idle.start()

    @property
    def warning_shown(self) -> bool:
        return self.overlay.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here: the cheap type test first.
        if isinstance(event, QInputEvent) and event.type() in _ACTIVITY and not self.warning_shown:
            self.idle.start()
        return False

    def _idle_reached(self) -> None:
        if not self.has_visit():
            self.idle.start()
            return
        self._left = self.warning_seconds
        self.overlay.retranslate(self._left)
        self.overlay.setGeometry(self.window.rect())
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tick.start()
        if self.on_warning is not None:  # read aloud for a visitor who cannot see it
            self.on_warning(
                f"{self.overlay.question.text()} {self.overlay.countdown.text()} "
                f"{self.overlay.button.text()}"
            )

    def _tick(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self.tick.stop()
            self.overlay.hide()
            try:
                self.on_expired()
            finally:  # whatever happened, the next visitor is watched over again
                self.idle.start()
        else:
            self.overlay.retranslate(self._left)

    def still_here(self) -> None:
        self.tick.stop()
        self.overlay.hide()
        self.idle.start()

    def retranslate(self) -> None:
        if self.warning_shown:
            self.overlay.retranslate(self._left)

    def resize_overlay(self) -> None:
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.window.rect())

    def stop(self) -> None:
        self.idle.stop()
        self.tick.stop()
        app = QApplication.instance()
        if app is not None and self._watching:
            app.removeEventFilter(self)
            self._watching = False
