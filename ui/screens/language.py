"""The language picker: every language the kiosk offers, in its own name and script, the current
one marked. Reached from the access bar on every screen; choosing goes back where the visitor was,
with everything said again in the new language."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pasapas.app.i18n import _
from pasapas.app.languages import name_in, native_name
from pasapas.ui.content_text import lay_out
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.voice import language_hint, sentences
from pasapas.ui.widgets import BigButton, WrapButton, add_shown, clear_layout, label

CURRENT_MARK = "✓"


def language_button(code: str, current: str) -> WrapButton:
    """One big button: the language's own name (read with its own voice), its name in the current
    interface language under it, and a mark on the current one (a sign and words, not colour)."""
    own = native_name(code)
    chosen = code == current
    detail = "" if code == current else name_in(code, current)
    button = WrapButton(
        f"{CURRENT_MARK} {own}" if chosen else own, detail, "primary" if chosen else ""
    )
    button.setObjectName(f"language-{code}")
    button.setAccessibleName(own)
    # The chosen language is a state a screen reader says ("checked"), not only a description.
    button.setCheckable(True)
    button.setChecked(chosen)
    button.setAccessibleDescription(
        _("Langue choisie") if chosen else _("Choisir cette langue : {name}").format(name=detail)
    )
    button.setProperty("speech_language", code)
    lay_out(code, current, button.title_label)  # its own name keeps its own direction
    return button


@register_screen
class LanguageScreen(Screen):
    name = "language"
    needs_store = False  # a visitor may change the language before the kiosk is unlocked too

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        self.back_to = "home"
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.choices = QVBoxLayout()
        self.choices.setSpacing(12)
        self.back_button = BigButton()
        self.back_button.setObjectName("language-back")
        self.back_button.clicked.connect(self.go_back)
        body.addWidget(self.title)
        body.addLayout(self.choices)
        body.addWidget(self.back_button)
        body.addStretch(1)
        self._first: QWidget | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Choisissez votre langue"))
        self.back_button.set_text(_("← Retour"))
        if self.isVisible() and not self._leaving:  # hidden, it is filled anew when shown
            self._fill()

    def enter(self, back_to: str = "", **params: Any) -> None:
        if back_to and back_to != self.name:
            self.back_to = back_to
        self._fill()
        self.page.to_top()
        self.nav.read_aloud_parts(self.spoken_parts(), announce_to=self.title)

    def spoken_parts(self) -> list[tuple[str, str]]:
        lang = self.nav.language
        return sentences([(self.title.text(), lang), (language_hint(), lang)])

    def _fill(self) -> None:
        clear_layout(self.choices)
        current = self.nav.language
        self._first = None
        for code in self.nav.offered_languages:
            button = language_button(code, current)
            button.clicked.connect(lambda _checked=False, c=code: self.choose(c))
            add_shown(self.choices, button)
            if code == current:
                self._first = button

    _leaving = False

    def choose(self, code: str) -> None:
        # Not filled again in the new language just before it goes: its buttons (the focused one
        # among them) stay until the screen the visitor came from takes the focus, once.
        self._leaving = True
        try:
            self.nav.set_language(code)
            self.go_back()
        finally:
            self._leaving = False

    def go_back(self) -> None:
        self.nav.resume(self.back_to or "home")

    def first_focus(self) -> QWidget | None:
        return self._first or self.back_button
