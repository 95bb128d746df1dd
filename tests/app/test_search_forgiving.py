"""Search that forgives: a visitor who spells by ear, slips on a key or uses everyday words
still finds the procedure they meant, as they type; when nothing matches, they are told kindly
and the themes stay in view."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import Catalog
from pasapas.app.content.search_text import (
    SYNONYMS_DIR,
    Vocabulary,
    distance,
    fold,
    load_synonyms,
    phonetic,
)
from pasapas.app.languages import SUPPORTED
from pasapas.app.store import Store
from tests.app.helpers import PASSPHRASE, builtin_data, procedure_from

# The home screen's fixtures, by name (they import Qt only when a test uses them; the tests of
# the search itself, above the home screen's, run without Qt like the rest of tests/app).
from tests.ui.conftest import kiosk, make_window, window  # noqa: F401

HEALTH_INSURANCE = {
    "ameli-creer-compte",
    "attestation-droits",
    "carte-vitale",
    "complementaire-sante-solidaire",
    "message-frauduleux",
    "medecin-traitant",
}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    store = Store.create(tmp_path_factory.mktemp("forgiving") / "pasapas.db", PASSPHRASE)
    catalog = Catalog(store)
    catalog.import_files(builtin_files())
    yield catalog
    store.close()


def _ids(items) -> list[str]:
    return [item.id for item in items]


# -- what a person meant ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("atestasion", "attestation-droits"),  # by ear
        ("atestation", "attestation-droits"),
        ("atestas", "attestation-droits"),  # still typing, by ear
        ("medecin traitan", "medecin-traitant"),
        ("medsin traitan", "medecin-traitant"),
        ("cart vital", "carte-vitale"),
        ("vitalle", "carte-vitale"),  # a slip
        ("carte vitalle perdu", "carte-vitale"),
        ("arnak", "message-frauduleux"),
        ("retrète", "retraite-demande-en-ligne"),
        ("teleconsultasion", "teleconsultation"),
        ("complemantaire sante", "complementaire-sante-solidaire"),
        ("toubib", "medecin-traitant"),  # everyday words, from synonyms/fr.json
        ("mdp ameli", "ameli-creer-compte"),
        ("la sécu", "attestation-droits"),
    ],
)
def test_french_misspellings_and_everyday_words_find_what_was_meant(
    catalog: Catalog, query: str, first: str
):
    assert _ids(catalog.search(query))[:1] == [first]


@pytest.mark.parametrize("query", ["sécu", "secu", "SECU"])
def test_secu_finds_the_health_insurance_procedures_first(catalog: Catalog, query: str):
    found = _ids(catalog.search(query))
    assert len(found) >= 4
    assert set(found[:4]) <= HEALTH_INSURANCE, found


@pytest.mark.parametrize(
    ("query", "language", "first"),
    [
        ("الكارت فيتال", "ar", "carte-vitale"),  # as said in the street
        ("سيكو", "ar", "attestation-droits"),
        ("pasword", "en", "ameli-creer-compte"),
        ("doctr", "en", "medecin-traitant"),
        ("helth card", "en", "carte-vitale"),
        ("sifre", "tr", "ameli-creer-compte"),  # no cedilla on the keyboard
        ("sağlık kartı", "tr", "carte-vitale"),
        ("пароль", "uk", "ameli-creer-compte"),
        ("лікар", "uk", "medecin-traitant"),
        ("contrasena", "es", "ameli-creer-compte"),
        ("tarjeta sanitaria", "es", "carte-vitale"),
        ("senha", "pt", "ameli-creer-compte"),
        ("cartão de saúde", "pt", "carte-vitale"),
    ],
)
def test_other_languages_forgive_too(catalog: Catalog, query: str, language: str, first: str):
    assert _ids(catalog.search(query, language))[:1] == [first]


def test_a_word_written_with_or_without_its_hamza_finds_the_same_procedures(catalog: Catalog):
    with_hamza = _ids(catalog.search("أميلي", "ar"))
    assert "ameli-creer-compte" in with_hamza[:2]
    assert set(_ids(catalog.search("اميلي", "ar"))[:2]) == set(with_hamza[:2])


@pytest.mark.parametrize("query", ["xqzwv", "zzzz yyyy", "qwrtpz", "zzzxqw"])
def test_nonsense_still_finds_nothing(catalog: Catalog, query: str):
    assert catalog.search(query) == []


def test_the_search_says_which_words_it_understood(catalog: Catalog):
    assert catalog.find("atestasion").meant == "attestation"
    assert catalog.find("medsin traitan").meant == "médecin traitant"
    assert catalog.find("attestation").meant is None  # nothing corrected: nothing to say
    assert catalog.find("medecin traitant").meant is None


def test_a_word_learnt_from_a_new_procedure_is_forgiven_and_forgotten_with_it(tmp_path: Path):
    store = Store.create(tmp_path / "pasapas.db", PASSPHRASE)
    try:
        catalog = Catalog(store)
        catalog.import_files(builtin_files())
        assert catalog.search("xilofone") == []  # a vocabulary is built here
        data = builtin_data("carte-vitale")
        data["id"], data["version"] = "carte-test", 1
        data["title"] = {"fr": "Jouer du xylophone"}
        catalog.import_procedures([procedure_from(data)])
        assert _ids(catalog.search("xilofone")) == ["carte-test"]
        # Imported through another connection (the sync's): this one sees it too.
        other = store.reopen()
        try:
            data["version"], data["title"] = 2, {"fr": "Jouer du trombone"}
            Catalog(other).import_procedures([procedure_from(data)])
        finally:
            other.close()
        assert catalog.search("xilofone") == []
        assert _ids(catalog.search("tronbone")) == ["carte-test"]
    finally:
        store.close()


# -- the folding itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("atestasion", "attestation"),
        ("traitan", "traitant"),
        ("arnak", "arnaque"),
        ("farmacie", "pharmacie"),
        ("retrète", "retraite"),
        ("ordonance", "ordonnance"),
        ("alocasion", "allocation"),
        ("jeneraliste", "généraliste"),
        ("cart", "carte"),
        ("amelie", "ameli"),
    ],
)
def test_french_words_that_sound_the_same_share_a_key(typed: str, written: str):
    assert phonetic(fold(typed)) == phonetic(fold(written))


@pytest.mark.parametrize(("a", "b"), [("carte", "carpe"), ("droit", "doigt"), ("site", "si")])
def test_words_that_sound_different_keep_different_keys(a: str, b: str):
    assert phonetic(fold(a)) != phonetic(fold(b))


def test_folding_drops_accents_marks_and_letter_variants():
    assert fold("SÉCU") == fold("sécu") == "secu"
    assert fold("Œuvre") == "oeuvre"
    assert fold("şifre") == fold("sifre")
    assert fold("alınır") == "alinir"
    assert fold("أميلي") == fold("إميلي") == fold("اميلي")
    assert fold("شهادة") == fold("شهاده")
    assert fold("ґанок") == fold("ганок")


def test_slips_are_counted_like_a_typist_makes_them():
    assert distance("vitale", "vitlae", 1) == 1  # two letters swapped
    assert distance("vitale", "vitalle", 1) == 1
    assert distance("vitale", "vital", 1) == 1
    assert distance("vitale", "vitrine", 2) is None


def test_short_words_are_not_corrected():
    vocabulary = Vocabulary([("caf", 3, True), ("cas", 2, True), ("retraite", 4, True)])
    assert vocabulary.meant("cav").terms == ()
    assert vocabulary.meant("retraitte").terms == ("retraite",)


# -- the synonyms, kept as data per language ---------------------------------------------------


def test_every_offered_language_has_a_synonyms_file_in_the_documented_shape():
    files = {path.stem for path in SYNONYMS_DIR.glob("*.json")}
    assert files == set(SUPPORTED)
    for language in SUPPORTED:
        data = json.loads((SYNONYMS_DIR / f"{language}.json").read_text(encoding="utf-8"))
        assert data["language"] == language
        assert data["means"], language
        for typed, phrases in data["means"].items():
            assert typed.strip() and isinstance(phrases, list) and phrases, (language, typed)
            assert all(isinstance(p, str) and p.strip() for p in phrases), (language, typed)


@pytest.mark.parametrize("language", SUPPORTED)
def test_what_each_synonym_means_is_found_in_the_built_in_procedures(
    catalog: Catalog, language: str
):
    """A synonym that leads nowhere is a visitor left with nothing: every meaning finds one."""
    for typed, phrases in load_synonyms(language).items():
        assert catalog.search(typed, language), (language, typed)
        for phrase in phrases:
            assert catalog.search(phrase, language), (language, typed, phrase)


# -- on the home screen ------------------------------------------------------------------------


def test_suggestions_appear_while_typing_a_word_spelt_by_ear(qtbot, window):  # noqa: F811
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "atestas")  # no Enter, no button
    qtbot.waitUntil(lambda: bool(home.result_titles()), timeout=3000)
    assert home.result_titles()[0] == "Télécharger votre attestation de droits"
    assert home.search_note.isVisibleTo(home)
    assert "attestation" in home.search_note.text()
    home.search.selectAll()
    qtbot.keyClicks(home.search, "arnak")  # the suggestions follow the text
    fraud = "Reconnaître un faux message de l'Assurance Maladie"
    qtbot.waitUntil(lambda: home.result_titles()[:1] == [fraud], timeout=3000)


def test_text_put_in_by_the_on_screen_keyboard_suggests_too(qtbot, window):  # noqa: F811
    home = window.screens["home"]
    home.search.insert("medsin")  # a program's edit, as a keyboard widget makes
    qtbot.waitUntil(lambda: bool(home.result_titles()), timeout=3000)
    assert home.result_titles()[0] == "Déclarer votre médecin traitant"


def test_no_match_says_so_kindly_and_keeps_the_themes_in_view(qtbot, window):  # noqa: F811
    from PySide6.QtCore import Qt

    from pasapas.ui.widgets import WrapButton

    home = window.screens["home"]
    qtbot.keyClicks(home.search, "zzzxqw")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    assert home.result_titles() == []
    assert "Aucune démarche" in home.results_title.text()
    assert "Ce n'est pas grave" in home.search_note.text()
    assert home.results_title.isVisibleTo(home)
    assert home.search_note.isVisibleTo(home)
    shown = {
        t.objectName(): t
        for t in home.findChildren(WrapButton)
        if t.objectName().startswith("theme-") and t.isVisibleTo(home)
    }
    themes = {f"theme-{entry.id}" for entry in home.nav.kiosk.themes()} | {"theme-all"}
    assert set(shown) == themes
    # And the themes still work from there.
    qtbot.mouseClick(shown["theme-health-insurance"], Qt.MouseButton.LeftButton)
    assert window.current_screen == "theme"


def test_what_the_search_understood_is_wiped_with_the_visit(qtbot, window):  # noqa: F811
    from PySide6.QtCore import Qt

    home = window.screens["home"]
    qtbot.keyClicks(home.search, "atestasion")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    assert "attestation" in home.search_note.text()
    window.inactivity.set_timeouts(idle_ms=50, warning_seconds=1, tick_ms=50)
    qtbot.waitUntil(lambda: home.search.text() == "", timeout=5000)
    assert home.search_note.text() == "" and not home.search_note.isVisibleTo(home)
    assert home.result_titles() == []


def test_on_a_small_screen_the_first_suggestion_comes_into_sight(qtbot, window):  # noqa: F811
    from pasapas.app.preferences import Preferences
    from pasapas.ui.widgets import WrapButton

    window.resize(1024, 768)
    window.set_prefs(Preferences(text_size=150).validated())
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "medsin")
    qtbot.waitUntil(lambda: bool(home.result_titles()), timeout=3000)
    first = home.findChild(WrapButton, "procedure-medecin-traitant")
    viewport = home.page.viewport()

    def in_sight() -> bool:
        top = first.mapTo(viewport, first.rect().topLeft()).y()
        return top >= 0 and top + first.title_label.height() <= viewport.height()

    qtbot.waitUntil(in_sight, timeout=2000)
    field = home.search.mapTo(viewport, home.search.rect().topLeft()).y()
    assert field >= 0  # and the field being typed in is still in sight above it


def test_a_pasted_paragraph_is_searched_quickly_by_its_first_words(catalog: Catalog):
    import time

    unknown = "atestasion " + " ".join(f"motinconnu{i}" for i in range(400))
    known = " ".join(["attestation", "carte", "vitale", "droits"] * 100)
    assert _ids(catalog.search(known))[:1] == ["attestation-droits"]  # vocabulary built
    for paragraph in (unknown, known):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            catalog.search(paragraph)
            times.append(time.perf_counter() - started)
        assert min(times) < 0.04, (paragraph[:30], times)  # 60-120 ms when every word is read
