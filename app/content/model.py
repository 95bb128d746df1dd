"""The values a procedure is made of. Frozen: a procedure never changes once loaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

FALLBACK_LANGUAGE = "fr"


@dataclass(frozen=True)
class Text:
    """A text in several languages. French is always there."""

    by_language: tuple[tuple[str, str], ...]

    @classmethod
    def from_json(cls, value: Mapping[str, str]) -> Text:
        return cls(tuple(sorted(value.items())))

    def to_json(self) -> dict[str, str]:
        return dict(self.by_language)

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(lang for lang, _ in self.by_language)

    def resolve(self, language: str) -> tuple[str, str]:
        """The text in `language`, or in French when missing, with the language actually used."""
        values = dict(self.by_language)
        if language in values:
            return values[language], language
        return values[FALLBACK_LANGUAGE], FALLBACK_LANGUAGE

    def get(self, language: str) -> str:
        return self.resolve(language)[0]


class StepKind(StrEnum):
    """The kinds of step. Each is described once, in `kinds.STEP_KINDS`."""

    INFO = "info"
    CHECKLIST = "checklist"
    CHOICE = "choice"
    WARNING = "warning"
    QUIZ = "quiz"
    PRACTICE_FORM = "practice_form"
    SPOT = "spot"
    DONE = "done"


@dataclass(frozen=True)
class Choice:
    label: Text
    next: str


@dataclass(frozen=True)
class QuizAnswer:
    """One answer of a practice question; `correct` says whether it is a right one."""

    label: Text
    correct: bool


@dataclass(frozen=True)
class CardLine:
    """One line of a practice card: a fictitious value, the same in every language."""

    name: str
    label: Text
    value: str


@dataclass(frozen=True)
class FormRule:
    """One rule of a practice form's field: `check` is `required`, `pattern`, `min_length`,
    `same_as` or `card`; `argument` the pattern, the length or the other field's name."""

    check: str
    message: Text
    argument: str | int | None = None


@dataclass(frozen=True)
class FormField:
    name: str
    label: Text
    kind: str  # what the real-data guard looks for, and how the value is read
    rules: tuple[FormRule, ...]
    hint: Text | None = None


@dataclass(frozen=True)
class SpotPiece:
    """One piece of a mock message to search for the signs of a scam: its words, and, when it
    is one of those signs, why (`clue`)."""

    text: Text
    clue: Text | None = None


_RULE_ARGUMENT = {"pattern": "pattern", "min_length": "length", "same_as": "field"}


def _form_field(raw: Mapping[str, Any]) -> FormField:
    hint = raw.get("hint")
    return FormField(
        name=raw["name"],
        label=Text.from_json(raw["label"]),
        kind=raw["kind"],
        rules=tuple(
            FormRule(
                rule["check"],
                Text.from_json(rule["message"]),
                rule.get(_RULE_ARGUMENT.get(rule["check"], "")),
            )
            for rule in raw["rules"]
        ),
        hint=Text.from_json(hint) if hint is not None else None,
    )


@dataclass(frozen=True)
class Step:
    id: str
    kind: StepKind
    title: Text
    text: Text
    tip: Text | None = None
    next: str | None = None
    items: tuple[Text, ...] = ()
    choices: tuple[Choice, ...] = ()
    question: Text | None = None
    answers: tuple[QuizAnswer, ...] = ()
    explanation: Text | None = None
    card: tuple[CardLine, ...] = ()
    form: tuple[FormField, ...] = ()
    success: Text | None = None
    pieces: tuple[SpotPiece, ...] = ()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Step:
        """Build from a step that already passed the schema."""
        tip = raw.get("tip")
        question, explanation = raw.get("question"), raw.get("explanation")
        success = raw.get("success")
        return cls(
            id=raw["id"],
            kind=StepKind(raw["kind"]),
            title=Text.from_json(raw["title"]),
            text=Text.from_json(raw["text"]),
            tip=Text.from_json(tip) if tip is not None else None,
            next=raw.get("next"),
            items=tuple(Text.from_json(item) for item in raw.get("items", ())),
            choices=tuple(
                Choice(Text.from_json(c["label"]), c["next"]) for c in raw.get("choices", ())
            ),
            question=Text.from_json(question) if question is not None else None,
            answers=tuple(
                QuizAnswer(Text.from_json(a["label"]), bool(a["correct"]))
                for a in raw.get("answers", ())
            ),
            explanation=Text.from_json(explanation) if explanation is not None else None,
            card=tuple(
                CardLine(line["name"], Text.from_json(line["label"]), line["value"])
                for line in raw.get("card", ())
            ),
            form=tuple(_form_field(field) for field in raw.get("form", ())),
            success=Text.from_json(success) if success is not None else None,
            pieces=tuple(
                SpotPiece(
                    Text.from_json(piece["text"]),
                    Text.from_json(piece["clue"]) if "clue" in piece else None,
                )
                for piece in raw.get("pieces", ())
            ),
        )

    @property
    def right_answers(self) -> frozenset[int]:
        """The indexes of a practice question's right answers."""
        return frozenset(i for i, answer in enumerate(self.answers) if answer.correct)

    @property
    def clues(self) -> tuple[int, ...]:
        """The indexes of a spot step's pieces that are signs to find."""
        return tuple(i for i, piece in enumerate(self.pieces) if piece.clue is not None)

    def successors(self) -> tuple[str, ...]:
        """The steps this one leads to (see `kinds.STEP_KINDS`: each kind says how)."""
        from pasapas.app.content.kinds import STEP_KINDS  # kinds is built on this module

        return STEP_KINDS[self.kind].successors(self)


@dataclass(frozen=True)
class Source:
    title: Text
    url: str
    checked: dt.date


@dataclass(frozen=True)
class Procedure:
    id: str
    version: int
    title: Text
    summary: Text
    themes: tuple[str, ...]
    audience: Text
    estimated_minutes: int
    documents: tuple[Text, ...]
    sources: tuple[Source, ...]
    synonyms: tuple[tuple[str, tuple[str, ...]], ...]
    start: str
    steps: tuple[Step, ...]
    document: str = ""  # the canonical JSON it was read from, kept for the store

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def synonyms_in(self, language: str) -> tuple[str, ...]:
        return dict(self.synonyms).get(language, ())

    def languages(self) -> frozenset[str]:
        return self.title.languages

    @property
    def sources_checked(self) -> dt.date:
        """The oldest date at which one of its sources was checked."""
        return min(source.checked for source in self.sources)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], document: str = "") -> Procedure:
        """Build from a document that already passed validation."""
        steps = tuple(Step.from_json(raw) for raw in data["steps"])
        return cls(
            id=data["id"],
            version=int(data["version"]),
            title=Text.from_json(data["title"]),
            summary=Text.from_json(data["summary"]),
            themes=tuple(data["themes"]),
            audience=Text.from_json(data["audience"]),
            estimated_minutes=int(data["estimated_minutes"]),
            documents=tuple(Text.from_json(d) for d in data["documents"]),
            sources=tuple(
                Source(Text.from_json(s["title"]), s["url"], dt.date.fromisoformat(s["checked"]))
                for s in data["sources"]
            ),
            synonyms=tuple(
                (lang, tuple(words)) for lang, words in sorted(data.get("synonyms", {}).items())
            ),
            start=data["start"],
            steps=steps,
            document=document,
        )
