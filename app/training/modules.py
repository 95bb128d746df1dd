"""Training modules: what a workshop walks through, in order, with its goals and its length.

A module is an ordered list of procedures and practice exercises (ids of the catalog's
procedures), a duration in minutes, a level and the themes of the national activity report
(`app.records.accompaniment_report.THEMES`) a workshop on it counts under. Its title and goals
are content, written per language like a procedure's texts: a language the module has no text
in shows the French. The built-in modules are `modules.json` beside this file; `check_modules`
says what is wrong with a set of modules against a catalog.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.app.records.accompaniment_report import LEVELS, THEMES

MODULES_FILE = Path(__file__).with_name("modules.json")
SOURCE_LANGUAGE = "fr"


@dataclass(frozen=True)
class Module:
    id: str
    duration: int  # minutes
    level: str  # accompaniment_report.LEVELS
    themes: tuple[str, ...]  # accompaniment_report.THEMES
    items: tuple[str, ...]  # procedure ids, in the order the workshop takes them
    titles: Mapping[str, str]
    goals: Mapping[str, tuple[str, ...]]

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles[SOURCE_LANGUAGE]

    def goals_in(self, language: str) -> tuple[str, ...]:
        return self.goals.get(language) or self.goals.get(SOURCE_LANGUAGE, ())


def _module(raw: Mapping) -> Module:
    titles = dict(raw["title"])
    if SOURCE_LANGUAGE not in titles:
        raise ValueError(f"module {raw.get('id')} has no French title")
    return Module(
        id=str(raw["id"]),
        duration=int(raw["duration"]),
        level=str(raw["level"]),
        themes=tuple(raw["themes"]),
        items=tuple(raw["items"]),
        titles=titles,
        goals={lang: tuple(lines) for lang, lines in raw.get("goals", {}).items()},
    )


@dataclass(frozen=True)
class LevelQuestion:
    """One question of the level check: "no" or "I don't know" suggests the module."""

    id: str
    questions: Mapping[str, str]
    suggests: str

    def question(self, language: str) -> str:
        return self.questions.get(language) or self.questions[SOURCE_LANGUAGE]


@cache
def _data() -> Mapping:
    return json.loads(MODULES_FILE.read_text(encoding="utf-8"))


@cache
def level_check() -> tuple[LevelQuestion, ...]:
    """The short level check (three to five questions, read aloud), in the spirit of the quick
    diagnostics French digital mediators use: each answered "no" or "I don't know" suggests
    the module that teaches it."""
    return tuple(
        LevelQuestion(str(q["id"]), dict(q["question"]), str(q["suggests"]))
        for q in _data().get("level_check", ())
    )


def suggested(answers: Mapping[str, bool | None]) -> tuple[Module, ...]:
    """The modules the level check suggests for these answers (question id -> yes, no, or
    None for "I don't know"), in the order of the questions, each once."""
    wanted = [q.suggests for q in level_check() if answers.get(q.id) is not True]
    return tuple(m for m in builtin_modules() if m.id in wanted)


@cache
def builtin_modules() -> tuple[Module, ...]:
    """The modules shipped with the kiosk, in the order a trainer sees them."""
    return tuple(_module(raw) for raw in _data()["modules"])


def module(module_id: str) -> Module:
    """The built-in module `module_id`; a clear error when there is none."""
    for candidate in builtin_modules():
        if candidate.id == module_id:
            return candidate
    raise PasapasError(_("Le module « {id} » n'existe pas.").format(id=module_id))


def check_modules(modules: Iterable[Module], procedure_ids: Iterable[str]) -> list[str]:
    """What is wrong with these modules (in English, for the content's authors and the tests):
    an item the catalog lacks, a duplicate, a level or a theme the national report has no code
    for, a length outside a workshop's."""
    known = set(procedure_ids)
    problems: list[str] = []
    seen: set[str] = set()
    for m in modules:
        if m.id in seen:
            problems.append(f"{m.id}: two modules have this id")
        seen.add(m.id)
        if not m.items:
            problems.append(f"{m.id}: no procedure or exercise")
        for item in m.items:
            if item not in known:
                problems.append(f"{m.id}: {item} is not in the catalog")
        if len(set(m.items)) != len(m.items):
            problems.append(f"{m.id}: an item comes twice")
        if m.level not in LEVELS:
            problems.append(f"{m.id}: level {m.level} is not one of {', '.join(LEVELS)}")
        if not m.themes or any(t not in THEMES for t in m.themes):
            problems.append(f"{m.id}: themes must be codes of the national activity report")
        if not 15 <= m.duration <= 8 * 60:
            problems.append(f"{m.id}: a duration of {m.duration} minutes is not a workshop's")
        for lang, goals in m.goals.items():
            if lang not in m.titles:
                problems.append(f"{m.id}: goals in {lang} but no title")
            if not goals:
                problems.append(f"{m.id}: no goal in {lang}")
    return problems
