"""Trainer: the workshops. The running and planned ones first, then the last ones held; and a
new workshop planned in one go: its day, its place, its module(s) (each with its goals and
length) and its participants, a first name or a pseudonym per line. Every refusal is one
sentence from the core (`app.training.workshops`); each change is audited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.formatting import long_date
from pasapas.app.i18n import _, ngettext
from pasapas.app.training.modules import builtin_modules
from pasapas.app.training.papers import minutes_text
from pasapas.app.training.workshops import (
    MAX_PARTICIPANTS,
    Workshop,
    WorkshopDraft,
    workshop_state_label,
)
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.staff_report import day_text, parse_day, staff_id, today
from pasapas.ui.screens.staff_settings import TextButton
from pasapas.ui.widgets import FlowLayout, TextField, WrapButton, clear_layout, label


def _mark(button: TextButton, text: str, chosen: bool) -> None:
    button.set_text(f"✓ {text}" if chosen else text)
    if chosen:
        button.setAccessibleName(_("{choice} (choisi)").format(choice=text))
    button.set_role("primary" if chosen else "")


@register_screen
class StaffWorkshopsScreen(Screen):
    name = "staff_workshops"
    role = "trainer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.message = label("", "error")
        self.message.setObjectName("workshops-message")
        self.message.hide()
        body.addWidget(self.title)
        body.addWidget(self.message)
        self.list_title = label("", "subtitle")
        body.addWidget(self.list_title)
        self.empty = label("", "muted")
        body.addWidget(self.empty)
        self.list_box = QWidget()
        self.list_layout = QVBoxLayout(self.list_box)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(12)
        body.addWidget(self.list_box)
        self.workshop_buttons: dict[str, WrapButton] = {}

        # A new workshop.
        self.new_title = label("", "subtitle")
        body.addWidget(self.new_title)
        self.day_label = label()
        self.day = TextField()
        self.day.setObjectName("new-workshop-day")
        self.day.setMaxLength(10)
        self.day_label.setBuddy(self.day)
        self.place_label = label()
        self.place = TextField()
        self.place.setObjectName("new-workshop-place")
        self.place.setMaxLength(120)
        self.place_label.setBuddy(self.place)
        for widget in (self.day_label, self.day, self.place_label, self.place):
            body.addWidget(widget)
        self.modules_title = label()
        body.addWidget(self.modules_title)
        self.module_buttons: dict[str, WrapButton] = {}
        for m in builtin_modules():
            button = WrapButton("", "")
            button.setObjectName(f"module-{m.id}")
            button.clicked.connect(lambda _checked=False, mid=m.id: self.toggle_module(mid))
            body.addWidget(button)
            self.module_buttons[m.id] = button
        self.people_label = label()
        self.people = QPlainTextEdit()
        self.people.setObjectName("new-workshop-people")
        self.people.setTabChangesFocus(True)
        self.people.setMinimumHeight(160)
        self.people.setContextMenuPolicy(self.people.contextMenuPolicy().NoContextMenu)
        self.people_label.setBuddy(self.people)
        self.people_hint = label("", "muted")
        for widget in (self.people_label, self.people_hint, self.people):
            body.addWidget(widget)
        self.create_button = TextButton(role="primary")
        self.create_button.setObjectName("new-workshop-create")
        self.create_button.clicked.connect(self.create)
        row = QWidget()
        FlowLayout(row).addWidget(self.create_button)
        body.addWidget(row)
        self.back = WrapButton("")
        self.back.setObjectName("workshops-back")
        self.back.clicked.connect(lambda: self.nav.go("staff_home"))
        body.addWidget(self.back)
        body.addStretch(1)
        self._chosen: list[str] = []
        self._busy = False
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Ateliers"))
        self.list_title.setText(_("Les ateliers"))
        self.empty.setText(_("Aucun atelier pour l'instant. Préparez le premier ci-dessous."))
        self.new_title.setText(_("Préparer un atelier"))
        for caption, field, text in (
            (self.day_label, self.day, _("Date (jj/mm/aaaa)")),
            (self.place_label, self.place, _("Lieu (la salle, l'adresse)")),
        ):
            caption.setText(text)
            field.setAccessibleName(text)
        self.modules_title.setText(_("Module (un ou plusieurs)"))
        self.people_label.setText(_("Participants : un prénom ou un pseudonyme par ligne"))
        self.people.setAccessibleName(_("Participants, un par ligne"))
        self.people_hint.setText(
            _(
                "Pas de nom de famille, pas d'adresse, pas de numéro. {max} personnes au plus. "
                "Vous pourrez en ajouter plus tard."
            ).format(max=MAX_PARTICIPANTS)
        )
        self.create_button.set_text(_("Préparer l'atelier"))
        self.back.set_text(_("← Accueil équipe"))
        self._show_modules()
        if self.isVisible():
            self.refresh()

    def _show_modules(self) -> None:
        language = self.nav.language
        for m in builtin_modules():
            button = self.module_buttons[m.id]
            chosen = m.id in self._chosen
            title = m.title(language)
            button.set_text(f"✓ {title}" if chosen else title)
            goals = " ".join(m.goals_in(language))
            button.set_detail(f"{minutes_text(m.duration, language)} · {goals}")
            button.setAccessibleName(
                _("{choice} (choisi)").format(choice=title) if chosen else title
            )
            button.setProperty("role", "primary" if chosen else "")
            button.style().unpolish(button)
            button.style().polish(button)

    # -- showing --------------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self.wipe()
        self.day.setText(day_text(today()))
        self.refresh()

    def first_focus(self) -> QWidget | None:
        return next(iter(self.workshop_buttons.values()), self.day)

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if (changes.workshops or changes.store) and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        try:
            workshops = self.nav.kiosk.workshops.recent()
        except RuntimeError:
            return
        clear_layout(self.list_layout)
        self.workshop_buttons = {}
        for workshop in workshops:
            button = WrapButton(workshop.title, self._describe(workshop))
            button.setObjectName(f"workshop-{len(self.workshop_buttons)}")
            button.clicked.connect(
                lambda _checked=False, wid=workshop.id: self.nav.go("staff_workshop", workshop=wid)
            )
            self.list_layout.addWidget(button)
            self.workshop_buttons[workshop.id] = button
        self.empty.setVisible(not workshops)

    def _describe(self, workshop: Workshop) -> str:
        language = self.nav.language
        count = len(self.nav.kiosk.workshops.participants(workshop.id))
        return " · ".join(
            (
                workshop_state_label(workshop.state),
                long_date(workshop.day, language),
                workshop.place,
                ngettext("{n} participant", "{n} participants", count).format(n=count),
            )
        )

    # -- planning -------------------------------------------------------------------------------

    def toggle_module(self, module_id: str) -> None:
        if module_id in self._chosen:
            self._chosen.remove(module_id)
        else:
            self._chosen.append(module_id)
        self._show_modules()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def create(self) -> None:
        if self._busy:
            return
        try:
            day = parse_day(self.day.text())
        except PasapasError as error:
            self.show_message(error.message)
            self.day.setFocus()
            return
        if not self._chosen:
            self.show_message(_("Choisissez au moins un module."))
            return
        names = tuple(line for line in self.people.toPlainText().splitlines() if line.strip())
        draft = WorkshopDraft(day, self.place.text(), tuple(self._chosen), participants=names)
        actor, language = staff_id(self.nav), self.nav.language

        def work(kiosk: Any) -> Workshop:
            return kiosk.workshops.create(draft, actor=actor, language=language)

        def done(workshop: Workshop) -> None:
            self._busy = False
            self.wipe()
            self.nav.broadcast(Changes(workshops=True, audit=True), self)
            self.nav.go("staff_workshop", workshop=workshop.id)

        def failed(error: Exception) -> None:
            self._busy = False
            self.show_message(error_message(error))

        self._busy = True
        run_operation(
            self.nav, self.nav.with_worker_kiosk(work), on_done=done, on_error=failed, origin=self
        )

    def wipe(self) -> None:
        self.place.clear()
        self.people.clear()
        self._chosen = []
        self._show_modules()
        self.message.hide()
