"""Unlock: the site admin types the store's passphrase when the kiosk starts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QWidget

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, TextField, label


@register_screen
class UnlockScreen(Screen):
    name = "unlock"
    needs_store = False

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.intro = label()
        self.field_label = label()
        self.field = TextField()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field_label.setBuddy(self.field)
        self.field.returnPressed.connect(self.submit)
        self.button = BigButton(role="primary")
        self.button.clicked.connect(self.submit)
        self.message = label("", "error")
        self.message.hide()
        for widget in (self.title, self.intro, self.field_label, self.field, self.message):
            body.addWidget(widget)
        body.addStretch(1)
        # "Open" in a bar under the page, growing with the text up to 150 %: on screen at 300 %.
        self.bar_box = QWidget()
        bar = QHBoxLayout(self.bar_box)
        bar.setContentsMargins(48, 12, 48, 24)
        bar.addWidget(self.button)
        outer.addWidget(self.bar_box)
        self._frame_bar(self.bar_box)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Pas à pas"))
        self.intro.setText(_("La borne est verrouillée. Une personne responsable doit l'ouvrir."))
        self.field_label.setText(_("Mot de passe de la borne"))
        self.field.setAccessibleName(_("Mot de passe de la borne"))
        self.button.set_text(_("Ouvrir la borne"))

    def first_focus(self) -> QWidget:
        return self.field

    def enter(self, **params: Any) -> None:
        self.message.hide()
        self.field.setEnabled(True)
        self.button.setEnabled(True)

    def submit(self) -> None:
        passphrase = self.field.text()
        self.field.clear()
        if not passphrase:
            self.show_message(_("Tapez le mot de passe."))
            return
        self.field.setEnabled(False)
        self.button.setEnabled(False)
        self.button.set_text(_("Ouverture…"))
        self.nav.open_store(passphrase, on_error=self._failed)

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.store:  # the kiosk is open: nothing typed here stays
            self.wipe()
            self.retranslate()

    def _failed(self, error: Exception) -> None:
        self.retranslate()
        self.field.setEnabled(True)
        self.button.setEnabled(True)
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(error, PasapasError):
            self.show_message(error.message)
        else:
            self.show_message(_("La borne n'a pas pu s'ouvrir : {reason}").format(reason=error))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def wipe(self) -> None:
        self.field.clear()
