"""Dates, numbers and durations as a person reads them, through Babel (never formatted by hand).

Babel is imported on first use: the home screen shows none of these, and start-up stays quick.
"""

from __future__ import annotations

import datetime as dt


def _locale(language: str) -> str:
    return language.replace("-", "_")


def long_date(day: dt.date, language: str) -> str:
    """ "29 novembre 2026"."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=_locale(language))


def minutes(count: int, language: str) -> str:
    """ "15 minutes", "1 heure"."""
    from babel.dates import format_timedelta

    return format_timedelta(
        dt.timedelta(minutes=count), threshold=2, locale=_locale(language), format="long"
    )


def number(value: float, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(language))


# Where the percent sign goes, as Babel's CLDR data has it for the kiosk's languages (a test keeps
# them in step): the access bar shows a size at start-up, which need not load Babel for it.
_PERCENT_PATTERNS = {
    "fr": "{n}\u00a0%",
    "es": "{n}\u00a0%",
    "en": "{n}%",
    "ar": "{n}%",
    "pt": "{n}%",
    "uk": "{n}%",
    "tr": "%{n}",
}


def whole_percent(count: int, language: str) -> str:
    """A whole percentage under 1,000 (a text size: "200 %", "200%", "%200")."""
    pattern = _PERCENT_PATTERNS.get(language)
    if pattern is None or not 0 <= count < 1000:
        return percent(count / 100, language)
    return pattern.format(n=count)


def percent(value: float, language: str) -> str:
    """A share from 0 to 1 as a percentage: 0.98 is "98 %" in French, "98%" in English, "%98" in
    Turkish. Rounded to a whole percent: callers that must not show "100 %" for 0.996 round down
    first."""
    from babel.numbers import format_percent

    return format_percent(value, locale=_locale(language))


def moment(iso: str, language: str, now: dt.datetime | None = None) -> str:
    """An ISO timestamp as a person reads it: "il y a 3 minutes (29 nov. 2026, 14:05)",
    "3 minutes ago (Nov 29, 2026, 2:05 PM)". A text that is not a timestamp comes back as it is."""
    from babel.dates import format_datetime, format_timedelta

    try:
        when = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    ago = format_timedelta(
        when - now, add_direction=True, threshold=1.5, format="long", locale=_locale(language)
    )
    local = when.astimezone()
    return f"{ago} ({format_datetime(local, format='medium', locale=_locale(language))})"
