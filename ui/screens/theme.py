"""A theme's procedures (or all of them), as big buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pasapas.app.content.themes import theme as find_theme
from pasapas.app.i18n import _
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.home import procedure_button
from pasapas.ui.widgets import BigButton, add_shown, clear_layout, label


@register_screen
class ThemeScreen(Screen):
    name = "theme"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        self.theme_id: str | None = None
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.home_button = BigButton()
        self.home_button.clicked.connect(lambda: self.nav.go("home"))
        self.title = label("", "title")
        self.items = QVBoxLayout()
        self.items.setSpacing(12)
        body.addWidget(self.home_button)
        body.addWidget(self.title)
        body.addLayout(self.items)
        body.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.home_button.set_text(_("← Retour à l'accueil"))
        if self.theme_id is None:
            self.title.setText(_("Toutes les démarches"))
        else:
            self.title.setText(find_theme(self.theme_id).label)
        if self.isVisible() and self.nav.store_open:  # switched language here: the list follows
            self._fill()

    def enter(self, theme: str | None = None, **params: Any) -> None:
        self.theme_id = theme
        self.retranslate()
        self._fill()
        self.page.to_top()

    def _fill(self) -> None:
        theme = self.theme_id
        clear_layout(self.items)
        self._first: QWidget | None = None
        for item in self.nav.kiosk.procedures(self.nav.language, theme):
            button = procedure_button(item, self.nav.language)
            button.clicked.connect(
                lambda _checked=False, pid=item.id: self.nav.go("overview", procedure=pid)
            )
            add_shown(self.items, button)
            self._first = self._first or button

    def first_focus(self) -> QWidget | None:
        return getattr(self, "_first", None) or self.home_button

    def wipe(self) -> None:
        clear_layout(self.items)
        self._first = None
