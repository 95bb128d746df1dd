"""A practice form, checked: the real-data guard first, then the field's own rules, in order.

A `practice_form` step (`docs/content-format.md`, *Practice forms*) holds the practice card and
the fields of a simulated form. `check_form` looks at what a person typed, field by field, and
says for each the first thing wrong with it, in plain words, or that all is well. A value the
real-data guard refuses is marked so: the form empties that field and keeps nothing of it.
Nothing here keeps, logs or repeats a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pasapas.app.content.model import FormField, FormRule, Step
from pasapas.app.content.validation import python_pattern
from pasapas.app.training.guard import PracticeCard, check_entry

# The kinds whose values are numbers people type with spaces, dots or dashes in between.
# The longest value a practice field takes (the view's maxLength): an e-mail address or a
# passphrase fits; a paste of a whole page does not reach the guard.
MAX_FIELD_LENGTH = 100
_NUMBER_KINDS = frozenset({"nir", "phone", "postcode", "iban"})
_SEPARATORS = re.compile(r"[\s.\-]+")


@dataclass(frozen=True)
class FieldVerdict:
    """What is wrong with one field (`message` in the language asked for), or nothing.
    `refused`: the real-data guard refused the value; the field must be emptied."""

    name: str
    message: str = ""
    refused: bool = False

    @property
    def ok(self) -> bool:
        return not self.message


@dataclass(frozen=True)
class FormVerdict:
    fields: tuple[FieldVerdict, ...]

    @property
    def ok(self) -> bool:
        return all(field.ok for field in self.fields)

    @property
    def refused(self) -> tuple[str, ...]:
        """The fields whose value the guard refused (to be emptied)."""
        return tuple(field.name for field in self.fields if field.refused)

    def of(self, name: str) -> FieldVerdict:
        return next(field for field in self.fields if field.name == name)


def card_of(step: Step) -> PracticeCard:
    """The step's practice card, as the guard reads it: a confirmation field (`same_as`) with no
    line of its own takes the line of the field it confirms."""
    values = {line.name: line.value for line in step.card}
    for field in step.form:
        confirmed = next((r.argument for r in field.rules if r.check == "same_as"), None)
        if field.name not in values and confirmed in values:
            values[field.name] = values[str(confirmed)]
    return PracticeCard(values)


def read_value(field: FormField, value: str) -> str:
    """The value as its field's kind reads it: numbers without their separators, an e-mail
    address without case, any value without the spaces around it."""
    value = value.strip()
    if field.kind in _NUMBER_KINDS:
        return _SEPARATORS.sub("", value).upper()
    if field.kind == "email":
        return value.casefold()
    return value


def guard(step: Step, field: FormField, value: str) -> str | None:
    """The real-data guard's sentence for `value` typed in `field`, or None when it may stay."""
    refusal = check_entry(field.name, value, card_of(step), field_kind=field.kind)
    return refusal.message if refusal is not None else None


def check_form(step: Step, values: Mapping[str, str], language: str) -> FormVerdict:
    """Each field of `step`'s form against `values` (what was typed, by field name): the guard's
    refusal, else the first of its rules that fails, else nothing."""
    card = {line.name: line.value for line in step.card}
    verdicts = []
    for field in step.form:
        typed = values.get(field.name, "")
        refused = guard(step, field, typed)
        if refused is not None:
            verdicts.append(FieldVerdict(field.name, refused, refused=True))
            continue
        failed = next(
            (rule for rule in field.rules if not _passes(rule, field, typed, values, card, step)),
            None,
        )
        message = failed.message.get(language) if failed is not None else ""
        verdicts.append(FieldVerdict(field.name, message))
    return FormVerdict(tuple(verdicts))


def _passes(
    rule: FormRule,
    field: FormField,
    typed: str,
    values: Mapping[str, str],
    card: Mapping[str, str],
    step: Step,
) -> bool:
    value = read_value(field, typed)
    if rule.check == "required":
        return bool(value)
    if not value:
        return True  # an empty field is the `required` rule's to judge, when it has one
    if rule.check == "pattern":
        return re.fullmatch(python_pattern(str(rule.argument)), value) is not None
    if rule.check == "min_length":
        return len(value) >= int(rule.argument or 0)
    if rule.check == "same_as":
        other = next((f for f in step.form if f.name == rule.argument), None)
        return other is not None and read_value(other, values.get(other.name, "")) == value
    if rule.check == "card":
        return field.name in card and read_value(field, card[field.name]) == value
    return True
