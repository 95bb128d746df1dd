"""The end of a procedure: well done, and what to do next."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from pasapas.app.i18n import _
from pasapas.app.languages import directed
from pasapas.ui.content_text import lay_out, note_label, note_parts, resolved, show_note
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.voice import finish_hint, sentences
from pasapas.ui.widgets import BigButton, FlowLayout, label


@register_screen
class FinishScreen(Screen):
    name = "finish"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        self.done = label("", "subtitle")
        self.title = label("", "title")
        self.title.setObjectName("finish-title")
        self.text = label()
        self.text.setObjectName("finish-text")
        self.untranslated = note_label()
        for widget in (self.done, self.untranslated, self.title, self.text):
            body.addWidget(widget)
        body.addStretch(1)

        # Three long labels: at large sizes (and in Arabic script) they go on two lines.
        bar_box = QWidget()
        self.bar_box = bar_box  # grows with the text up to 150 %: "home" stays on screen at 300 %
        bar = FlowLayout(bar_box)
        bar.setContentsMargins(48, 12, 48, 24)
        self.back_button = BigButton()
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.back)
        self.restart_button = BigButton()
        self.restart_button.setObjectName("restart")
        self.restart_button.clicked.connect(self.restart)
        self.home_button = BigButton(role="primary")
        self.home_button.setObjectName("home")
        self.home_button.clicked.connect(self.nav.end_visit)
        bar.addWidget(self.back_button)
        bar.addWidget(self.restart_button)
        bar.addWidget(self.home_button)
        outer.addWidget(bar_box)
        self._frame_bar(self.bar_box)
        self.retranslate()

    def retranslate(self) -> None:
        self.done.setText(_("✔  Vous avez terminé. Bravo !"))
        self.back_button.set_text(_("← Retour"))
        self.restart_button.set_text(_("Revoir depuis le début"))
        self.home_button.set_text(_("Retour à l'accueil"))
        if self.nav.walk is not None and self.isVisible():
            self.enter()

    def enter(self, **params: Any) -> None:
        walk = self.nav.walk
        if walk is None:
            return
        step = walk.current
        lang = self.nav.language
        used = resolved([step.title, step.text, step.tip], lang)
        show_note(self.untranslated, used, lang)
        self.title.setText(directed(step.title.get(used), used))
        self.text.setText(directed(step.text.get(used), used))
        lay_out(used, lang, self.title, self.text)
        self.page.to_top()
        self.nav.read_aloud_parts(self.spoken_parts(), announce_to=self.title)

    def spoken_parts(self) -> list[tuple[str, str]]:
        """Well done, the end's title and text, and where to touch to finish."""
        walk = self.nav.walk
        if walk is None:
            return []
        step = walk.current
        lang = self.nav.language
        used = resolved([step.title, step.text, step.tip], lang)
        spoken = [(self.done.text(), lang), *note_parts(used, lang)]
        spoken += [(step.title.get(used), used), (step.text.get(used), used)]
        spoken.append((finish_hint(), lang))
        return sentences(spoken)

    def back(self) -> None:
        walk = self.nav.walk
        if walk is not None and walk.can_go_back:
            walk.back()
            self.nav.go("step")

    def restart(self) -> None:
        walk = self.nav.walk
        if walk is not None:
            walk.restart()
            self.nav.go("step")

    def first_focus(self) -> QWidget:
        return self.home_button

    def wipe(self) -> None:
        self.title.clear()
        self.text.clear()
