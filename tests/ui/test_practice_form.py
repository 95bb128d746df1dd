"""A practice form (`practice_form`), as a workshop participant meets it: a practice card with a
fictitious identity, fields to fill in by touch, "Vérifier" saying the first mistake of each
field, and the real-data guard: a real-looking number typed out of habit is emptied at once,
said why, and found nowhere afterwards — not in the visit, the speech, the store, its WAL or
the logs."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit

from pasapas.app.content.kinds import sample_procedure
from pasapas.app.content.model import StepKind
from pasapas.app.content.validation import parse_document
from pasapas.app.guide import Walk
from pasapas.app.languages import strip_isolates
from pasapas.app.store import Store
from pasapas.ui.widgets import WrapButton

TODAY = dt.date.today()
CARD_NIR = "9 99 01 99 999 999"  # the sample card's (no real number starts with 9)
CARD_EMAIL = "camille.exemple@exemple.fr"
# A real-shaped social security number, its key worked out: what a person may type by habit.
REAL_BASE = "1850578006084"
REAL_NIR = f"{REAL_BASE}{97 - int(REAL_BASE) % 97:02d}"


def _text(field: str) -> dict[str, str]:
    return {"fr": f"Texte de {field}", "ar": f"نص {field}"}


def _open_form(window):
    data = sample_procedure(StepKind.PRACTICE_FORM, _text, checked=TODAY.isoformat())
    procedure, problems = parse_document(data, "form.json", today=TODAY)
    assert problems == []
    window.visit.begin(Walk(procedure, language=window.language))
    window.go("step")
    return window.screens["step"]


def _field(screen, name: str) -> QLineEdit:
    return screen.findChild(QLineEdit, f"form-{name}")


def _error(screen, name: str) -> QLabel:
    return screen.findChild(QLabel, f"form-error-{name}")


def _settle() -> None:
    app = QApplication.instance()
    for _ in range(3):
        app.sendPostedEvents()
        app.processEvents()


def _all_said(speech) -> str:
    return "\n".join(text for utterance in speech.spoken() for text, _lang in utterance)


def test_the_form_shows_its_practice_card_and_reads_it_with_its_fields(qtbot, voiced, speech):
    screen = _open_form(voiced)
    assert "Exercice" in screen.warning_label.text()
    card = screen.findChild(QFrame, "practice-card")
    assert card.isVisible()
    assert CARD_NIR in strip_isolates(screen.findChild(QLabel, "card-nir").text())
    nir = _field(screen, "nir")
    assert nir.accessibleName() == "Texte de form" and voiced.focusWidget() is nir
    assert _field(screen, "email").echoMode() == QLineEdit.EchoMode.Normal
    said = _all_said(speech).splitlines()
    assert "Carte d'exercice." in said
    assert f"Texte de card : {CARD_NIR}." in said
    assert "Champ 2 : Texte de form." in said
    assert said.index("Quand vous avez fini, touchez le bouton Vérifier.") < len(said) - 1


def test_a_real_looking_number_is_emptied_at_once_said_why_and_kept_nowhere(
    qtbot, voiced, speech, paths, passphrase, kiosk, pasapas_home
):
    screen = _open_form(voiced)
    nir = _field(screen, "nir")
    QTest.keyClicks(nir, REAL_NIR)
    _settle()
    assert nir.text() == ""  # emptied as soon as it looked real
    assert _error(screen, "nir").isVisible()
    assert "vrai numéro de sécurité sociale" in _error(screen, "nir").text()
    assert "vrai numéro de sécurité sociale" in _all_said(speech)
    assert voiced.visit.form_values(voiced.walk.current.id) == {}
    # The 13 characters alone (ameli asks for them so) are refused too, when the field is left;
    # while they are typed the visit keeps nothing of them (not yet judged for the field).
    QTest.keyClicks(nir, REAL_BASE)
    assert nir.text() == REAL_BASE
    assert voiced.visit.form_values(voiced.walk.current.id) == {}
    qtbot.mouseClick(screen.findChild(WrapButton, "form-check"), Qt.MouseButton.LeftButton)
    _settle()
    assert nir.text() == "" and "vrai numéro" in _error(screen, "nir").text()
    # Nothing of it anywhere: not said, not in the visit, not in the store or on disk.
    voiced.end_visit()
    kiosk.close()
    everything = _all_said(speech)
    for digits in (REAL_NIR, REAL_BASE, REAL_BASE[:7]):
        assert digits not in everything.replace(" ", "")
    for path in pasapas_home.rglob("*"):  # the store, its WAL, the logs, everything
        if path.is_file():
            assert REAL_BASE.encode() not in path.read_bytes(), path
    with Store.open(paths.store, passphrase) as store:  # and inside the encrypted store
        tables = [
            name for (name,) in store.query("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        dump = "\n".join(repr(store.query(f'SELECT * FROM "{name}"')) for name in tables)
    assert "outbox" in tables
    assert REAL_BASE not in dump and REAL_BASE[:7] not in dump


def test_verifier_says_the_first_mistake_of_each_field_then_well_done(qtbot, voiced, speech):
    screen = _open_form(voiced)
    check = screen.findChild(WrapButton, "form-check")
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    _settle()
    for name in ("nir", "email"):
        assert _error(screen, name).isVisible() and _error(screen, name).text() == "Texte de form"
    said = _all_said(speech).splitlines()
    last = [line for text, _lang in speech.spoken()[-1] for line in text.splitlines()]
    # each field's name, then what is wrong with it; then how to go on
    assert last == ["Texte de form."] * 4 + ["Corrigez, puis touchez encore le bouton Vérifier."]
    assert said[-1] == "Corrigez, puis touchez encore le bouton Vérifier."
    assert voiced.focusWidget() is _field(screen, "nir")
    # The card's values, typed as a person would (spaces, capitals): all is well.
    QTest.keyClicks(_field(screen, "nir"), "9 9901 99 999 999")
    QTest.keyClicks(_field(screen, "email"), CARD_EMAIL.upper())
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    _settle()
    assert not _error(screen, "nir").isVisible() and not _error(screen, "email").isVisible()
    success = screen.findChild(QFrame, "form-success")
    assert success.isVisible() and success.property("role") == "right"
    said = _all_said(speech).splitlines()
    assert said[-2] == "Texte de success."
    assert said[-1].startswith("Pour continuer")


def test_a_field_touched_opens_the_keyboard_that_types_into_it(qtbot, window):
    screen = _open_form(window)
    email = _field(screen, "email")
    qtbot.mouseClick(email, Qt.MouseButton.LeftButton)
    _settle()
    assert screen.keyboard.isVisible() and screen.keyboard.target is email
    screen.keyboard.letter_keys[0].click()
    assert email.text() != "" and _field(screen, "nir").text() == ""


def test_what_was_typed_stays_through_a_language_switch_and_goes_with_the_visit(qtbot, window):
    screen = _open_form(window)
    step_id = window.walk.current.id
    QTest.keyClicks(_field(screen, "email"), CARD_EMAIL)
    _field(screen, "email").editingFinished.emit()
    window.set_language("ar")
    _settle()
    assert _field(screen, "email").text() == CARD_EMAIL
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    window.end_visit()
    assert window.visit.form_values(step_id) == {}
    assert not window.visit.has_anything


def test_a_field_still_focused_when_the_visit_ends_leaves_nothing_to_the_next_one(qtbot, window):
    screen = _open_form(window)
    email = _field(screen, "email")
    email.setFocus()
    QTest.keyClicks(email, CARD_EMAIL)
    window.end_visit()  # the inactivity wipe, or "Arrêter": the field loses its focus as it goes
    _settle()
    assert not window.visit.has_anything
