"""One visitor's visit, as one object, free of Qt.

Everything a visitor chose, typed or set lives here: the walk through a procedure (and with it the
answers given), the language, the display and voice preferences, the ticks of a checklist, the
answers tried on a practice question, what they typed in a practice form, the signs found in a
mock message, the answers to the level check, the words typed in the search box. The window
holds one `Visit`; screens read and change it through it. When the visitor is done, `end()`
hands back the only thing that may remain — the anonymous `Outcome` — and `wipe()` forgets
everything in one place, whether or not that outcome could be recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pasapas.app.guide import Outcome, Walk, WalkState
from pasapas.app.preferences import Preferences


@dataclass(frozen=True)
class QuizTry:
    """Where a visitor stands on one practice question: the answer shown (None once they chose
    to try again), whether it is right, and how many answers they gave."""

    answer: int | None
    right: bool
    attempts: int


@dataclass(frozen=True)
class FormTry:
    """How often a visitor pressed "Vérifier" on one practice form, and whether the form was
    well filled in at the last press."""

    attempts: int
    passed: bool


@dataclass(frozen=True)
class SpotTry:
    """What a visitor found in a mock message: the signs found, the touches on pieces that
    were not one, how many signs there are, and the piece touched last."""

    found: frozenset[int]
    misses: int
    signs: int
    last: int | None = None

    @property
    def complete(self) -> bool:
        return len(self.found) == self.signs


@dataclass
class Visit:
    """A visit starts with the kiosk's defaults and comes back to them on `wipe()`."""

    default_language: str
    default_prefs: Preferences = field(default_factory=Preferences)
    # What the visitor chose or typed: set from the defaults by `wipe()`, never passed in.
    language: str = field(init=False)
    prefs: Preferences = field(init=False)
    search_text: str = field(init=False)
    _walk: Walk | None = field(init=False, repr=False)
    _ticks: dict[str, set[int]] = field(init=False, repr=False, default_factory=dict)
    _tries: dict[str, QuizTry] = field(init=False, repr=False, default_factory=dict)
    _forms: dict[str, dict[str, str]] = field(init=False, repr=False, default_factory=dict)
    _checks: dict[str, FormTry] = field(init=False, repr=False, default_factory=dict)
    _spots: dict[str, SpotTry] = field(init=False, repr=False, default_factory=dict)
    _level: dict[str, bool | None] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.default_prefs = self.default_prefs.validated()
        self.wipe()

    # -- what the visitor has done ------------------------------------------------------------

    @property
    def walk(self) -> Walk | None:
        return self._walk

    @property
    def has_anything(self) -> bool:
        """Is there anything of this visitor's to forget?"""
        return (
            self._walk is not None
            or bool(self.search_text)
            or bool(self._ticks)
            or bool(self._tries)
            or bool(self._forms)
            or bool(self._checks)
            or bool(self._spots)
            or bool(self._level)
            or self.language != self.default_language
            or self.prefs != self.default_prefs
        )

    def set_language(self, language: str) -> None:
        self.language = language
        if self._walk is not None:
            self._walk.language = language

    def set_prefs(self, prefs: Preferences) -> Preferences:
        self.prefs = prefs.validated()
        return self.prefs

    def begin(self, walk: Walk) -> Outcome | None:
        """The visitor opens a procedure. A walk of another procedure that was under way ends
        first: its anonymous outcome is returned, to be recorded."""
        previous = self._take_outcome()
        walk.language = self.language
        self._walk = walk
        return previous

    def tick(self, step_id: str, index: int, on: bool) -> None:
        """Checklist ticks last the visit (a language switch redraws the step), not longer."""
        ticked = self._ticks.setdefault(step_id, set())
        if on:
            ticked.add(index)
        else:
            ticked.discard(index)

    def ticked(self, step_id: str) -> frozenset[int]:
        return frozenset(self._ticks.get(step_id, ()))

    def answer_quiz(self, step_id: str, index: int, right: bool) -> QuizTry:
        """The visitor answered a practice question: the answer shows until they try again or
        leave the visit; the number of tries counts every answer given."""
        previous = self._tries.get(step_id)
        tried = QuizTry(index, right, (previous.attempts if previous else 0) + 1)
        self._tries[step_id] = tried
        return tried

    def retry_quiz(self, step_id: str) -> None:
        """ "Réessayer": the answer is cleared, the count of tries stays."""
        previous = self._tries.get(step_id)
        if previous is not None:
            self._tries[step_id] = QuizTry(None, False, previous.attempts)

    def quiz_try(self, step_id: str) -> QuizTry | None:
        return self._tries.get(step_id)

    def type_in_form(self, step_id: str, name: str, value: str) -> None:
        """What the visitor typed in a practice form's field, once the real-data guard let it
        through (a refused value is never handed here): kept for the visit, so a language
        switch redraws the form as it was."""
        values = self._forms.setdefault(step_id, {})
        if value:
            values[name] = value
        else:
            values.pop(name, None)

    def form_values(self, step_id: str) -> dict[str, str]:
        return dict(self._forms.get(step_id, {}))

    def check_form(self, step_id: str, passed: bool) -> FormTry:
        """The visitor pressed "Vérifier" on a practice form (what the form said is the view's;
        only the count and the last verdict are kept, for the visit)."""
        previous = self._checks.get(step_id)
        checked = FormTry((previous.attempts if previous else 0) + 1, passed)
        self._checks[step_id] = checked
        return checked

    def touch_piece(self, step_id: str, index: int, clues: tuple[int, ...]) -> SpotTry:
        """The visitor touched piece `index` of a mock message whose signs are `clues`."""
        previous = self._spots.get(step_id) or SpotTry(frozenset(), 0, len(clues))
        if index in clues:
            tried = SpotTry(previous.found | {index}, previous.misses, len(clues), index)
        else:
            tried = SpotTry(previous.found, previous.misses + 1, len(clues), index)
        self._spots[step_id] = tried
        return tried

    def spot_try(self, step_id: str) -> SpotTry | None:
        return self._spots.get(step_id)

    def answer_level(self, question_id: str, answer: bool | None) -> None:
        """An answer to the level check: yes, no, or None for "I don't know"."""
        self._level[question_id] = answer

    def forget_level(self, question_id: str) -> None:
        self._level.pop(question_id, None)

    @property
    def level_answers(self) -> dict[str, bool | None]:
        return dict(self._level)

    def practice_results(self) -> tuple[tuple[str, int, bool], ...]:
        """(step id, tries, right in the end) for each practice question answered and each
        practice form checked in this walk: what a workshop keeps of a participant's turn
        (never the answers chosen or the values typed)."""
        quizzes = [(s, t.attempts, t.right) for s, t in self._tries.items() if t.attempts]
        forms = [(s, t.attempts, t.passed) for s, t in self._checks.items()]
        # A mock message: each touch off a sign is a wrong try; every sign found, a right one.
        spots = [
            (s, t.misses + (1 if t.complete else 0), t.complete)
            for s, t in self._spots.items()
            if t.misses or t.found
        ]
        return tuple(quizzes + forms + spots)

    # -- the end -------------------------------------------------------------------------------

    def end(self) -> Outcome | None:
        """Close the walk (finished when it stands on an end step, abandoned otherwise) and return
        its anonymous outcome; None when no procedure was opened. Call `wipe()` afterwards."""
        return self._take_outcome()

    def _take_outcome(self) -> Outcome | None:
        walk, self._walk = self._walk, None
        self._ticks.clear()
        self._tries.clear()
        self._forms.clear()
        self._checks.clear()
        self._spots.clear()
        if walk is None:
            return None
        if walk.state is WalkState.WALKING and walk.at_end:
            return walk.finish()
        return walk.abandon()

    def wipe(self) -> None:
        """Forget everything of this visitor: walk, answers, ticks, tries, forms, search,
        language, display."""
        self._walk = None
        self._ticks.clear()
        self._tries.clear()
        self._forms.clear()
        self._checks.clear()
        self._spots.clear()
        self._level.clear()
        self.search_text = ""
        self.language = self.default_language
        self.prefs = self.default_prefs

    def reset_defaults(self, language: str, prefs: Preferences) -> None:
        """Staff changed the kiosk's defaults: they apply from the next visit."""
        self.default_language = language
        self.default_prefs = prefs.validated()
