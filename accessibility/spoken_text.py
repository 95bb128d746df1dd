"""Text as it is said: no decorative symbols, and numbers, acronyms and addresses read the way a
person would read them aloud.

- `without_symbols(text)` drops pictographic and decorative characters (✚ ♥ ⚠ ↻ ◐ ← → ✔ ★ • ▶,
  emoji, dingbats, arrows) and collapses the spaces they leave. Letters, digits and ordinary
  punctuation stay. Used for accessible names and for speech.
- `normalise(text, language)` is the whole speech text: `without_symbols`, then the language's
  pronunciation rules (phone numbers, acronyms, web addresses, amounts, dates, times), read from
  `accessibility/pronunciations/<language>.json`.

Qt-free; nothing here is logged or written.

Each data file holds, for its language (every key optional):

    "words":   {"CPAM": "cé pame", "n°": "numéro", ...}   whole words, exact case; longest first
    "web":     {"dot": "point", "slash": "slash", "hyphen": "tiret", "at": "arobase",
                "labels": {"fr": "f r", "www": "w w w"}}  how an address is read out
    "phone":   {"plus": "plus", "separator": ", ", "short": {"3646": "36 46"}}
    "amount":  {"currency": ["euro", "euros"], "cent": ["centime", "centimes"], "singular": [0, 1],
                "whole": "{units} {currency}", "with_cents": "{units} {currency} {cents}",
                "cents_only": "{cents} {cent}"}
    "date":    {"months": ["janvier", ...], "pattern": "{day} {month} {year}", "first": "1er"}
    "time":    {"hour": ["heure", "heures"], "singular": [0, 1], "whole": "{hours} {hour}",
                "pattern": "{hours} {hour} {minutes}", "range": "à"}   ({minutes2}: "05")
    "sample":  "Bonjour. Je lis chaque étape à voix haute…"   what staff hear a voice say

Order: bidi marks and symbols out, then web addresses, dates, times, amounts, phone numbers, and
last the words (so "CAF" inside "caf.fr" is read by the address rule, with the words' spelling).

Numbers stay in digits: the voice reads them in its own language ("36 46" is "trente-six
quarante-six" in French, "ستة وثلاثون ستة وأربعون" in Arabic). The rules only regroup them the way
people say them and put the words around them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["PRONUNCIATIONS", "normalise", "pronunciations", "sample_text", "without_symbols"]

PRONUNCIATIONS = Path(__file__).resolve().with_name("pronunciations")

# Sm (math symbols) stay, except the arrows: "+", "=", "<", "%" are read; "→" is decoration.
_ARROW_BLOCKS = (
    (0x2190, 0x21FF),  # Arrows
    (0x27F0, 0x27FF),  # Supplemental Arrows-A
    (0x2900, 0x297F),  # Supplemental Arrows-B
    (0x2B00, 0x2BFF),  # Miscellaneous Symbols and Arrows
    (0x1F800, 0x1F8FF),  # Supplemental Arrows-C
)
# Punctuation-class characters used as list bullets or decoration.
_DECORATIVE_PUNCTUATION = frozenset("•‣◦⁃∙※⁂")
# Invisible glue of emoji sequences: joiner, variation selectors, keycap, tags.
# Signs that are read ("n°", "20 °C", "№ 5"), though Unicode files them with the pictographs.
_KEPT_SIGNS = frozenset("°№")
_EMOJI_GLUE = frozenset("\u200d\ufe0e\ufe0f\u20e3")
_SPACES = re.compile(r"[^\S\n]{2,}")
_SPACE_BEFORE_STOP = re.compile(r"[^\S\n]+([,.)\]])")
_BLANK_LINES = re.compile(r"\n{3,}")


def _is_symbol(char: str) -> bool:
    if char in _DECORATIVE_PUNCTUATION:
        return True
    if char in _KEPT_SIGNS:
        return False
    code = ord(char)
    if char in _EMOJI_GLUE or 0xE0020 <= code <= 0xE007F:
        return True
    category = unicodedata.category(char)
    if category == "So":  # dingbats, pictographs, emoji, geometric shapes, ©…
        return True
    if category == "Sk" and 0x1F3FB <= code <= 0x1F3FF:  # emoji skin tones
        return True
    if category == "Co":  # private use: icon fonts
        return True
    if category == "Sm":
        return any(low <= code <= high for low, high in _ARROW_BLOCKS)
    return False


def without_symbols(text: str) -> str:
    """`text` without pictographic or decorative symbols, with the spaces they left collapsed."""
    if not text:
        return ""
    kept = "".join(" " if _is_symbol(char) else char for char in text)
    if kept == text:
        return text.strip()
    lines = []
    for line in kept.split("\n"):
        line = _SPACES.sub(" ", line).strip()
        lines.append(_SPACE_BEFORE_STOP.sub(r"\1", line) if line else line)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# -- the per-language rules -----------------------------------------------------------------------


@lru_cache(maxsize=16)
def pronunciations(language: str) -> dict[str, Any]:
    """The language's pronunciation data ({} when it has none, or its file cannot be read)."""
    code = language.strip().lower().replace("_", "-").split("-", 1)[0]
    if not code.isalpha():
        return {}
    try:
        data = json.loads((PRONUNCIATIONS / f"{code}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _plural(forms: Any, count: int, singular: Any) -> str:
    if isinstance(forms, str):
        return forms
    if not isinstance(forms, list) or not forms:
        return ""
    one = count in (singular if isinstance(singular, list) else [1])
    return str(forms[0] if one or len(forms) == 1 else forms[1])


def _fill(pattern: Any, **values: Any) -> str:
    return " ".join(str(pattern).format(**values).split())


_SEP = r"[ \u00a0\u202f.\-]"  # what people put between the digit groups of a phone number
_GAP = r"[ \u00a0\u202f]?"
_TLD = r"(?:fr|com|org|net|eu|info|gouv\.fr|gouv)"
_WEB = re.compile(
    r"(?<![\w@.-])"
    r"(?:(?P<scheme>https?://))?"
    r"(?:(?P<user>[\w.+-]+)@)?"
    r"(?P<host>(?:[^\W_](?:[\w-]*[^\W_])?\.)+" + _TLD + r")"
    r"(?P<path>/[\w/.\-~%?=&#]*[\w/~%=&#])?/?"
    r"(?![\w-])",
)
_DATE_DMY = re.compile(r"(?<![\d/.])(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?![\d/])")
_DATE_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_ONE_TIME = (
    r"(?:([01]?\d|2[0-3])" + _GAP + r"[hH]" + _GAP + r"([0-5]\d)?|([01]?\d|2[0-3]):([0-5]\d))"
)
_TIME = re.compile(
    r"(?<![\w,.:])"
    + _ONE_TIME
    + r"(?:"
    + _GAP
    + r"[-–—]"
    + _GAP
    + _ONE_TIME
    + r")?(?![\w:]|[,.]\d)"
)
_UNITS = r"(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)"
_AMOUNT_AFTER = re.compile(
    r"(?<![\d,.])" + _UNITS + r"(?:[,.](\d{1,2}))?" + _GAP + r"(?:€|EUR\b|euros?\b)"
)
_AMOUNT_BEFORE = re.compile(r"€" + _GAP + r"(\d+)(?:[.,](\d{1,2}))?(?![\d,.]\d)")
# "+33 1 84 90 36 46", "+33 (0)1 84 90 36 46", "+33.1.84.90.36.46", "+33184903646"
_PHONE_INTL = re.compile(
    r"(?<![\w+])\+" + _GAP + r"(\d{2,3}(?:" + _SEP + r"?(?:\(0\)|\d{1,4})){2,8})(?!\d)"
)
_PHONE_FR = re.compile(r"(?<![\d+])(0\d)((?:" + _SEP + r"?\d{2}){4})(?![\d])")
_DIGIT_GROUP = re.compile(r"\d+")


def _web(data: dict[str, Any], words: re.Pattern[str] | None, word_map: dict[str, str]):
    web = data.get("web") or {}
    labels = web.get("labels") or {}

    def label(part: str) -> str:
        if part in labels:
            return str(labels[part])
        if words is not None and part in word_map:
            return word_map[part]
        return part

    def read_host(host: str) -> str:
        pieces = []
        for name in host.split("."):
            pieces.append(f" {web.get('hyphen', '-')} ".join(label(bit) for bit in name.split("-")))
        return f" {web.get('dot', '.')} ".join(pieces)

    def replace(match: re.Match[str]) -> str:
        said = read_host(match["host"])
        if match["user"]:
            said = f"{read_host(match['user'])} {web.get('at', '@')} {said}"
        path = (match["path"] or "").strip("/")
        if path:
            for part in path.split("/"):
                said += f" {web.get('slash', '/')} {read_host(part)}"
        return said

    return replace


def _phones(data: dict[str, Any], text: str, language: str) -> str:
    phone = data.get("phone") or {}
    sep = str(phone.get("separator", ", "))
    plus = str(phone.get("plus", "+"))

    def intl(match: re.Match[str]) -> str:
        groups = _DIGIT_GROUP.findall(match[1].replace("(0)", " "))
        if len(groups) == 1:  # written in one block: a French number is 33, 1 digit, 4 pairs
            digits = groups[0]
            if digits.startswith("33") and len(digits) == 11:
                groups = ["33", digits[2]] + [digits[i : i + 2] for i in range(3, 11, 2)]
            else:
                groups = [digits[:2]] + [digits[i : i + 2] for i in range(2, len(digits), 2)]
        return sep.join([f"{plus} {groups[0]}", *groups[1:]])

    def national(match: re.Match[str]) -> str:
        digits = match[1] + "".join(_DIGIT_GROUP.findall(match[2]))
        return sep.join(digits[i : i + 2] for i in range(0, 10, 2))

    text = _PHONE_INTL.sub(intl, text)
    text = _PHONE_FR.sub(national, text)
    short = phone.get("short") or {}
    pattern = _short_numbers(language)
    if pattern is not None:
        text = pattern.sub(lambda m: str(short[m[1]]), text)
    return text


@lru_cache(maxsize=16)
def _short_numbers(language: str) -> re.Pattern[str] | None:
    short = (pronunciations(language).get("phone") or {}).get("short") or {}
    if not short:
        return None
    keys = sorted(map(str, short), key=len, reverse=True)
    return re.compile(r"(?<![\w.,])(" + "|".join(map(re.escape, keys)) + r")(?![\w]|[.,]\d)")


def _amounts(data: dict[str, Any], text: str) -> str:
    amount = data.get("amount")
    if not amount:
        return text

    def say(units_text: str, cents_text: str | None) -> str:
        units = int(re.sub(r"\D", "", units_text))
        cents = int(cents_text.ljust(2, "0")) if cents_text else 0  # "12,5 €": 50 cents
        singular = amount.get("singular", [1])
        currency = _plural(amount.get("currency"), units, singular)
        cent = _plural(amount.get("cent"), cents, singular)
        if units == 0 and cents:
            return _fill(amount.get("cents_only", "{cents} {cent}"), cents=cents, cent=cent)
        if cents:
            return _fill(
                amount.get("with_cents", "{units} {currency} {cents}"),
                units=units,
                currency=currency,
                cents=cents,
                cent=cent,
            )
        return _fill(amount.get("whole", "{units} {currency}"), units=units, currency=currency)

    text = _AMOUNT_AFTER.sub(lambda m: say(m[1], m[2]), text)
    return _AMOUNT_BEFORE.sub(lambda m: say(m[1], m[2]), text)


def _dates(data: dict[str, Any], text: str) -> str:
    date = data.get("date") or {}
    months = date.get("months")
    if not isinstance(months, list) or len(months) != 12:
        return text

    def say(day_text: str, month_text: str, year: str, whole: str) -> str:
        day, month = int(day_text), int(month_text)
        if not (1 <= day <= 31 and 1 <= month <= 12):
            return whole
        shown_day = str(date.get("first", 1)) if day == 1 else str(day)
        return _fill(
            date.get("pattern", "{day} {month} {year}"),
            day=shown_day,
            month=months[month - 1],
            year=int(year),
        )

    text = _DATE_DMY.sub(lambda m: say(m[1], m[3], m[4], m[0]), text)
    return _DATE_ISO.sub(lambda m: say(m[3], m[2], m[1], m[0]), text)


def _times(data: dict[str, Any], text: str) -> str:
    time = data.get("time")
    if not time:
        return text

    def one(hours_text: str, minutes_text: str | None) -> str:
        hours = int(hours_text)
        minutes = int(minutes_text) if minutes_text else 0
        hour = _plural(time.get("hour"), hours, time.get("singular", [1]))
        if minutes:
            return _fill(
                time.get("pattern", "{hours} {hour} {minutes}"),
                hours=hours,
                hour=hour,
                minutes=minutes,
                minutes2=f"{minutes:02d}",
            )
        return _fill(time.get("whole", "{hours} {hour}"), hours=hours, hour=hour)

    def say(match: re.Match[str]) -> str:
        g = match.groups()
        first = one(g[0] or g[2], g[1] if g[0] else g[3])
        if g[4] is None and g[6] is None:
            return first
        second = one(g[4] or g[6], g[5] if g[4] else g[7])
        return f"{first} {time.get('range', '-')} {second}"

    def seam(match: re.Match[str]) -> str:
        # "الساعة 14h30" must not become "الساعة الساعة 14 و 30 دقيقة": a word the text already
        # says just before the time is not said twice.
        said = say(match)
        first, _, rest = said.partition(" ")
        before = text[: match.start()].rstrip()
        if rest and before.endswith(first) and match.start() > len(before):
            return rest
        return said

    return _TIME.sub(seam, text)


_LATIN = r"[0-9A-Za-z\u00c0-\u024f_]"
# Bidi marks and isolates (app.languages wraps embedded left-to-right runs in them), soft hyphens
# and zero-width spaces: nothing to say, and they would hide "ameli.fr" or "12,50 €" from the rules.
_INVISIBLE = re.compile("[\u00ad\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@lru_cache(maxsize=16)
def _word_pattern(language: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    words = pronunciations(language).get("words") or {}
    words = {str(k): str(v) for k, v in words.items() if str(k)}
    if not words:
        return None, {}
    keys = sorted(words, key=len, reverse=True)
    # Bounded by Latin letters and digits only: Arabic writes "و" (and) or "ب" (at) against the
    # next word, "وCAF" is "and CAF".
    return re.compile(
        rf"(?<!{_LATIN})(" + "|".join(map(re.escape, keys)) + rf")(?!{_LATIN})"
    ), words


_LONE_AT = re.compile(r"(?<!\S)@(?!\S)")


def normalise(text: str, language: str) -> str:
    """The text to hand to the speech engine for `language` (a code such as "fr", "ar"): no
    symbols, and web addresses, dates, times, amounts, phone numbers and known words read the
    way the language's data file says."""
    text = without_symbols(_INVISIBLE.sub("", text))
    data = pronunciations(language)
    if not text or not data:
        return text
    words, word_map = _word_pattern(language)
    text = _WEB.sub(_web(data, words, word_map), text)
    # The sign @ on its own (an address's is read with the address): its name in the language.
    at = (data.get("web") or {}).get("at")
    if at:
        text = _LONE_AT.sub(at, text)
    text = _dates(data, text)
    text = _times(data, text)
    text = _amounts(data, text)
    text = _phones(data, text, language)
    if words is not None:
        text = words.sub(lambda m: word_map[m[1]], text)
    return text


def sample_text(language: str) -> str:
    """A short sentence in `language` for staff to hear a voice with (French when it has none)."""
    return str(pronunciations(language).get("sample") or pronunciations("fr").get("sample", ""))
