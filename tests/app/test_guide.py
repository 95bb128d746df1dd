"""The walk-through engine: every way through every procedure, back, restart and finish."""

from __future__ import annotations

import dataclasses

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.model import Procedure, StepKind
from pasapas.app.content.validation import load_files
from pasapas.app.errors import GuideError
from pasapas.app.guide import Outcome, Walk, WalkState

PROCEDURES = {procedure.id: procedure for procedure in load_files(builtin_files())[0]}

Action = tuple[str, int]  # ("next", 0) or ("choose", index)


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


def _all_ways(procedure: Procedure) -> list[list[Action]]:
    """Every sequence of actions from the start to a done step (the content has no cycle)."""
    ways: list[list[Action]] = []

    def visit(step_id: str, actions: list[Action]) -> None:
        step = procedure.step(step_id)
        if step.kind is StepKind.DONE:
            ways.append(actions)
        elif step.kind is StepKind.CHOICE:
            for i, choice in enumerate(step.choices):
                visit(choice.next, [*actions, ("choose", i)])
        else:
            visit(step.next, [*actions, ("next", 0)])

    visit(procedure.start, [])
    return ways


def _walk(procedure_id: str = "medecin-traitant", clock: FakeClock | None = None) -> Walk:
    return Walk(PROCEDURES[procedure_id], language="ar", clock=clock or FakeClock())


@pytest.mark.parametrize("procedure_id", sorted(PROCEDURES))
def test_every_way_through_the_procedure_ends_on_a_done_step_with_steady_progress(
    procedure_id: str,
):
    procedure = PROCEDURES[procedure_id]
    ways = _all_ways(procedure)
    assert len(ways) >= 2  # every built-in procedure asks at least one question
    for actions in ways:
        walk = Walk(procedure, clock=FakeClock())
        progress = walk.progress()
        assert progress.number == 1
        for action, index in actions:
            step = walk.next() if action == "next" else walk.choose(index)
            assert step == walk.current
            moved = walk.progress()
            assert moved.number == progress.number + 1
            assert moved.total <= progress.total, "the total grew as the visitor went forward"
            progress = moved
        assert walk.at_end
        assert walk.current.kind is StepKind.DONE
        assert progress.number == progress.total == len(actions) + 1
        assert progress.fraction == 1.0
        assert walk.finish().finished is True


def test_back_returns_to_the_previous_step_and_forgets_the_answer():
    walk = _walk()
    walk.next()
    question = walk.next()
    assert question.id == "a-un-medecin"
    assert walk.choose(1).id == "chercher"
    assert walk.back() == question
    assert walk.path == ("c-est-quoi", "attention-remboursement", "a-un-medecin")
    assert walk.progress().number == 3
    assert walk.choose(0).id == "accord"
    assert "chercher" not in walk.path


def test_back_on_the_first_step_is_refused_and_stays_there():
    walk = _walk()
    assert not walk.can_go_back
    with pytest.raises(GuideError, match="première étape"):
        walk.back()
    assert walk.path == ("c-est-quoi",)


def test_next_on_a_question_asks_for_an_answer_first():
    walk = _walk()
    walk.next()
    walk.next()
    with pytest.raises(GuideError, match="Choisissez"):
        walk.next()
    assert walk.current.id == "a-un-medecin"


def test_choosing_on_a_step_without_question_is_refused():
    walk = _walk()
    with pytest.raises(GuideError):
        walk.choose(0)
    assert walk.path == ("c-est-quoi",)


@pytest.mark.parametrize("index", [99, 2, -1])
def test_choosing_an_answer_that_does_not_exist_is_refused(index: int):
    walk = _walk()
    walk.next()
    walk.next()
    with pytest.raises(GuideError, match="n'existe pas"):
        walk.choose(index)
    assert walk.current.id == "a-un-medecin"


def _walk_to_end(walk: Walk) -> None:
    while not walk.at_end:
        if walk.current.kind is StepKind.CHOICE:
            walk.choose(0)
        else:
            walk.next()


def test_next_on_the_last_step_is_refused():
    walk = _walk()
    _walk_to_end(walk)
    with pytest.raises(GuideError, match="dernière étape"):
        walk.next()


def test_finishing_before_the_end_is_refused_and_the_walk_goes_on():
    walk = _walk()
    walk.next()
    with pytest.raises(GuideError, match="pas encore finie"):
        walk.finish()
    assert walk.state is WalkState.WALKING
    assert walk.next().id == "a-un-medecin"


def test_finishing_at_the_end_records_the_minutes_spent_and_nothing_personal():
    clock = FakeClock()
    walk = _walk(clock=clock)
    _walk_to_end(walk)
    clock.advance(9)
    outcome = walk.finish()
    assert outcome == Outcome(
        procedure_id="medecin-traitant", finished=True, minutes=9, language="ar"
    )
    # What remains of a visit holds no answer and no step.
    assert [f.name for f in dataclasses.fields(Outcome)] == [
        "procedure_id",
        "finished",
        "minutes",
        "language",
    ]
    clock.advance(30)
    assert walk.outcome().minutes == 9  # the clock stopped at the end


def test_abandoning_gives_an_unfinished_outcome_with_the_time_spent():
    clock = FakeClock()
    walk = _walk(clock=clock)
    walk.next()
    clock.advance(4)
    outcome = walk.abandon()
    assert outcome == Outcome("medecin-traitant", finished=False, minutes=4, language="ar")
    assert walk.state is WalkState.ABANDONED


def test_restart_goes_back_to_the_start_forgets_answers_and_restarts_the_clock():
    clock = FakeClock()
    walk = _walk(clock=clock)
    walk.next()
    walk.next()
    walk.choose(1)
    clock.advance(20)
    assert walk.restart().id == "c-est-quoi"
    assert walk.path == ("c-est-quoi",)
    assert walk.progress().number == 1
    assert not walk.can_go_back
    _walk_to_end(walk)
    clock.advance(3)
    assert walk.finish().minutes == 3


@pytest.mark.parametrize(
    "action",
    [
        lambda w: w.next(),
        lambda w: w.choose(0),
        lambda w: w.back(),
        lambda w: w.finish(),
    ],
    ids=["next", "choose", "back", "finish"],
)
@pytest.mark.parametrize("ending", ["finish", "abandon"])
def test_actions_after_the_walk_ended_are_refused(action, ending: str):
    walk = _walk()
    _walk_to_end(walk)
    walk.finish() if ending == "finish" else walk.abandon()
    path = walk.path
    with pytest.raises(GuideError, match="terminée"):
        action(walk)
    assert walk.path == path


def test_restart_after_finishing_starts_a_new_walk():
    walk = _walk()
    _walk_to_end(walk)
    walk.finish()
    walk.restart()
    assert walk.state is WalkState.WALKING
    assert walk.next().id == "attention-remboursement"
