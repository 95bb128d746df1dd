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

import contextlib
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from pasapas.accessibility.spoken_text import without_symbols
from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import Step, StepKind, Text
from pasapas.app.i18n import _, gettext_in
from pasapas.app.languages import directed
from pasapas.app.training.practice import MAX_FIELD_LENGTH, check_form, guard
from pasapas.ui.content_text import lay_out
from pasapas.ui.voice import continue_hint, sentences
from pasapas.ui.widgets import CheckItem, TextField, WrapButton, add_shown, label

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


def answer_buttons(
    labels: list[Text],
    used: str,
    language: str,
    answers: QVBoxLayout,
    name: str,
    on_choose: Callable[[int], None],
) -> QWidget | None:
    """One big button per answer (`name-0`, `name-1`…), each in the step's language and voice;
    returns the first, which takes the focus."""
    first: QWidget | None = None
    for index, text in enumerate(labels):
        button = WrapButton(directed(text.get(used), used))
        button.setAccessibleName(text.get(used))
        button.setObjectName(f"{name}-{index}")
        button.clicked.connect(lambda _checked=False, i=index: on_choose(i))
        if used != language:
            button.setProperty("speech_language", used)
        lay_out(used, language, button.title_label)
        add_shown(answers, button)
        first = first or button
    return first


def numbered_answers(labels: list[Text], used: str) -> Spoken:
    """ "Réponse 1 : …", "Réponse 2 : …", read in the step's language."""
    answer = gettext_in(used, "Réponse {n} : {answer}")
    return [(answer.format(n=n, answer=text.get(used)), used) for n, text in enumerate(labels, 1)]


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
        labels = [choice.label for choice in step.choices]
        return answer_buttons(labels, used, language, answers, "choice", self.frame.choose)

    def spoken_after(self, step: Step, used: str, language: str) -> Spoken:
        return numbered_answers([choice.label for choice in step.choices], used)


def retry_hint() -> str:
    return _("Pour essayer encore, touchez le bouton Réessayer, sous l'explication.")


class ExerciseView(StepView):
    """The kinds of a practice exercise: marked, shown and said, as one where nothing is sent."""

    def sign(self) -> str:
        return _("✎  Exercice : rien n'est envoyé")

    def spoken_before(self, step: Step, used: str, language: str) -> Spoken:
        return [(_("Exercice. Rien n'est envoyé."), language)]


