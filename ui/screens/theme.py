"""A theme's procedures (or all of them), as big buttons."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pasapas.app.content.themes import theme as find_theme
from pasapas.app.i18n import _, ngettext
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.home import procedure_button
from pasapas.ui.voice import sentences, theme_hint
from pasapas.ui.widgets import BigButton, add_shown, clear_layout, label


@register_screen
class ThemeScreen(Screen):
    name = "theme"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        self.theme_id: str | None = None
        self._shown_ids: list[str] = []  # the procedures listed now (how many is said)
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
            if not self._entering:  # and it is said again, in the new voice
                self.nav.read_aloud_parts(self.spoken_parts(), announce_to=self.title)

    def enter(self, theme: str | None = None, **params: Any) -> None:
        self.theme_id = theme
        self._entering = True
        try:
            self.retranslate()
        finally:
            self._entering = False
        self._fill()
        self.page.to_top()
        self.nav.read_aloud_parts(self.spoken_parts(), announce_to=self.title)

    _entering = False

    def spoken_parts(self) -> list[tuple[str, str]]:
        """The theme's name, how many procedures it lists, and what to do."""
        lang = self.nav.language
        count = len(self._shown_ids)
        listed = ngettext("{n} démarche", "{n} démarches", count).format(n=count)
        return sentences([(self.title.text(), lang), (listed, lang), (theme_hint(), lang)])

    def _fill(self) -> None:
        theme = self.theme_id
        clear_layout(self.items)
        self._first: QWidget | None = None
        self._shown_ids = []
        for item in self.nav.kiosk.procedures(self.nav.language, theme):
            button = procedure_button(item, self.nav.language)
            button.clicked.connect(
                lambda _checked=False, pid=item.id: self.nav.go("overview", procedure=pid)
            )
            add_shown(self.items, button)
            self._first = self._first or button
            self._shown_ids.append(item.id)

    def first_focus(self) -> QWidget | None:
        return getattr(self, "_first", None) or self.home_button

    def wipe(self) -> None:
        clear_layout(self.items)
        self._first = None
        self._shown_ids = []
