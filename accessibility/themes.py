"""Colour themes and the WCAG contrast arithmetic that proves them readable.

A theme is a set of named colours; every pair of them that is drawn as text on a background is
listed in `text_pairs`, and each such pair must reach 7:1 (WCAG 2.2 level AAA).
"""

from __future__ import annotations

from dataclasses import dataclass

AAA_TEXT = 7.0


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    colour = colour.lstrip("#")
    if len(colour) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, from 1.0 (same colour) to 21.0 (black on white)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class Theme:
    id: str
    window: str  # page background
    text: str  # body text
    muted: str  # secondary text (progress, sources)
    button: str  # button background
    button_text: str
    primary: str  # the main action ("Next", "Start")
    primary_text: str
    warning: str  # warning panel background
    warning_text: str
    right: str  # a right answer's panel background (a wrong one has the warning's colours)
    right_text: str
    focus: str  # focus outline (not text: needs 3:1 against window)

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        return {
            "text": (self.text, self.window),
            "muted": (self.muted, self.window),
            "button": (self.button_text, self.button),
            "primary": (self.primary_text, self.primary),
            "warning": (self.warning_text, self.warning),
            "right": (self.right_text, self.right),
        }


STANDARD = Theme(
    id="standard",
    window="#ffffff",
    text="#1a1a1a",
    muted="#3d3d3d",
    button="#e8eef7",
    button_text="#0b2a55",
    primary="#0b3d91",
    primary_text="#ffffff",
    warning="#fff1c2",
    warning_text="#3a2400",
    right="#dff3e3",
    right_text="#0f3d1a",
    focus="#c2410c",
)

HIGH_CONTRAST_DARK = Theme(
    id="dark",
    window="#000000",
    text="#ffffff",
    muted="#e6e6e6",
    button="#1f1f1f",
    button_text="#ffffff",
    primary="#ffffff",
    primary_text="#000000",
    warning="#2b2100",
    warning_text="#ffe066",
    right="#002b12",
    right_text="#7dffa8",
    focus="#00e5ff",
)

HIGH_CONTRAST_LIGHT = Theme(
    id="light",
    window="#ffffff",
    text="#000000",
    muted="#1f1f1f",
    button="#ffffff",
    button_text="#000000",
    primary="#000000",
    primary_text="#ffffff",
    warning="#fff4cc",
    warning_text="#000000",
    right="#e6f7e9",
    right_text="#000000",
    focus="#0047c2",
)

YELLOW_ON_BLACK = Theme(
    id="yellow",
    window="#000000",
    text="#ffff00",
    muted="#ffff99",
    button="#000000",
    button_text="#ffff00",
    primary="#ffff00",
    primary_text="#000000",
    warning="#262600",
    warning_text="#ffff00",
    right="#003300",
    right_text="#ffff00",
    focus="#ffffff",
)

THEMES = {t.id: t for t in (STANDARD, HIGH_CONTRAST_DARK, HIGH_CONTRAST_LIGHT, YELLOW_ON_BLACK)}
# The ids a visitor may choose are defined once, in the core (`app.preferences.COLOUR_THEMES`); each
# has its colours here (tests/accessibility/test_themes.py checks both lists agree).


def theme(theme_id: str) -> Theme:
    return THEMES.get(theme_id, STANDARD)
