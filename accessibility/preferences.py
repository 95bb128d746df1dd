"""A visitor's display and voice choices: text size, colours, voice on or off, speech rate.

They last one visit: when the visit is wiped, the kiosk's defaults come back for the next person.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pasapas.accessibility.themes import THEMES
from pasapas.app.i18n import N_, _

TEXT_SIZES = (100, 150, 200, 300)
RATES = ("normal", "slow")
THEME_NAMES = {
    "standard": N_("standard"),
    "dark": N_("sombre"),
    "light": N_("clair"),
    "yellow": N_("jaune"),
}
THEME_DESCRIPTIONS = {
    "standard": N_("couleurs standard"),
    "dark": N_("fort contraste, texte blanc sur fond noir"),
    "light": N_("fort contraste, texte noir sur fond blanc"),
    "yellow": N_("texte jaune sur fond noir"),
}


def _next(values: tuple, current: object) -> object:
    return values[(values.index(current) + 1) % len(values)] if current in values else values[0]


@dataclass(frozen=True)
class Preferences:
    voice: bool = True
    rate: str = "normal"
    text_size: int = 100
    theme: str = "standard"

    @property
    def scale(self) -> float:
        return self.text_size / 100

    def next_text_size(self) -> Preferences:
        return replace(self, text_size=_next(TEXT_SIZES, self.text_size))

    def next_theme(self) -> Preferences:
        return replace(self, theme=_next(tuple(THEMES), self.theme))

    def next_rate(self) -> Preferences:
        return replace(self, rate=_next(RATES, self.rate))

    def toggled_voice(self) -> Preferences:
        return replace(self, voice=not self.voice)

    def theme_name(self) -> str:
        return _(THEME_NAMES.get(self.theme, self.theme))

    def theme_description(self) -> str:
        return _(THEME_DESCRIPTIONS.get(self.theme, self.theme))

    def validated(self) -> Preferences:
        return Preferences(
            voice=bool(self.voice),
            rate=self.rate if self.rate in RATES else "normal",
            text_size=self.text_size if self.text_size in TEXT_SIZES else 100,
            theme=self.theme if self.theme in THEMES else "standard",
        )
