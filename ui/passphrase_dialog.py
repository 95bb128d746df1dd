"""The kiosk's passphrase, asked in a dialog: to close the kiosk, or before a staff screen opens.

The passphrase is compared by the core (`Kiosk.check_admin`, an in-memory hash) and the field is
emptied at once, whatever the answer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from pasapas.app.i18n import N_, _
from pasapas.ui.widgets import BigButton, TextField, label


class PassphraseDialog(QDialog):
    def __init__(
        self,
        parent: QWidget,
        check: Callable[[str], bool],
        *,
        title: str,
        prompt: str,
        confirm: str,
        refused: str,
        name: str,
    ) -> None:
        super().__init__(parent)
        self.check = check
        self.refused = refused
        self.setObjectName(name)
        self.setModal(True)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(16)
        layout.addWidget(label(prompt, "subtitle"))
        self.field = TextField()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName(_("Mot de passe de la borne"))
        self.field.returnPressed.connect(self.try_accept)
        layout.addWidget(self.field)
        self.message = label("", "error")
        self.message.hide()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        cancel = BigButton()
        cancel.set_text(_("Annuler"))
        cancel.clicked.connect(self.reject)
        self.confirm = BigButton(role="primary")
        self.confirm.set_text(confirm)
        self.confirm.clicked.connect(self.try_accept)
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.confirm)
        layout.addLayout(row)

    def try_accept(self) -> None:
        passphrase = self.field.text()
        self.field.clear()
        if self.check(passphrase):
            self.accept()
        else:
            self.message.setText(self.refused)
            self.message.show()


# What each dialog says: its title, its request, its button, and its answer to a wrong passphrase.
PURPOSES = {
    "admin-exit": (
        N_("Fermer la borne"),
        N_("Pour fermer la borne, tapez son mot de passe."),
        N_("Fermer la borne"),
        N_("Ce n'est pas le bon mot de passe. La borne reste ouverte."),
    ),
    "staff-passphrase": (
        N_("Espace des responsables"),
        N_("Tapez le mot de passe de la borne."),
        N_("Ouvrir"),
        N_("Ce n'est pas le bon mot de passe."),
    ),
}


def ask_passphrase(parent: QWidget, check: Callable[[str], bool], purpose: str) -> bool:
    """Show the dialog for `purpose` (a key of PURPOSES); True once the passphrase is right."""
    title, prompt, confirm, refused = (_(text) for text in PURPOSES[purpose])
    dialog = PassphraseDialog(
        parent, check, title=title, prompt=prompt, confirm=confirm, refused=refused, name=purpose
    )
    return dialog.exec() == QDialog.DialogCode.Accepted
