"""One step view per step kind: the step screen keeps the frame and each kind's view fills the
rest; checklist ticks live in the visit; a procedure of any length can be walked on screen."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from pasapas.app.content.kinds import STEP_KINDS, sample_procedure
from pasapas.app.content.model import StepKind
from pasapas.app.content.validation import parse_document
from pasapas.app.guide import Walk
from pasapas.ui.screens.step_views import STEP_VIEWS, missing_views, step_view_class
from pasapas.ui.widgets import CheckItem, WrapButton
from tests.app.test_guide import _linear

TODAY = dt.date.today()


def _text(field: str) -> dict[str, str]:
    return {"fr": f"Texte de {field}", "en": f"Text of {field}"}


def _open_sample(window, kind: StepKind) -> None:
    data = sample_procedure(kind, _text, checked=TODAY.isoformat())
    procedure, problems = parse_document(data, "sample.json", today=TODAY)
    assert problems == []
    window.visit.begin(Walk(procedure, language=window.language))
    window.go(step_view_class(kind).screen)


def test_every_kind_with_a_spec_has_a_view_and_every_view_a_spec():
    assert missing_views() == (set(), set())
    assert set(STEP_VIEWS) == set(STEP_KINDS)
    for kind, cls in STEP_VIEWS.items():
        assert cls.kind is kind


def test_missing_views_names_a_kind_without_view_and_a_view_without_kind(monkeypatch):
    import pasapas.ui.screens.step_views as step_views

    views = dict(STEP_VIEWS)
    del views[StepKind.CHECKLIST]
    monkeypatch.setattr(step_views, "STEP_VIEWS", views)
    assert step_views.missing_views() == ({StepKind.CHECKLIST}, set())
    kinds = {kind: spec for kind, spec in STEP_KINDS.items() if kind is not StepKind.DONE}
    monkeypatch.setattr(step_views, "STEP_KINDS", kinds)
    monkeypatch.setattr(step_views, "STEP_VIEWS", dict(STEP_VIEWS))
    assert step_views.missing_views() == (set(), {StepKind.DONE})


def test_each_kind_is_shown_on_a_screen_the_window_has_final_kinds_on_the_finish_screen(window):
    for kind, spec in STEP_KINDS.items():
        screen = step_view_class(kind).screen
        assert screen in window.screens
        assert (screen == "finish") is spec.final, kind
        _open_sample(window, kind)
        assert window.current_screen == screen
        assert window.walk.current.kind is kind
        window.end_visit()


@pytest.mark.parametrize("kind", [k for k, spec in STEP_KINDS.items() if not spec.final])
def test_the_frame_is_the_same_for_every_kind_and_its_view_fills_the_rest(window, kind):
    _open_sample(window, kind)
    screen = window.screens["step"]
    assert screen.title.text() == "Texte de title"
    assert screen.text.text() == "Texte de text"
    assert screen.tip.text() == "Conseil : Texte de tip"
    assert screen.progress_label.text() == "Étape 1 sur 2"
    view = screen.views[kind]
    assert screen.next_button.isVisibleTo(screen) is view.shows_next
    assert screen.warning.isVisibleTo(screen) is bool(view.sign())
    boxes = screen.findChildren(CheckItem)
    answers = [
        b
        for b in screen.findChildren(WrapButton)
        if b.objectName().startswith(("choice-", "quiz-answer-"))
    ]
    walk = window.walk
    assert len(boxes) == len(walk.current.items)
    assert len(answers) == len(walk.current.choices) + len(walk.current.answers)
    spoken = screen.spoken_text(walk.current).splitlines()
    assert spoken[0] == "Étape 1 sur 2."
    title_at = spoken.index("Texte de title.")
    assert spoken[1:title_at] == [
        text.rstrip(".") + "." for text, _ in view.spoken_before(walk.current, "fr", "fr")
    ]
    first = screen.first_focus()
    fields = [f for f in screen.findChildren(QLineEdit) if f.objectName().startswith("form-")]
    assert len(fields) == len(walk.current.form)
    pieces = sorted(
        (b for b in screen.findChildren(WrapButton) if b.objectName().startswith("spot-piece-")),
        key=lambda b: b.objectName(),
    )
    assert len(pieces) == len(walk.current.pieces)
    if pieces:  # a mock message to search: its first piece
        assert first is pieces[0] and window.focusWidget() is pieces[0]
    elif answers:
        assert first is answers[0] and window.focusWidget() is answers[0]
    elif fields:  # a practice form: its first field
        assert first is fields[0] and window.focusWidget() is fields[0]
    else:
        assert first is screen.next_button


def test_a_warning_shows_and_says_attention_before_its_title(window):
    _open_sample(window, StepKind.WARNING)
    screen = window.screens["step"]
    assert screen.warning.isVisibleTo(screen)
    assert "Attention" in screen.warning_label.text()
    spoken = screen.spoken_text(window.walk.current).splitlines()
    assert spoken.index("Attention.") < spoken.index("Texte de title.")
    window.end_visit()
    _open_sample(window, StepKind.INFO)
    assert not screen.warning.isVisibleTo(screen)


def test_checklist_ticks_are_kept_in_the_visit_and_forgotten_with_it(qtbot, window):
    _open_sample(window, StepKind.CHECKLIST)
    screen = window.screens["step"]
    step_id = window.walk.current.id
    boxes = screen.findChildren(CheckItem)
    qtbot.mouseClick(boxes[1].box, Qt.MouseButton.LeftButton)
    assert window.visit.ticked(step_id) == {1}
    assert not hasattr(screen, "_ticked")
    screen.show_step()  # drawn again (a language switch does this): the tick is still there
    assert [box.isChecked() for box in screen.findChildren(CheckItem)] == [False, True, False]
    window.end_visit()
    assert window.visit.ticked(step_id) == frozenset()


def test_a_procedure_of_5000_steps_opens_on_its_first_step_and_walks_to_the_end(
    qtbot, window, kiosk, tmp_path
):
    path = tmp_path / "grande.json"
    path.write_text(json.dumps(_linear(5000), ensure_ascii=False), encoding="utf-8")
    kiosk.import_files([path])
    window.go("overview", procedure="grande")
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "step"
    screen = window.screens["step"]
    assert screen.progress_label.text() == "Étape 1 sur 5000"
    for _ in range(4998):
        window.walk.next()
    qtbot.mouseClick(screen.next_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "finish"
