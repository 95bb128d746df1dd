"""The languages the kiosk speaks: which ones, their own names, their direction.

French is the source language of the interface and of the content; every other language falls back
to it. A language is offered when it has an interface catalog in `locales/` and is in this list;
staff choose the default one and which ones visitors see (`Settings.language`,
`Settings.languages`).
"""

from __future__ import annotations

import re
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
_LRI = "\u2066"  # "left-to-right isolate"
_RLM, _LRM = "\u200f", "\u200e"  # right-to-left and left-to-right marks
_WJ = "\u2060"  # word joiner (invisible): here, marks the no-break spaces put in a name
_KEPT_SPACE = f"{_WJ}\u00a0{_WJ}"  # a no-break space, marked so that it can be taken out again
_MARKS = str.maketrans("", "", _FSI + _PDI + _LRI + _RLM + _LRM + _WJ)
# A French name kept on one line inside a right-to-left sentence ("(Assurance Maladie)"): up to
# this many words and characters; a longer run wraps like any text.
KEPT_WORDS, KEPT_CHARS = 3, 24
_TOKENS = re.compile(r"[()\[\]{}«»]|\s+|[^\s()\[\]{}«»]+")


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
        text = isolate_left_to_right(text)
        return _RLM + text if first == "L" else text
    return _LRM + text if first in ("R", "AL") else text


def _left_to_right(word: str) -> bool:
    kinds = {unicodedata.bidirectional(char) for char in word}
    return "L" in kinds and not kinds & {"R", "AL"}


def isolate_left_to_right(text: str) -> str:
    """Each run of left-to-right words inside a right-to-left text ("carte Vitale", "ameli.fr",
    "Assurance Maladie") wrapped in a left-to-right isolate, so that the brackets and words
    around it keep their right-to-left order; a short run (a name) is also kept on one line,
    so that "(Assurance Maladie)" is never cut into "Assurance)" and "(Maladie" by the wrap.
    The brackets stay outside the isolate and so take the sentence's direction; line breaking
    keeps an opening bracket with the word after it and a closing one with the word before."""
    tokens = _TOKENS.findall(text)
    out: list[str] = []
    index = 0
    while index < len(tokens):
        if not _left_to_right(tokens[index]):
            out.append(tokens[index])
            index += 1
            continue
        words = [tokens[index]]
        index += 1
        # The run goes on over single spaces to the next left-to-right word.
        while (
            index + 1 < len(tokens) and tokens[index] == " " and _left_to_right(tokens[index + 1])
        ):
            words.append(tokens[index + 1])
            index += 2
        # Punctuation before the first letter and after the last one ("ameli.fr،") is the
        # sentence's, not the name's: it stays outside, where the right-to-left text puts it.
        lead, words[0] = _split_at(words[0], first=True)
        words[-1], tail = _split_at(words[-1], first=False)
        short = len(words) <= KEPT_WORDS and sum(map(len, words)) + len(words) <= KEPT_CHARS
        joiner = _KEPT_SPACE if short else " "
        out.append(f"{lead}{_LRI}{joiner.join(words)}{_PDI}{tail}")
    return "".join(out)


def _split_at(word: str, *, first: bool) -> tuple[str, str]:
    """(punctuation, rest) for the start of `word`, or (rest, punctuation) for its end."""
    strong = [i for i, char in enumerate(word) if unicodedata.bidirectional(char) in ("L", "EN")]
    if first:
        return word[: strong[0]], word[strong[0] :]
    return word[: strong[-1] + 1], word[strong[-1] + 1 :]


def strip_isolates(text: str) -> str:
    """The text without bidi isolates and marks (for the voice and for logs)."""
    return text.replace(_KEPT_SPACE, " ").translate(_MARKS)


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
