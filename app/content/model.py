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
    DONE = "done"


@dataclass(frozen=True)
class Choice:
    label: Text
    next: str


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

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Step:
        """Build from a step that already passed the schema."""
        tip = raw.get("tip")
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
        )

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