@register_step_view(StepKind.QUIZ)
class QuizView(ExerciseView):
    """A practice question, marked "Exercice": the text shows what to look at, then the
    question and one big button per answer. Once answered, the answers give way to the verdict
    (in words, with a sign and a colour of its own), the explanation, and, when the answer is
    wrong, "Réessayer". Next shows all along: right or wrong, the visitor may go on. The answer
    lives in the visit, and goes with it."""

    def fill(self, step: Step, used: str, language: str, answers: QVBoxLayout) -> QWidget | None:
        question = label(directed(step.question.get(used), used), "subtitle")  # type: ignore[union-attr]
        question.setObjectName("quiz-question")
        lay_out(used, language, question)
        answers.addWidget(question)
        tried = self.frame.nav.visit.quiz_try(step.id)
        if tried is None or tried.answer is None:
            labels = [answer.label for answer in step.answers]
            return answer_buttons(
                labels, used, language, answers, "quiz-answer", self.frame.answer_quiz
            )
        chosen = step.answers[tried.answer].label.get(used)
        verdict = QFrame()
        verdict.setObjectName("quiz-verdict")
        verdict.setProperty("role", "right" if tried.right else "wrong")
        inside = QVBoxLayout(verdict)
        said = label(self.verdict(tried.right), "subtitle")
        said.setObjectName("quiz-verdict-text")
        yours = label(
            directed(gettext_in(used, "Votre réponse : {answer}").format(answer=chosen), used)
        )
        yours.setObjectName("quiz-your-answer")
        why = label(directed(step.explanation.get(used), used))  # type: ignore[union-attr]
        why.setObjectName("quiz-explanation")
        lay_out(used, language, yours, why)
        for widget in (said, yours, why):
            inside.addWidget(widget)
        answers.addWidget(verdict)
        if tried.right:
            return None  # Next takes the focus
        retry = WrapButton(_("↻ Réessayer"))
        retry.setAccessibleName(_("Réessayer"))
        retry.setObjectName("quiz-retry")
        retry.clicked.connect(lambda _checked=False: self.frame.retry_quiz())
        add_shown(answers, retry)
        return retry

    @staticmethod
    def verdict(right: bool) -> str:
        return _("✔ Bonne réponse") if right else _("✖ Ce n'est pas la bonne réponse")

    def feedback(self, step: Step, used: str, language: str) -> Spoken:
        """What is read once the visitor has answered: the verdict, their answer, why, and how
        to go on."""
        tried = self.frame.nav.visit.quiz_try(step.id)
        if tried is None or tried.answer is None:
            return []
        chosen = step.answers[tried.answer].label.get(used)
        parts: Spoken = [
            (_("Bonne réponse.") if tried.right else _("Ce n'est pas la bonne réponse."), language),
            (gettext_in(used, "Votre réponse : {answer}").format(answer=chosen), used),
            (step.explanation.get(used), used),  # type: ignore[union-attr]
        ]
        if not tried.right:
            parts.append((retry_hint(), language))
        return parts

    def spoken_after(self, step: Step, used: str, language: str) -> Spoken:
        question: Spoken = [(step.question.get(used), used)]  # type: ignore[union-attr]
        tried = self.frame.nav.visit.quiz_try(step.id)
        if tried is None or tried.answer is None:
            return question + numbered_answers([a.label for a in step.answers], used)
        return question + self.feedback(step, used, language)


def _in_sight(page, widget: QWidget) -> None:
    with contextlib.suppress(RuntimeError):  # gone with its step meanwhile
        if widget.isVisible():
            page.ensureWidgetVisible(widget, 0, 24)


_BREAK_AFTER = re.compile(r"([@./_-])")


def breakable(value: str) -> str:
    """`value` that may wrap after its dots, @, slashes and dashes (a zero-width space there):
    at 300 % an e-mail address is wider than a kiosk's page, and must not push it sideways."""
    return _BREAK_AFTER.sub("\\1\u200b", value)


def fix_hint() -> str:
    return _("Corrigez, puis touchez encore le bouton Vérifier.")


