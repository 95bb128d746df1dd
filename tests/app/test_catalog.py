"""The catalog: search as a visitor types, browse by theme, import all or nothing."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pytest
import sqlcipher3

from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import Catalog
from pasapas.app.content.themes import THEMES
from pasapas.app.content.validation import load_files
from pasapas.app.errors import ContentError, NotFoundError
from pasapas.app.store import Store
from tests.app.helpers import BUILTIN_IDS, PASSPHRASE, builtin_data, procedure_from, write_json

BUILTINS = {procedure.id: procedure for procedure in load_files(builtin_files())[0]}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The built-in procedures in one store, shared by the tests that only read."""
    path = tmp_path_factory.mktemp("catalog") / "pasapas.db"
    store = Store.create(path, PASSPHRASE)
    catalog = Catalog(store)
    report = catalog.import_files(builtin_files())
    assert sorted(report.added) == BUILTIN_IDS
    yield catalog
    store.close()


@pytest.fixture
def empty_catalog(tmp_path: Path) -> Catalog:
    store = Store.create(tmp_path / "pasapas.db", PASSPHRASE)
    yield Catalog(store)
    store.close()


def _ids(items) -> list[str]:
    return [item.id for item in items]


# -- search ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("medecin traitant", "medecin-traitant"),
        ("MÉDECIN Traitant", "medecin-traitant"),
        ("vitale", "carte-vitale"),
        ("VITALE", "carte-vitale"),
        ("arnaque", "message-frauduleux"),
        ("comment créer mon compte ameli", "ameli-creer-compte"),
        ("attest", "attestation-droits"),
        ("téléconsultation", "teleconsultation"),
        ("retraite", "retraite-demande-en-ligne"),
    ],
)
def test_search_ignores_case_and_accents_and_puts_the_right_procedure_first(
    catalog: Catalog, query: str, first: str
):
    assert _ids(catalog.search(query))[:1] == [first]


def test_search_results_carry_the_french_title_and_summary(catalog: Catalog):
    found = catalog.search("medecin traitant")[0]
    assert found.title == "Déclarer votre médecin traitant"
    assert found.summary.startswith("Le médecin traitant")
    assert found.themes == ("care", "health-insurance")


def test_search_in_a_language_without_translation_falls_back_to_french(catalog: Catalog):
    found = catalog.search("carte vitale", language="uk")  # carte-vitale is in fr, en, ar only
    assert _ids(found)[:1] == ["carte-vitale"]
    assert found[0].title == "Remplacer votre carte Vitale"
    assert found[0].language == "fr"


def test_search_in_arabic_finds_the_arabic_title(catalog: Catalog):
    found = catalog.search("بطاقة فيتال", language="ar")
    assert _ids(found)[:1] == ["carte-vitale"]
    assert found[0].language == "ar"
    assert found[0].title.startswith("استبدال بطاقتك carte Vitale")


@pytest.mark.parametrize("query", ["", "   ", "xqzwv", "zzzz yyyy"])
def test_search_with_nothing_useful_returns_no_procedure(catalog: Catalog, query: str):
    assert catalog.search(query) == []


@pytest.mark.parametrize(
    "query",
    ['"carte vitale', "vitale*", "carte -vitale (", "carte: NEAR(vitale)", "l'carte^vitale"],
)
def test_search_with_quotes_and_operators_is_read_as_plain_words(catalog: Catalog, query: str):
    assert _ids(catalog.search(query))[:1] == ["carte-vitale"]


# -- browse ------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme_id", [theme.id for theme in THEMES])
def test_browsing_a_theme_lists_exactly_its_procedures(catalog: Catalog, theme_id: str):
    expected = {pid for pid, p in BUILTINS.items() if theme_id in p.themes}
    listed = catalog.list(theme=theme_id)
    assert sorted(_ids(listed)) == sorted(expected)
    assert all(theme_id in item.themes for item in listed)


def _french_order(title: str) -> tuple[str, str]:
    bare = "".join(c for c in unicodedata.normalize("NFKD", title) if not unicodedata.combining(c))
    return bare.casefold(), title.casefold()


@pytest.mark.parametrize("theme_id", [None, "health-insurance"])
def test_procedures_are_listed_in_french_alphabetical_order_ignoring_accents(
    catalog: Catalog, theme_id: str | None
):
    # "Déclarer…" comes before "Demander…" for a French reader.
    titles = [item.title for item in catalog.list(theme=theme_id)]
    assert titles == sorted(titles, key=_french_order)


def test_listing_every_procedure_shows_every_built_in_one(catalog: Catalog):
    assert sorted(_ids(catalog.list())) == BUILTIN_IDS
    assert catalog.count() == len(BUILTIN_IDS)


def test_themes_show_only_those_with_procedures_with_their_counts(catalog: Catalog):
    entries = catalog.themes()
    expected = {theme.id: sum(theme.id in p.themes for p in BUILTINS.values()) for theme in THEMES}
    assert {e.id: e.count for e in entries} == {k: v for k, v in expected.items() if v}
    assert [e.id for e in entries] == [t.id for t in THEMES if expected[t.id]]  # display order
    labels = {e.id: e.label for e in entries}
    assert labels["health-insurance"] == "Assurance maladie"
    assert all(e.symbol for e in entries)


