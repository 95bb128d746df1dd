"""The languages the kiosk speaks: which ones, their own names, their direction.

French is the source language of the interface and of the content; every other language falls back
to it. A language is offered when it has an interface catalog in `locales/` and is in this list;
staff choose the default one and which ones visitors see (`Settings.language`,
`Settings.languages`).
"""

from __future__ import annotations

import unicodedata
from functools import cache

SOURCE_LANGUAGE = "fr"
# In the order the picker shows them: French first, then the most asked for at help points.
SUPPORTED: tuple[str, ...] = ("fr", "en", "ar", "es", "pt", "uk", "tr")

# Each language's own name and direction, as Babel's CLDR data gives them (a test checks they
# still agree): kept here so that start-up, which shows them on the home screen, does not load
# CLDR (about 70 ms). Other codes are asked of Babel.
NATIVE_NAMES = {
    "fr": "Français",
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "pt": "Português",
    "uk": "Українська",
    "tr": "Türkçe",
}
RIGHT_TO_LEFT = frozenset({"ar"})

_FSI, _PDI = "\u2068", "\u2069"  # Unicode "first strong isolate" and "pop directional isolate"
_RLM, _LRM = "\u200f", "\u200e"  # right-to-left and left-to-right marks
_MARKS = str.maketrans("", "", _FSI + _PDI + _RLM + _LRM)


def native_name(code: str) -> str:
    """The language's name in its own language and script ("Français", "العربية", "Українська"),
    from Babel's CLDR data."""
    return NATIVE_NAMES.get(code) or babel_native_name(code)


@cache
def babel_native_name(code: str) -> str:
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@cache
def name_in(code: str, language: str) -> str:
    """The language's name in another language (for staff: "arabe", "Arabic")."""
    from babel import Locale

    return Locale.parse(code).get_display_name(language) or code


def is_rtl(code: str) -> bool:
    """Is the language written right to left (Arabic)?"""
    return code in RIGHT_TO_LEFT if code in NATIVE_NAMES else babel_is_rtl(code)


@cache
def babel_is_rtl(code: str) -> bool:
    from babel import Locale

    return Locale.parse(code).character_order == "right-to-left"


def isolate(text: str) -> str:
    """Wrap `text` (a procedure name, a file name…) put inside a translated sentence, so that its
    own direction does not reorder the sentence around it: a French title inside an Arabic
    sentence stays whole and in place (Unicode bidi isolates, understood by Qt)."""
    return f"{_FSI}{text}{_PDI}" if text else text


def directed(text: str, language: str) -> str:
    """`text` made to read in its language's direction, whatever word it starts with.

    A line takes its direction from its first letter: an Arabic sentence that starts with
    "RSA" or "ameli.fr" would be laid out left to right, its words and brackets out of order.
    A right-to-left mark in front fixes that (a left-to-right one for the reverse case); text
    that already starts the right way is left as it is."""
    first = next(
        (kind for kind in map(unicodedata.bidirectional, text) if kind in ("L", "R", "AL")), ""
    )
    if is_rtl(language):
        return _RLM + text if first == "L" else text
    return _LRM + text if first in ("R", "AL") else text


def strip_isolates(text: str) -> str:
    """The text without bidi isolates and marks (for the voice and for logs)."""
    return text.translate(_MARKS)


def valid_offer(default: object, offered: object) -> tuple[str, tuple[str, ...]]:
    """A default language and an offer that make sense: known codes only, in the picker's order,
    the default always offered. Unknown or empty values fall back to French and every language."""
    languages = (
        tuple(code for code in SUPPORTED if code in offered)
        if isinstance(offered, list | tuple)
        else ()
    ) or SUPPORTED
    language = default if isinstance(default, str) and default in SUPPORTED else SOURCE_LANGUAGE
    if language not in languages:
        languages = tuple(code for code in SUPPORTED if code in {*languages, language})
    return language, languages