@register_step_view(StepKind.PRACTICE_FORM)
class PracticeFormView(ExerciseView):
    """A simulated form to practise on, marked "Exercice : rien n'est envoyé", under the practice
    card with its fictitious identity. Touched, a field opens the on-screen keyboard. The
    real-data guard looks at each value as it is typed (a real-looking number, in any field) and
    when the field is left (an e-mail address, a password or a phone number that is not the
    card's): a refused value is emptied at once, never kept, never spoken, and a kind sentence
    says why. "Vérifier" checks every field's rules and says the first mistake of each, or
    well done. What the guard let through lives in the visit (a language switch redraws the
    form as it was), and goes with it. Next shows all along."""

    def __init__(self, frame: StepScreen) -> None:
        super().__init__(frame)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.result: QFrame | None = None
        self.refused: dict[str, str] = {}  # field -> the guard's sentence, while it stays empty

    def fill(self, step: Step, used: str, language: str, answers: QVBoxLayout) -> QWidget | None:
        visit = self.frame.nav.visit
        typed = visit.form_values(step.id)
        self.fields, self.errors, self.result, self.refused = {}, {}, None, {}
        card = QFrame()
        card.setObjectName("practice-card")
        card.setProperty("role", "practice-card")
        lines = QVBoxLayout(card)
        heading = label(_("Carte d'exercice (une personne qui n'existe pas)"), "subtitle")
        lines.addWidget(heading)
        for line in step.card:
            plain = f"{line.label.get(used)} : {line.value}"
            shown = label(directed(f"{line.label.get(used)} : {breakable(line.value)}", used))
            shown.setAccessibleName(plain)
            shown.setObjectName(f"card-{line.name}")
            lay_out(used, language, shown)
            lines.addWidget(shown)
        answers.addWidget(card)
        first: QWidget | None = None
        for field in step.form:
            name = label(directed(field.label.get(used), used), "subtitle")
            lay_out(used, language, name)
            answers.addWidget(name)
            if field.hint is not None:
                hint = label(directed(field.hint.get(used), used), "muted")
                lay_out(used, language, hint)
                answers.addWidget(hint)
            edit = TextField()  # says its name (never what is typed) when Tab reaches it
            edit.setObjectName(f"form-{field.name}")
            edit.setMaxLength(MAX_FIELD_LENGTH)
            edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no undo, no copy
            edit.setAccessibleName(field.label.get(used))
            if field.kind == "password":
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            if field.kind != "text":  # numbers, addresses, codes: typed left to right anywhere
                edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            edit.setText(typed.get(field.name, ""))
            name.setBuddy(edit)
            edit.textEdited.connect(lambda text, f=field: self._typed(step, f, text, as_text=True))
            edit.editingFinished.connect(lambda f=field, e=edit: self._left(step, f, e))
            add_shown(answers, edit)
            self.frame.keyboard.attach(edit)
            error = label("", "error")
            error.setObjectName(f"form-error-{field.name}")
            error.hide()
            answers.addWidget(error)
            self.fields[field.name], self.errors[field.name] = edit, error
            first = first or edit
        check = WrapButton(_("✔ Vérifier"))
        check.setAccessibleName(_("Vérifier"))
        check.setObjectName("form-check")
        check.clicked.connect(lambda _checked=False: self.check(step))
        add_shown(answers, check)
        return first

    # -- typing ------------------------------------------------------------------------------

    def _current(self, step: Step) -> bool:
        """Is `step` still the one shown, in a visit? (A field left as its step goes away, or
        after the visit was wiped, must not write into the next visitor's visit.)"""
        walk = self.frame.nav.walk
        return walk is not None and walk.current.id == step.id

    def _typed(self, step: Step, field, text: str, *, as_text: bool) -> bool:
        """Ask the guard about `text` in `field`. While typing (`as_text`), only the numbers
        that are real-looking anywhere are judged (half a password is not yet anything); a
        refused value is emptied at once, its reason shown and said. The visit keeps a value
        only once the guard accepts it for the field's own kind. True when it may stay."""
        if not self._current(step):
            return False
        visit = self.frame.nav.visit
        looked_at = replace(field, kind="text") if as_text else field
        refused = guard(step, looked_at, text)
        edit = self.fields.get(field.name)
        if refused is not None:
            if edit is not None:
                edit.setText("")  # not clear(): nothing of it left to undo either
            visit.type_in_form(step.id, field.name, "")
            self.refused[field.name] = refused  # said again by "Vérifier" while it is empty
            self._say_error(field.name, refused)
            self.frame.nav.read_aloud(
                refused, self.frame.nav.language, announce_to=self.errors.get(field.name)
            )
            return False
        if text:
            self.refused.pop(field.name, None)
        # Kept only once its own kind's guard agrees (a password: only the card's).
        kept = text if not as_text or guard(step, field, text) is None else ""
        visit.type_in_form(step.id, field.name, kept)
        return True

    def _left(self, step: Step, field, edit: QLineEdit) -> None:
        if field.name in self.fields and self.fields[field.name] is edit:
            self._typed(step, field, edit.text(), as_text=False)

    def _say_error(self, name: str, message: str) -> None:
        error = self.errors.get(name)
        if error is not None:
            error.setText(message)
            error.setVisible(bool(message))
            if message:  # in sight, under its field, once the page has made room for it
                page = self.frame.page
                QTimer.singleShot(0, lambda: _in_sight(page, error))

    # -- checking ----------------------------------------------------------------------------

    def check(self, step: Step) -> None:
        """ "Vérifier": every field against its rules; the first mistake of each shows under it,
        and is read with the field's name; or well done."""
        nav = self.frame.nav
        used, language = self.frame.shown_language(step), nav.language
        for field in step.form:  # what is in the boxes now, through the guard first
            edit = self.fields.get(field.name)
            if edit is not None and edit.text():
                self._typed(step, field, edit.text(), as_text=False)
        refused = self.refused
        verdict = check_form(step, nav.visit.form_values(step.id), used)
        spoken: Spoken = []
        first_wrong: QWidget | None = None
        for field in step.form:
            message = refused.get(field.name) or verdict.of(field.name).message
            self._say_error(field.name, message)
            if message:  # the field's name in the content's voice, what is wrong in the
                # visitor's (the guard speaks the interface language, a rule the content's)
                said_in = language if field.name in refused else used
                spoken += [(field.label.get(used), used), (message, said_in)]
                first_wrong = first_wrong or self.fields[field.name]
        ok = verdict.ok and not refused
        nav.visit.check_form(step.id, ok)
        self._show_result(step, used, ok)
        if ok:
            spoken = [(step.success.get(used), used), (continue_hint(language), language)]  # type: ignore[union-attr]
        else:
            spoken.append((fix_hint(), language))
        if first_wrong is not None:
            first_wrong.setFocus()
        nav.read_aloud_parts(sentences(spoken), announce_to=self.result if ok else first_wrong)

    def _show_result(self, step: Step, used: str, ok: bool) -> None:
        if self.result is not None:
            self.result.setVisible(ok)
            return
        if not ok:
            return
        result = QFrame()
        result.setObjectName("form-success")
        result.setProperty("role", "right")
        inside = QVBoxLayout(result)
        said = label(_("✔ Bien rempli"), "subtitle")
        text = label(directed(step.success.get(used), used))  # type: ignore[union-attr]
        lay_out(used, self.frame.nav.language, text)
        inside.addWidget(said)
        inside.addWidget(text)
        answers = self.frame.answers
        answers.insertWidget(answers.count() - 1, result)
        result.show()
        self.result = result

    def spoken_after(self, step: Step, used: str, language: str) -> Spoken:
        parts: Spoken = [(_("Carte d'exercice."), language)]
        parts += [(f"{line.label.get(used)} : {line.value}", used) for line in step.card]
        for n, field in enumerate(step.form, start=1):
            parts.append(
                (
                    gettext_in(used, "Champ {n} : {label}").format(
                        n=n, label=field.label.get(used)
                    ),
                    used,
                )
            )
            if field.hint is not None:
                parts.append((field.hint.get(used), used))
        parts.append((_("Quand vous avez fini, touchez le bouton Vérifier."), language))
        return parts


