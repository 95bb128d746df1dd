"""Home: big theme tiles and a search field. The first thing a visitor sees."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.content.catalog import ProcedureSummary
from pasapas.app.formatting import minutes
from pasapas.app.i18n import _, ngettext
from pasapas.app.languages import directed, native_name
from pasapas.ui.content_text import lay_out, untranslated_note
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import (
    BigButton,
    FlowLayout,
    TextField,
    WrapButton,
    add_shown,
    clear_layout,
    label,
)

SEARCH_DELAY_MS = 300


def procedure_button(item: ProcedureSummary, language: str) -> WrapButton:
    lines = [item.summary]
    if item.language != language:
        lines.append(untranslated_note())
    lines.append(_("Environ {duration}").format(duration=minutes(item.estimated_minutes, language)))
    lines[0] = directed(lines[0], item.language)
    button = WrapButton(directed(item.title, item.language), "\n".join(lines))
    button.setAccessibleName(item.title)
    button.setObjectName(f"procedure-{item.id}")
    lay_out(item.language, language, button.title_label)
    if item.language != language:
        button.setProperty("speech_language", item.language)  # its title, read by its voice
    return button


@register_screen
class HomeScreen(Screen):
    name = "home"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        self._painted = False
        self.first_paint_callbacks: list[Any] = []
        _outer, page = self._scrolling_page()
        body = page.body_layout

        # The languages first, each in its own name: a visitor who reads no French finds theirs.
        self.languages_box = QWidget()
        self.languages_box.setObjectName("home-languages")
        self.languages = FlowLayout(self.languages_box)
        self.languages.setContentsMargins(0, 0, 0, 0)
        self._language_buttons: dict[str, BigButton] = {}
        self._fill_languages()  # created first: first in the keyboard order too
        body.addWidget(self.languages_box)

        self.title = label("", "title")
        self.intro = label()
        body.addWidget(self.title)
        body.addWidget(self.intro)

        search_row = QHBoxLayout()
        self.search_label = label()
        self.search = TextField()
        self.search.setObjectName("search")
        self.clear_button = BigButton()
        self.clear_button.setObjectName("clear-search")
        self.clear_button.clicked.connect(self.clear_search)
        self.clear_button.hide()
        self.search_label.setBuddy(self.search)
        self.search_button = BigButton(role="primary")
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.search_button)
        search_row.addWidget(self.clear_button)
        body.addWidget(self.search_label)
        body.addLayout(search_row)

        self.results_title = label("", "subtitle")
        self.results_box = QVBoxLayout()
        self.results_box.setSpacing(12)
        body.addWidget(self.results_title)
        body.addLayout(self.results_box)

        # Theme tiles, hidden while search results are listed (one list at a time).
        self.tiles_box = QWidget()
        tiles_layout = QVBoxLayout(self.tiles_box)
        tiles_layout.setContentsMargins(0, 0, 0, 0)
        self.tiles_title = label("", "subtitle")
        self.tiles = QGridLayout()
        self.tiles.setSpacing(16)
        tiles_layout.addWidget(self.tiles_title)
        tiles_layout.addLayout(self.tiles)
        body.addWidget(self.tiles_box)
        body.addStretch(1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textEdited.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.search.textChanged.connect(self._maybe_show_tiles)
        self.search.textChanged.connect(self._remember_search)
        self.retranslate()

    def _remember_search(self, text: str) -> None:
        # What the visitor typed belongs to their visit: wiped with it.
        self.nav.visit.search_text = text

    # -- texts ----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Pas à pas"))
        self.intro.setText(
            _("Choisissez une démarche. Nous vous guidons étape par étape, à votre rythme.")
        )
        self.search_label.setText(_("Chercher une démarche"))
        self.search.setPlaceholderText(_("Par exemple : carte Vitale"))
        self.search.setAccessibleName(_("Chercher une démarche"))
        self.search_button.set_text(_("Chercher"))
        self.clear_button.set_text(_("Effacer"))
        self.tiles_title.setText(_("Choisissez un thème"))
        self._fill_languages()
        if self._shown():  # switched language here: the tiles and results follow
            self._fill_tiles()
            if self.search.text().strip():
                self.run_search()

    def _shown(self) -> bool:
        return self.isVisible() and self.nav.store_open

    def _fill_languages(self) -> None:
        offered = self.nav.offered_languages
        if tuple(self._language_buttons) != offered:  # built once (staff may change the offer)
            clear_layout(self.languages)
            self._language_buttons = {}
            for code in offered:
                button = BigButton()
                button.setObjectName(f"home-language-{code}")
                button.setProperty("speech_language", code)
                button.clicked.connect(lambda _checked=False, c=code: self.nav.set_language(c))
                self.languages.addWidget(button)
                self._language_buttons[code] = button
            if hasattr(self, "search"):  # rebuilt later: keep the languages before the search
                chain = [*self._language_buttons.values(), self.search, self.search_button]
                for before, after in zip(chain, [*chain[1:], self.clear_button], strict=True):
                    QWidget.setTabOrder(before, after)
        self.languages_box.setVisible(len(offered) > 1)
        current = self.nav.language
        for code, button in self._language_buttons.items():
            own, chosen = native_name(code), code == current
            button.set_text(f"✓ {own}" if chosen else own)
            button.setAccessibleName(own)
            button.setAccessibleDescription(
                _("Langue choisie") if chosen else _("Choisir cette langue")
            )
            button.setProperty("role", "primary" if chosen else "")
            button.style().unpolish(button)
            button.style().polish(button)

    def first_focus(self) -> QWidget:
        return self.search

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.settings:
            self.retranslate()  # the row of languages offered
        elif changes.procedures and self._shown() and not self.nav.visit.has_anything:
            self._fill_tiles()  # new procedures from the service: shown, unless someone is here

    # -- content ---------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self.retranslate()
        self._fill_tiles()
        self._maybe_show_tiles(self.search.text())
        self.page.to_top()

    def _fill_tiles(self) -> None:
        clear_layout(self.tiles)
        kiosk = self.nav.kiosk
        entries = kiosk.themes()
        total = kiosk.procedure_count()  # counted in SQL, not by reading every document
        columns = 2
        for index, entry in enumerate(entries):
            count = ngettext("{n} démarche", "{n} démarches", entry.count).format(n=entry.count)
            tile = WrapButton(f"{entry.symbol}  {entry.label}", count)
            tile.setObjectName(f"theme-{entry.id}")
            tile.clicked.connect(lambda _checked=False, t=entry.id: self.nav.go("theme", theme=t))
            self.tiles.addWidget(tile, index // columns, index % columns)
        everything = WrapButton(
            _("Toutes les démarches"),
            ngettext("{n} démarche", "{n} démarches", total).format(n=total),
        )
        everything.setObjectName("theme-all")
        everything.clicked.connect(lambda _checked=False: self.nav.go("theme", theme=None))
        self.tiles.addWidget(everything, (len(entries) + 1) // columns + 1, 0, 1, columns)

    def run_search(self) -> None:
        self._timer.stop()
        query = self.search.text().strip()
        clear_layout(self.results_box)
        if not query:
            self._maybe_show_tiles("")
            return
        results = self.nav.kiosk.search(query, self.nav.language)
        if results:
            self.results_title.setText(
                ngettext("{n} démarche trouvée", "{n} démarches trouvées", len(results)).format(
                    n=len(results)
                )
            )
        else:
            self.results_title.setText(
                _("Aucune démarche trouvée. Essayez un autre mot, ou choisissez un thème.")
            )
        for item in results:
            button = procedure_button(item, self.nav.language)
            button.clicked.connect(
                lambda _checked=False, pid=item.id: self.nav.go("overview", procedure=pid)
            )
            add_shown(self.results_box, button)
        self.results_title.show()
        self.tiles_box.hide()

    def clear_search(self) -> None:
        self.search.clear()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _maybe_show_tiles(self, text: str) -> None:
        self.clear_button.setVisible(bool(text))
        if not text.strip():
            clear_layout(self.results_box)
            self.results_title.hide()
            self.tiles_box.show()

    def result_titles(self) -> list[str]:
        """The titles listed under the search field, in order (for tests and the audit)."""
        titles = []
        for i in range(self.results_box.count()):
            widget = self.results_box.itemAt(i).widget()
            if isinstance(widget, WrapButton):
                titles.append(widget.title_label.text())
        return titles

    def wipe(self) -> None:
        self._timer.stop()
        self.search.clear()
        clear_layout(self.results_box)
        self.results_title.clear()
        self.results_title.hide()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            for callback in self.first_paint_callbacks:
                QTimer.singleShot(0, callback)
