"""The bar at the top of every staff screen: who is logged in, and the three ways out of a screen.

"Connecté : Nom (rôle)", "Accueil équipe", "Retour aux visiteurs", "Se déconnecter", and a line
for notices (a failure said in one sentence). It takes the staff member's own text size and colours
from the window's style sheet, growing less than the page, as the access bar does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from pasapas.app.i18n import _
from pasapas.ui.style import bar_stylesheet
from pasapas.ui.widgets import BigButton, FlowLayout, label


class StaffBar(QWidget):
    def __init__(
        self,
        *,
        on_home: Callable[[], None],
        on_visitors: Callable[[], None],
        on_logout: Callable[[], None],
    ) -> None:
        super().__init__()
        self.setObjectName("staff-bar")
        layout = FlowLayout(self)
        layout.setContentsMargins(24, 12, 24, 0)
        self.who = label("", "subtitle")
        self.who.setObjectName("staff-who")
        self.home_button = BigButton()
        self.home_button.setObjectName("staff-bar-home")
        self.visitors_button = BigButton()
        self.visitors_button.setObjectName("staff-bar-visitors")
        self.logout_button = BigButton()
        self.logout_button.setObjectName("staff-bar-logout")
        layout.addWidget(self.who)
        for button, action in (
            (self.home_button, on_home),
            (self.visitors_button, on_visitors),
            (self.logout_button, on_logout),
        ):
            button.clicked.connect(action)
            layout.addWidget(button)
        self.notice = label("", "muted")
        self.notice.setObjectName("staff-notice")
        self.notice.hide()
        layout.addWidget(self.notice)
        self._scale = 0.0
        self._name = ""
        self._role = ""
        self.retranslate()

    def show_account(self, name: str, role_label: str, scale: float) -> None:
        self._name, self._role = name, role_label
        self.retranslate()
        scale = min(scale, 1.25)  # the bar must leave the page room at 300 %
        if scale != self._scale:
            self._scale = scale
            self.setStyleSheet(bar_stylesheet(scale))

    def retranslate(self) -> None:
        self.who.setText(
            _("Connecté : {name} ({role})").format(name=self._name, role=self._role)
            if self._name
            else ""
        )
        self.home_button.set_text(_("Accueil équipe"))
        self.visitors_button.set_text(_("Retour aux visiteurs"))
        self.visitors_button.setAccessibleDescription(
            _("Les écrans des visiteurs reviennent ; votre session reste ouverte un moment")
        )
        self.logout_button.set_text(_("Se déconnecter"))

    def set_busy(self, busy: bool) -> None:
        for button in (self.home_button, self.visitors_button, self.logout_button):
            button.setEnabled(not busy)

    def show_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.setVisible(bool(message))
