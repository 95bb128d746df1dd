"""A practice question (`quiz`), as a workshop participant meets it: marked as an exercise, the
question and its answers read, a wrong answer said wrong in words with a way to try again, a
right one said right, Next all along, and nothing of it left once the visit is over."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame

from pasapas.app.content.kinds import sample_procedure
from pasapas.app.content.model import StepKind
from pasapas.app.content.validation import parse_document
from pasapas.app.guide import Walk
from pasapas.app.languages import strip_isolates
from pasapas.ui.widgets import WrapButton

TODAY = dt.date.today()


def _text(field: str) -> dict[str, str]:
    return {"fr": f"Texte de {field}", "ar": f"نص {field}"}


def _open_quiz(window) -> None:
    """The sample practice question: three answers, the first one right."""
    data = sample_procedure(StepKind.QUIZ, _text, checked=TODAY.isoformat())
    procedure, problems = parse_document(data, "quiz.json", today=TODAY)
    assert problems == []
    window.visit.begin(Walk(procedure, language=window.language))
    window.go("step")


def _answers(screen) -> list[WrapButton]:
    found = [
        b
        for b in screen.findChildren(WrapButton)
        if b.objectName().startswith("quiz-answer-") and b.isVisible()
    ]
    return sorted(found, key=lambda b: b.objectName())


def _last_spoken(speech) -> list[str]:
    """The last reading, one sentence a line (parts in one language come as one text)."""
    return [line for text, _language in speech.spoken()[-1] for line in text.splitlines()]


def _settle() -> None:
    app = QApplication.instance()
    for _ in range(3):
        app.sendPostedEvents()
        app.processEvents()


def test_a_question_is_marked_as_an_exercise_and_read_with_its_answers(qtbot, voiced, speech):
    _open_quiz(voiced)
    screen = voiced.screens["step"]
    assert screen.warning.isVisible()
    assert "Exercice" in screen.warning_label.text()
    buttons = _answers(screen)
    assert [b.accessibleName() for b in buttons] == ["Texte de answers"] * 3
    assert voiced.focusWidget() is buttons[0]
    assert screen.next_button.isVisible()  # the room may go on together, answered or not
    said = _last_spoken(speech)
    assert said[1] == "Exercice. Rien n'est envoyé."
    assert said.index("Texte de question.") < said.index("Réponse 1 : Texte de answers.")
    assert "Réponse 3 : Texte de answers." in said


def test_a_wrong_answer_is_said_wrong_explained_and_may_be_tried_again(qtbot, voiced, speech):
    _open_quiz(voiced)
    screen = voiced.screens["step"]
    step_id = voiced.walk.current.id
    qtbot.mouseClick(_answers(screen)[1], Qt.MouseButton.LeftButton)
    _settle()
    verdict = screen.findChild(QFrame, "quiz-verdict")
    assert verdict.isVisible() and verdict.property("role") == "wrong"
    assert "Ce n'est pas la bonne réponse" in screen.findChild(QFrame, "quiz-verdict").findChild(
        type(screen.title), "quiz-verdict-text"
    ).text()
    assert _answers(screen) == []  # the verdict takes the answers' place
    retry = screen.findChild(WrapButton, "quiz-retry")
    assert retry.isVisible() and voiced.focusWidget() is retry
    # Only the verdict is read, not the whole step again, and it says how to go on.
    said = _last_spoken(speech)
    assert said[0] == "Ce n'est pas la bonne réponse."
    assert "Votre réponse : Texte de answers." in said
    assert "Texte de explanation." in said
    assert not any(line.startswith("Étape") for line in said)
    assert said[-2].startswith("Pour essayer encore")
    assert said[-1].startswith("Pour continuer")
    assert voiced.visit.quiz_try(step_id).attempts == 1

    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    _settle()
    buttons = _answers(screen)
    assert len(buttons) == 3 and voiced.focusWidget() is buttons[0]
    assert _last_spoken(speech)[0] == "Texte de question."
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    _settle()
    verdict = screen.findChild(QFrame, "quiz-verdict")
    assert verdict.property("role") == "right"
    assert screen.findChild(WrapButton, "quiz-retry") is None
    assert voiced.focusWidget() is screen.next_button
    assert _last_spoken(speech)[0] == "Bonne réponse."
    assert voiced.visit.quiz_try(step_id).attempts == 2


def test_the_answer_stays_through_a_language_switch_and_goes_with_the_visit(qtbot, window):
    _open_quiz(window)
    screen = window.screens["step"]
    step_id = window.walk.current.id
    qtbot.mouseClick(_answers(screen)[0], Qt.MouseButton.LeftButton)
    window.set_language("ar")
    _settle()
    verdict = screen.findChild(QFrame, "quiz-verdict")
    assert verdict is not None and verdict.property("role") == "right"
    explanation = verdict.findChild(type(screen.title), "quiz-explanation")
    assert strip_isolates(explanation.text()) == "نص explanation"
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "finish"
    window.end_visit()
    assert window.visit.quiz_try(step_id) is None
    assert not window.visit.has_anything
