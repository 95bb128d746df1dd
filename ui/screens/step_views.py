"""One view per step kind: what a step of that kind adds to the step screen.

The step screen (`ui/screens/step.py`) keeps the frame every step has: the procedure's title,
"step k of n", the warning sign's place, the step's title, text and tip, Back and Stop in
its header and Next in its bottom bar (where a question's answers also go when they fit). It
asks the view of the step's kind for the rest: what fills the answers area, whether
Next shows, which widget takes the focus first, what the sign above the title says, and what is
read aloud before the title and after the tip. Each view is registered for its kind with
`@register_step_view`; a test checks every kind of `pasapas.app.content.kinds.STEP_KINDS` has
one view and every view a kind. Adding a kind is adding its spec there and its view here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import Step, StepKind
from pasapas.app.i18n import _, gettext_in
from pasapas.app.languages import directed
from pasapas.ui.content_text import lay_out
from pasapas.ui.widgets import CheckItem, WrapButton, add_shown

if TYPE_CHECKING:
    from pasapas.ui.screens.step import StepScreen

Spoken = list[tuple[str, str]]  # (sentence, the language of its voice)


class StepView:
    """How the step screen shows a step of one kind. The step screen makes one of each.

    `used` is the language the step's texts are shown in (the visitor's, or French when one of
    them is not translated), `language` the visitor's.
    """

    kind: ClassVar[StepKind]
    # The screen a step of this kind is shown on: the finish screen shows the end of a walk.
    screen: ClassVar[str] = "step"
    # Does the Next button show? When it does and `fill` gives no widget, it takes the focus.
    shows_next: ClassVar[bool] = True

    def __init__(self, frame: StepScreen) -> None:
        self.frame = frame

    def sign(self) -> str:
        """What the warning sign above the title says, in the interface language ("": none)."""
        return ""

    def fill(self, step: Step, used: str, language: str, answers: QVBoxLayout) -> QWidget | None:
        """Put this kind's widgets in the (empty) answers area; return the widget that takes the
        focus first, or None for the Next button."""
        return None

    def spoken_before(self, step: Step, used: str, language: str) -> Spoken:
        """Read after "step k of n" (and the untranslated note), before the title."""
        return []

    def spoken_after(self, step: Step, used: str, language: str) -> Spoken:
        """Read after the text and the tip."""
        return []


STEP_VIEWS: dict[StepKind, type[StepView]] = {}


def register_step_view(kind: StepKind):
    """Class decorator: the view that shows steps of `kind`."""

    def register(cls: type[StepView]) -> type[StepView]:
        if kind in STEP_VIEWS and STEP_VIEWS[kind] is not cls:
            raise ValueError(f"two step views for {kind!r}")
        cls.kind = kind
        STEP_VIEWS[kind] = cls
        return cls

    return register


def step_view_class(kind: StepKind) -> type[StepView]:
    return STEP_VIEWS[kind]


def missing_views() -> tuple[set[StepKind], set[StepKind]]:
    """(kinds with a spec but no view, views with no spec): both empty when all is well."""
    return set(STEP_KINDS) - set(STEP_VIEWS), set(STEP_VIEWS) - set(STEP_KINDS)


# -- the views -------------------------------------------------------------------------------------


@register_step_view(StepKind.INFO)
class InfoView(StepView):
    """A short explanation or one action: the frame alone, and Next."""


@register_step_view(StepKind.WARNING)
class WarningView(StepView):
    """A safety message: the warning sign and the word "Attention", shown and said (never colour
    alone)."""

    def sign(self) -> str:
        return _("⚠  Attention")

    def spoken_before(self, step: Step, used: str, language: str) -> Spoken:
        return [(_("Attention."), language)]


@register_step_view(StepKind.CHECKLIST)
class ChecklistView(StepView):
    """Things to check: one tick box per item. Ticks are kept in the visit (a language switch
    redraws the step and keeps them) and forgotten with it."""

    def fill(self, step: Step, used: str, language: str, answers: QVBoxLayout) -> QWidget | None:
        visit = self.frame.nav.visit
        ticked = visit.ticked(step.id)
        for index, item in enumerate(step.items):
            box = CheckItem(directed(item.get(used), used))
            box.setAccessibleName(item.get(used))
            box.box.setProperty("speech_language", used)
            box.box.setChecked(index in ticked)
            box.box.toggled.connect(lambda on, sid=step.id, i=index: visit.tick(sid, i, on))
            lay_out(used, language, box)
            answers.addWidget(box)
        return None

    def spoken_after(self, step: Step, used: str, language: str) -> Spoken:
        return [(item.get(used), used) for item in step.items]


@register_step_view(StepKind.CHOICE)
class ChoiceView(StepView):
    """A question: one big button per answer, the first takes the focus; no Next."""

    shows_next = False

    def fill(self, step: Step, used: str, language: str, answers: QVBoxLayout) -> QWidget | None:
        first: QWidget | None = None
        for index, choice in enumerate(step.choices):
            button = WrapButton(directed(choice.label.get(used), used))
            button.setAccessibleName(choice.label.get(used))
            button.setObjectName(f"choice-{index}")
            button.clicked.connect(lambda _checked=False, i=index: self.frame.choose(i))
            if used != language:
                button.setProperty("speech_language", used)
            lay_out(used, language, button.title_label)
            add_shown(answers, button)
            first = first or button
        return first

    def spoken_after(self, step: Step, used: str, language: str) -> Spoken:
        parts = []
        for index, choice in enumerate(step.choices, start=1):
            answer = gettext_in(used, "Réponse {n} : {answer}")
            parts.append((answer.format(n=index, answer=choice.label.get(used)), used))
        return parts


@register_step_view(StepKind.DONE)
class DoneView(StepView):
    """The end of a walk: shown by the finish screen (well done, its title and text, the way
    home), not by the step screen."""

    screen = "finish"
