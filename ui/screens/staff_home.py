"""Staff home: one big tile per staff screen the logged-in role may open; and "Mon affichage",
each staff member's own text size, colours and language on staff screens.

A tile is shown only when its screen is registered (screens are added by files of their own) and
the staff member's role is enough for it (`Screen.role`, the window enforces it anyway).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from pasapas.app.formatting import whole_percent
from pasapas.app.i18n import N_, _
from pasapas.app.languages import SUPPORTED, name_in, native_name
from pasapas.app.preferences import COLOUR_THEMES, TEXT_SIZES, THEME_DESCRIPTIONS, THEME_NAMES
from pasapas.app.staff import StaffDisplay, role_allows
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, FlowLayout, WrapButton, clear_layout, label

# (screen, title, what it is for), in the order a volunteer needs them.
TILES: tuple[tuple[str, str, str], ...] = (
    ("staff_report", N_("Compte-rendu"), N_("Noter l'aide qui vient d'être donnée")),
    ("staff_reports", N_("Mes comptes-rendus"), N_("Revoir, corriger, exporter")),
    ("staff_sheet", N_("Fiche à emporter"), N_("Imprimer les étapes pour la personne aidée")),
    ("staff_workshops", N_("Ateliers"), N_("Préparer, animer et suivre un atelier")),
    ("staff_stats", N_("Statistiques"), N_("L'activité du lieu, en chiffres")),
    ("staff_sync", N_("Synchronisation"), N_("L'envoi vers le service central")),
    ("staff_languages", N_("Langues"), N_("Les langues proposées aux visiteurs")),
    (
        "staff_settings",
        N_("Réglages"),
        N_("La borne, le lieu, le mot de passe, les sauvegardes"),
    ),
    ("staff_accounts", N_("Comptes"), N_("Les comptes de l'équipe et leurs codes")),
    (
        "staff_display",
        N_("Mon affichage"),
        N_("La taille du texte, les couleurs et la langue de vos écrans"),
    ),
)


@register_screen
class StaffHomeScreen(Screen):
    name = "staff_home"
    role = "volunteer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.last_visit = label("", "muted")
        self.last_visit.setObjectName("staff-last-visit")
        self.last_visit.hide()
        # The speech engine's trouble, in its own words: for staff, never on visitor screens.
        self.voice_status = label("", "error")
        self.voice_status.setObjectName("staff-voice-status")
        self.voice_status.hide()
        # The grid inside a column (as the home screen's tiles): wrapped tiles get their height.
        self.grid_box = QWidget()
        column = QVBoxLayout(self.grid_box)
        column.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setSpacing(16)
        column.addLayout(self.grid)
        body.addWidget(self.title)
        body.addWidget(self.last_visit)
        body.addWidget(self.voice_status)
        body.addWidget(self.grid_box)
        body.addStretch(1)
        self.tiles: dict[str, WrapButton] = {}
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Accueil équipe"))
        if self.isVisible():
            self._fill()

    def enter(self, **params: Any) -> None:
        self._fill()
        self.show_voice_status(self.nav.voice_status)

    def show_voice_status(self, cause: str) -> None:
        """The kiosk's voice does not work: the engine's cause, for staff to act on."""
        self.voice_status.setText(
            _("La voix de la borne ne fonctionne pas : {cause}").format(cause=cause)
            if cause
            else ""
        )
        self.voice_status.setVisible(bool(cause))

    def visible_tiles(self) -> list[str]:
        return list(self.tiles)

    def _fill(self) -> None:
        account = self.nav.staff_account
        role = account.role if account is not None else None
        size = account.display.text_size if account is not None else 100
        clear_layout(self.grid)
        self.tiles = {}
        screens = self.nav.screens
        columns = 2 if size <= 150 else 1
        for screen_name, title, detail in TILES:
            screen = screens.get(screen_name)
            if screen is None or not role_allows(role, screen.role):
                continue
            tile = WrapButton(_(title), _(detail), role="primary" if not self.tiles else "")
            tile.setObjectName(f"tile-{screen_name}")
            tile.clicked.connect(lambda _checked=False, n=screen_name: self.nav.go(n))
            index = len(self.tiles)
            self.grid.addWidget(tile, index // columns, index % columns)
            self.tiles[screen_name] = tile
        last = self.nav.last_visit
        self.last_visit.setText(
            _("Une visite vient de finir : le compte-rendu et la fiche partent d'elle.")
            if last is not None
            else ""
        )
        self.last_visit.setVisible(last is not None)

    def first_focus(self) -> QWidget | None:
        return next(iter(self.tiles.values()), None)


@register_screen
class StaffDisplayScreen(Screen):
    """The staff member's own display on staff screens; a visitor's choices never reach it."""

    name = "staff_display"
    role = "volunteer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.intro = label()
        body.addWidget(self.title)
        body.addWidget(self.intro)
        self.size_title = label("", "subtitle")
        self.theme_title = label("", "subtitle")
        self.language_title = label("", "subtitle")
        self.sizes: dict[int, BigButton] = {}
        self.themes: dict[str, BigButton] = {}
        self.languages: dict[str, BigButton] = {}
        for title, values, buttons, prefix, field in (
            (self.size_title, TEXT_SIZES, self.sizes, "size", "text_size"),
            (self.theme_title, COLOUR_THEMES, self.themes, "theme", "theme"),
            (self.language_title, SUPPORTED, self.languages, "language", "language"),
        ):
            body.addWidget(title)
            row = QWidget()
            flow = FlowLayout(row)
            for value in values:
                button = BigButton()
                button.setObjectName(f"display-{prefix}-{value}")
                button.clicked.connect(
                    lambda _checked=False, f=field, v=value: self.choose(**{f: v})
                )
                flow.addWidget(button)
                buttons[value] = button
            body.addWidget(row)
        self.back = WrapButton("")
        self.back.setObjectName("display-back")
        self.back.clicked.connect(lambda: self.nav.go("staff_home"))
        body.addWidget(self.back)
        body.addStretch(1)
        self.retranslate()

    def _display(self) -> StaffDisplay:
        account = self.nav.staff_account
        return account.display if account is not None else StaffDisplay()

    def retranslate(self) -> None:
        self.title.setText(_("Mon affichage"))
        self.intro.setText(
            _(
                "Vos écrans d'équipe gardent vos choix. Ceux des visiteurs ne changent pas : "
                "chaque visiteur garde les siens."
            )
        )
        self.size_title.setText(_("Taille du texte"))
        self.theme_title.setText(_("Couleurs"))
        self.language_title.setText(_("Langue de vos écrans"))
        self.back.set_text(_("← Accueil équipe"))
        if self.isVisible():  # language names come from Babel: not loaded at start-up
            self._show_choice()

    def _show_choice(self) -> None:
        display = self._display()
        language = display.language
        for size, button in self.sizes.items():
            self._mark(button, whole_percent(size, language), size == display.text_size)
        for theme_id, button in self.themes.items():
            self._mark(button, _(THEME_NAMES[theme_id]), theme_id == display.theme)
            button.setAccessibleDescription(_(THEME_DESCRIPTIONS[theme_id]))
        for code, button in self.languages.items():
            self._mark(button, native_name(code), code == display.language)
            button.setAccessibleDescription(name_in(code, language))

    @staticmethod
    def _mark(button: BigButton, text: str, chosen: bool) -> None:
        button.set_text(f"✓ {text}" if chosen else text)
        button.setProperty("role", "primary" if chosen else "")
        button.style().unpolish(button)
        button.style().polish(button)
        if chosen:
            button.setAccessibleName(_("{choice} (choisi)").format(choice=text))

    def enter(self, **params: Any) -> None:
        self._show_choice()

    def choose(self, **change: Any) -> None:
        self.nav.set_staff_display(replace(self._display(), **change))
        self._show_choice()

    def first_focus(self) -> QWidget | None:
        return self.sizes[self._display().text_size]
