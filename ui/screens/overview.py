"""Before starting: what the procedure is for, who it is for, what to prepare, how long it takes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from pasapas.app.content.model import Procedure
from pasapas.app.formatting import long_date, minutes
from pasapas.app.i18n import _, gettext_in
from pasapas.app.languages import directed, isolate
from pasapas.ui.content_text import lay_out, note_label, note_parts, resolved, show_note
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.voice import sentences, start_hint
from pasapas.ui.widgets import BigButton, clear_layout, label


@register_screen
class OverviewScreen(Screen):
    name = "overview"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        self.procedure: Procedure | None = None
        outer, page = self._scrolling_page()
        body = page.body_layout
        self.untranslated = note_label()
        self.title = label("", "title")
        self.summary = label()
        self.audience_title = label("", "subtitle")
        self.audience = label()
        self.duration = label()
        self.documents_title = label("", "subtitle")
        self.documents = QVBoxLayout()
        self.sources_title = label("", "subtitle")
        self.sources = QVBoxLayout()
        for widget in (
            self.untranslated,
            self.title,
            self.summary,
            self.audience_title,
            self.audience,
            self.duration,
            self.documents_title,
        ):
            body.addWidget(widget)
        body.addLayout(self.documents)
        body.addWidget(self.sources_title)
        body.addLayout(self.sources)
        body.addStretch(1)

        bar = QHBoxLayout()
        bar.setContentsMargins(48, 12, 48, 24)
        self.back_button = BigButton()
        self.back_button.clicked.connect(lambda: self.nav.go("home"))
        self.start_button = BigButton(role="primary")
        self.start_button.setObjectName("start")
        self.start_button.clicked.connect(self._start)
        bar.addWidget(self.back_button)
        bar.addStretch(1)
        bar.addWidget(self.start_button)
        outer.addLayout(bar)
        self.retranslate()

    def retranslate(self) -> None:
        self.audience_title.setText(_("Pour qui ?"))
        self.documents_title.setText(_("À préparer"))
        self.sources_title.setText(_("Sources officielles"))
        self.back_button.set_text(_("← Retour"))
        self.start_button.set_text(_("Commencer →"))
        if self.procedure is not None:
            self._fill(self.procedure)

    def enter(self, procedure: str = "", **params: Any) -> None:
        self.procedure = self.nav.kiosk.procedure(procedure)
        self._fill(self.procedure)
        self.page.to_top()
        self.nav.read_aloud_parts(self.spoken_parts(), announce_to=self.title)

    def spoken_parts(self) -> list[tuple[str, str]]:
        """What the voice reads: the title, what it is for, how long, what to prepare, and
        where to touch to start."""
        if self.procedure is None:
            return []
        procedure = self.procedure
        lang = self.nav.language
        used = self.shown_language(procedure)
        spoken = note_parts(used, lang)
        spoken += [(procedure.title.get(used), used), (procedure.summary.get(used), used)]
        spoken.append((self.duration.text(), lang))
        spoken.append((self.documents_title.text(), lang))
        if procedure.documents:
            spoken += [(document.get(used), used) for document in procedure.documents]
        else:
            spoken.append((_("Rien à préparer."), lang))
        spoken.append((start_hint(lang), lang))
        return sentences(spoken)

    def shown_language(self, procedure: Procedure) -> str:
        texts = [procedure.title, procedure.summary, procedure.audience, *procedure.documents]
        return resolved(texts, self.nav.language)

    def _fill(self, procedure: Procedure) -> None:
        lang = self.nav.language
        used = self.shown_language(procedure)
        show_note(self.untranslated, used, lang)
        self.title.setText(directed(procedure.title.get(used), used))
        self.summary.setText(directed(procedure.summary.get(used), used))
        self.audience.setText(directed(procedure.audience.get(used), used))
        lay_out(used, lang, self.title, self.summary, self.audience)
        self.duration.setText(
            _("Durée : environ {duration}.").format(
                duration=minutes(procedure.estimated_minutes, lang)
            )
        )
        clear_layout(self.documents)
        if procedure.documents:
            for document in procedure.documents:
                line = label(directed("•  " + document.get(used), used))
                lay_out(used, lang, line)
                self.documents.addWidget(line)
        else:
            self.documents.addWidget(label(_("Rien à préparer.")))
        clear_layout(self.sources)
        for source in procedure.sources:
            self.sources.addWidget(
                label(
                    directed(
                        gettext_in(used, "{title} — {url} (vérifié le {date})").format(
                            title=isolate(source.title.get(used)),
                            url=isolate(source.url),
                            date=long_date(source.checked, used),
                        ),
                        used,
                    ),
                    "muted",
                )
            )

    def _start(self) -> None:
        if self.procedure is not None:
            self.nav.start_walk(self.procedure.id)

    def first_focus(self) -> QWidget:
        return self.start_button

    def wipe(self) -> None:
        self.procedure = None
        for widget in (self.title, self.summary, self.audience, self.duration):
            widget.clear()
        clear_layout(self.documents)
        clear_layout(self.sources)
