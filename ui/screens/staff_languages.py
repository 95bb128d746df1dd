"""Staff: the kiosk's default language (each visit starts in it) and the languages visitors may
choose. Reached from the staff home (site admins only); saved in the kiosk's settings file."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QButtonGroup, QCheckBox, QRadioButton, QWidget

from pasapas.app.i18n import _
from pasapas.app.languages import SUPPORTED, name_in, native_name
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, label


def _row(body: Any, control: Any, name: str) -> tuple[Any, Any]:
    """A tick box or a radio button under its words: a control's own text does not wrap at large
    sizes, a label does."""
    text = label()
    control.setObjectName(name)
    text.setBuddy(control)
    body.addWidget(text)
    body.addWidget(control)
    return text, control


@register_screen
class StaffLanguagesScreen(Screen):
    name = "staff_languages"
    role = "site_admin"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.offered_title = label("", "subtitle")
        body.addWidget(self.title)
        body.addWidget(self.offered_title)
        self.offered: dict[str, QCheckBox] = {}
        self.offered_labels: dict[str, Any] = {}
        for code in SUPPORTED:
            self.offered_labels[code], self.offered[code] = _row(body, QCheckBox(), f"offer-{code}")
        self.default_title = label("", "subtitle")
        body.addWidget(self.default_title)
        self.default_group = QButtonGroup(self)
        self.defaults: dict[str, QRadioButton] = {}
        self.default_labels: dict[str, Any] = {}
        for code in SUPPORTED:
            self.default_labels[code], radio = _row(body, QRadioButton(), f"default-{code}")
            self.default_group.addButton(radio)
            self.defaults[code] = radio
        self.message = label("", "error")
        self.message.setObjectName("languages-message")
        self.message.hide()
        body.addWidget(self.message)
        self.save_button = BigButton(role="primary")
        self.save_button.setObjectName("languages-save")
        self.save_button.clicked.connect(self.save)
        self.back = BigButton()
        self.back.setObjectName("languages-back")
        self.back.clicked.connect(lambda: self.nav.go("staff_home"))
        body.addWidget(self.save_button)
        body.addWidget(self.back)
        body.addStretch(1)
        # No texts until shown: language names come from Babel, which start-up need not load.

    def retranslate(self) -> None:
        if self.isVisible():
            self._set_texts()

    def _set_texts(self) -> None:
        lang = self.nav.language
        self.title.setText(_("Langues de la borne"))
        self.offered_title.setText(_("Langues proposées aux visiteurs"))
        self.default_title.setText(_("Langue de départ de chaque visite"))
        for code in SUPPORTED:
            # Both names: staff read the interface's, visitors recognise their own.
            shown = f"{native_name(code)} ({name_in(code, lang)})"
            self.offered_labels[code].setText(shown)
            self.offered[code].setText(native_name(code))
            self.offered[code].setAccessibleName(
                _("Proposer : {language}").format(language=name_in(code, lang))
            )
            self.default_labels[code].setText(shown)
            self.defaults[code].setText(native_name(code))
            self.defaults[code].setAccessibleName(
                _("Langue de départ : {language}").format(language=name_in(code, lang))
            )
        self.save_button.set_text(_("Enregistrer"))
        self.back.set_text(_("← Retour"))

    def enter(self, **params: Any) -> None:
        settings = self.nav.settings
        for code in SUPPORTED:
            self.offered[code].setChecked(code in settings.languages)
            self.defaults[code].setChecked(code == settings.language)
        self.message.hide()
        self._set_texts()

    def first_focus(self) -> QWidget:
        return self.offered[SUPPORTED[0]]

    def chosen(self) -> tuple[str, tuple[str, ...]]:
        default = next((code for code, radio in self.defaults.items() if radio.isChecked()), "")
        return default, tuple(code for code in SUPPORTED if self.offered[code].isChecked())

    def save(self) -> None:
        default, offered = self.chosen()
        problem = ""
        if not offered:
            problem = _("Cochez au moins une langue.")
        elif default not in offered:
            problem = _("La langue de départ doit faire partie des langues proposées.")
        if problem:  # nothing is saved
            self.message.setText(problem)
            self.message.show()
            return
        try:
            self.nav.update_settings(
                replace(self.nav.settings, language=default, languages=offered)
            )
        except OSError as error:  # a full or read-only disk: say so, keep the screen as it is
            self.message.setText(
                _("Réglages non enregistrés : {reason}").format(reason=error.strerror or error)
            )
            self.message.show()
            return
        self.message.hide()
        self.nav.go("staff_home")
