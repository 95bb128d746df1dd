"""The walk-through engine: a visitor's way through one procedure, free of Qt.

A `Walk` starts on the procedure's first step and moves with `next`, `choose`, `back`,
`restart` and `finish`. It keeps the path taken (so "back" returns exactly where the visitor came
from and forgets the answer given there), counts "step k of n" along that path, and measures the
time spent. It holds no personal data: answers are step ids, dropped on `back`, `restart` or when
the walk is thrown away.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import Procedure, Step
from pasapas.app.errors import GuideError
from pasapas.app.i18n import _


class WalkState(StrEnum):
    WALKING = "walking"
    FINISHED = "finished"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class Progress:
    """Where the visitor is: step `number` of about `total` along the path taken so far."""

    number: int
    total: int

    @property
    def fraction(self) -> float:
        return self.number / self.total if self.total else 1.0


@dataclass(frozen=True)
class Outcome:
    """What may remain of a visit: no person, no answers."""

    procedure_id: str
    finished: bool
    minutes: int
    language: str


class Walk:
    def __init__(
        self,
        procedure: Procedure,
        *,
        language: str = "fr",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.procedure = procedure
        self.language = language
        self._clock = clock
        self._started = clock()
        self._ended: float | None = None
        self._path: list[str] = [procedure.start]
        self.state = WalkState.WALKING
        self._steps = {step.id: step for step in procedure.steps}
        self._left: dict[str, int] | None = None

    # -- where we are ------------------------------------------------------------------------

    @property
    def current(self) -> Step:
        return self._steps[self._path[-1]]

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self._path)

    @property
    def can_go_back(self) -> bool:
        return len(self._path) > 1 and self.state is WalkState.WALKING

    @property
    def at_end(self) -> bool:
        """On a step of a final kind (`done`): the walk can only finish."""
        return STEP_KINDS[self.current.kind].final

    def progress(self) -> Progress:
        """Step k of n: k steps walked, n = k plus the longest way left to an end.

        The total never grows as the visitor moves forward; it may shrink after a choice.
        """
        number = len(self._path)
        return Progress(number, number + self._remaining(self.current.id))

    def _remaining(self, step_id: str) -> int:
        """Steps left after `step_id` on its longest way to an end (worked out once a walk)."""
        if self._left is None:
            self._left = steps_left(self.procedure)
        return self._left[step_id]

    def elapsed_seconds(self) -> float:
        end = self._ended if self._ended is not None else self._clock()
        return max(0.0, end - self._started)

    # -- moving ------------------------------------------------------------------------------

    def _require_walking(self) -> None:
        if self.state is not WalkState.WALKING:
            raise GuideError(_("Cette démarche est terminée. Recommencez-la depuis le début."))

    def next(self) -> Step:
        """Go on with the Next button (a step that asks a question wants an answer instead)."""
        self._require_walking()
        spec = STEP_KINDS[self.current.kind]
        move = spec.next_move(self.current)
        if move is None:
            if spec.answers(self.current):
                raise GuideError(_("Choisissez d'abord une réponse."))
            raise GuideError(_("C'est la dernière étape."))
        self._path.append(move.target)
        return self.current

    def choose(self, index: int) -> Step:
        """Go on with the answer at `index`."""
        self._require_walking()
        answers = STEP_KINDS[self.current.kind].answers(self.current)
        if not answers:
            raise GuideError(_("Cette étape ne pose pas de question."))
        if not 0 <= index < len(answers):
            raise GuideError(_("Cette réponse n'existe pas."))
        self._path.append(answers[index].target)
        return self.current

    def back(self) -> Step:
        self._require_walking()
        if len(self._path) == 1:
            raise GuideError(_("Vous êtes déjà à la première étape."))
        self._path.pop()
        return self.current

    def restart(self) -> Step:
        """Back to the first step, answers forgotten, clock started again."""
        self._path = [self.procedure.start]
        self._started = self._clock()
        self._ended = None
        self.state = WalkState.WALKING
        return self.current

    def finish(self) -> Outcome:
        self._require_walking()
        if not self.at_end:
            raise GuideError(_("La démarche n'est pas encore finie."))
        self.state = WalkState.FINISHED
        self._ended = self._clock()
        return self.outcome()

    def abandon(self) -> Outcome:
        """The visitor left (or the kiosk timed out) before the end."""
        if self.state is WalkState.WALKING:
            self.state = WalkState.ABANDONED
            self._ended = self._clock()
        return self.outcome()

    def outcome(self) -> Outcome:
        return Outcome(
            procedure_id=self.procedure.id,
            finished=self.state is WalkState.FINISHED,
            minutes=round(self.elapsed_seconds() / 60),
            language=self.language,
        )


def steps_left(procedure: Procedure) -> dict[str, int]:
    """For each step, how many steps are left after it on its longest way to an end.

    Worked out without recursion, whatever the length of the procedure: each step is settled once
    all the steps it leads to are (a topological order over the steps, from the ends back). A step
    on a loop or leading to a missing step is never settled and has no entry (validation refuses
    both).
    """
    successors = {step.id: STEP_KINDS[step.kind].successors(step) for step in procedure.steps}
    leading_here: dict[str, list[str]] = {step_id: [] for step_id in successors}
    waiting: dict[str, int] = {}
    for step_id, targets in successors.items():
        waiting[step_id] = len(targets)
        for target in targets:
            if target in leading_here:
                leading_here[target].append(step_id)
    left = dict.fromkeys(successors, 0)
    settled: dict[str, int] = {}
    ready = deque(step_id for step_id, count in waiting.items() if count == 0)
    while ready:
        step_id = ready.popleft()
        settled[step_id] = left[step_id]
        for previous in leading_here[step_id]:
            left[previous] = max(left[previous], left[step_id] + 1)
            waiting[previous] -= 1
            if waiting[previous] == 0:
                ready.append(previous)
    return settled


def route_to(procedure: Procedure, step_id: str) -> list[int | None]:
    """The shortest way from the first step to `step_id`: `None` for Next, an index for an answer.

    Used to open a walk on a given step (screenshots, the accessibility audit, trainers' demos).
    A breadth-first search without recursion, each step's way kept as one move back to where it
    was first reached from.
    """
    steps = {step.id: step for step in procedure.steps}
    if step_id not in steps:
        raise GuideError(_("L'étape « {id} » n'existe pas.").format(id=step_id))
    reached_by: dict[str, tuple[str, int | None] | None] = {procedure.start: None}
    queue = deque([procedure.start])
    while queue:
        current = queue.popleft()
        if current == step_id:
            route: list[int | None] = []
            back = reached_by[current]
            while back is not None:
                current, move = back
                route.append(move)
                back = reached_by[current]
            return route[::-1]
        if current not in steps:
            continue
        for move in STEP_KINDS[steps[current].kind].moves(steps[current]):
            if move.target not in reached_by:
                reached_by[move.target] = (current, move.answer)
                queue.append(move.target)
    raise GuideError(_("L'étape « {id} » ne peut pas être atteinte.").format(id=step_id))


def follow(walk: Walk, route: list[int | None]) -> Step:
    for move in route:
        if move is None:
            walk.next()
        else:
            walk.choose(move)
    return walk.current
