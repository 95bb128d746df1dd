"""Step kinds, each described once.

A step has the fields every step has (`id`, `kind`, `title`, `text`, an optional `tip`) and the
fields of its kind. `STEP_FIELDS` describes every field once: its JSON Schema, the translatable
texts it holds and the ways on it gives (a `next` gives the Next button, each of `choices` gives
one answer). `STEP_KINDS` says, for each kind, which of those fields a step of that kind requires
or may have; every other field is forbidden. From that, one `StepKindSpec` answers every question
about a kind:

- the JSON Schema of a step (`step_schema`, merged into `procedure.schema.json` by the validator)
  and the fields the validator names as not allowed;
- the texts to translate, with their JSON paths (coverage, the step screen's one language);
- the text a step gives to search;
- its moves (Next, or answer i) and successors (the guide, `route_to`, the validator's walk
  rules); a kind with no field that leads on is final: a walk ends on it;
- a sample step (the accessibility audit builds every kind from these, in every language).

Adding a kind is adding its `StepKind` value and its spec here, and its step view in `ui/`. A kind
that needs a field no kind has yet also adds it to `STEP_FIELDS` and to `model.Step`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pasapas.app.content import FORMAT
from pasapas.app.content.model import Step, StepKind, Text

JsonPath = tuple[str | int, ...]
# Gives the JSON text object to put in a sample step's field (called once per text needed).
TextMaker = Callable[[str], dict[str, str]]

_SLUG = {"$ref": "#/$defs/slug"}
_TEXT = {"$ref": "#/$defs/text"}


@dataclass(frozen=True)
class Move:
    """One way on from a step: the Next button (`answer` None) or the answer at index `answer`.

    `path` is where the target is written inside the step, for messages: `("next",)`,
    `("choices", 1, "next")`.
    """

    answer: int | None
    target: str
    path: JsonPath


@dataclass(frozen=True)
class StepText:
    """One translatable text of a step, with its JSON path inside the step."""

    path: JsonPath
    text: Text


@dataclass(frozen=True)
class StepField:
    """A field of a step: its JSON Schema, the texts it holds, the moves it gives, a sample."""

    name: str
    schema: Mapping[str, Any]
    texts: Callable[[Step], Iterator[StepText]] | None = None
    moves: Callable[[Step], Iterator[Move]] | None = None
    sample: Callable[[TextMaker, str], Any] | None = None  # (texts, the next step's id) -> JSON


def _one_text(name: str) -> Callable[[Step], Iterator[StepText]]:
    def texts(step: Step) -> Iterator[StepText]:
        value = getattr(step, name)
        if value is not None:
            yield StepText((name,), value)

    return texts


def _items_texts(step: Step) -> Iterator[StepText]:
    for j, item in enumerate(step.items):
        yield StepText(("items", j), item)


def _choices_texts(step: Step) -> Iterator[StepText]:
    for j, choice in enumerate(step.choices):
        yield StepText(("choices", j, "label"), choice.label)


def _answers_texts(step: Step) -> Iterator[StepText]:
    for j, answer in enumerate(step.answers):
        yield StepText(("answers", j, "label"), answer.label)


def _sample_answers(text: TextMaker, _to: str) -> list[dict[str, Any]]:
    return [{"label": text("answers"), "correct": j == 0} for j in range(3)]


def _card_texts(step: Step) -> Iterator[StepText]:
    for j, line in enumerate(step.card):
        yield StepText(("card", j, "label"), line.label)


def _form_texts(step: Step) -> Iterator[StepText]:
    for j, field in enumerate(step.form):
        yield StepText(("form", j, "label"), field.label)
        if field.hint is not None:
            yield StepText(("form", j, "hint"), field.hint)
        for k, rule in enumerate(field.rules):
            yield StepText(("form", j, "rules", k, "message"), rule.message)


def _pieces_texts(step: Step) -> Iterator[StepText]:
    for j, piece in enumerate(step.pieces):
        yield StepText(("pieces", j, "text"), piece.text)
        if piece.clue is not None:
            yield StepText(("pieces", j, "clue"), piece.clue)


def _sample_pieces(text: TextMaker, _to: str) -> list[dict[str, Any]]:
    return [
        {"text": text("pieces"), "clue": text("pieces")},
        {"text": text("pieces")},
        {"text": text("pieces"), "clue": text("pieces")},
    ]


# The kinds of field of a practice form: what the real-data guard looks for in each
# (`pasapas.app.training.guard.FIELD_KINDS` is the same list; a test checks).
FORM_FIELD_KINDS = ("text", "nir", "email", "password", "phone", "date", "postcode", "iban")


def _rule_schema(check: str, **argument: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["check", "message", *argument],
        "properties": {"check": {"const": check}, "message": _TEXT, **argument},
    }


_FORM_RULE = {
    "oneOf": [
        _rule_schema("required"),
        _rule_schema("pattern", pattern={"type": "string", "minLength": 1, "maxLength": 500}),
        _rule_schema("min_length", length={"type": "integer", "minimum": 1, "maximum": 200}),
        _rule_schema("same_as", field=_SLUG),
        _rule_schema("card"),
    ]
}


def _sample_card(text: TextMaker, _to: str) -> list[dict[str, Any]]:
    return [
        {"name": "nir", "label": text("card"), "value": "9 99 01 99 999 999"},
        {"name": "email", "label": text("card"), "value": "camille.exemple@exemple.fr"},
    ]


def _sample_form(text: TextMaker, _to: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "nir",
            "label": text("form"),
            "kind": "nir",
            "hint": text("form"),
            "rules": [
                {"check": "required", "message": text("form")},
                {"check": "pattern", "pattern": "^[0-9]{13}$", "message": text("form")},
                {"check": "card", "message": text("form")},
            ],
        },
        {
            "name": "email",
            "label": text("form"),
            "kind": "email",
            "rules": [
                {"check": "required", "message": text("form")},
                {"check": "card", "message": text("form")},
            ],
        },
    ]


def _next_moves(step: Step) -> Iterator[Move]:
    if step.next:
        yield Move(None, step.next, ("next",))


def _choices_moves(step: Step) -> Iterator[Move]:
    for j, choice in enumerate(step.choices):
        yield Move(j, choice.next, ("choices", j, "next"))


# Every field a step may have, in document order (texts are listed in this order).
STEP_FIELDS: dict[str, StepField] = {
    field.name: field
    for field in (
        StepField("id", _SLUG),
        StepField("kind", {}),  # its enum is made from STEP_KINDS by `step_schema`
        StepField("title", _TEXT, texts=_one_text("title"), sample=lambda text, _to: text("title")),
        StepField("text", _TEXT, texts=_one_text("text"), sample=lambda text, _to: text("text")),
        StepField("tip", _TEXT, texts=_one_text("tip"), sample=lambda text, _to: text("tip")),
        StepField("next", _SLUG, moves=_next_moves, sample=lambda _text, to: to),
        StepField(
            "items",
            {"type": "array", "minItems": 1, "items": _TEXT},
            texts=_items_texts,
            sample=lambda text, _to: [text("items") for _ in range(3)],
        ),
        StepField(
            "choices",
            {
                "type": "array",
                "minItems": 2,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["label", "next"],
                    "properties": {"label": _TEXT, "next": _SLUG},
                },
            },
            texts=_choices_texts,
            moves=_choices_moves,
            sample=lambda text, to: [{"label": text("choices"), "next": to} for _ in range(2)],
        ),
        StepField(
            "question",
            _TEXT,
            texts=_one_text("question"),
            sample=lambda text, _to: text("question"),
        ),
        StepField(
            "answers",
            {
                "type": "array",
                "minItems": 2,
                "maxItems": 6,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["label", "correct"],
                    "properties": {"label": _TEXT, "correct": {"type": "boolean"}},
                },
                # At least one answer is right.
                "contains": {"properties": {"correct": {"const": True}}},
            },
            texts=_answers_texts,
            sample=_sample_answers,
        ),
        StepField(
            "explanation",
            _TEXT,
            texts=_one_text("explanation"),
            sample=lambda text, _to: text("explanation"),
        ),
        StepField(
            "card",
            {
                "type": "array",
                "minItems": 1,
                "maxItems": 12,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "label", "value"],
                    "properties": {
                        "name": _SLUG,
                        "label": _TEXT,
                        "value": {"type": "string", "minLength": 1, "maxLength": 200},
                    },
                },
            },
            texts=_card_texts,
            sample=_sample_card,
        ),
        StepField(
            "form",
            {
                "type": "array",
                "minItems": 1,
                "maxItems": 8,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "label", "kind", "rules"],
                    "properties": {
                        "name": _SLUG,
                        "label": _TEXT,
                        "kind": {"enum": list(FORM_FIELD_KINDS)},
                        "hint": _TEXT,
                        "rules": {"type": "array", "maxItems": 8, "items": _FORM_RULE},
                    },
                },
            },
            texts=_form_texts,
            sample=_sample_form,
        ),
        StepField(
            "success",
            _TEXT,
            texts=_one_text("success"),
            sample=lambda text, _to: text("success"),
        ),
        StepField(
            "pieces",
            {
                "type": "array",
                "minItems": 2,
                "maxItems": 12,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["text"],
                    "properties": {"text": _TEXT, "clue": _TEXT},
                },
                # At least one piece is a sign to find.
                "contains": {"required": ["clue"]},
            },
            texts=_pieces_texts,
            sample=_sample_pieces,
        ),
    )
}
# What every step has, whatever its kind.
COMMON_REQUIRED = ("id", "kind", "title", "text")
COMMON_OPTIONAL = ("tip",)


@dataclass(frozen=True)
class StepKindSpec:
    """Everything about one kind of step. `required` and `optional` name the fields of
    `STEP_FIELDS` a step of this kind has beyond the common ones; the others are forbidden."""

    kind: StepKind
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    searched: tuple[str, ...] | None = None  # text fields given to search; None: all of them
    # Printed on the take-home sheet? An exercise's steps are not advice to take home (a mock
    # scam message, its made-up numbers), and nothing of what was answered is printed.
    printed: bool = True

    def __post_init__(self) -> None:
        own = self.required + self.optional
        unknown = [name for name in own if name not in STEP_FIELDS]
        if unknown:
            raise ValueError(f"{self.kind}: unknown fields {unknown}")
        common = [name for name in own if name in COMMON_REQUIRED + COMMON_OPTIONAL]
        if common or len(set(own)) != len(own):
            raise ValueError(f"{self.kind}: fields listed twice {common or own}")
        # A step that may lead on must always lead on: then every way through a procedure
        # without loops ends on a step of a final kind.
        optional_moves = [name for name in self.optional if STEP_FIELDS[name].moves]
        if optional_moves:
            raise ValueError(f"{self.kind}: fields that lead on must be required {optional_moves}")

    # -- fields ----------------------------------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field a step of this kind may have, in document order."""
        allowed = {*COMMON_REQUIRED, *COMMON_OPTIONAL, *self.required, *self.optional}
        return tuple(name for name in STEP_FIELDS if name in allowed)

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(name for name in STEP_FIELDS if name in (*COMMON_REQUIRED, *self.required))

    @property
    def forbidden(self) -> tuple[str, ...]:
        """The fields a step of this kind may not have."""
        return tuple(name for name in STEP_FIELDS if name not in self.fields)

    @property
    def text_fields(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if STEP_FIELDS[name].texts)

    @property
    def final(self) -> bool:
        """A walk ends on a step of this kind: no field of it leads on."""
        return not any(STEP_FIELDS[name].moves for name in self.fields)

    # -- a step of this kind ---------------------------------------------------------------------

    def texts(self, step: Step) -> tuple[StepText, ...]:
        """Every translatable text of `step`, in document order, with its path in the step."""
        found: list[StepText] = []
        for name in self.text_fields:
            found += STEP_FIELDS[name].texts(step)  # type: ignore[misc]
        return tuple(found)

    def search_texts(self, step: Step, language: str) -> list[str]:
        """What `step` gives to the search index, in `language` (French when missing)."""
        searched = self.text_fields if self.searched is None else self.searched
        return [t.text.get(language) for t in self.texts(step) if t.path[0] in searched]

    def moves(self, step: Step) -> tuple[Move, ...]:
        """The ways on from `step`: Next, or one per answer (none on a final step)."""
        found: list[Move] = []
        for name in self.fields:
            moves = STEP_FIELDS[name].moves
            if moves is not None:
                found += moves(step)
        return tuple(found)

    def successors(self, step: Step) -> tuple[str, ...]:
        return tuple(move.target for move in self.moves(step))

    def next_move(self, step: Step) -> Move | None:
        """The move of the Next button, if the step has one."""
        return next((move for move in self.moves(step) if move.answer is None), None)

    def answers(self, step: Step) -> tuple[Move, ...]:
        """The moves of the answers, in order (`answers(step)[i].answer == i`)."""
        return tuple(move for move in self.moves(step) if move.answer is not None)

    # -- schema and samples ----------------------------------------------------------------------

    def schema_rule(self) -> dict[str, Any]:
        """The part of the step schema that applies to this kind: required and forbidden fields."""
        then: dict[str, Any] = {}
        if self.required:
            then["required"] = list(self.required)
        if self.forbidden:
            then["properties"] = dict.fromkeys(self.forbidden, False)
        return {"if": {"properties": {"kind": {"const": self.kind.value}}}, "then": then}

    def sample_step(self, step_id: str, next_id: str, text: TextMaker) -> dict[str, Any]:
        """A step of this kind as JSON, with every field it may have (a tip included); its
        moves lead to `next_id`; `text(field)` gives each text."""
        data: dict[str, Any] = {"id": step_id, "kind": self.kind.value}
        for name in self.fields:
            sample = STEP_FIELDS[name].sample
            if sample is not None:
                data[name] = sample(text, next_id)
        return data


