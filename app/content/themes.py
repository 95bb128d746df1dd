"""The themes procedures are grouped by on the home screen, with their translatable names."""

from __future__ import annotations

from dataclasses import dataclass

from pasapas.app.i18n import N_, _


@dataclass(frozen=True)
class Theme:
    id: str
    _label: str
    symbol: str  # a pictogram shown beside the label (never the only cue)

    @property
    def label(self) -> str:
        return _(self._label)


THEMES: tuple[Theme, ...] = (
    Theme("health-insurance", N_("Assurance maladie"), "✚"),
    Theme("care", N_("Se soigner"), "♥"),
    Theme("family", N_("Famille et CAF"), "⌂"),
    Theme("retirement", N_("Retraite"), "☼"),
    Theme("online-safety", N_("Se protéger des arnaques"), "⚠"),
    Theme("rights", N_("Vos données personnelles"), "✎"),
)

THEME_IDS = frozenset(theme.id for theme in THEMES)


def theme(theme_id: str) -> Theme:
    for item in THEMES:
        if item.id == theme_id:
            return item
    raise KeyError(theme_id)
