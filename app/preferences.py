"""A visitor's display and voice choices, and the values each may take, defined once.

Text size, colours, voice on or off, speech rate. They last one visit: when the visit is wiped, the
kiosk's defaults (`Settings`) come back for the next person. The allowed values live here and only
here: the settings, the access bar, the speech engine, the themes and the audit all read them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pasapas.app.i18n import N_, _

TEXT_SIZES: tuple[int, ...] = (100, 150, 200, 300)  # percent, in the order the button cycles
SPEECH_RATES: tuple[str, ...] = ("normal", "slow")
COLOUR_THEMES: tuple[str, ...] = ("standard", "dark", "light", "yellow")
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
    rate: str = SPEECH_RATES[0]
    text_size: int = TEXT_SIZES[0]
    theme: str = COLOUR_THEMES[0]

    @property
    def scale(self) -> float:
        return self.text_size / 100

    def next_text_size(self) -> Preferences:
        return replace(self, text_size=_next(TEXT_SIZES, self.text_size))

    def next_theme(self) -> Preferences:
        return replace(self, theme=_next(COLOUR_THEMES, self.theme))

    def next_rate(self) -> Preferences:
        return replace(self, rate=_next(SPEECH_RATES, self.rate))

    def toggled_voice(self) -> Preferences:
        return replace(self, voice=not self.voice)

    def theme_name(self) -> str:
        return _(THEME_NAMES.get(self.theme, self.theme))

    def theme_description(self) -> str:
        return _(THEME_DESCRIPTIONS.get(self.theme, self.theme))

    def validated(self) -> Preferences:
        """Any unknown value falls back to its default; `voice` must really be a bool."""
        default = Preferences()
        return Preferences(
            voice=self.voice if isinstance(self.voice, bool) else default.voice,
            rate=self.rate if self.rate in SPEECH_RATES else default.rate,
            text_size=self.text_size
            if self.text_size in TEXT_SIZES and not isinstance(self.text_size, bool)
            else default.text_size,
            theme=self.theme if self.theme in COLOUR_THEMES else default.theme,
        )