STEP_KINDS: dict[StepKind, StepKindSpec] = {
    spec.kind: spec
    for spec in (
        # A short explanation or one action to do.
        StepKindSpec(StepKind.INFO, required=("next",)),
        # Things to check or prepare; ticking them is optional and forgotten after the visit.
        StepKindSpec(StepKind.CHECKLIST, required=("next", "items")),
        # A question with one answer per button; each answer leads to its own step.
        StepKindSpec(StepKind.CHOICE, required=("choices",)),
        # A safety message, marked with a warning sign and the word "Attention".
        StepKindSpec(StepKind.WARNING, required=("next",)),
        # A practice question (workshops, exercises): the visitor answers, hears whether it is
        # right and why, may try again, then goes on with Next. Nothing of it is kept.
        StepKindSpec(
            StepKind.QUIZ,
            required=("next", "question", "answers", "explanation"),
            searched=("title", "question"),  # not a mock scam's words
            printed=False,
        ),
        # A simulated form to practise on, beside a practice card with a fictitious identity:
        # "Vérifier" checks each field's rules; nothing typed is kept after the visit, and the
        # real-data guard refuses what looks like a person's own data.
        StepKindSpec(
            StepKind.PRACTICE_FORM,
            required=("next", "card", "form", "success"),
            searched=("title", "text"),
            printed=False,
        ),
        # A mock message in pieces to search for the signs of a scam: touching a piece that is
        # one shows and reads why it matters; Next shows all along. Nothing of it is kept.
        StepKindSpec(
            StepKind.SPOT,
            required=("next", "pieces"),
            optional=("explanation",),
            searched=("title", "text"),
            printed=False,
        ),
        # The end: what to do next.
        StepKindSpec(StepKind.DONE),
    )
}


