"""One visitor's visit, as one object, free of Qt.

Everything a visitor chose, typed or set lives here: the walk through a procedure (and with it the
answers given), the language, the display and voice preferences, the ticks of a checklist, the
words typed in the search box. The window holds one `Visit`; screens read and change it through
it. When the visitor is done, `end()` hands back the only thing that may remain — the anonymous
`Outcome` — and `wipe()` forgets everything in one place, whether or not that outcome could be
recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pasapas.app.guide import Outcome, Walk, WalkState
from pasapas.app.preferences import Preferences


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

    # -- the end -------------------------------------------------------------------------------

    def end(self) -> Outcome | None:
        """Close the walk (finished when it stands on an end step, abandoned otherwise) and return
        its anonymous outcome; None when no procedure was opened. Call `wipe()` afterwards."""
        return self._take_outcome()

    def _take_outcome(self) -> Outcome | None:
        walk, self._walk = self._walk, None
        self._ticks.clear()
        if walk is None:
            return None
        if walk.state is WalkState.WALKING and walk.at_end:
            return walk.finish()
        return walk.abandon()

    def wipe(self) -> None:
        """Forget everything of this visitor: walk, answers, ticks, search, language, display."""
        self._walk = None
        self._ticks.clear()
        self.search_text = ""
        self.language = self.default_language
        self.prefs = self.default_prefs

    def reset_defaults(self, language: str, prefs: Preferences) -> None:
        """Staff changed the kiosk's defaults: they apply from the next visit."""
        self.default_language = language
        self.default_prefs = prefs.validated()
