"""Translation coverage: counted per language, warned about by `validate`, tabled by `coverage`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.coverage import LanguageCoverage, coverage, texts, totals
from pasapas.app.formatting import percent
from pasapas.app.languages import SUPPORTED
from tests.app.helpers import BUILTIN_IDS, builtin_data, procedure_from, write_json
from tests.app.test_cli import pasapas

FULLY_TRANSLATED = ("ameli-creer-compte", "attestation-droits", "complementaire-sante-solidaire")
PERCENT = re.compile(r"\d+\s?%")


def _text(*languages: str) -> dict[str, str]:
    return {language: f"texte {language}" for language in ("fr", *languages)}


def small_procedure() -> dict[str, Any]:
    """15 texts: all in English but a tip, 3 in Arabic, none in Spanish; Spanish synonyms."""
    return {
        "format": "pasapas.procedure/1",
        "id": "petite",
        "version": 1,
        "title": _text("en", "ar"),
        "summary": _text("en", "ar"),
        "themes": ["rights"],
        "audience": _text("en"),
        "estimated_minutes": 5,
        "documents": [_text("en", "ar")],
        "sources": [
            {"title": _text("en"), "url": "https://www.service-public.fr/", "checked": "2026-01-02"}
        ],
        "synonyms": {"fr": ["exemple"], "es": ["ejemplo"], "pt": ["exemplo"]},
        "start": "question",
        "steps": [
            {
                "id": "question",
                "kind": "choice",
                "title": _text("en"),
                "text": _text("en"),
                "tip": _text(),
                "choices": [
                    {"label": _text("en"), "next": "liste"},
                    {"label": _text("en"), "next": "fin"},
                ],
            },
            {
                "id": "liste",
                "kind": "checklist",
                "title": _text("en"),
                "text": _text("en"),
                "items": [_text("en")],
                "next": "fin",
            },
            {"id": "fin", "kind": "done", "title": _text("en"), "text": _text("en")},
        ],
    }


# -- counting --------------------------------------------------------------------------------


def test_every_text_is_found_with_its_json_path_and_synonyms_are_not_counted():
    paths = [path for path, _text in texts(procedure_from(small_procedure()))]
    assert paths == [
        "$.title",
        "$.summary",
        "$.audience",
        "$.documents[0]",
        "$.sources[0].title",
        "$.steps[0].title",
        "$.steps[0].text",
        "$.steps[0].tip",
        "$.steps[0].choices[0].label",
        "$.steps[0].choices[1].label",
        "$.steps[1].title",
        "$.steps[1].text",
        "$.steps[1].items[0]",
        "$.steps[2].title",
        "$.steps[2].text",
    ]


def test_coverage_counts_present_total_and_missing_paths_per_language():
    found = coverage(procedure_from(small_procedure()))
    assert set(found) == set(SUPPORTED)
    assert found["fr"] == LanguageCoverage(15, 15, ())
    assert found["en"] == LanguageCoverage(14, 15, ("$.steps[0].tip",))
    assert found["ar"].present == 3 and found["ar"].total == 15
    assert found["ar"].missing[:3] == ("$.audience", "$.sources[0].title", "$.steps[0].title")
    assert len(found["ar"].missing) == 12
    # Synonyms in Spanish and Portuguese are search words, not translations.
    for language in ("es", "pt", "uk", "tr"):
        assert found[language] == LanguageCoverage(0, 15, found[language].missing)
        assert found[language].untranslated
        assert len(found[language].missing) == 15


def test_shown_ratio_never_rounds_up_to_complete_nor_down_to_nothing():
    assert LanguageCoverage(14, 15, ()).shown_ratio == 0.93
    assert LanguageCoverage(999, 1000, ()).shown_ratio == 0.99
    assert LanguageCoverage(1, 1000, ()).shown_ratio == 0.01
    assert LanguageCoverage(0, 1000, ()).shown_ratio == 0.0
    assert LanguageCoverage(7, 7, ()).shown_ratio == 1.0
    assert LanguageCoverage(0, 0, ()).ratio == 1.0


def test_totals_add_up_every_procedure():
    one = coverage(procedure_from(small_procedure()))
    other = coverage(procedure_from(builtin_data("carte-vitale")))
    both = totals([one, other])
    assert both["en"] == LanguageCoverage(14 + 49, 15 + 49, ())
    assert both["ar"] == LanguageCoverage(3 + 49, 15 + 49, ())
    assert both["es"] == LanguageCoverage(0, 15 + 49, ())


def test_percent_is_formatted_by_babel_in_the_reader_language():
    assert percent(0.98, "fr") == "98\xa0%"
    assert percent(1, "en") == "100%"
    assert percent(0.5, "tr") == "%50"


# -- pasapas content validate ----------------------------------------------------------------


def test_validate_warns_about_missing_translations_and_still_succeeds(tmp_path: Path):
    path = write_json(tmp_path / "petite.json", small_procedure())
    result = pasapas(tmp_path, "content", "validate", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 démarche valide" in result.stdout
    warnings = result.stderr.splitlines()
    assert warnings == [
        f"avertissement : {path} : anglais : 1 texte sur 15 manque ($.steps[0].tip)",
        f"avertissement : {path} : arabe : 12 textes sur 15 manquent "
        "($.audience, $.sources[0].title, $.steps[0].title, …)",
        f"avertissement : {path} : espagnol : non traduite",
        f"avertissement : {path} : portugais : non traduite",
        f"avertissement : {path} : ukrainien : non traduite",
        f"avertissement : {path} : turc : non traduite",
    ]


def test_validate_gives_no_warning_for_a_fully_translated_procedure(tmp_path: Path):
    files = [path for path in builtin_files() if path.stem in FULLY_TRANSLATED]
    result = pasapas(tmp_path, "content", "validate", *map(str, files))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_validate_warns_for_valid_files_and_fails_for_invalid_ones(tmp_path: Path):
    good = write_json(tmp_path / "petite.json", small_procedure())
    broken = small_procedure()
    broken["id"] = "cassee"
    broken["start"] = "nulle-part"
    bad = write_json(tmp_path / "cassee.json", broken)
    result = pasapas(tmp_path, "content", "validate", str(good), str(bad))
    assert result.returncode == 1
    assert f"avertissement : {good} : arabe : " in result.stderr
    assert f"avertissement : {bad}" not in result.stderr
    assert f"{bad}: $.start: " in result.stderr
    assert result.stderr.splitlines()[-1] == "1 problème."


# -- pasapas content coverage ----------------------------------------------------------------


def _table(stdout: str) -> dict[str, dict[str, str]]:
    """The coverage table as {row name: {language: cell}}."""
    lines = stdout.split("\n\n")[0].splitlines()
    header = lines[0].split()
    assert header[1:] == list(SUPPORTED)
    table = {}
    for line in lines[1:]:
        name, cells = line.split(None, 1)
        values = PERCENT.findall(cells)
        assert len(values) == len(SUPPORTED), line
        table[name] = dict(zip(SUPPORTED, (v.replace("\xa0", " ") for v in values), strict=True))
    return table


def test_coverage_of_the_builtin_files(tmp_path: Path):
    result = pasapas(tmp_path, "content", "coverage", *map(str, builtin_files()))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    table = _table(result.stdout)
    assert list(table) == [*BUILTIN_IDS, "total"]
    for procedure_id in BUILTIN_IDS:
        row = table[procedure_id]
        assert row["fr"] == row["en"] == row["ar"] == "100 %", procedure_id
        for language in ("es", "pt", "uk", "tr"):
            if procedure_id in FULLY_TRANSLATED:
                assert row[language] == "100 %", (procedure_id, language)
            else:
                assert row[language] != "100 %", (procedure_id, language)
    total = table["total"]
    assert total["fr"] == total["en"] == total["ar"] == "100 %"
    assert all(total[language] not in ("0 %", "100 %") for language in ("es", "pt", "uk", "tr"))


def test_coverage_lists_the_missing_paths_of_one_language(tmp_path: Path):
    path = write_json(tmp_path / "petite.json", small_procedure())
    vitale = builtin_data("carte-vitale")
    vitale_path = write_json(tmp_path / "carte-vitale.json", vitale)
    result = pasapas(
        tmp_path, "content", "coverage", "--language", "ar", str(path), str(vitale_path)
    )
    assert result.returncode == 0, result.stderr
    table = _table(result.stdout)
    assert table["petite"]["ar"] == "20 %"
    assert table["petite"]["en"] == "93 %"  # 14 of 15: rounded down, never up to 100 %
    details = result.stdout.split("\n\n")[1].splitlines()
    assert details[0] == "Textes manquants en arabe :"
    assert details[1] == "petite : 12 textes sur 15 manquent"
    assert details[2:5] == ["  $.audience", "  $.sources[0].title", "  $.steps[0].title"]
    assert len(details) == 2 + 12  # carte-vitale is complete in Arabic: not listed

    spanish = pasapas(tmp_path, "content", "coverage", "--language", "es", str(path))
    assert spanish.stdout.split("\n\n")[1].splitlines() == [
        "Textes manquants en espagnol :",
        "petite : non traduite",
    ]
    french = pasapas(tmp_path, "content", "coverage", "--language", "fr", str(path))
    assert french.stdout.split("\n\n")[1].strip() == "Rien ne manque en français."


def test_coverage_reports_a_bad_file_and_still_tables_the_others(tmp_path: Path):
    good = write_json(tmp_path / "petite.json", small_procedure())
    bad = tmp_path / "cassee.json"
    bad.write_text('{"format": ', encoding="utf-8")
    missing = tmp_path / "absente.json"
    result = pasapas(tmp_path, "content", "coverage", str(good), str(bad), str(missing))
    assert result.returncode == 1
    assert list(_table(result.stdout)) == ["petite", "total"]
    assert f"{bad}: $: JSON invalide" in result.stderr
    assert f"{missing}: $: fichier illisible" in result.stderr
    assert result.stderr.splitlines()[-1] == "2 problèmes."


def test_coverage_rejects_an_unknown_language(tmp_path: Path):
    result = pasapas(tmp_path, "content", "coverage", "--language", "de", str(builtin_files()[0]))
    assert result.returncode == 2
    assert "de" in result.stderr


@pytest.fixture(scope="module")
def store_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("coverage") / "home"
    result = pasapas(home, "db", "init")
    assert result.returncode == 0, result.stderr
    return home


def test_coverage_without_files_reads_the_store(store_home: Path):
    result = pasapas(store_home, "content", "coverage")
    assert result.returncode == 0, result.stderr
    table = _table(result.stdout)
    assert list(table) == [*BUILTIN_IDS, "total"]
    from_files = pasapas(store_home, "content", "coverage", *map(str, builtin_files()))
    assert result.stdout == from_files.stdout


def test_coverage_of_the_store_needs_the_passphrase(store_home: Path):
    result = pasapas(store_home, "content", "coverage", passphrase=None)
    assert result.returncode != 0
    assert "PASAPAS_PASSPHRASE" in result.stderr
    assert result.stdout == ""
