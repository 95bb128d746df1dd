"""Home: big theme tiles and a search field. The first thing a visitor sees."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from pasapas.accessibility.spoken_text import without_symbols
from pasapas.app.changes import Changes
from pasapas.app.content.catalog import ProcedureSummary
from pasapas.app.formatting import minutes
from pasapas.app.i18n import _, ngettext
from pasapas.app.languages import directed, native_name
from pasapas.ui.content_text import lay_out, untranslated_note
from pasapas.ui.keyboard import OnScreenKeyboard
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.style import BODY_PX
from pasapas.ui.voice import HOLD_HINT, hold_hint, sentences
from pasapas.ui.widgets import (
    BigButton,
    FlowLayout,
    TextField,
    WrapButton,
    add_shown,
    clear_layout,
    label,
)

SEARCH_DELAY_MS = 300  # after a pause in typing: the suggestions follow each word typed


def tile_name(theme: str, count: str) -> str:
    """A theme tile's accessible (and held-down spoken) name: "Santé, 4 démarches"."""
    return without_symbols(_("{theme}, {count}").format(theme=theme, count=count))


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


READ_RESULTS = 5  # the titles read after a search; the rest are on the screen, further down


@register_screen
class HomeScreen(Screen):
    name = "home"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        self._columns = 2  # theme tiles per row (one at 300 %)
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

        # The field on a line of its own, its buttons under it (wrapping): at large sizes a
        # row of four squeezed the field and laid the buttons over one another.
        search_row = QVBoxLayout()
        search_buttons_box = QWidget()
        search_buttons = FlowLayout(search_buttons_box)
        search_buttons.setContentsMargins(0, 0, 0, 0)
        self.search_label = label()
        self.search = TextField()
        self.search.setObjectName("search")
        self.clear_button = BigButton()
        self.clear_button.setObjectName("clear-search")
        self.clear_button.clicked.connect(self.clear_search)
        self.clear_button.hide()
        self.search_label.setBuddy(self.search)
        self.search_button = BigButton()  # results come while typing: not the way on
        search_row.addWidget(self.search)
        search_row.addWidget(search_buttons_box)
        search_buttons.addWidget(self.search_button)
        search_buttons.addWidget(self.clear_button)
        body.addWidget(self.search_label)
        body.addLayout(search_row)
        # -- on-screen keyboard (touch): a touch on the field or on "Clavier" opens big keys
        # under the page, in the interface language's script, for a kiosk with no keyboard --
        self.keyboard_button = BigButton()
        self.keyboard_button.setObjectName("show-keyboard")
        # For touch: out of the Tab order (whoever tabs has a keyboard already).
        self.keyboard_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.keyboard_button.setProperty("touch_only", True)  # the audit knows why
        search_buttons.addWidget(self.keyboard_button)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.attach(self.search)
        self.keyboard_button.clicked.connect(self.keyboard.toggle)
        self.keyboard.opened.connect(
            lambda: QTimer.singleShot(0, lambda: self.page.ensureWidgetVisible(self.search))
        )
        _outer.addWidget(self.keyboard)

        # -- results region (search): suggestions while typing, a kind word when none --
        self.results_title = label("", "subtitle")
        self.results_title.setObjectName("search-results-title")
        # Under it, what the search understood ("Nous avons cherché : attestation") when it
        # corrected a word, or what to do next when nothing matched.
        self.search_note = label()
        self.search_note.setObjectName("search-note")
        self.search_note.hide()
        self.results_box = QVBoxLayout()
        self.results_box.setSpacing(12)
        body.addWidget(self.results_title)
        body.addWidget(self.search_note)
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
        # Any change of the text, typed or from the on-screen keyboard, updates the suggestions.
        self.search.textChanged.connect(self._typed)
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
        self.keyboard_button.setText("⌨")  # keyboard hook: an icon, named in words
        self.keyboard_button.setAccessibleName(_("Clavier à l'écran"))
        self.keyboard_button.setToolTip(_("Clavier à l'écran"))
        self.keyboard.follow_language(self.nav.offered_languages)
        self.clear_button.set_text(_("Effacer"))
        self.tiles_title.setText(_("Choisissez un thème"))
        self._fill_languages()
        if self._shown():  # switched language here: the tiles and results follow
            self._fill_tiles()
            if self.search.text().strip():
                self.run_search()
            if not self._entering:
                self.introduce()  # said again, in the new language and voice

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
                button.clicked.connect(lambda _checked=False, c=code: self._language_chosen(c))
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
            # The chosen language is a state screen readers say ("checked"), not only a word.
            button.setCheckable(True)
            button.setChecked(chosen)
            button.setAccessibleDescription(
                _("Langue choisie") if chosen else _("Choisir cette langue")
            )
            button.setProperty("role", "primary" if chosen else "")
            button.style().unpolish(button)
            button.style().polish(button)

    def _language_chosen(self, code: str) -> None:
        self.nav.set_language(code)
        self._fill_languages()  # the chosen one stays checked, even when pressed again

    def first_focus(self) -> QWidget:
        return self.search

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.settings:
            self.retranslate()  # the row of languages offered
        elif changes.procedures and self._shown() and not self.nav.visit.has_anything:
            self._fill_tiles()  # new procedures from the service: shown, unless someone is here

    # -- content ---------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self._entering = True
        try:
            self.retranslate()
        finally:
            self._entering = False
        self._fill_tiles()
        self._maybe_show_tiles(self.search.text())
        self.page.to_top()
        self.introduce()

    # -- what is said (ear) ----------------------------------------------------------------

    _entering = False

    def spoken_parts(self, *, hint: bool | None = None) -> list[tuple[str, str]]:
        """Home introduces itself and says what to do; the first time in a visit (or with
        `hint`) it also explains press-and-hold."""
        lang = self.nav.language
        parts = [
            (self.title.text(), lang),
            (self.intro.text(), lang),
            (_("Pour commencer, touchez un des grands boutons des thèmes, plus bas."), lang),
            (_("Vous pouvez aussi écrire un mot dans la case de recherche."), lang),
        ]
        if len(self.nav.offered_languages) > 1:
            parts.append(
                (_("Pour changer de langue, touchez le nom de votre langue, en haut."), lang)
            )
        if hint if hint is not None else self.nav.voice.hint_due(HOLD_HINT):
            parts.append((hold_hint(), lang))
        return sentences(parts)

    def introduce(self) -> None:
        if not self.nav.store_open:
            return
        self.nav.read_aloud_parts(self.spoken_parts(), announce_to=self.title)
        self.nav.voice.hint_given(HOLD_HINT)

    def _fill_tiles(self) -> None:
        clear_layout(self.tiles)
        kiosk = self.nav.kiosk
        entries = kiosk.themes()
        total = kiosk.procedure_count()  # counted in SQL, not by reading every document
        # Two columns, one from 250 %: a theme's longest word must fit its tile at 300 %.
        size = self.font().pixelSize()
        columns = 1 if size > 0 and size / BODY_PX >= 2.5 else 2
        self._columns = columns
        for index, entry in enumerate(entries):
            count = ngettext("{n} démarche", "{n} démarches", entry.count).format(n=entry.count)
            tile = WrapButton(f"{entry.symbol}  {entry.label}", count)
            tile.setObjectName(f"theme-{entry.id}")
            # Heard as it is read: the theme and how many procedures it holds, no symbol.
            tile.setAccessibleName(tile_name(entry.label, count))
            tile.setAccessibleDescription("")
            tile.clicked.connect(lambda _checked=False, t=entry.id: self.nav.go("theme", theme=t))
            self.tiles.addWidget(tile, index // columns, index % columns)
        everything = WrapButton(
            _("Toutes les démarches"),
            ngettext("{n} démarche", "{n} démarches", total).format(n=total),
        )
        everything.setObjectName("theme-all")
        everything.setAccessibleName(
            tile_name(
                _("Toutes les démarches"),
                ngettext("{n} démarche", "{n} démarches", total).format(n=total),
            )
        )
        everything.setAccessibleDescription("")
        everything.clicked.connect(lambda _checked=False: self.nav.go("theme", theme=None))
        self.tiles.addWidget(everything, (len(entries) + 1) // columns + 1, 0, 1, columns)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.nav.store_open and self.isVisible():
            size = self.font().pixelSize()
            columns = 1 if size > 0 and size / BODY_PX >= 2.5 else 2
            if columns != self._columns:
                self._fill_tiles()

    def run_search(self) -> None:
        self._timer.stop()
        query = self.search.text().strip()
        clear_layout(self.results_box)
        if not query:
            self._maybe_show_tiles("")
            return
        answer = self.nav.kiosk.find(query, self.nav.language)
        results = answer.procedures
        if results:
            self.results_title.setText(
                ngettext("{n} démarche trouvée", "{n} démarches trouvées", len(results)).format(
                    n=len(results)
                )
            )
        else:
            self.results_title.setText(_("Aucune démarche trouvée."))
        if not results:  # a kind word, and the themes stay in view below it
            self.search_note.setText(
                _("Ce n'est pas grave : essayez un autre mot, ou choisissez un thème ci-dessous.")
            )
        elif answer.meant:  # the visitor sees what their words were read as
            self.search_note.setText(
                _("Nous avons cherché : {words}").format(
                    words=directed(answer.meant, results[0].language)
                )
            )
        else:
            self.search_note.clear()
        self.search_note.setVisible(bool(self.search_note.text()))
        for item in results:
            button = procedure_button(item, self.nav.language)
            button.clicked.connect(
                lambda _checked=False, pid=item.id: self.nav.go("overview", procedure=pid)
            )
            add_shown(self.results_box, button)
        self.results_title.show()
        # Nothing found: the themes stay in view, under the kind sentence, to choose from.
        self.tiles_box.setVisible(not results)
        QTimer.singleShot(0, self._bring_results_into_view)
        self._read_results(results, answer.meant)

    def _read_results(self, results: list[ProcedureSummary], meant: str) -> None:
        """Said as well as shown, for a visitor who cannot read what the keyboard typed: how
        many were found (or the kind sentence), the first titles, each in its own voice, and
        how to open one. Each new search cuts the last one's reading."""
        lang = self.nav.language
        parts = [(self.results_title.text(), lang)]
        if not results:
            parts.append((self.search_note.text(), lang))
        for item in results[:READ_RESULTS]:
            parts.append((without_symbols(item.title), item.language))
        if len(results) > READ_RESULTS:
            parts.append((_("Les autres sont plus bas."), lang))
        if results:
            parts.append((_("Pour ouvrir une démarche, touchez son titre."), lang))
        self.nav.read_aloud_parts(sentences(parts), announce_to=self.results_title)

    def _bring_results_into_view(self) -> None:
        """When the first suggestion is out of sight (a small screen, large text), scroll the
        page so that the search field sits at its top, its suggestions right under it."""
        if not self.isVisible() or not self.results_title.isVisible():
            return
        first = self.results_box.itemAt(0)
        target = first.widget() if first is not None and first.widget() else self.search_note
        if not target.isVisible():
            target = self.results_title
        body = self.page.widget()
        viewport = self.page.viewport().height()
        bar = self.page.verticalScrollBar()
        bottom = target.mapTo(body, target.rect().bottomLeft()).y()
        if bottom <= bar.value() + viewport:
            return  # already in sight: the page does not jump under the visitor's finger
        top = self.search_label.mapTo(body, self.search_label.rect().topLeft()).y()
        bar.setValue(min(max(top - 8, 0), bar.maximum()))

    def _typed(self, text: str) -> None:
        """Suggest while typing: the list follows the text after a short pause."""
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()

    def clear_search(self) -> None:
        self.search.clear()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _maybe_show_tiles(self, text: str) -> None:
        self.clear_button.setVisible(bool(text))
        if not text.strip():
            clear_layout(self.results_box)
            self.results_title.hide()
            self.search_note.clear()
            self.search_note.hide()
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
        self.keyboard.close_keyboard()  # keyboard hook
        self._timer.stop()
        self.search.clear()
        clear_layout(self.results_box)
        self.results_title.clear()
        self.results_title.hide()
        self.search_note.clear()
        self.search_note.hide()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            for callback in self.first_paint_callbacks:
                QTimer.singleShot(0, callback)
