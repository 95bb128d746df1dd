"""The site admin's way out of the kiosk: the store's passphrase, asked in a dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from pasapas.app.i18n import _
from pasapas.ui.widgets import BigButton, TextField, label


class AdminExitDialog(QDialog):
    def __init__(self, parent: QWidget, check: Callable[[str], bool]) -> None:
        super().__init__(parent)
        self.check = check
        self.setObjectName("admin-exit")
        self.setModal(True)
        self.setWindowTitle(_("Fermer la borne"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 32, 32, 32)
        layout.setSpacing(16)
        layout.addWidget(label(_("Pour fermer la borne, tapez son mot de passe."), "subtitle"))
        self.field = TextField()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName(_("Mot de passe de la borne"))
        self.field.returnPressed.connect(self.try_close)
        layout.addWidget(self.field)
        self.message = label("", "error")
        self.message.hide()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        cancel = BigButton(_("Annuler"))
        cancel.set_text(_("Annuler"))
        cancel.clicked.connect(self.reject)
        confirm = BigButton(role="primary")
        confirm.set_text(_("Fermer la borne"))
        confirm.clicked.connect(self.try_close)
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(confirm)
        layout.addLayout(row)

    def try_close(self) -> None:
        passphrase = self.field.text()
        self.field.clear()
        if self.check(passphrase):
            self.accept()
        else:
            self.message.setText(_("Ce n'est pas le bon mot de passe. La borne reste ouverte."))
            self.message.show()
