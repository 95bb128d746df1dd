"""The walk-through engine: every way through every procedure, back, restart and finish."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time

import pytest

from pasapas.app.content import builtin_files
from pasapas.app.content.model import Procedure, StepKind
from pasapas.app.content.validation import load_files, parse_document
from pasapas.app.errors import GuideError
from pasapas.app.guide import Outcome, Progress, Walk, WalkState, route_to, steps_left

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
    pending: list[tuple[str, list[Action]]] = [(procedure.start, [])]
    while pending:  # depth first, with a stack of its own (no recursion)
        step_id, actions = pending.pop()
        step = procedure.step(step_id)
        if step.kind is StepKind.DONE:
            ways.append(actions)
        elif step.kind is StepKind.CHOICE:
            for i, choice in reversed(list(enumerate(step.choices))):
                pending.append((choice.next, [*actions, ("choose", i)]))
        else:
            pending.append((step.next, [*actions, ("next", 0)]))
    return ways


def _walk(procedure_id: str = "medecin-traitant", clock: FakeClock | None = None) -> Walk:
    return Walk(PROCEDURES[procedure_id], language="ar", clock=clock or FakeClock())


@pytest.mark.parametrize("procedure_id", sorted(PROCEDURES))
def test_every_way_through_the_procedure_ends_on_a_done_step_with_steady_progress(
    procedure_id: str,
):
    procedure = PROCEDURES[procedure_id]
    ways = _all_ways(procedure)
    if not any(step.kind is StepKind.QUIZ for step in procedure.steps):
        assert len(ways) >= 2  # every built-in procedure asks at least one question
    # (an exercise's practice questions do not branch: the room stays together)
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


# -- procedures of any size --------------------------------------------------------------------


def _document(steps: list[dict], start: str) -> dict:
    return {
        "format": "pasapas.procedure/1",
        "id": "grande",
        "version": 1,
        "title": {"fr": "Une longue démarche"},
        "summary": {"fr": "Beaucoup d'étapes."},
        "themes": ["rights"],
        "audience": {"fr": "Toute personne."},
        "estimated_minutes": 5,
        "documents": [],
        "sources": [
            {
                "title": {"fr": "Service-public.fr"},
                "url": "https://www.service-public.fr/",
                "checked": "2026-01-02",
            }
        ],
        "start": start,
        "steps": steps,
    }


def _info(step_id: str, next_id: str) -> dict:
    return {
        "id": step_id,
        "kind": "info",
        "title": {"fr": step_id},
        "text": {"fr": "…"},
        "next": next_id,
    }


def _choice(step_id: str, targets: list[str]) -> dict:
    choices = [{"label": {"fr": f"Réponse {t}"}, "next": t} for t in targets]
    return {
        "id": step_id,
        "kind": "choice",
        "title": {"fr": step_id},
        "text": {"fr": "?"},
        "choices": choices,
    }


def _done(step_id: str = "fin") -> dict:
    return {"id": step_id, "kind": "done", "title": {"fr": "Fin"}, "text": {"fr": "Bravo."}}


def _linear(count: int) -> dict:
    ids = [f"etape-{i}" for i in range(count - 1)] + ["fin"]
    steps = [_info(ids[i], ids[i + 1]) for i in range(count - 1)] + [_done()]
    return _document(steps, ids[0])


def _wide(answers: int, longest: int) -> dict:
    """A first question with `answers` answers: answer 0 opens a way of `longest` steps (the
    last a question), each other answer a way of one step; the long way goes on down a ladder of
    1000 rungs of two questions, each answer leading to one of the next two (2**1000 ways)."""
    rungs = 1000
    steps = [_choice("question", ["long-0" if i == 0 else f"court-{i}" for i in range(answers)])]
    steps += [_info(f"long-{i}", f"long-{i + 1}") for i in range(longest - 1)]
    steps.append(_choice(f"long-{longest - 1}", ["echelle-0-a", "echelle-0-b"]))
    steps += [_info(f"court-{i}", "fin") for i in range(1, answers)]
    for rung in range(rungs):
        after = (
            [f"echelle-{rung + 1}-a", f"echelle-{rung + 1}-b"]
            if rung + 1 < rungs
            else ["fin", "fin"]
        )
        steps += [_choice(f"echelle-{rung}-{side}", after) for side in "ab"]
    steps.append(_done())
    return _document(steps, "question")


def _parsed(data: dict) -> tuple[Procedure, float]:
    started = time.perf_counter()
    procedure, problems = parse_document(data, "grande.json", today=dt.date(2026, 11, 29))
    assert [str(p) for p in problems] == []
    assert procedure is not None
    return procedure, time.perf_counter() - started


def test_a_linear_procedure_of_5000_steps_is_accepted_walked_and_finished():
    procedure, seconds = _parsed(_linear(5000))
    assert seconds < 5, f"validation took {seconds:.1f} s"
    walk = Walk(procedure, clock=FakeClock())
    assert walk.progress() == Progress(1, 5000)
    started = time.perf_counter()
    for number in range(2, 5001):
        walk.next()
        assert walk.progress() == Progress(number, 5000)
    assert time.perf_counter() - started < 5
    assert walk.at_end and walk.finish().finished
    assert route_to(procedure, "fin") == [None] * 4999
    assert route_to(procedure, "etape-2500") == [None] * 2500


def test_a_wide_and_deep_branching_procedure_is_accepted_and_each_way_counts_its_own_steps():
    procedure, seconds = _parsed(_wide(answers=1000, longest=3000))
    assert seconds < 5, f"validation took {seconds:.1f} s"
    assert len(procedure.steps) == 1 + 3000 + 999 + 2000 + 1
    walk = Walk(procedure, clock=FakeClock())
    # The longest way: the long answer, its 3000 steps, one step of each of 1000 rungs, the end.
    assert walk.progress() == Progress(1, 1 + 3000 + 1000 + 1)
    walk.choose(999)
    assert walk.current.id == "court-999"
    assert walk.progress() == Progress(2, 3)  # a short way: the total shrinks
    walk.next()
    assert walk.at_end and walk.progress() == Progress(3, 3)
    walk.restart()
    walk.choose(0)
    for _ in range(2999):
        walk.next()
    walk.choose(0)
    assert walk.current.id == "echelle-0-a"
    for rung in range(1000):
        assert walk.progress().total == 1 + 3000 + 1000 + 1
        walk.choose(rung % 2)
    assert walk.at_end and walk.finish().finished
    # The shortest way there, found breadth first: answer 0, Next along the long way, then the
    # first answer of each rung but the last.
    assert route_to(procedure, "echelle-999-b") == [0, *[None] * 2999, 0, *[0] * 998, 1]


def test_steps_left_are_worked_out_without_recursion_even_with_a_low_recursion_limit():
    procedure, _ = _parsed(_linear(2000))
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # far less than the 2000 steps a recursive walk would stack
    try:
        left = steps_left(procedure)
        route = route_to(procedure, "fin")
    finally:
        sys.setrecursionlimit(limit)
    assert left["etape-0"] == 1999 and left["fin"] == 0
    assert len(route) == 1999


def test_a_loop_or_a_lost_step_in_a_long_procedure_is_refused_without_recursion():
    looping = _linear(5000)
    looping["steps"][-2]["next"] = "etape-0"  # back to the start: the end is never reached
    started = time.perf_counter()
    procedure, problems = parse_document(looping, "grande.json", today=dt.date(2026, 11, 29))
    assert procedure is None
    assert time.perf_counter() - started < 5
    messages = [p.message for p in problems]
    assert any("boucle" in m for m in messages)
    assert any("« fin » ne peut jamais être atteinte" in m for m in messages)
