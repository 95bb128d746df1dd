"""gettext for every user-facing string.

Message ids are the French interface text (French is the default language), so a string with no
translation yet falls back to French. `_` and `ngettext` look up the *current* translation each time
they are called, so switching language takes effect on the next render without a restart.
"""

from __future__ import annotations

import gettext as _gettext
import threading
from functools import cache
from pathlib import Path

DOMAIN = "pasapas"
DEFAULT_LANGUAGE = "fr"
# An installed kiosk has its catalogs compiled into the package (setup.py); a source tree has
# them in locales/ at the top (the .po files, and the .mo files `make` compiles next to them).
SOURCE_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
_PACKAGED = Path(__file__).resolve().parent / "locales"
LOCALE_DIR = _PACKAGED if _PACKAGED.is_dir() else SOURCE_LOCALE_DIR

_lock = threading.Lock()
_current: _gettext.NullTranslations = _gettext.NullTranslations()
_language = DEFAULT_LANGUAGE


@cache
def _translations(language: str) -> _gettext.NullTranslations:
    # Once per language and process: switching back and forth, or a sentence asked in another
    # language (`gettext_in`) on every step, looks for no file again.
    return _gettext.translation(
        DOMAIN, localedir=str(LOCALE_DIR), languages=[language], fallback=True
    )


def set_language(language: str) -> None:
    """Make `language` (e.g. "fr", "ar") the interface language for every later `_()` call."""
    global _current, _language
    translations = _translations(language)
    with _lock:
        _current = translations
        _language = language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _current.pgettext(context, message)


def gettext_in(language: str, message: str) -> str:
    """`message` in `language`, whatever the interface language: a sentence around a French
    text shown untranslated is said in French too, not half in the visitor's language."""
    if language == _language:
        return _current.gettext(message)
    return _translations(language).gettext(message)


def ngettext_in(language: str, singular: str, plural: str, n: int) -> str:
    """`ngettext` in `language`, whatever the interface language (see `gettext_in`)."""
    if language == _language:
        return _current.ngettext(singular, plural, n)
    return _translations(language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later, where it is shown."""
    return message
