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
    focus: str  # focus outline (not text: needs 3:1 against window)

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        return {
            "text": (self.text, self.window),
            "muted": (self.muted, self.window),
            "button": (self.button_text, self.button),
            "primary": (self.primary_text, self.primary),
            "warning": (self.warning_text, self.warning),
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
    focus="#c2410c",
)

THEMES = {STANDARD.id: STANDARD}
