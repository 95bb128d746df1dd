"""Dates, numbers and durations as a person reads them, through Babel (never formatted by hand)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as _format_date
from babel.dates import format_timedelta
from babel.numbers import format_decimal


def _locale(language: str) -> str:
    return language.replace("-", "_")


def long_date(day: dt.date, language: str) -> str:
    """ "29 novembre 2026"."""
    return _format_date(day, format="long", locale=_locale(language))


def minutes(count: int, language: str) -> str:
    """ "15 minutes", "1 heure"."""
    return format_timedelta(
        dt.timedelta(minutes=count), threshold=2, locale=_locale(language), format="long"
    )


def number(value: int | float, language: str) -> str:
    return format_decimal(value, locale=_locale(language))
