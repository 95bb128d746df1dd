"""Dates, numbers and durations as a person reads them, through Babel (never formatted by hand).

Babel is imported on first use: the home screen shows none of these, and start-up stays quick.
"""

from __future__ import annotations

import datetime as dt


def _locale(language: str) -> str:
    return language.replace("-", "_")


def long_date(day: dt.date, language: str) -> str:
    """"29 novembre 2026"."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=_locale(language))


def minutes(count: int, language: str) -> str:
    """"15 minutes", "1 heure"."""
    from babel.dates import format_timedelta

    return format_timedelta(
        dt.timedelta(minutes=count), threshold=2, locale=_locale(language), format="long"
    )


def number(value: float, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_locale(language))