def test_getting_a_procedure_gives_back_what_the_file_holds(catalog: Catalog):
    procedure = catalog.get("teleconsultation")
    assert procedure == BUILTINS["teleconsultation"]


def test_getting_an_unknown_procedure_says_it_does_not_exist(catalog: Catalog):
    with pytest.raises(NotFoundError, match="n'existe pas") as caught:
        catalog.get("permis-de-conduire")
    assert "permis-de-conduire" in caught.value.message


# -- import --------------------------------------------------------------------------------------


def test_batch_with_one_invalid_file_imports_nothing(tmp_path: Path, empty_catalog: Catalog):
    files = list(builtin_files()[:9])
    bad = builtin_data(builtin_files()[9].stem)
    bad["themes"] = ["sport"]
    bad_file = write_json(tmp_path / "mauvais.json", bad)
    with pytest.raises(ContentError, match="rien n'a été importé") as caught:
        empty_catalog.import_files([*files, bad_file])
    assert [p.file for p in caught.value.problems] == [str(bad_file)]
    assert empty_catalog.count() == 0
    assert empty_catalog.search("vitale") == []
    assert empty_catalog.themes() == []


def test_batch_failing_midway_in_the_store_leaves_nothing_behind(empty_catalog: Catalog):
    good = [BUILTINS["carte-vitale"], BUILTINS["medecin-traitant"]]
    broken = dataclasses.replace(BUILTINS["teleconsultation"], themes=("care", "care"))
    with pytest.raises(sqlcipher3.IntegrityError):
        empty_catalog.import_procedures([*good, broken])
    assert empty_catalog.count() == 0
    assert empty_catalog.search("vitale") == []
    assert empty_catalog.themes() == []


def _variant(version: int, title: str, synonym: str):
    data = builtin_data("carte-vitale")
    data["id"] = "carte-test"
    data["version"] = version
    data["title"] = {"fr": title}
    data["synonyms"] = {"fr": [synonym]}
    return procedure_from(data)


def test_reimporting_the_same_procedure_reports_it_unchanged(empty_catalog: Catalog):
    first = empty_catalog.import_files(builtin_files())
    assert sorted(first.added) == BUILTIN_IDS
    again = empty_catalog.import_files(builtin_files())
    assert (again.added, again.updated, again.kept_newer) == ((), (), ())
    assert sorted(again.unchanged) == BUILTIN_IDS
    assert empty_catalog.count() == len(BUILTIN_IDS)
    assert f"{len(BUILTIN_IDS)} déjà à jour" in again.describe()


def test_newer_version_replaces_the_old_one_and_search_forgets_the_old_words(
    empty_catalog: Catalog,
):
    empty_catalog.import_procedures([_variant(1, "Démarche xylophone", "ocarina")])
    assert _ids(empty_catalog.search("xylophone")) == ["carte-test"]

    report = empty_catalog.import_procedures([_variant(2, "Démarche trombone", "banjo")])
    assert report.updated == ("carte-test",)
    assert empty_catalog.search("xylophone") == []
    assert empty_catalog.search("ocarina") == []
    assert _ids(empty_catalog.search("trombone")) == ["carte-test"]
    assert _ids(empty_catalog.search("banjo")) == ["carte-test"]
    assert empty_catalog.get("carte-test").version == 2
    assert [item.title for item in empty_catalog.list()] == ["Démarche trombone"]
    assert empty_catalog.count() == 1
    assert {e.id: e.count for e in empty_catalog.themes()} == {"health-insurance": 1}


def test_older_version_is_ignored_and_the_newer_one_kept(empty_catalog: Catalog):
    empty_catalog.import_procedures([_variant(3, "Démarche trombone", "banjo")])
    report = empty_catalog.import_procedures([_variant(2, "Démarche xylophone", "ocarina")])
    assert report.kept_newer == ("carte-test",)
    assert report.added == report.updated == ()
    assert "plus récente" in report.describe()
    assert empty_catalog.get("carte-test").version == 3
    assert empty_catalog.search("xylophone") == []
    assert _ids(empty_catalog.search("trombone")) == ["carte-test"]


def test_withdrawn_procedure_disappears_from_list_search_and_themes(empty_catalog: Catalog):
    empty_catalog.import_files(builtin_files())
    on_scams = ["message-frauduleux", "exercice-reperer-arnaques"]  # the theme's only ones
    empty_catalog.import_procedures([], withdrawn=on_scams)
    assert not set(on_scams) & set(_ids(empty_catalog.list()))
    assert empty_catalog.search("arnaque") == []
    assert "online-safety" not in {e.id for e in empty_catalog.themes()}
    with pytest.raises(NotFoundError):
        empty_catalog.get("message-frauduleux")
