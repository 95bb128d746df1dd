"""A workshop's slides: each step of each procedure of its modules, as the room sees it projected.

The presentation shows one slide at a time, in extra-large type, in the order the procedures come
in the modules and, within a procedure, the order its steps are written in (the order a trainer
reads them). A slide holds the texts of one step in one language (every text of a step in the
same language, as on the kiosk: French when the step is not wholly translated), the lines under
them (a checklist's items, a question's answers, a practice question's answers, the practice
card and the form's fields) and, for a practice question, which answers are right and the
explanation the trainer reveals with "Montrer la réponse" (a mock message to search: its pieces,
the signs among them and why each matters). Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pasapas.app.content.model import Procedure, Step, StepKind, Text

SOURCE_LANGUAGE = "fr"


@dataclass(frozen=True)
class Slide:
    procedure_id: str
    step_id: str
    kind: StepKind
    language: str  # the language its texts are in
    procedure_title: str
    title: str
    text: str
    tip: str
    question: str
    lines: tuple[str, ...]
    right: tuple[int, ...]  # the lines that are right answers (a practice question)
    explanation: str

    @property
    def has_answer(self) -> bool:
        return bool(self.right or self.explanation)


def _texts(step: Step) -> list[Text]:
    texts: list[Text | None] = [step.title, step.text, step.tip, step.question, step.explanation]
    texts += list(step.items)
    texts += [c.label for c in step.choices]
    texts += [a.label for a in step.answers]
    texts += [line.label for line in step.card]
    texts += [f.label for f in step.form]
    texts += [p.text for p in step.pieces] + [p.clue for p in step.pieces if p.clue is not None]
    return [t for t in texts if t is not None]


def _language(step: Step, language: str) -> str:
    if all(language in t.languages for t in _texts(step)):
        return language
    return SOURCE_LANGUAGE


def _get(text: Text | None, language: str) -> str:
    return text.get(language) if text is not None else ""


def slide_of(procedure: Procedure, step: Step, language: str) -> Slide:
    used = _language(step, language)
    lines: list[str] = [_get(t, used) for t in step.items]
    lines += [_get(c.label, used) for c in step.choices]
    lines += [_get(a.label, used) for a in step.answers]
    lines += [f"{_get(line.label, used)} : {line.value}" for line in step.card]
    lines += [_get(f.label, used) + " : ____________" for f in step.form]
    right = tuple(i for i, a in enumerate(step.answers) if a.correct)
    explanation = _get(step.explanation, used)
    if step.pieces:  # a mock message to search: its pieces; the answer, the signs and why
        lines = [_get(p.text, used) for p in step.pieces]
        right = step.clues
        why = [f"{i + 1}. {_get(step.pieces[i].clue, used)}" for i in step.clues]
        explanation = "\n".join([*why, explanation] if explanation else why)
    return Slide(
        procedure_id=procedure.id,
        step_id=step.id,
        kind=step.kind,
        language=used,
        procedure_title=procedure.title.get(used),
        title=_get(step.title, used),
        text=_get(step.text, used),
        tip=_get(step.tip, used),
        question=_get(step.question, used),
        lines=tuple(lines),
        right=right,
        explanation=explanation,
    )


def slides(procedures: Iterable[Procedure], language: str) -> tuple[Slide, ...]:
    """Every step of these procedures, in order, as slides in `language`."""
    return tuple(slide_of(p, step, language) for p in procedures for step in p.steps)
