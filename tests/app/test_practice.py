"""Practice forms, checked without a screen: every built-in form accepts its own practice card,
says each rule's own message when that rule is broken, and lets the real-data guard speak
first."""

from __future__ import annotations

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.kinds import FORM_FIELD_KINDS
from pasapas.app.content.model import FormField, Step, StepKind
from pasapas.app.content.validation import load_files
from pasapas.app.training.guard import FIELD_KINDS
from pasapas.app.training.practice import card_of, check_form, read_value

PROCEDURES, _PROBLEMS = load_files(builtin_files())
FORMS = [
    (procedure.id, step)
    for procedure in PROCEDURES
    for step in procedure.steps
    if step.kind is StepKind.PRACTICE_FORM
]
IDS = [f"{procedure_id}:{step.id}" for procedure_id, step in FORMS]
REAL_BASE = "1850578006084"


def _card_values(step: Step) -> dict[str, str]:
    """What a person copying the card types in each field (a confirmation: what it confirms)."""
    card = card_of(step).values
    return {field.name: card[field.name] for field in step.form if field.name in card}


def _rule(field: FormField, check: str):
    return next((rule for rule in field.rules if rule.check == check), None)


def _changed(value: str) -> str:
    """`value` with its last digit or letter changed: the same shape, not the card's."""
    for i in range(len(value) - 1, -1, -1):
        char = value[i]
        if char.isdigit():
            return value[:i] + ("8" if char == "9" else "9") + value[i + 1 :]
        in_local_part = "@" not in value or "@" in value[i:]  # an address keeps its domain
        if char.isalpha() and in_local_part:
            return value[:i] + ("b" if char.lower() == "a" else "a") + value[i + 1 :]
    raise AssertionError(f"nothing to change in {value!r}")


def test_there_are_built_in_practice_forms():
    assert len({procedure_id for procedure_id, _ in FORMS}) >= 1 and len(FORMS) >= 3


def test_the_form_field_kinds_are_the_ones_the_guard_knows():
    assert set(FORM_FIELD_KINDS) == set(FIELD_KINDS)


@pytest.mark.parametrize(("procedure_id", "step"), FORMS, ids=IDS)
def test_the_practice_cards_own_values_fill_the_form_without_a_mistake(procedure_id, step):
    verdict = check_form(step, _card_values(step), "fr")
    assert verdict.ok, [(f.name, f.message) for f in verdict.fields if not f.ok]
    # …however a person spaces a number or capitalises an address.
    spaced = {
        name: (value.upper() if "@" in value else value.replace(" ", ""))
        for name, value in _card_values(step).items()
    }
    assert check_form(step, spaced, "fr").ok


@pytest.mark.parametrize(("procedure_id", "step"), FORMS, ids=IDS)
def test_an_empty_form_says_each_required_fields_own_message(procedure_id, step):
    verdict = check_form(step, {}, "fr")
    for field in step.form:
        required = _rule(field, "required")
        if required is not None:
            assert verdict.of(field.name).message == required.message.get("fr"), field.name


@pytest.mark.parametrize(("procedure_id", "step"), FORMS, ids=IDS)
def test_a_value_that_is_not_the_cards_gets_the_card_rules_message_or_the_guards(
    procedure_id, step
):
    for field in step.form:
        card_rule = _rule(field, "card")
        if card_rule is None:
            continue
        values = _card_values(step)
        values[field.name] = _changed(values[field.name])
        said = check_form(step, values, "fr").of(field.name)
        if field.kind == "password":  # only the card's password may be typed at all
            assert said.refused and "mot de passe" in said.message
        else:
            assert not said.refused
            # its pattern still holds: the card rule is the one that speaks
            assert said.message == card_rule.message.get("fr"), field.name


@pytest.mark.parametrize(("procedure_id", "step"), FORMS, ids=IDS)
def test_a_confirmation_that_differs_gets_its_own_message_or_the_guards(procedure_id, step):
    for field in step.form:
        same_as = _rule(field, "same_as")
        if same_as is None:
            continue
        values = _card_values(step)
        values[field.name] = _changed(values[field.name])
        said = check_form(step, values, "fr").of(field.name)
        if field.kind == "password":
            assert said.refused
        else:
            assert said.message == same_as.message.get("fr"), field.name


@pytest.mark.parametrize(("procedure_id", "step"), FORMS, ids=IDS)
def test_a_real_looking_number_in_any_field_is_refused_before_any_rule(procedure_id, step):
    real = f"{REAL_BASE}{97 - int(REAL_BASE) % 97:02d}"
    for field in step.form:
        values = _card_values(step)
        values[field.name] = real
        said = check_form(step, values, "fr").of(field.name)
        assert said.refused and real not in said.message, field.name


def test_numbers_are_read_without_their_separators_and_addresses_without_case():
    nir = FormField("nir", None, "nir", ())  # type: ignore[arg-type]
    email = FormField("email", None, "email", ())  # type: ignore[arg-type]
    assert read_value(nir, " 9 99.01-99 999 999 ") == "999019999999 9".replace(" ", "")
    assert read_value(email, " Camille.Exemple@Exemple.FR ") == "camille.exemple@exemple.fr"


def test_no_mock_message_shows_a_whole_phone_number_someone_may_have():
    """A scam shown on a public kiosk must not name a number that may ring a real person:
    its digits are masked ("06 •• •• •• ••"), the first ones kept as the clue."""
    import re

    whole = re.compile(r"(?<!\d)0[1-9](?:[ .]?\d\d){4}(?!\d)")
    for procedure in PROCEDURES:
        for step in procedure.steps:
            if step.kind is StepKind.QUIZ:
                for language in step.text.languages:
                    assert not whole.search(step.text.get(language)), (procedure.id, step.id)