def spec_of(step: Step) -> StepKindSpec:
    return STEP_KINDS[step.kind]


def step_schema() -> dict[str, Any]:
    """The JSON Schema of a step (`$defs.step` of `procedure.schema.json`), made from the kinds."""
    properties = {name: dict(field.schema) for name, field in STEP_FIELDS.items()}
    properties["kind"] = {"enum": [kind.value for kind in STEP_KINDS]}
    return {
        "type": "object",
        "required": list(COMMON_REQUIRED),
        "properties": properties,
        "allOf": [spec.schema_rule() for spec in STEP_KINDS.values()],
        "additionalProperties": False,
    }


def sample_procedure(kind: StepKind, text: TextMaker, *, checked: str) -> dict[str, Any]:
    """A small valid procedure (JSON) that shows a step of `kind`: that step first, then, when
    the kind is not final, a step of the first final kind. `text(field)` gives every text;
    `checked` is the ISO date its source was checked."""
    spec = STEP_KINDS[kind]
    end = next(s for s in STEP_KINDS.values() if s.final)
    slug = kind.value.replace("_", "-")  # ids are slugs: "practice_form" gives "practice-form"
    first_id, end_id = f"{slug}-step", f"{end.kind.value}-end"
    steps = [spec.sample_step(first_id, end_id, text)]
    if not spec.final:
        steps.append(end.sample_step(end_id, end_id, text))
    return {
        "format": FORMAT,
        "id": f"sample-{slug}",
        "version": 1,
        "title": text("procedure-title"),
        "summary": text("summary"),
        "themes": ["rights"],
        "audience": text("audience"),
        "estimated_minutes": 5,
        "documents": [],
        "sources": [
            {"title": text("source"), "url": "https://www.service-public.fr/", "checked": checked}
        ],
        "start": first_id,
        "steps": steps,
    }
