"""The level check: three to five questions, one at a time, read aloud, that suggest a workshop
module ("Faire le point", in the spirit of the quick diagnostics French digital mediators use).

Each question has three big answers: yes, no, "I don't know". Every no or "I don't know"
suggests the module that teaches it (`app.training.modules.suggested`); the last page says which,
with what each teaches, shown and read. A trainer opens it for a participant from the workshop
screen (in the participant's language); the answers live in the visit and go with it, and
"Terminer" brings the trainer's screen back. Nothing of it is kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pasapas.app.i18n import _
from pasapas.app.languages import directed
from pasapas.app.training.modules import level_check, suggested
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.voice import answer_hint, sentences
from pasapas.ui.widgets import BigButton, FlowLayout, add_shown, clear_layout, label

ANSWERS = ((True, "Oui"), (False, "Non"), (None, "Je ne sais pas"))


@register_screen
class LevelCheckScreen(Screen):
    name = "level_check"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        # "Faire le point · Question 1 sur 4": one short line, so that at 300 % the question
        # itself is in sight above the answers.
        self.progress_label = label("", "subtitle")
        self.progress_label.setObjectName("level-progress")
        self.question = label("", "title")
        self.question.setObjectName("level-question")
        for widget in (self.progress_label, self.question):
            body.addWidget(widget)
        self.result_box = QWidget()
        self.results = QVBoxLayout(self.result_box)
        self.results.setContentsMargins(0, 0, 0, 0)
        self.results.setSpacing(12)
        body.addWidget(self.result_box)
        body.addStretch(1)
        # The answers and the way back stay on screen at every size, in the bottom bar.
        bar_box = QWidget()
        self.bar = FlowLayout(bar_box)
        self.bar.setContentsMargins(48, 12, 48, 24)
        self.answer_buttons: list[BigButton] = []
        for n, (value, _text) in enumerate(ANSWERS):
            button = BigButton(role="primary")
            button.setObjectName(f"level-answer-{n}")
            button.clicked.connect(lambda _c=False, v=value: self.answer(v))
            self.bar.addWidget(button)
            self.answer_buttons.append(button)
        self.back_button = BigButton()
        self.back_button.setObjectName("level-back")
        self.back_button.clicked.connect(self.back)
        self.done_button = BigButton(role="primary")
        self.done_button.setObjectName("level-done")
        self.done_button.clicked.connect(self.nav.end_visit)
        self.bar.addWidget(self.back_button)
        self.bar.addWidget(self.done_button)
        outer.addWidget(bar_box)
        self._frame_bar(bar_box)
        self.index = 0
        self.first: QWidget | None = None
        self.retranslate()

    def retranslate(self) -> None:
        for button, (_value, text) in zip(self.answer_buttons, ANSWERS, strict=True):
            button.set_text(_(text))
        self.back_button.set_text(_("← Question précédente"))
        self.done_button.set_text(_("Terminer"))
        if self.isVisible():
            self._show(read=True)

    def enter(self, **params: Any) -> None:
        answered = self.nav.visit.level_answers
        questions = level_check()
        self.index = next(
            (i for i, q in enumerate(questions) if q.id not in answered), len(questions)
        )
        self._show(read=True)

    def first_focus(self) -> QWidget | None:
        return self.first

    def _show(self, *, read: bool) -> None:
        questions, lang = level_check(), self.nav.language
        clear_layout(self.results)
        self.back_button.setVisible(self.index > 0)
        if self.index >= len(questions):
            self._show_result(read)
            return
        self.done_button.hide()
        for button in self.answer_buttons:
            button.show()
        q = questions[self.index]
        self.progress_label.setText(
            _("Faire le point · question {n} sur {total}").format(
                n=self.index + 1, total=len(questions)
            )
        )
        self.question.setText(directed(q.question(lang), lang))
        self.first = self.answer_buttons[0]
        if self.first is not None and self.isVisible():
            self.first.setFocus()
        self.page.to_top()
        if read:
            spoken = [
                (self.progress_label.text(), lang),
                (q.question(lang), lang),
                *[
                    (_("Réponse {n} : {answer}").format(n=n, answer=_(text)), lang)
                    for n, (_v, text) in enumerate(ANSWERS, start=1)
                ],
                (answer_hint(), lang),
            ]
            self.nav.read_aloud_parts(sentences(spoken), announce_to=self.question)

    def _show_result(self, read: bool) -> None:
        lang = self.nav.language
        modules = suggested(self.nav.visit.level_answers)
        self.progress_label.setText(_("Faire le point"))
        spoken = []
        if modules:
            self.question.setText(_("Nous vous conseillons ces ateliers"))
            for m in modules:
                title = label(directed(m.title(lang), lang), "subtitle")
                title.setObjectName(f"level-suggests-{m.id}")
                add_shown(self.results, title)
                goals = label(directed(" ".join(m.goals_in(lang)), lang))
                add_shown(self.results, goals)
                spoken += [(m.title(lang), lang), (" ".join(m.goals_in(lang)), lang)]
        else:
            self.question.setText(_("Vous connaissez déjà ces sujets. Bravo !"))
        for button in self.answer_buttons:
            button.hide()
        self.done_button.show()
        self.first = self.done_button
        if self.isVisible():
            self.done_button.setFocus()
        self.page.to_top()
        if read:
            said = [
                (self.question.text(), lang),
                *spoken,
                (_("Pour finir, touchez le grand bouton Terminer, en bas de l'écran."), lang),
            ]
            self.nav.read_aloud_parts(sentences(said), announce_to=self.question)

    def answer(self, value: bool | None) -> None:
        questions = level_check()
        if self.index < len(questions):
            self.nav.visit.answer_level(questions[self.index].id, value)
            self.index += 1
        self._show(read=True)

    def back(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.nav.visit.forget_level(level_check()[self.index].id)
        self._show(read=True)

    def wipe(self) -> None:
        self.index = 0
        clear_layout(self.results)
        self.question.clear()
        self.first = None