@register_step_view(StepKind.SPOT)
class SpotView(ExerciseView):
    """A mock message to search for the signs of a scam, marked "Exercice". The message is
    shown as it would arrive, in pieces, each a big button: touching a piece that is a sign
    marks it found (a tick and the word "Trouvé", never colour alone) and shows and reads why it
    matters; touching another says there is nothing to see there. "k signs found out of n" is
    shown and read; once all are found, the explanation follows. Next shows all along. What was
    found lives in the visit, and goes with it."""

    def fill(self, step: Step, used: str, language: str, answers: QVBoxLayout) -> QWidget | None:
        tried = self.frame.nav.visit.spot_try(step.id)
        found = tried.found if tried is not None else frozenset()
        message = QFrame()
        message.setObjectName("spot-message")
        message.setProperty("role", "practice-card")
        inside = QVBoxLayout(message)
        inside.addWidget(
            label(_("Le message, en morceaux : touchez ceux qui sont suspects"), "subtitle")
        )
        first: QWidget | None = None
        for index, piece in enumerate(step.pieces):
            words = piece.text.get(used)
            shown = (
                gettext_in(used, "✔ Trouvé : {piece}").format(piece=words)
                if index in found
                else words
            )
            button = WrapButton(directed(breakable(shown), used))
            name = without_symbols(words)  # a masked number's dots are not words
            button.setAccessibleName(
                gettext_in(used, "{piece} (trouvé)").format(piece=name) if index in found else name
            )
            button.setObjectName(f"spot-piece-{index}")
            if index in found:
                button.setProperty("role", "right")
            if used != language:
                button.setProperty("speech_language", used)
            button.clicked.connect(lambda _checked=False, i=index: self.frame.touch_piece(i))
            lay_out(used, language, button.title_label)
            inside.addWidget(button)
            if index in found and piece.clue is not None:
                why = label(directed(piece.clue.get(used), used))
                why.setObjectName(f"spot-clue-{index}")
                lay_out(used, language, why)
                inside.addWidget(why)
            first = first or button
        add_shown(answers, message)
        count = label(self.count_text(step, found), "subtitle")
        count.setObjectName("spot-count")
        add_shown(answers, count)
        if tried is not None and tried.last is not None and tried.last not in step.clues:
            nothing = label(_("Ici, rien de suspect. Cherchez encore."), "muted")
            nothing.setObjectName("spot-nothing")
            add_shown(answers, nothing)
        if tried is not None and tried.complete and step.explanation is not None:
            done = QFrame()
            done.setObjectName("spot-done")
            done.setProperty("role", "right")
            column = QVBoxLayout(done)
            column.addWidget(label(_("✔ Vous avez trouvé tous les signes"), "subtitle"))
            text = label(directed(step.explanation.get(used), used))
            lay_out(used, language, text)
            column.addWidget(text)
            add_shown(answers, done)
        if tried is not None and tried.last is not None:
            return message.findChild(WrapButton, f"spot-piece-{tried.last}")
        return first

    @staticmethod
    def count_text(step: Step, found: frozenset[int]) -> str:
        return _("Signes trouvés : {found} sur {signs}").format(
            found=len(found), signs=len(step.clues)
        )

    def feedback(self, step: Step, used: str, language: str) -> Spoken:
        """What is read after a touch: why the piece matters (or that it does not), how many
        signs are found, and once all are, the explanation."""
        tried = self.frame.nav.visit.spot_try(step.id)
        if tried is None or tried.last is None:
            return []
        piece = step.pieces[tried.last]
        parts: Spoken = []
        if piece.clue is not None:
            parts += [(_("Trouvé."), language), (piece.clue.get(used), used)]
        else:
            parts.append((_("Ici, rien de suspect. Cherchez encore."), language))
        parts.append((self.count_text(step, tried.found), language))
        if tried.complete:
            parts.append((_("Vous avez trouvé tous les signes."), language))
            if step.explanation is not None:
                parts.append((step.explanation.get(used), used))
        return parts

    def spoken_after(self, step: Step, used: str, language: str) -> Spoken:
        parts: Spoken = [(_("Le message, en morceaux :"), language)]
        parts += [
            (
                gettext_in(used, "Morceau {n} : {piece}").format(n=n, piece=piece.text.get(used)),
                used,
            )
            for n, piece in enumerate(step.pieces, start=1)
        ]
        tried = self.frame.nav.visit.spot_try(step.id)
        found = tried.found if tried is not None else frozenset()
        parts.append((self.count_text(step, found), language))
        parts.append((_("Touchez chaque morceau qui vous semble suspect."), language))
        return parts


@register_step_view(StepKind.DONE)
class DoneView(StepView):
    """The end of a walk: shown by the finish screen (well done, its title and text, the way
    home), not by the step screen."""

    screen = "finish"
