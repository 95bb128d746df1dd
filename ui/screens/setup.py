"""First start: no store yet, the site admin chooses the passphrase (typed twice)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.app.passphrase import passphrase_problems
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, TextField, label


@register_screen
class SetupScreen(Screen):
    name = "setup"
    needs_store = False

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.intro = label()
        self.first_label = label()
        self.first = TextField()
        self.second_label = label()
        self.second = TextField()
        for field, caption in ((self.first, self.first_label), (self.second, self.second_label)):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            caption.setBuddy(field)
        self.first.textChanged.connect(self._check)
        self.second.textChanged.connect(self._check)
        self.second.returnPressed.connect(self.submit)
        self.feedback = label("", "muted")
        self.button = BigButton(role="primary")
        self.button.clicked.connect(self.submit)
        self.message = label("", "error")
        self.message.hide()
        for widget in (
            self.title,
            self.intro,
            self.first_label,
            self.first,
            self.second_label,
            self.second,
            self.feedback,
            self.button,
            self.message,
        ):
            body.addWidget(widget)
        body.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Première mise en route"))
        self.intro.setText(
            _(
                "Choisissez le mot de passe de la borne. Il protège la base chiffrée. "
                "Notez-le en lieu sûr : sans lui, personne ne peut rouvrir la base."
            )
        )
        self.first_label.setText(_("Mot de passe"))
        self.first.setAccessibleName(_("Mot de passe"))
        self.second_label.setText(_("Le même mot de passe, encore une fois"))
        self.second.setAccessibleName(_("Le même mot de passe, encore une fois"))
        self.button.set_text(_("Créer la base"))
        self._check()

    def first_focus(self) -> QWidget:
        return self.first

    def _problems(self) -> list[str]:
        problems = passphrase_problems(self.first.text())
        if not problems and self.first.text() != self.second.text():
            problems.append(_("Les deux mots de passe sont différents."))
        return problems

    def _check(self) -> None:
        problems = self._problems()
        self.feedback.setText("\n".join(problems) if problems else _("Ce mot de passe convient."))
        self.button.setEnabled(not problems)

    def submit(self) -> None:
        if self._problems():
            return
        passphrase = self.first.text()
        self.first.clear()
        self.second.clear()
        self.button.setEnabled(False)
        self.button.set_text(_("Création de la base…"))
        self.nav.create_store(passphrase, on_error=self._failed)

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.store:  # the kiosk is open: nothing typed here stays
            self.wipe()
            self.retranslate()

    def _failed(self, error: Exception) -> None:
        self.retranslate()
        text = error.message if isinstance(error, PasapasError) else str(error)
        self.message.setText(_("La base n'a pas pu être créée : {reason}").format(reason=text))
        self.message.show()

    def wipe(self) -> None:
        self.first.clear()
        self.second.clear()
