"""One step of a procedure, in large text: "step k of n", the action, Back and Next or answers.

The frame stays on the screen at every text size and window: a header (Back, where the visitor
is, Stop) and a bottom bar (Next, or the question's answers when they fit with the title's first
line still in sight), both growing with the text up to 150 %; only the page between them scrolls.
"Arrêter" asks first.

The screen is the frame every step has; what a kind of step adds (tick boxes, answers, the
warning sign, what is read after the text) comes from the view registered for that kind in
`ui/screens/step_views.py`.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from pasapas.app.content.kinds import STEP_KINDS
from pasapas.app.content.model import Step, StepKind
from pasapas.app.i18n import _, gettext_in
from pasapas.app.languages import directed
from pasapas.ui.content_text import lay_out, note_label, note_parts, resolved, show_note
from pasapas.ui.keyboard import OnScreenKeyboard
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.step_views import STEP_VIEWS, StepView
from pasapas.ui.style import BODY_PX, FRAME_CAP, MIN_TARGET_PX, SUBTITLE_PX, frame_stylesheet
from pasapas.ui.voice import answer_hint, continue_hint, sentences
from pasapas.ui.widgets import BigButton, Confirmation, WrapButton, clear_layout, label


@register_screen
class StepScreen(Screen):
    name = "step"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        # The frame stays on the screen at every text size: on top, Back at the start and Stop
        # at the far end (apart: one goes back a step, the other ends the visit), where the
        # visitor is in between; at the bottom, the way on (Next, or the question's answers).
        self.header = QWidget()
        self.header.setObjectName("step-header")
        header = QHBoxLayout(self.header)
        header.setContentsMargins(24, 8, 24, 8)
        header.setSpacing(24)
        self.back_button = BigButton()
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.back)
        where = QVBoxLayout()
        where.setSpacing(4)
        self.procedure_title = label("", "muted")
        self.procedure_title.setObjectName("procedure-title")
        self.progress_label = label("", "subtitle")
        self.progress_label.setObjectName("progress")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        for widget in (self.procedure_title, self.progress_label, self.progress):
            where.addWidget(widget)
        self.quit_button = BigButton(role="stop")
        self.quit_button.setObjectName("quit")
        self.quit_button.clicked.connect(self.ask_to_stop)
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(where, 1)
        header.addWidget(self.quit_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.insertWidget(0, self.header)
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
        # Filled by the view of the step's kind. A question's answers sit in the bottom bar when
        # they fit there (they are the way on), in the page after the text when they do not.
        self.answers_box = QWidget()
        self.answers_box.setObjectName("answers")
        self.answers = QVBoxLayout(self.answers_box)
        self.answers.setContentsMargins(0, 0, 0, 0)
        self.answers.setSpacing(8)
        for widget in (self.warning, self.untranslated, self.title, self.text, self.tip):
            body.addWidget(widget)
        body.addWidget(self.answers_box)
        body.addStretch(1)

        self.action_bar = QWidget()
        self.action_bar.setObjectName("step-actions")
        actions = QVBoxLayout(self.action_bar)
        actions.setContentsMargins(48, 8, 48, 8)
        actions.setSpacing(8)
        self.dock = QVBoxLayout()  # the answers, when they are in the bar
        self.dock.setContentsMargins(0, 0, 0, 0)
        actions.addLayout(self.dock)
        row = QHBoxLayout()
        self.next_button = BigButton(role="primary")
        self.next_button.setObjectName("next")
        self.next_button.clicked.connect(self.next)
        row.addStretch(1)
        row.addWidget(self.next_button)
        actions.addLayout(row)
        outer.addWidget(self.action_bar)
        # For a practice form's fields: big keys between the page and the bar, when touched.
        self.keyboard = OnScreenKeyboard()
        self.keyboard.hide()
        self.keyboard.opened.connect(self._keep_field_in_sight)
        outer.insertWidget(outer.indexOf(self.action_bar), self.keyboard)
        self.stop_confirmation = Confirmation(
            on_yes=self.nav.end_visit, on_no=self._keep_going, parent=self
        )
        self.stop_confirmation.setObjectName("stop-confirmation")
        self._scale = 0.0
        self._docked = False
        self._focus: QWidget | None = None
        self.views: dict[StepKind, StepView] = {kind: cls(self) for kind, cls in STEP_VIEWS.items()}
        self.retranslate()
        self._restyle_frame()

    def retranslate(self) -> None:
        self.back_button.set_text(_("← Retour"))
        self.quit_button.set_text(_("Arrêter"))
        self.quit_button.setAccessibleDescription(_("Arrêter la démarche et tout effacer"))
        self.next_button.set_text(_("Suivant →"))
        self.keyboard.follow_language(self.nav.offered_languages)
        self.stop_confirmation.set_texts(
            _("Voulez-vous arrêter ?"),
            _("Oui, arrêter"),
            _("Non, continuer"),
            _("Tout ce que vous avez fait ici sera effacé."),
        )
        if self.nav.walk is not None and self.isVisible():
            self.show_step()

    # -- showing -----------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self.show_step()

    def show_step(self, spoken: list[tuple[str, str]] | None = None) -> None:
        """Draw the walk's current step and read it aloud; `spoken`, when given, is read
        instead (the step changed in place: a practice question was answered)."""
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
        if spoken is None:
            self.keyboard.close_keyboard()
        stale = self._take_answers()  # kept until the focus has left them (see _give_focus)
        focus = view.fill(step, used, lang, self.answers)
        if focus is None and view.shows_next:
            focus = self.next_button
        self._focus = focus
        self._give_focus(view.shows_next, stale)
        self._place_answers()
        if spoken is None:
            self.page.to_top()
            self.nav.read_aloud_parts(self.spoken_parts(step), announce_to=self.title)
            return
        QTimer.singleShot(0, lambda: self.page.show_from(self.answers_box))
        self.nav.read_aloud_parts(sentences(spoken), announce_to=self.answers_box)

    def _take_answers(self) -> list[QWidget]:
        """The last step's answers, out of the layout but not hidden yet: hiding the focused one
        would send the focus along the chain (a control the screen reader then speaks)."""
        stale = []
        while self.answers.count():
            item = self.answers.takeAt(0)
            if item.widget() is not None:
                stale.append(item.widget())
            elif item.layout() is not None:
                clear_layout(item.layout())
        return stale

    def _give_focus(self, shows_next: bool, stale: list[QWidget]) -> None:
        """One focus change a step: straight onto the step's first control, then the old
        answers and a Next the step does not show go away (the focus is no longer on them)."""
        if shows_next:
            self.next_button.setVisible(True)
        if self._focus is not None and self.isVisible():
            self._focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.next_button.setVisible(shows_next)
        for widget in stale:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()

    # -- the frame at every size ------------------------------------------------------------

    def _restyle_frame(self) -> None:
        """The header and the action bar grow with the text up to 150 %: at 300 % they leave
        the page room for the step's title."""
        scale = self.font().pixelSize() / BODY_PX if self.font().pixelSize() > 0 else 1.0
        if abs(scale - self._scale) < 0.01:
            return
        self._scale = scale
        sheet = frame_stylesheet(scale)
        self.header.setStyleSheet(sheet)
        self.action_bar.setStyleSheet(sheet)
        self.stop_confirmation.setStyleSheet(frame_stylesheet(scale, cap=2.0))
        QTimer.singleShot(0, self._place_answers)

    def _compact(self) -> bool:
        """Is the window short for the text size? Then the procedure's title leaves the
        header (it is on the overview, and read aloud) and the page's margins shrink."""
        line = self.fontMetrics().lineSpacing()
        return self.height() < 11 * line

    def _place_answers(self) -> None:
        """A question's answers go in the bottom bar when they fit there with the step's title
        still in sight above them; otherwise they follow the text in the page."""
        compact = self._compact()
        self.procedure_title.setVisible(not compact)
        margin = 8 if compact else 32
        self.page.body_layout.setContentsMargins(48, margin, 48, margin)
        walk = self.nav.walk
        wanted = walk is not None and not self.views[walk.current.kind].shows_next
        if wanted:
            header = self.header.layout().totalHeightForWidth(self.width())
            title_line = QFontMetrics(self.title.font()).lineSpacing()
            # The page's height with the answers in it (the bar then holds only its margins).
            below = self.height() - header - 16 - 2 * self.layout().spacing()
            # Everything fits in the page, answers too: nothing needs to move.
            page_width = self.width() - 96 - self.page.verticalScrollBar().sizeHint().width()
            content = self._content_height(page_width) + 2 * margin
            content += self._answers_height(self._scale or 1.0, page_width)
            if content + title_line <= below:  # with a line to spare: estimates are estimates
                wanted = False
            else:  # in the bar, if the step's title still shows above them
                room = below - self._answers_height(FRAME_CAP, self.width() - 96) - 2 * margin
                wanted = room >= title_line + 8
        # Never taller than leaves the title's first line in sight: the window must not grow.
        header = self.header.layout().totalHeightForWidth(self.width())
        limit = self.height() - header - QFontMetrics(self.title.font()).lineSpacing() - 2 * margin
        self.action_bar.setMaximumHeight(max(limit, 120) if wanted else 16777215)
        self._move_answers(to_dock=wanted)

    def _content_height(self, width: int) -> int:
        """The page's texts' height at `width`, without the answers."""
        body = self.page.body_layout
        shown = [
            w
            for w in (self.warning, self.untranslated, self.title, self.text, self.tip)
            if not w.isHidden()
        ]
        height = body.spacing() * len(shown)
        for widget in shown:
            if widget.hasHeightForWidth():
                height += widget.heightForWidth(width)
            else:
                height += widget.sizeHint().height()
        return height

    def _answers_height(self, scale: float, width: int) -> int:
        """How tall the answers are at `scale` and `width`, worked out from their texts (moving
        them to measure would make the window grow to fit them)."""
        size = min(scale, FRAME_CAP) if scale == FRAME_CAP else scale
        font = QFont(self.title.font())
        font.setPixelSize(round(SUBTITLE_PX * size))
        font.setBold(True)
        metrics = QFontMetrics(font)
        # The button's own margins, padding and border.
        inner = max(width - 48 - 40 - 8, 100)
        buttons = self.answers_box.findChildren(WrapButton)
        total = self.answers.spacing() * max(len(buttons) - 1, 0)
        for button in buttons:
            text = metrics.boundingRect(
                QRect(0, 0, inner, 100000), Qt.TextFlag.TextWordWrap, button.title_label.text()
            )
            # The style's minimum height is the content's: padding and border come on top.
            total += max(round(MIN_TARGET_PX * size), text.height() + 28) + 12
        return total

    def _move_answers(self, *, to_dock: bool) -> None:
        if to_dock == self._docked:
            return
        self._docked = to_dock
        focused = QApplication.focusWidget()
        had_focus = focused is not None and self.answers_box.isAncestorOf(focused)
        body = self.page.body_layout
        if to_dock:
            body.removeWidget(self.answers_box)
            self.dock.addWidget(self.answers_box)
        else:
            self.dock.removeWidget(self.answers_box)
            body.insertWidget(body.indexOf(self.tip) + 1, self.answers_box)
        self.answers_box.show()
        for child in self.answers_box.findChildren(QWidget):
            child.ensurePolished()
        self.answers_box.ensurePolished()
        self.page.to_top()
        if had_focus and focused is not None:  # the same answer keeps the focus, in its new place
            focused.setFocus(Qt.FocusReason.OtherFocusReason)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._restyle_frame()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.nav.walk is not None:
            self._place_answers()

    # -- stopping ----------------------------------------------------------------------------

    def ask_to_stop(self) -> None:
        """ "Arrêter" asks first: stopping wipes the visit, and a slip of the finger must not."""
        question = self.stop_confirmation
        question.ask(self.window())
        self.nav.read_aloud(
            " ".join(
                (question.question.text(), question.no_button.text(), question.yes_button.text())
            ),
            self.nav.language,
            announce_to=question.question,
        )

    def _keep_going(self) -> None:
        if self._focus is not None and self._focus.isVisible():
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
        # Where to touch next, in the visitor's language (mirrored right to left).
        if view.shows_next:
            parts.append((continue_hint(lang), lang))
        elif STEP_KINDS[step.kind].answers(step):
            parts.append((answer_hint(), lang))
        return sentences(parts)

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

    def _keep_field_in_sight(self) -> None:
        """The keyboard opened under the page: the field typed into stays in sight above it."""

        def show() -> None:
            field = self.keyboard.target
            with contextlib.suppress(RuntimeError):  # gone with its step meanwhile
                if field is not None and self.page.isAncestorOf(field):
                    self.page.ensureWidgetVisible(field, 0, 48)

        QTimer.singleShot(0, show)

    def answer_quiz(self, index: int) -> None:
        """A practice question answered: the verdict and the explanation take the answers'
        place, and are read (the question was heard already)."""
        walk = self.nav.walk
        if walk is None or not walk.current.answers:
            return
        step = walk.current
        self.nav.visit.answer_quiz(step.id, index, index in step.right_answers)
        used, lang = self.shown_language(step), self.nav.language
        view = self.views[step.kind]
        spoken = [*view.feedback(step, used, lang), (continue_hint(lang), lang)]
        self.show_step(spoken=spoken)

    def touch_piece(self, index: int) -> None:
        """A piece of a mock message touched: found (why it matters is shown and read) or not
        a sign (said so); the count follows."""
        walk = self.nav.walk
        if walk is None or not walk.current.pieces:
            return
        step = walk.current
        self.nav.visit.touch_piece(step.id, index, step.clues)
        used, lang = self.shown_language(step), self.nav.language
        spoken = self.views[step.kind].feedback(step, used, lang)
        self.show_step(spoken=spoken)

    def retry_quiz(self) -> None:
        """ "Réessayer": the answers come back, and the question is read again."""
        walk = self.nav.walk
        if walk is None:
            return
        step = walk.current
        self.nav.visit.retry_quiz(step.id)
        used, lang = self.shown_language(step), self.nav.language
        spoken = self.views[step.kind].spoken_after(step, used, lang)  # question and answers
        self.show_step(spoken=[*spoken, (answer_hint(), lang)])

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
        self.stop_confirmation.hide()
        self.keyboard.close_keyboard()
        clear_layout(self.answers)
        for widget in (self.procedure_title, self.progress_label, self.title, self.text, self.tip):
            widget.clear()
        self.untranslated.hide()
        self.progress.reset()
        self._focus = None
