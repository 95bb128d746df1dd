"""Before starting: what the procedure is for, who it is for, what to prepare, how long it takes."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from app.content.model import Procedure
from app.formatting import long_date, minutes
from app.i18n import _
from ui.screens import register_screen
from ui.screens.base import Screen
from ui.widgets import BigButton, clear_layout, label


@register_screen
class OverviewScreen(Screen):
    name = "overview"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        self.procedure: Procedure | None = None
        outer, page = self._scrolling_page()
        body = page.body_layout
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
        spoken = "\n".join((self.title.text(), self.summary.text(), self.duration.text()))
        self.nav.read_aloud(spoken, self.nav.language, announce_to=self.title)

    def _fill(self, procedure: Procedure) -> None:
        lang = self.nav.language
        self.title.setText(procedure.title.get(lang))
        self.summary.setText(procedure.summary.get(lang))
        self.audience.setText(procedure.audience.get(lang))
        self.duration.setText(
            _("Durée : environ {duration}.").format(
                duration=minutes(procedure.estimated_minutes, lang)
            )
        )
        clear_layout(self.documents)
        if procedure.documents:
            for document in procedure.documents:
                self.documents.addWidget(label("•  " + document.get(lang)))
        else:
            self.documents.addWidget(label(_("Rien à préparer.")))
        clear_layout(self.sources)
        for source in procedure.sources:
            self.sources.addWidget(
                label(
                    _("{title} — {url} (vérifié le {date})").format(
                        title=source.title.get(lang),
                        url=source.url,
                        date=long_date(source.checked, lang),
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
