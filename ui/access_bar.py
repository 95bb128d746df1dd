"""The bar on every visitor screen: language, voice on/off, repeat, slow voice, text size,
colours, and in its corner the discreet way into the staff area ("Espace équipe").

One big control each, reachable by keyboard, each saying its current state in words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from pasapas.app.formatting import whole_percent
from pasapas.app.i18n import _, current_language
from pasapas.app.languages import native_name
from pasapas.app.preferences import Preferences
from pasapas.ui.style import bar_stylesheet
from pasapas.ui.widgets import BigButton, FlowLayout, label


class AccessBar(QWidget):
    def __init__(
        self,
        *,
        on_voice: Callable[[], None],
        on_repeat: Callable[[], None],
        on_rate: Callable[[], None],
        on_size: Callable[[], None],
        on_theme: Callable[[], None],
        on_language: Callable[[], None],
        on_staff: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("access-bar")
        layout = FlowLayout(self)
        layout.setContentsMargins(24, 12, 24, 0)
        self.language_button = BigButton()
        self.language_button.setObjectName("language")
        self.voice_button = BigButton()
        self.voice_button.setObjectName("voice")
        self.repeat_button = BigButton()
        self.repeat_button.setObjectName("repeat")
        self.rate_button = BigButton()
        self.rate_button.setObjectName("rate")
        self.size_button = BigButton()
        self.size_button.setObjectName("text-size")
        self.theme_button = BigButton()
        self.theme_button.setObjectName("theme")
        for button, action in (
            (self.language_button, on_language),
            (self.voice_button, on_voice),
            (self.repeat_button, on_repeat),
            (self.rate_button, on_rate),
            (self.size_button, on_size),
            (self.theme_button, on_theme),
        ):
            button.clicked.connect(action)
            layout.addWidget(button)
        self.notice = label("", "muted")
        self.notice.setObjectName("voice-notice")
        self.notice.hide()
        layout.addWidget(self.notice)
        # Last, in the corner, and small in words: staff find it, visitors pass it by.
        self.staff_button = BigButton()
        self.staff_button.setObjectName("staff-entry")
        self.staff_button.setVisible(on_staff is not None)
        if on_staff is not None:
            self.staff_button.clicked.connect(on_staff)
        layout.addWidget(self.staff_button)
        self._scale = 0.0

    def show_state(self, prefs: Preferences) -> None:
        language = current_language()
        # The globe and the language's own name: found by a visitor who reads no French.
        self.language_button.set_text(f"🌐 {native_name(language)}")
        self.language_button.setAccessibleName(
            _("Langue : {name}").format(name=native_name(language))
        )
        self.language_button.setAccessibleDescription(_("Choisir une autre langue"))
        self.voice_button.set_text(_("Voix : oui") if prefs.voice else _("Voix : non"))
        self.voice_button.setAccessibleDescription(_("Lire les étapes à voix haute, ou non"))
        self.repeat_button.set_text(_("↻ Répéter"))
        self.repeat_button.setAccessibleDescription(_("Lire encore une fois"))
        self.repeat_button.setEnabled(prefs.voice)
        self.rate_button.set_text(_("Lente : oui") if prefs.rate == "slow" else _("Lente : non"))
        self.rate_button.setAccessibleDescription(_("Lire plus lentement, ou non"))
        self.rate_button.setEnabled(prefs.voice)
        size = whole_percent(prefs.text_size, language)  # "200 %", "200%", "%200" (CLDR)
        self.size_button.set_text(_("A+ {size}").format(size=size))
        self.size_button.setAccessibleName(_("Taille du texte : {size}").format(size=size))
        self.size_button.setAccessibleDescription(_("Changer la taille du texte"))
        self.theme_button.set_text(_("◐ Couleurs : {name}").format(name=prefs.theme_name()))
        self.theme_button.setAccessibleDescription(
            _("Changer les couleurs de l'écran. Maintenant : {name}").format(
                name=prefs.theme_description()
            )
        )
        self.staff_button.setText(_("Équipe"))
        self.staff_button.setAccessibleName(_("Espace équipe"))
        self.staff_button.setAccessibleDescription(
            _("Pour les bénévoles et les responsables : se connecter avec son code")
        )
        # The bar grows less than the page: at 200 % and more it would leave no room for it.
        scale = min(prefs.scale, 1.5)
        if scale != self._scale:  # a new style sheet re-polishes the whole bar: only on a change
            self._scale = scale
            self.setStyleSheet(bar_stylesheet(scale))

    def show_notice(self, message: str) -> None:
        """A short note for staff (the voice cannot speak here); hidden when empty."""
        self.notice.setText(message)
        self.notice.setVisible(bool(message))
