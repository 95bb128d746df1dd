"""One step of a procedure, in large text: "step k of n", the action, Back and Next or answers.

The screen is the frame every step has; what a kind of step adds (tick boxes, answers, the
warning sign, what is read after the text) comes from the view registered for that kind in
`ui/screens/step_views.py`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import Step, StepKind
from pasapas.app.i18n import _, gettext_in
from pasapas.app.languages import directed
from pasapas.ui.content_text import lay_out, note_label, note_parts, resolved, show_note
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.step_views import STEP_VIEWS, StepView
from pasapas.ui.widgets import BigButton, clear_layout, label


@register_screen
class StepScreen(Screen):
    name = "step"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        # Where the visitor is scrolls with the step: at large text sizes nothing is squeezed.
        self.procedure_title = label("", "muted")
        self.progress_label = label("", "subtitle")
        self.progress_label.setObjectName("progress")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        for widget in (self.procedure_title, self.progress_label, self.progress):
            body.addWidget(widget)
        # The sign above the title, for the kinds whose view has one (a warning's "Attention").
        self.warning = QFrame()
        self.warning.setProperty("role", "warning")
        warning_layout = QVBoxLayout(self.warning)
        self.warning_label = label("", "subtitle")
        warning_layout.addWidget(self.warning_label)
        self.untranslated = note_label()
        self.title = label("", "title")
        self.title.setObjectName("step-title")
        self.text = label()
        self.text.setObjectName("step-text")
        self.tip = label("", "muted")
        self.answers = QVBoxLayout()  # filled by the view of the step's kind
        self.answers.setSpacing(12)
        for widget in (self.warning, self.untranslated, self.title, self.text, self.tip):
            body.addWidget(widget)
        body.addLayout(self.answers)
        body.addStretch(1)

        bar = QHBoxLayout()
        bar.setContentsMargins(48, 12, 48, 24)
        self.back_button = BigButton()
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.back)
        self.quit_button = BigButton()
        self.quit_button.setObjectName("quit")
        self.quit_button.clicked.connect(self.nav.end_visit)
        self.next_button = BigButton(role="primary")
        self.next_button.setObjectName("next")
        self.next_button.clicked.connect(self.next)
        bar.addWidget(self.back_button)
        bar.addWidget(self.quit_button)
        bar.addStretch(1)
        bar.addWidget(self.next_button)
        outer.addLayout(bar)
        self._focus: QWidget | None = None
        self.views: dict[StepKind, StepView] = {kind: cls(self) for kind, cls in STEP_VIEWS.items()}
        self.retranslate()

    def retranslate(self) -> None:
        self.back_button.set_text(_("← Retour"))
        self.quit_button.set_text(_("Arrêter"))
        self.next_button.set_text(_("Suivant →"))
        if self.nav.walk is not None and self.isVisible():
            self.show_step()

    # -- showing -----------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self.show_step()

    def show_step(self) -> None:
        walk = self.nav.walk
        if walk is None:
            return
        lang = self.nav.language
        step: Step = walk.current
        # The step's texts all come in one language: the visitor's, or French when any is missing.
        used = self.shown_language(step)
        shown_title = walk.procedure.title.resolve(lang)
        progress = walk.progress()
        self.procedure_title.setText(directed(*shown_title))
        lay_out(shown_title[1], lang, self.procedure_title)
        self.progress_label.setText(
            _("Étape {k} sur {n}").format(k=progress.number, n=progress.total)
        )
        self.progress.setRange(0, progress.total)
        self.progress.setValue(progress.number)
        self.progress.setAccessibleName(self.progress_label.text())
        view = self.views[step.kind]
        sign = view.sign()
        self.warning.setVisible(bool(sign))
        self.warning_label.setText(sign)
        show_note(self.untranslated, used, lang)
        self.title.setText(directed(step.title.get(used), used))
        self.text.setText(directed(step.text.get(used), used))
        self.tip.setVisible(step.tip is not None)
        self.tip.setText(directed(self._tip(step, used), used))
        lay_out(used, lang, self.title, self.text, self.tip)
        clear_layout(self.answers)
        focus = view.fill(step, used, lang, self.answers)
        if focus is None and view.shows_next:
            focus = self.next_button
        self._focus = focus
        self.next_button.setVisible(view.shows_next)
        self.page.to_top()
        self.nav.read_aloud_parts(self.spoken_parts(step), announce_to=self.title)
        if self._focus is not None and self.isVisible():
            self._focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def shown_language(self, step: Step) -> str:
        """The one language all of the step's texts (as its kind lists them) are shown in."""
        texts = [found.text for found in STEP_KINDS[step.kind].texts(step)]
        return resolved(texts, self.nav.language)

    @staticmethod
    def _tip(step: Step, language: str) -> str:
        if step.tip is None:
            return ""
        return gettext_in(language, "Conseil : {tip}").format(tip=step.tip.get(language))

    def spoken_parts(self, step: Step) -> list[tuple[str, str]]:
        """What the voice reads, as (sentence, language): progress, what the kind says first (a
        warning's "Attention"), title, text, tip, then what the kind adds (the items, the
        answers). Untranslated content is read in French by the French voice, after a note in the
        visitor's language."""
        lang = self.nav.language
        used = self.shown_language(step)
        view = self.views[step.kind]
        parts = [(self.progress_label.text(), lang)]
        parts += note_parts(used, lang)
        parts += view.spoken_before(step, used, lang)
        parts += [(step.title.get(used), used), (step.text.get(used), used)]
        if step.tip is not None:
            parts.append((self._tip(step, used), used))
        parts += view.spoken_after(step, used, lang)
        return [(text.rstrip(".") + ".", language) for text, language in parts if text]

    def spoken_text(self, step: Step) -> str:
        """Everything the voice reads for `step`, one sentence a line (whatever the voices)."""
        return "\n".join(text for text, _language in self.spoken_parts(step))

    def first_focus(self) -> QWidget | None:
        return self._focus

    # -- moving ------------------------------------------------------------------------------

    def _moved(self) -> None:
        walk = self.nav.walk
        shown_on = self.views[walk.current.kind].screen if walk is not None else self.name
        if shown_on != self.name:  # the end of the walk: the finish screen
            self.nav.go(shown_on)
        else:
            self.show_step()

    def next(self) -> None:
        if self.nav.walk is not None:
            self.nav.walk.next()
            self._moved()

    def choose(self, index: int) -> None:
        if self.nav.walk is not None:
            self.nav.walk.choose(index)
            self._moved()

    def back(self) -> None:
        walk = self.nav.walk
        if walk is None:
            return
        if walk.can_go_back:
            walk.back()
            self.show_step()
        else:  # back from the first step: the overview, and the visit is not over
            self.nav.go("overview", procedure=walk.procedure.id)

    def wipe(self) -> None:
        clear_layout(self.answers)
        for widget in (self.procedure_title, self.progress_label, self.title, self.text, self.tip):
            widget.clear()
        self.untranslated.hide()
        self.progress.reset()
        self._focus = None
