"""The languages' own names and directions kept in app/languages.py agree with Babel's CLDR."""

from __future__ import annotations

import pytest

from pasapas.app.languages import (
    NATIVE_NAMES,
    SUPPORTED,
    babel_is_rtl,
    babel_native_name,
    directed,
    is_rtl,
    native_name,
    strip_isolates,
    valid_offer,
)


@pytest.mark.parametrize("code", SUPPORTED)
def test_kept_names_and_directions_are_babels(code):
    assert native_name(code) == babel_native_name(code)
    assert is_rtl(code) == babel_is_rtl(code)


def test_every_supported_language_has_a_kept_name():
    assert set(NATIVE_NAMES) == set(SUPPORTED)
    assert native_name("de") == "Deutsch"  # others are asked of Babel


def test_directed_marks_only_lines_that_start_the_wrong_way():
    assert directed("RSA هو", "ar") == "\u200f\u2066RSA\u2069 هو"
    assert strip_isolates(directed("RSA هو", "ar")) == "RSA هو"
    assert directed("هو RSA", "ar") == "هو \u2066RSA\u2069"  # isolated, no mark needed
    assert directed("Bonjour", "fr") == "Bonjour"
    assert directed("مرحبا Bonjour", "fr") == "\u200eمرحبا Bonjour"


def test_a_broken_offer_falls_back_to_french_and_every_language():
    assert valid_offer("xx", "not a list") == ("fr", SUPPORTED)
    assert valid_offer("ar", ["en"]) == ("ar", ("en", "ar"))
    assert valid_offer("es", ["tr", "es", "zz"]) == ("es", ("es", "tr"))


@pytest.mark.parametrize("code", SUPPORTED)
def test_text_sizes_are_written_as_babel_writes_percentages(code):
    from pasapas.app.formatting import percent, whole_percent

    for size in (100, 150, 200, 300):
        assert whole_percent(size, code) == percent(size / 100, code)
