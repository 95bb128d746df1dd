"""Every interface catalog is complete and faithful, and compiles with GNU gettext and Babel."""

from __future__ import annotations

import gettext
import shutil
import subprocess

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pasapas.app.i18n import gettext_in, ngettext, set_language
from pasapas.app.i18n_catalogs import catalog_path, placeholders, problems
from pasapas.app.languages import SUPPORTED


@pytest.mark.parametrize("language", SUPPORTED)
def test_catalog_is_complete_without_fuzzy_and_with_matching_placeholders(language):
    path = catalog_path(language)
    assert path.exists(), f"no catalog for {language}: run `make i18n-update`"
    assert problems(path) == []


@pytest.mark.parametrize("language", SUPPORTED)
def test_catalog_compiles_with_gnu_msgfmt_check(language, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is missing: installer/system-deps.sh installs it"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(tmp_path / "x.mo"), str(catalog_path(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", SUPPORTED)
def test_catalog_compiles_with_babel_and_loads_in_gettext(language, tmp_path):
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle)
    assert not catalog.fuzzy
    errors = [(m.id, e) for m, e in catalog.check() if e]
    assert errors == []
    mo = tmp_path / "pasapas.mo"
    with mo.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    translated = translations.gettext("Suivant →")
    assert translated and (language == "fr" or translated != "Suivant →")


def test_placeholder_names_are_found_and_doubled_braces_are_literal():
    assert placeholders("Étape {k} sur {n}") == {"k", "n"}
    assert placeholders("{size:>3} %") == {"size"}
    assert placeholders("{{literal}} {name}") == {"name"}


def test_a_missing_placeholder_is_a_problem(tmp_path):
    broken = tmp_path / "xx" / "LC_MESSAGES" / "pasapas.po"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Étape {k} sur {n}"\nmsgstr "Step {k}"\n\n'
        '#, fuzzy\nmsgid "Suivant"\nmsgstr "Next"\n\n'
        'msgid "Arrêter"\nmsgstr ""\n',
        encoding="utf-8",
    )
    found = problems(broken)
    assert any("placeholders ['k'] instead of ['k', 'n']" in line for line in found)
    assert any("fuzzy" in line for line in found)
    assert any("'Arrêter': not translated" in line for line in found)


@pytest.mark.parametrize(
    ("language", "counts"),
    [
        ("fr", {0: "0 démarche", 1: "1 démarche", 2: "2 démarches"}),
        ("en", {1: "1 procedure", 2: "2 procedures"}),
        ("uk", {1: "1 процедура", 3: "3 процедури", 5: "5 процедур", 21: "21 процедура"}),
    ],
)
def test_plurals_follow_each_language_rules(language, counts):
    set_language(language)
    try:
        for n, expected in counts.items():
            assert ngettext("{n} démarche", "{n} démarches", n).format(n=n) == expected
    finally:
        set_language("fr")


def test_arabic_has_six_plural_forms_that_all_differ_from_french():
    set_language("ar")
    try:
        shown = {
            ngettext("{n} démarche", "{n} démarches", n).format(n=n) for n in (0, 1, 2, 3, 11, 100)
        }
    finally:
        set_language("fr")
    assert len(shown) == 6
    assert not any("démarche" in text for text in shown)


def test_a_sentence_can_be_had_in_another_language_than_the_interface():
    set_language("ar")
    try:
        assert gettext_in("fr", "Conseil : {tip}") == "Conseil : {tip}"
        assert gettext_in("en", "Conseil : {tip}") != "Conseil : {tip}"
    finally:
        set_language("fr")
