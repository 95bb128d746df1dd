"""The take-home sheet's content: the visitor's path, in their language, and nothing personal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.model import Text
from pasapas.app.content.validation import load_files
from pasapas.app.errors import PasapasError
from pasapas.app.guide import Walk
from pasapas.app.settings import Settings
from pasapas.app.sheet import build_sheet, main_path
from pasapas.app.visit import Visit

SETTINGS = Settings(site_name="Médiathèque Jean Jaurès", opening_hours="Lundi, 9 h – 12 h")


@pytest.fixture(scope="module")
def procedures():
    return {p.id: p for p in load_files(builtin_files(), trusted=True)[0]}


def test_french_sheet_has_title_steps_documents_site_phone_and_help_point(procedures):
    procedure = procedures["carte-vitale"]
    sheet = build_sheet(procedure, "fr", SETTINGS)
    assert sheet.title == "Remplacer votre carte Vitale"
    assert not sheet.rtl
    assert sheet.steps[0].startswith("Une carte déclarée perdue est bloquée")
    assert sheet.documents[0] == "Une photo d'identité récente"
    assert sheet.website == "https://www.ameli.fr/"
    assert ("Assurance Maladie", "3646") in sheet.phones
    assert (sheet.help_point, sheet.opening_hours) == (SETTINGS.site_name, SETTINGS.opening_hours)
    assert sheet.headings["documents"] == "À préparer"
    assert sheet.untranslated_note == ""


def test_the_path_taken_gives_its_steps_questions_left_out(procedures):
    procedure = procedures["carte-vitale"]
    walk = Walk(procedure)
    walk.choose(2)  # damaged card: the pharmacy first
    walk.next()
    walk.choose(0)  # it works now
    sheet = build_sheet(procedure, "fr", SETTINGS, path=walk.path)
    assert [s.split("\n")[0] for s in sheet.steps] == [
        "Faites d'abord mettre à jour la carte",
        "Votre carte fonctionne",
    ]
    assert main_path(procedure)[0] == procedure.start


def test_arabic_sheet_is_right_to_left_and_untranslated_steps_are_french(procedures):
    procedure = procedures["carte-vitale"]
    sheet = build_sheet(procedure, "ar", SETTINGS)
    assert sheet.rtl and sheet.title.startswith("استبدال بطاقتك")
    step = procedure.step("preparer")
    french_only = replace(step, title=Text.from_json({"fr": step.title.get("fr")}))
    changed = replace(
        procedure, steps=tuple(french_only if s.id == "preparer" else s for s in procedure.steps)
    )
    sheet = build_sheet(changed, "ar", SETTINGS)
    shown = next(s for s in sheet.steps if "Préparez vos documents" in s)
    assert "Le site va vous les demander." in shown  # the whole step in French, not half
    assert sheet.untranslated_note and sheet.untranslated_note != sheet.headings["note"]


def test_unknown_step_is_refused_with_a_sentence(procedures):
    with pytest.raises(PasapasError, match="« nulle-part » n'existe pas"):
        build_sheet(procedures["carte-vitale"], "fr", SETTINGS, path=["situation", "nulle-part"])


def test_nothing_the_visitor_typed_or_ticked_reaches_the_sheet(procedures):
    procedure = procedures["carte-vitale"]
    visit = Visit(default_language="fr")
    visit.search_text = "Fatima Benali 0612345678"
    walk = Walk(procedure, language="ar")
    walk.choose(1)
    sheet = build_sheet(procedure, walk.language, SETTINGS, path=walk.path)
    everything = repr(sheet)
    for typed in ("Fatima", "Benali", "0612345678"):
        assert typed not in everything


def test_emergency_numbers_and_sms_number_found_in_content(procedures):
    tele = build_sheet(procedures["teleconsultation"], "fr", SETTINGS)
    assert {n for _w, n in tele.phones} == {"15", "112"}
    fraud = build_sheet(procedures["message-frauduleux"], "fr", SETTINGS)
    assert "33700" in {n for _w, n in fraud.phones}
    rgpd = build_sheet(procedures["droits-rgpd"], "fr", SETTINGS)
    assert rgpd.phones == ()


@pytest.mark.parametrize("procedure_id", ["exercice-reperer-arnaques", "exercice-compte-ameli"])
def test_an_exercise_sheet_prints_no_mock_message_no_made_up_number_and_no_form(
    procedures, procedure_id
):
    procedure = procedures[procedure_id]
    sheet = build_sheet(procedure, "fr", SETTINGS)
    printed = "\n".join(sheet.steps)
    exercise_steps = [s for s in procedure.steps if s.kind.value in ("quiz", "practice_form")]
    assert exercise_steps
    for step in exercise_steps:
        assert step.title.get("fr") not in printed
    numbers = [number for _what, number in sheet.phones]
    assert not any(number.startswith(("06", "07", "08")) for number in numbers), numbers
    assert "15" not in numbers  # "15 messages" is not the SAMU
