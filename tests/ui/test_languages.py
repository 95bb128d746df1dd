"""Languages as a visitor and staff use them: picking one from any screen, in the middle of a
procedure; Arabic mirrored right to left; French shown and read honestly where a translation is
missing; the kiosk's default and offered languages set by staff."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QApplication

from pasapas.app.i18n import gettext_in, ngettext
from pasapas.app.languages import strip_isolates
from pasapas.app.settings import Settings, load_settings
from pasapas.ui.audit_driver import open_step

RTL, LTR = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight


def _doc(procedure_id: str) -> dict:
    from pasapas.app.content import BUILTIN_DIR

    path = BUILTIN_DIR / f"{procedure_id}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _step_text(procedure_id: str, step_id: str, field: str, language: str) -> str:
    step = next(s for s in _doc(procedure_id)["steps"] if s["id"] == step_id)
    return step[field][language]


def _pick(qtbot, window, code: str) -> None:
    """As a visitor does: the language button in the bar, then the language's own name."""
    qtbot.mouseClick(window.access_bar.language_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "language"
    button = window.screens["language"].findChild(object, f"language-{code}")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _x(widget, window) -> int:
    return widget.mapTo(window, QPoint(0, 0)).x()


def test_switching_to_arabic_mid_procedure_mirrors_translates_keeps_the_step_and_voice(
    qtbot, voiced, speech
):
    window = voiced
    open_step(window, "ameli-creer-compte", "formulaire")
    step_screen = window.screens["step"]
    before = window.walk.progress()
    assert _x(step_screen.back_button, window) < _x(step_screen.next_button, window)

    _pick(qtbot, window, "ar")

    assert window.current_screen == "step"
    assert window.walk.current.id == "formulaire"  # the visitor is where they were
    assert window.walk.progress() == before
    assert QApplication.layoutDirection() == RTL and window.layoutDirection() == RTL
    # Back on the right, Next on the left: the whole window reads from the right.
    assert _x(step_screen.back_button, window) > _x(step_screen.next_button, window)
    assert step_screen.title.text() == _step_text("ameli-creer-compte", "formulaire", "title", "ar")
    assert step_screen.next_button.text() == gettext_in("ar", "Suivant →") != "Suivant →"
    assert step_screen.untranslated.isHidden()
    assert window.access_bar.language_button.text().endswith("العربية")
    # Qt's own strings follow (standard buttons, context menus).
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "ألغِ"
    last = speech.spoken()[-1]
    assert {language for _text, language in last} == {"ar"}
    assert _step_text("ameli-creer-compte", "formulaire", "title", "ar") in last[0][0]

    _pick(qtbot, window, "fr")

    assert window.walk.current.id == "formulaire"
    assert QApplication.layoutDirection() == LTR
    assert step_screen.title.text() == _step_text("ameli-creer-compte", "formulaire", "title", "fr")
    assert step_screen.next_button.text() == "Suivant →"
    assert speech.spoken()[-1][0][1] == "fr"


def test_a_missing_translation_shows_french_marked_and_read_by_the_french_voice(
    qtbot, voiced, speech
):
    window = voiced
    _pick(qtbot, window, "uk")  # carte-vitale is not translated into Ukrainian
    open_step(window, "carte-vitale", _doc("carte-vitale")["start"])
    step_screen = window.screens["step"]
    french_title = _step_text("carte-vitale", window.walk.current.id, "title", "fr")
    assert step_screen.title.text() == french_title
    assert step_screen.untranslated.isVisible()
    assert step_screen.untranslated.text() == gettext_in(
        "uk", "Pas encore traduit dans votre langue : en français."
    )
    assert step_screen.title.layoutDirection() == LTR
    assert step_screen.progress_label.text().startswith("Крок")  # the interface stays Ukrainian
    parts = speech.spoken()[-1]
    languages = [language for _text, language in parts]
    # The note in the visitor's voice, French content in French, then where to touch next.
    assert languages == ["uk", "fr", "uk"]
    assert parts[1][0].startswith(french_title)
    assert "Крок" not in parts[1][0]  # no Ukrainian sentence read by the French voice
    guidance = (  # a question step: where the answers are; any other: where Next is
        gettext_in("uk", "Pour répondre, touchez le grand bouton de votre réponse."),
        gettext_in("uk", "Pour continuer, touchez le grand bouton Suivant, en bas à droite."),
    )
    assert parts[2][0].endswith(guidance)


def test_the_home_screen_lists_languages_in_their_own_names_and_switches_in_place(qtbot, voiced):
    window = voiced
    home = window.screens["home"]
    names = [b.text() for b in home._language_buttons.values()]
    assert names == [
        "✓ Français",
        "English",
        "العربية",
        "Español",
        "Português",
        "Українська",
        "Türkçe",
    ]
    qtbot.mouseClick(home._language_buttons["es"], Qt.MouseButton.LeftButton)
    assert window.current_screen == "home"
    assert home._language_buttons["es"].text() == "✓ Español"
    assert home.intro.text() == gettext_in(
        "es", "Choisissez une démarche. Nous vous guidons étape par étape, à votre rythme."
    )
    tiles = [home.tiles.itemAt(i).widget() for i in range(home.tiles.count())]
    assert any(tile.title_label.text().endswith(gettext_in("es", "Retraite")) for tile in tiles)


def test_the_next_visitor_starts_in_the_kiosk_default_language(qtbot, voiced):
    window = voiced
    _pick(qtbot, window, "ar")
    window.start_walk("attestation-droits")
    window.end_visit()
    assert window.language == "fr"
    assert QApplication.layoutDirection() == LTR
    assert window.current_screen == "home"


def test_staff_choose_the_default_language_and_the_languages_offered(
    qtbot, make_window, kiosk, paths
):
    window = make_window(kiosk, settings=Settings())
    window.staff_login(kiosk.staff.create("Awa", "site_admin", "246813"), target="staff_languages")
    screen = window.screens["staff_languages"]
    for code in ("es", "pt", "uk", "tr"):
        screen.offered[code].setChecked(False)
    screen.defaults["ar"].setChecked(True)
    screen.offered["ar"].setChecked(False)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert screen.message.isVisible()  # the default must be offered: nothing saved
    assert load_settings(paths) == Settings()

    screen.offered["ar"].setChecked(True)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    saved = load_settings(paths)
    assert saved.language == "ar" and saved.languages == ("fr", "en", "ar")
    home = window.screens["home"]
    assert list(home._language_buttons) == ["fr", "en", "ar"]
    window.go("language", back_to="home")
    picker = window.screens["language"]
    assert picker.findChild(object, "language-es") is None
    window.end_visit()
    assert window.language == "ar"  # each visit now starts in Arabic


def test_a_list_of_procedures_follows_the_language_and_marks_what_is_not_translated(qtbot, voiced):
    window = voiced
    window.go("theme", theme=None)
    _pick(qtbot, window, "es")
    assert window.current_screen == "theme"
    screen = window.screens["theme"]
    buttons = {
        screen.items.itemAt(i).widget().objectName(): screen.items.itemAt(i).widget()
        for i in range(screen.items.count())
    }
    note = gettext_in("es", "Pas encore traduit dans votre langue : en français.")
    ameli = buttons["procedure-ameli-creer-compte"]
    assert ameli.title_label.text() == _doc("ameli-creer-compte")["title"]["es"]
    assert note not in ameli.detail_label.text()
    vitale = buttons["procedure-carte-vitale"]  # not in Spanish: French title, marked
    assert vitale.title_label.text() == _doc("carte-vitale")["title"]["fr"]
    assert note in vitale.detail_label.text()


def _reads_right_to_left(text: str) -> bool:
    """The direction Qt gives a line of plain text: that of its first strong character."""
    import unicodedata

    kinds = (unicodedata.bidirectional(ch) for ch in text)
    return next((kind for kind in kinds if kind in ("L", "R", "AL")), "L") in ("R", "AL")


def test_arabic_content_that_starts_with_a_french_word_still_reads_right_to_left(qtbot, voiced):
    window = voiced
    _pick(qtbot, window, "ar")
    open_step(window, "complementaire-sante-solidaire", "rsa")
    screen = window.screens["step"]
    text = _step_text("complementaire-sante-solidaire", "rsa", "text", "ar")
    assert not _reads_right_to_left(text)  # it starts with a French word
    assert _reads_right_to_left(screen.text.text())
    window.go("overview", procedure="ameli-creer-compte")
    sources = window.screens["overview"].sources
    lines = [sources.itemAt(i).widget().text() for i in range(sources.count())]
    assert lines and all(_reads_right_to_left(line) for line in lines)
    assert all("https://" in line for line in lines)


def test_the_picker_back_button_returns_to_the_same_theme_overview_and_search(qtbot, voiced):
    window = voiced
    window.go("theme", theme="care")
    _pick(qtbot, window, "en")
    theme = window.screens["theme"]
    assert window.current_screen == "theme" and theme.theme_id == "care"
    assert theme.title.text() == gettext_in("en", "Se soigner")

    window.go("overview", procedure="attestation-droits")
    window.open_language_picker()
    qtbot.mouseClick(window.screens["language"].back_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "overview"
    assert window.screens["overview"].procedure.id == "attestation-droits"

    window.go("home")
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "ameli")
    home.run_search()
    _pick(qtbot, window, "ar")
    assert window.current_screen == "home" and home.search.text() == "ameli"
    shown = home.result_titles()
    assert shown and all(_reads_right_to_left(title) for title in shown)
    found = ngettext("{n} démarche trouvée", "{n} démarches trouvées", len(shown))
    assert home.results_title.text() == found.format(n=len(shown))
    assert "démarche" not in home.results_title.text()  # the interface is Arabic now


def test_ticks_survive_a_language_switch_and_the_step_is_read_again_in_the_new_voice(
    qtbot, voiced, speech
):
    window = voiced
    open_step(window, "ameli-creer-compte", "preparer")
    screen = window.screens["step"]
    boxes = [screen.answers.itemAt(i).widget() for i in range(screen.answers.count())]
    assert len(boxes) >= 2
    boxes[0].box.setChecked(True)
    _pick(qtbot, window, "tr")
    boxes = [screen.answers.itemAt(i).widget() for i in range(screen.answers.count())]
    assert [box.isChecked() for box in boxes][:2] == [True, False]
    assert speech.spoken()[-1][-1][1] == "tr"
    qtbot.mouseClick(window.access_bar.repeat_button, Qt.MouseButton.LeftButton)
    assert {language for _text, language in speech.spoken()[-1]} == {"tr"}
    window.end_visit()
    open_step(window, "ameli-creer-compte", "preparer")
    boxes = [screen.answers.itemAt(i).widget() for i in range(screen.answers.count())]
    assert not any(box.isChecked() for box in boxes)  # forgotten with the visit


def test_a_visitor_who_only_changed_the_language_is_reset_after_inactivity(qtbot, voiced):
    window = voiced
    home = window.screens["home"]
    qtbot.mouseClick(home._language_buttons["ar"], Qt.MouseButton.LeftButton)
    assert window.has_visit()
    window.inactivity.set_timeouts(idle_ms=50, warning_seconds=1, tick_ms=50)
    qtbot.waitUntil(lambda: window.language == "fr", timeout=5000)
    assert QApplication.layoutDirection() == LTR
    assert not window.has_visit()


def test_settings_that_cannot_be_saved_say_so_and_change_nothing(
    qtbot, make_window, kiosk, paths, monkeypatch
):
    import pasapas.ui.window as window_module

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    window = make_window(kiosk, settings=Settings())
    monkeypatch.setattr(window_module, "save_settings", full_disk)
    window.staff_login(kiosk.staff.create("Awa", "site_admin", "246813"), target="staff_languages")
    screen = window.screens["staff_languages"]
    screen.offered["tr"].setChecked(False)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert screen.message.isVisible()
    assert "No space left on device" in screen.message.text()
    assert window.settings == Settings()
    assert window.current_screen == "staff_languages"


MOST_USED = ("ameli-creer-compte", "attestation-droits", "complementaire-sante-solidaire")


@pytest.mark.parametrize("code", ["fr", "en", "ar", "es", "pt", "uk", "tr"])
def test_the_three_most_used_procedures_walk_to_the_end_in_each_language(
    qtbot, voiced, speech, code
):
    # Every step of each (reached the way a visitor would, answer by answer), shown and read in
    # their language, and an end screen: no French left, no other voice, Arabic right to left.
    window = voiced
    if code != "fr":
        _pick(qtbot, window, code)
    screen = window.screens["step"]
    for procedure_id in MOST_USED:
        procedure = window.kiosk.procedure(procedure_id)
        for step in procedure.steps:
            if step.kind == "done":
                continue
            if window.walk is not None:
                window.walk.restart()
            open_step(window, procedure_id, step.id)
            assert window.current_screen == "step"
            assert screen.untranslated.isHidden(), (procedure_id, step.id)
            assert strip_isolates(screen.title.text()) == step.title.get(code)
            assert {language for _text, language in speech.spoken()[-1]} == {code}
            direction = RTL if code == "ar" else LTR
            assert window.layoutDirection() == direction
        window.end_visit()
        if code != "fr":
            _pick(qtbot, window, code)
        # And the end: the finish screen of the first path, in the same language.
        first_done = next(s for s in procedure.steps if s.kind == "done")
        open_step(window, procedure_id, first_done.id)
        assert window.current_screen == "finish"
        finish = window.screens["finish"]
        assert strip_isolates(finish.title.text()) == first_done.title.get(code)
        assert finish.untranslated.isHidden()
        assert {language for _text, language in speech.spoken()[-1]} == {code}
        window.end_visit()
        if code != "fr":
            _pick(qtbot, window, code)
