"""The on-screen keyboard: big keys for a touch-only kiosk, in the scripts of the languages the
kiosk offers (French with its accents, Arabic, Cyrillic, Turkish letters, Spanish and Portuguese
accents), following the interface language and its direction.

A key types into the text field the keyboard is attached to as a key press would (the field's
`textEdited` fires, so a search runs as it does from a real keyboard). Keys never take the
focus: the text field keeps it, and its caret. Held down, a key says its letter (as every big
button does).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pasapas.app.i18n import _, current_language
from pasapas.app.languages import is_rtl
from pasapas.ui.style import frame_stylesheet
from pasapas.ui.widgets import BigButton

KEYBOARD_CAP = 1.25  # the keys grow with the text up to 125 %: the page above keeps some room


@dataclass(frozen=True)
class KeyLayout:
    id: str
    label: str  # on the key that switches to it: the script's own letters, read by anyone
    rows: tuple[str, ...]
    rtl: bool = False


LAYOUTS: dict[str, KeyLayout] = {
    layout.id: layout
    for layout in (
        KeyLayout("fr", "AZERTY", ("azertyuiop", "qsdfghjklm", "wxcvbn'-", "éèêëàâçùûôîïœ")),
        KeyLayout("latin", "QWERTY", ("qwertyuiop", "asdfghjklñ", "zxcvbnm'-", "áéíóúàâãõçü")),
        KeyLayout(
            "ar",
            "أ ب ت",
            ("ضصثقفغعهخحج", "شسيبلاتنمكط", "ئءؤرىةوزظد", "ذأإآ"),
            rtl=True,
        ),
        KeyLayout("cyrillic", "АБВ", ("йцукенгшщзхї", "фівапролджє", "ячсмитьбюґ'", "ыэъё")),
        KeyLayout("tr", "ÇĞŞ", ("qwertyuıopğü", "asdfghjklşi", "zxcvbnmöç'-")),
    )
}

# Which keyboard each interface language starts with.
LANGUAGE_LAYOUT = {
    "fr": "fr",
    "en": "latin",
    "es": "latin",
    "pt": "latin",
    "ar": "ar",
    "uk": "cyrillic",
    "ru": "cyrillic",
    "tr": "tr",
}


def layout_for(language: str) -> str:
    return LANGUAGE_LAYOUT.get(language, "latin")


class OnScreenKeyboard(QWidget):
    """Rows of big letter keys, then: switch script, space, erase, close."""

    opened = Signal()  # shown: the screen keeps its field in sight above the keys

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("on-screen-keyboard")
        self.setProperty("role", "keyboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.target: QLineEdit | None = None
        self._fields: list[QLineEdit] = []  # every field it types into (the target among them)
        self.layout_id = "fr"
        self._offered: tuple[str, ...] = ("fr",)
        self._scale = 0.0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 8, 16, 8)
        outer.setSpacing(6)
        self.rows_box = QWidget()
        self.rows = QVBoxLayout(self.rows_box)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.rows.setSpacing(6)
        outer.addWidget(self.rows_box)
        controls = QHBoxLayout()
        controls.setSpacing(6)
        self.switch_key = self._key("switch", self.next_layout)
        self.space_key = self._key("space", lambda: self.type_text(" "))
        self.erase_key = self._key("erase", self.erase)
        self.close_key = self._key("close", self.close_keyboard)
        self.space_key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for key, stretch in (
            (self.switch_key, 1),
            (self.space_key, 4),
            (self.erase_key, 1),
            (self.close_key, 1),
        ):
            controls.addWidget(key, stretch)
        outer.addLayout(controls)
        self.letter_keys: list[BigButton] = []
        self.hide()

    # -- keys ------------------------------------------------------------------------------

    def _key(self, name: str, action) -> BigButton:
        key = BigButton()
        key.setObjectName(f"key-{name}")
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus and its caret
        key.setProperty("touch_only", True)  # typed by touch; a keyboard user has keys
        key.setAutoRepeat(name == "erase")
        key.clicked.connect(lambda _checked=False: action())
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return key

    def _clear(self) -> None:
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()

    def _fill(self) -> None:
        layout = LAYOUTS[self.layout_id]
        self._clear()
        self.letter_keys = []
        for letters in layout.rows:
            row_box = QWidget()
            # Letters keep the places their script's keyboards give them (ض top left in
            # Arabic too); the row of controls below follows the interface's direction.
            row_box.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            row = QHBoxLayout(row_box)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(6)
            for letter in letters:
                key = self._key("letter", lambda t=letter: self.type_text(t))
                key.setText(letter)
                key.setAccessibleName(letter)
                key.setProperty("speech_language", self._speech_language())
                key.setMinimumWidth(44)
                row.addWidget(key)
                self.letter_keys.append(key)
            self.rows.addWidget(row_box)
        self._name_controls()

    def _speech_language(self) -> str:
        for language in self._offered:
            if layout_for(language) == self.layout_id:
                return language
        return current_language()

    def _name_controls(self) -> None:
        self.space_key.setText(_("Espace"))
        self.space_key.setAccessibleName(_("Espace"))
        self.erase_key.setText("⌫")
        self.erase_key.setAccessibleName(_("Effacer la dernière lettre"))
        self.erase_key.setToolTip(_("Effacer la dernière lettre"))
        self.close_key.setText(_("Fermer"))
        self.close_key.setAccessibleName(_("Fermer le clavier"))
        others = self.layouts()
        following = others[(others.index(self.layout_id) + 1) % len(others)]
        self.switch_key.setText(LAYOUTS[following].label)
        self.switch_key.setAccessibleName(
            _("Autre clavier : {name}").format(name=LAYOUTS[following].label)
        )
        self.switch_key.setVisible(len(others) > 1)

    # -- what the keys do ------------------------------------------------------------------

    def type_text(self, text: str) -> None:
        if self.target is None:
            return
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                self.target,
                QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, text),
            )

    def erase(self) -> None:
        if self.target is None:
            return
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                self.target, QKeyEvent(kind, Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier)
            )

    # -- which keyboard --------------------------------------------------------------------

    def layouts(self) -> list[str]:
        """The keyboards of the languages offered, the interface language's first."""
        ordered = [layout_for(current_language())]
        for language in self._offered:
            if layout_for(language) not in ordered:
                ordered.append(layout_for(language))
        return ordered

    def follow_language(self, offered: tuple[str, ...] | None = None) -> None:
        """The interface language (or the languages offered) changed: its keyboard, its
        direction."""
        if offered is not None:
            self._offered = tuple(offered)
        language = current_language()
        self.setLayoutDirection(
            Qt.LayoutDirection.RightToLeft if is_rtl(language) else Qt.LayoutDirection.LeftToRight
        )
        self.layout_id = layout_for(language)
        if self.isVisible():
            self._fill()
        else:  # the keys are made when the keyboard opens: every restyle of the window is cheaper
            self._clear()
            self.letter_keys = []

    def next_layout(self) -> None:
        others = self.layouts()
        self.layout_id = others[(others.index(self.layout_id) + 1) % len(others)]
        self._fill()

    # -- showing ---------------------------------------------------------------------------

    def attach(self, field: QLineEdit) -> None:
        """Type into `field`; a touch on it opens the keyboard. Several fields may be attached
        (a practice form's): the keys type into the one last touched or focused."""
        self.target = field
        field.installEventFilter(self)
        self._fields.append(field)
        field.destroyed.connect(lambda _object=None, f=field: self._forget(f))

    def _forget(self, field: QLineEdit) -> None:
        self._fields = [f for f in self._fields if f is not field]
        if self.target is field:
            self.target = self._fields[-1] if self._fields else None

    def open_for(self, field: QLineEdit | None = None) -> None:
        if field is not None:
            self.target = field
        scale = self.font().pixelSize() / 26 if self.font().pixelSize() > 0 else 1.0
        if abs(scale - self._scale) > 0.01:
            self._scale = scale
            # Keys share the width: no minimum width of their own but the 44 px target.
            keys = "QPushButton { min-width: 0px; min-height: 64px; padding: 2px; }"
            self.setStyleSheet(frame_stylesheet(scale, cap=KEYBOARD_CAP) + keys)
        if layout_for(current_language()) not in self.layouts():
            self.follow_language()
        if not self.letter_keys:
            self._fill()
        self.show()
        if self.target is not None:
            self.target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.opened.emit()

    def close_keyboard(self) -> None:
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.close_keyboard()
        else:
            self.open_for()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A finger on the field (a touch comes as a mouse press): the keyboard opens.
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusIn) and any(
            watched is field for field in self._fields
        ):
            self.target = watched  # type: ignore[assignment]
            if event.type() == QEvent.Type.MouseButtonPress:
                self.open_for()
        return False
