"""Trainer: one workshop, from the first participant in to the last attestation out.

- **Start / end.** "Commencer l'atelier" starts it: the kiosk's idle wipe then waits (the room is
  there, a step may stay projected during a discussion) until "Terminer l'atelier" (asked twice),
  which writes the pseudonymised records and the workshop's report (`Workshops.close`).
- **Presentation.** The modules' steps, one slide at a time, on the other screen when there is
  one (`ui.presentation`); the controls are here: previous, next, show the answer, pause, hide,
  read aloud. What the room sees is repeated here in one line, so the trainer never has to turn
  round.
- **Participants.** Present or not (a touch), the language they practise in, their turn at the
  kiosk (the next procedure of the module they have not finished), and once the workshop is
  over their attestation; one more can be added (a contact only with their consent); a person
  registered by mistake is taken off, and after the workshop erased.
- **Progress.** Each participant's row of `workshops.progress_table` (the CSV and the PDF show
  the same), who is stuck and on which question, and the questions most missed as a chart with
  its table.
- **Documents.** The report as PDF, printed or as CSV, and the attestations, into the export
  folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.formatting import long_date
from pasapas.app.i18n import _, ngettext
from pasapas.app.languages import isolate, native_name
from pasapas.app.training.papers import attestation_paper, report_paper
from pasapas.app.training.slides import slides
from pasapas.app.training.workshops import (
    CLOSED,
    PLANNED,
    RUNNING,
    ParticipantProgress,
    WorkshopProgress,
    export_csv,
    missed_lines,
    progress_table,
    table_headers,
    workshop_state_label,
)
from pasapas.ui.charts import ChartPanel
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.staff_report import FolderChooser, staff_id
from pasapas.ui.screens.staff_settings import TextButton
from pasapas.ui.widgets import (
    CheckItem,
    FlowLayout,
    TextField,
    WrapButton,
    add_shown,
    clear_layout,
    label,
)

_WORKSHOPS = Changes(workshops=True, audit=True)


@dataclass(frozen=True)
class _Loaded:
    """What the screen shows of a workshop, read on the worker."""

    progress: WorkshopProgress
    procedures: dict
    trainer: str


def _row(*widgets: QWidget) -> QWidget:
    row = QWidget()
    flow = FlowLayout(row)
    for widget in widgets:
        flow.addWidget(widget)
    return row


def _button(name: str, on_click: Callable[[], None], role: str = "") -> TextButton:
    button = TextButton(role=role)
    button.setObjectName(name)
    button.clicked.connect(lambda _checked=False: on_click())
    return button


@register_screen
class StaffWorkshopScreen(Screen):
    name = "staff_workshop"
    role = "trainer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.facts = label()
        self.facts.setObjectName("workshop-facts")
        self.message = label("", "error")
        self.message.setObjectName("workshop-message")
        self.message.hide()
        self.note = label("", "subtitle")
        self.note.setObjectName("workshop-note")
        self.note.hide()
        for widget in (self.title, self.facts, self.message, self.note):
            body.addWidget(widget)
        self.start_button = _button("workshop-start", self.start, "primary")
        self.close_button = _button("workshop-close", self.close_workshop)
        body.addWidget(_row(self.start_button, self.close_button))

        # Presentation.
        self.present_title = label("", "subtitle")
        self.present_status = label()
        self.present_status.setObjectName("presentation-status")
        self.present_button = _button("present-toggle", self.toggle_presentation, "primary")
        self.previous_button = _button("present-previous", lambda: self._present("previous"))
        self.next_button = _button("present-next", lambda: self._present("next"), "primary")
        self.answer_button = _button("present-answer", lambda: self._present("toggle_answer"))
        self.pause_button = _button("present-pause", lambda: self._present("toggle_pause"))
        self.hide_button = _button("present-hide", lambda: self._present("toggle_hidden"))
        self.read_button = _button("present-read", self.read_slide)
        self.present_controls = _row(
            self.previous_button,
            self.next_button,
            self.answer_button,
            self.pause_button,
            self.hide_button,
            self.read_button,
        )
        for widget in (
            self.present_title,
            self.present_status,
            _row(self.present_button),
            self.present_controls,
        ):
            body.addWidget(widget)

        # Participants.
        self.people_title = label("", "subtitle")
        body.addWidget(self.people_title)
        self.people_box = QWidget()
        self.people_layout = QVBoxLayout(self.people_box)
        self.people_layout.setContentsMargins(0, 0, 0, 0)
        self.people_layout.setSpacing(16)
        body.addWidget(self.people_box)
        self.add_box = QWidget()
        add = QVBoxLayout(self.add_box)
        add.setContentsMargins(0, 0, 0, 0)
        self.add_title = label("", "subtitle")
        self.name_label = label()
        self.name = TextField()
        self.name.setObjectName("participant-name")
        self.name.setMaxLength(40)
        self.name_label.setBuddy(self.name)
        self.contact_label = label()
        self.contact = TextField()
        self.contact.setObjectName("participant-contact")
        self.contact.setMaxLength(120)
        self.contact_label.setBuddy(self.contact)
        self.consent = CheckItem("")
        self.consent.setObjectName("participant-consent")
        self.add_button = _button("participant-add", self.add_participant)
        self.name.returnPressed.connect(self.add_participant)
        for widget in (
            self.add_title,
            self.name_label,
            self.name,
            self.contact_label,
            self.contact,
            self.consent,
            _row(self.add_button),
        ):
            add.addWidget(widget)
        body.addWidget(self.add_box)

        # Progress.
        self.progress_title = label("", "subtitle")
        self.progress_summary = label()
        self.progress_summary.setObjectName("progress-summary")
        self.missed = ChartPanel("missed")
        self.no_missed = label("", "muted")
        for widget in (self.progress_title, self.progress_summary, self.missed, self.no_missed):
            body.addWidget(widget)

        # Documents.
        self.documents_title = label("", "subtitle")
        self.folder = FolderChooser("workshop-folder", nav)
        self.report_button = _button("workshop-report-pdf", self.report_pdf, "primary")
        self.csv_button = _button("workshop-report-csv", self.report_csv)
        self.print_button = _button("workshop-report-print", self.print_report)
        self.attestations_button = _button("workshop-attestations", self.attestations)
        for widget in (
            self.documents_title,
            self.folder,
            _row(self.report_button, self.csv_button, self.print_button, self.attestations_button),
        ):
            body.addWidget(widget)
        self.back = WrapButton("")
        self.back.setObjectName("workshop-back")
        self.back.clicked.connect(lambda: self.nav.go("staff_workshops"))
        body.addWidget(self.back)
        body.addStretch(1)

        self.workshop_id = ""
        self.loaded: _Loaded | None = None
        self._confirm_close = False
        self._confirm_erase = ""
        self.person_rows: dict[str, dict[str, QWidget]] = {}
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.present_title.setText(_("Présentation"))
        self.previous_button.set_text(_("← Précédent"))
        self.next_button.set_text(_("Suivant →"))
        self.read_button.set_text(_("Lire à voix haute"))
        self.people_title.setText(_("Participants"))
        self.add_title.setText(_("Ajouter une personne"))
        for caption, field, text in (
            (self.name_label, self.name, _("Prénom ou pseudonyme")),
            (self.contact_label, self.contact, _("Contact (facultatif, avec son accord)")),
        ):
            caption.setText(text)
            field.setAccessibleName(text)
        consent = _("La personne est d'accord pour que le lieu garde ce contact.")
        self.consent.text_label.setText(consent)
        self.consent.box.setAccessibleName(consent)
        self.add_button.set_text(_("Ajouter"))
        self.progress_title.setText(_("Progression"))
        self.no_missed.setText(_("Aucune question manquée pour l'instant."))
        self.documents_title.setText(_("Documents"))
        self.folder.retranslate()
        self.report_button.set_text(_("Compte-rendu (PDF)"))
        self.csv_button.set_text(_("Tableau (CSV)"))
        self.print_button.set_text(_("Imprimer le compte-rendu"))
        self.attestations_button.set_text(_("Attestations (PDF)"))
        self.back.set_text(_("← Ateliers"))
        self._show_controls()
        if self.isVisible() and self.workshop_id:
            self.refresh()

    # -- showing --------------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        workshop_id = params.get("workshop", self.workshop_id)
        if workshop_id != self.workshop_id:
            self._confirm_close = False
            self._confirm_erase = ""
            self.message.hide()
            self.note.hide()
        self.workshop_id = workshop_id
        self.refresh()

    def first_focus(self) -> QWidget | None:
        if self.nav.presentation is not None:
            return self.next_button
        return self.start_button if self.start_button.isVisible() else self.back

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if (changes.workshops or changes.store) and self.isVisible() and self.workshop_id:
            self.refresh()

    def refresh(self) -> None:
        try:
            kiosk = self.nav.kiosk
        except RuntimeError:
            return
        try:
            progress = kiosk.workshops.progress(self.workshop_id)
        except PasapasError as error:
            self.loaded = None
            self.show_message(error.message)
            return
        workshop = progress.workshop
        procedures = kiosk.procedures_by_id(workshop.items)
        trainer = ""
        if workshop.trainer:
            try:
                trainer = kiosk.staff.get(workshop.trainer).display_name
            except PasapasError:
                trainer = ""
        self.loaded = _Loaded(progress, procedures, trainer)
        # The idle wipe waits while this workshop runs (also after the kiosk restarted).
        if workshop.state == RUNNING:
            self.nav.set_workshop_running(workshop.id)
        elif self.nav.running_workshop == workshop.id:
            self.nav.set_workshop_running(None)
        self._show()

    def _show(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        progress, language = loaded.progress, self.nav.language
        workshop = progress.workshop
        self.title.setText(workshop.title)
        self.facts.setText(
            " · ".join(
                (
                    workshop_state_label(workshop.state),
                    long_date(workshop.day, language),
                    workshop.place,
                    ", ".join(m.title(language) for m in workshop.module_objects),
                )
            )
        )
        self._show_controls()
        self._show_people(progress)
        self.progress_summary.setText(
            _(
                "Inscrites : {registered} · présentes : {present} · ont tout terminé : "
                "{done} · bloquées : {stuck}"
            ).format(
                registered=len(progress.rows),
                present=progress.present,
                done=progress.count("done"),
                stuck=progress.count("stuck"),
            )
        )
        missed = missed_lines(progress, loaded.procedures, language)
        self.missed.setVisible(bool(missed))
        self.no_missed.setVisible(not missed)
        if missed:
            self.missed.set_data(
                _("Les questions les plus manquées"),
                [
                    (text, m.people)
                    for (text, _said), m in zip(missed, progress.missed, strict=False)
                ],
            )

    def _show_controls(self) -> None:
        loaded = self.loaded
        state = loaded.progress.workshop.state if loaded is not None else PLANNED
        self.start_button.set_text(_("Commencer l'atelier"))
        self.start_button.setVisible(state == PLANNED)
        self.close_button.set_text(
            _("Oui, terminer l'atelier") if self._confirm_close else _("Terminer l'atelier")
        )
        self.close_button.set_role("primary" if self._confirm_close else "")
        self.close_button.setVisible(state != CLOSED)
        self.add_box.setVisible(state != CLOSED)
        self.attestations_button.setVisible(state == CLOSED)
        presentation = self.nav.presentation
        on = presentation is not None
        self.present_button.set_text(_("Arrêter la présentation") if on else _("Présenter"))
        self.present_controls.setVisible(on)
        if not on:
            self.present_status.setText(
                _(
                    "La présentation montre chaque étape en très grand, sur le deuxième écran "
                    "s'il y en a un."
                )
            )
            return
        slide = presentation.current
        where = _("Étape {n} sur {total} : {title}").format(
            n=presentation.index + 1, total=len(presentation.slides), title=slide.title
        )
        if presentation.hidden:
            where += " · " + _("écran masqué")
        elif presentation.paused:
            where += " · " + _("en pause")
        elif presentation.answer_shown:
            where += " · " + _("réponse montrée")
        screen = (
            _("sur le deuxième écran") if presentation.on_second_screen else _("dans une fenêtre")
        )
        self.present_status.setText(f"{where} ({screen})")
        self.answer_button.set_text(
            _("Cacher la réponse") if presentation.answer_shown else _("Montrer la réponse")
        )
        self.answer_button.setEnabled(slide.has_answer)
        self.pause_button.set_text(_("Reprendre") if presentation.paused else _("Pause"))
        self.hide_button.set_text(_("Afficher") if presentation.hidden else _("Masquer"))
        self.previous_button.setEnabled(presentation.index > 0)
        self.next_button.setEnabled(presentation.index < len(presentation.slides) - 1)

    def _show_people(self, progress: WorkshopProgress) -> None:
        loaded = self.loaded
        assert loaded is not None
        clear_layout(self.people_layout)
        self.person_rows = {}
        headers = table_headers()
        table = progress_table(progress, loaded.procedures, self.nav.language)
        closed = progress.workshop.state == CLOSED
        for number, (row, cells) in enumerate(zip(progress.rows, table, strict=True)):
            person = row.participant
            box = QWidget()
            box.setObjectName(f"person-{number}")
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(6)
            presence = TextButton(role="primary" if person.present else "")
            presence.setObjectName(f"person-{number}-present")
            presence.set_text(
                _("✓ {name} : présente").format(name=person.name)
                if person.present
                else _("{name} : absente").format(name=person.name)
            )
            presence.setAccessibleName(
                _("{name}, présente").format(name=person.name)
                if person.present
                else _("{name}, absente").format(name=person.name)
            )
            presence.setEnabled(not closed)
            presence.clicked.connect(
                lambda _c=False, p=person.id, on=not person.present: self.set_present(p, on)
            )
            column.addWidget(presence)
            details = label(
                " · ".join(f"{h} : {c}" for h, c in zip(headers[2:], cells[2:], strict=True) if c)
            )
            details.setObjectName(f"person-{number}-progress")
            column.addWidget(details)
            buttons: list[QWidget] = []
            widgets: dict[str, QWidget] = {"present": presence, "progress": details}
            if not closed and row.working_on is not None:
                title = loaded.procedures.get(row.working_on)
                name = title.title.get(person.language) if title is not None else row.working_on
                turn = _button(
                    f"person-{number}-turn",
                    lambda p=person.id, item=row.working_on, lang=person.language: self.turn(
                        p, item, lang
                    ),
                )
                turn.set_text(_("À son tour : {procedure}").format(procedure=name))
                buttons.append(turn)
                widgets["turn"] = turn
            if not closed:
                check = _button(
                    f"person-{number}-level",
                    lambda p=person.id, lang=person.language: self.nav.start_level_check(
                        self.workshop_id, p, lang
                    ),
                )
                check.set_text(_("Faire le point"))
                buttons.append(check)
                widgets["level"] = check
                language = _button(f"person-{number}-language", lambda p=row: self.next_language(p))
                language.set_text(
                    _("Langue : {language}").format(language=native_name(person.language))
                )
                buttons.append(language)
                widgets["language"] = language
            if closed and person.present:
                paper = _button(f"person-{number}-attestation", lambda p=row: self.attestation(p))
                paper.set_text(_("Son attestation (PDF)"))
                buttons.append(paper)
                widgets["attestation"] = paper
            confirm = self._confirm_erase == person.id
            remove = _button(f"person-{number}-remove", lambda p=row: self.remove(p))
            if closed:
                remove.set_text(
                    _("Oui, effacer ses données") if confirm else _("Effacer ses données")
                )
            else:
                remove.set_text(_("Oui, retirer") if confirm else _("Retirer de l'atelier"))
            remove.set_role("primary" if confirm else "")
            buttons.append(remove)
            widgets["remove"] = remove
            column.addWidget(_row(*buttons))
            add_shown(self.people_layout, box)
            self.person_rows[person.id] = widgets
        if not progress.rows:
            self.people_layout.addWidget(label(_("Personne n'est encore inscrit."), "muted"))

    def show_message(self, text: str) -> None:
        self.note.hide()
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def show_note(self, text: str) -> None:
        self.message.hide()
        self.note.setText(text)
        self.note.setVisible(bool(text))

    # -- actions on the store -------------------------------------------------------------------

    def _run(self, work: Callable[[Any], Any], done_text: str = "", then: Any = None) -> None:
        """`work(kiosk)` on the worker; then the note, `then(result)`, and every screen hears
        that the workshops changed. A refusal is one sentence on this screen."""

        def finished(result: Any) -> None:
            if done_text:
                self.show_note(done_text)
            if then is not None:
                then(result)
            self.nav.broadcast(_WORKSHOPS, self)

        def failed(error: Exception) -> None:
            self.show_message(error_message(error))

        run_operation(
            self.nav,
            self.nav.with_worker_kiosk(work),
            on_done=finished,
            on_error=failed,
            origin=self,
        )

    def start(self) -> None:
        wid, actor = self.workshop_id, staff_id(self.nav)
        self._run(
            lambda k: k.workshops.start(wid, actor=actor),
            _("L'atelier a commencé. La borne ne s'efface pas toute seule pendant l'atelier."),
        )

    def close_workshop(self) -> None:
        if not self._confirm_close:
            self._confirm_close = True
            self._show_controls()
            return
        self._confirm_close = False
        wid, actor = self.workshop_id, staff_id(self.nav)

        def ended(_workshop: Any) -> None:
            self.nav.set_workshop_running(None)
            self.nav.close_presentation()

        self._run(
            lambda k: k.workshops.close(wid, actor=actor),
            _("L'atelier est terminé : son compte-rendu est enregistré."),
            then=ended,
        )

    def set_present(self, participant_id: str, present: bool) -> None:
        actor = staff_id(self.nav)
        self._run(lambda k: k.workshops.set_present(participant_id, present, actor=actor))

    def next_language(self, row: ParticipantProgress) -> None:
        offered = list(self.nav.offered_languages)
        current = row.participant.language
        following = (
            offered[(offered.index(current) + 1) % len(offered)]
            if current in offered
            else offered[0]
        )
        actor, pid = staff_id(self.nav), row.participant.id
        self._run(lambda k: k.workshops.set_language(pid, following, actor=actor))

    def add_participant(self) -> None:
        name, contact = self.name.text(), self.contact.text()
        consent = self.consent.isChecked()
        wid, actor, language = self.workshop_id, staff_id(self.nav), self.nav.language

        def added(person: Any) -> None:
            self.name.clear()
            self.contact.clear()
            self.consent.box.setChecked(False)
            self.name.setFocus()

        self._run(
            lambda k: k.workshops.add_participant(
                wid, name, actor=actor, language=language, contact=contact, consent=consent
            ),
            _("{name} est inscrit à l'atelier.").format(name=" ".join(name.split())),
            then=added,
        )

    def remove(self, row: ParticipantProgress) -> None:
        person = row.participant
        if self._confirm_erase != person.id:
            self._confirm_erase = person.id
            self._show()
            return
        self._confirm_erase = ""
        actor = staff_id(self.nav)
        closed = self.loaded is not None and self.loaded.progress.workshop.state == CLOSED
        if closed:
            self._run(
                lambda k: k.workshops.erase_participant(person.id, actor=actor),
                _("Les données de {name} sont effacées, ici et sur le service central.").format(
                    name=person.name
                ),
            )
        else:
            self._run(
                lambda k: k.workshops.remove_participant(person.id, actor=actor),
                _("{name} ne fait plus partie de l'atelier.").format(name=person.name),
            )

    def turn(self, participant_id: str, procedure_id: str, language: str) -> None:
        """The participant practises at the kiosk now; their progress is recorded at the end."""
        self.nav.start_turn(self.workshop_id, participant_id, procedure_id, language)

    # -- presentation ---------------------------------------------------------------------------

    def toggle_presentation(self) -> None:
        if self.nav.presentation is not None:
            self.nav.close_presentation()
            self._show_controls()
            return
        loaded = self.loaded
        if loaded is None:
            return
        from pasapas.ui.presentation import Presentation

        workshop = loaded.progress.workshop
        ordered = [loaded.procedures[i] for i in workshop.items if i in loaded.procedures]
        shown = slides(ordered, self.nav.language)
        if not shown:
            self.show_message(_("Ce module n'a pas encore d'étape à présenter."))
            return
        window = self.window()
        presentation = Presentation(
            shown, workshop.title, main_screen=window.screen() if window is not None else None
        )
        presentation.changed.connect(self._show_controls)
        self.nav.open_presentation(presentation)
        self._show_controls()
        self.next_button.setFocus()

    def _present(self, move: str) -> None:
        presentation = self.nav.presentation
        if presentation is not None:
            getattr(presentation, move)()

    def read_slide(self) -> None:
        presentation = self.nav.presentation
        if presentation is not None:
            self.nav.present_aloud(presentation.spoken())

    # -- documents ------------------------------------------------------------------------------

    def _file(self, name: str) -> Path:
        return self.folder.folder() / name

    def _write(self, write: Callable[[Any, _Loaded], Path], done: Callable[[Path], str]) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        actor = staff_id(self.nav)

        def work(kiosk: Any) -> Path:
            written = write(kiosk, loaded)
            kiosk.audit.append("workshop_export", actor, {"file": written.suffix.lstrip(".")})
            return written

        self._run(
            work,
            then=lambda written: self.show_note(done(written)),
        )

    def _stem(self) -> str:
        loaded = self.loaded
        day = loaded.progress.workshop.day.isoformat() if loaded is not None else ""
        return f"atelier_{day}"

    def report_pdf(self) -> None:
        from pasapas.ui.workshop_pdf import render_paper

        language, site = self.nav.language, self.nav.settings.site_name
        out = self._file(f"{self._stem()}_compte-rendu.pdf")

        def write(kiosk: Any, loaded: _Loaded) -> Path:
            out.parent.mkdir(parents=True, exist_ok=True)
            paper = report_paper(loaded.progress, loaded.procedures, language, site_name=site)
            return render_paper(paper, out)

        self._write(
            write, lambda p: _("Compte-rendu enregistré : {path}").format(path=isolate(str(p)))
        )

    def report_csv(self) -> None:
        language = self.nav.language
        out = self._file(f"{self._stem()}_tableau.csv")

        def write(kiosk: Any, loaded: _Loaded) -> Path:
            out.parent.mkdir(parents=True, exist_ok=True)
            return export_csv(loaded.progress, loaded.procedures, language, out)

        self._write(write, lambda p: _("Tableau enregistré : {path}").format(path=isolate(str(p))))

    def print_report(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        from pasapas.ui.workshop_pdf import print_paper

        paper = report_paper(
            loaded.progress,
            loaded.procedures,
            self.nav.language,
            site_name=self.nav.settings.site_name,
        )
        try:
            printer = print_paper(paper)
        except PasapasError as error:
            self.show_message(error.message)
            return
        self.show_note(_("Compte-rendu envoyé à l'imprimante {name}.").format(name=printer))

    def _attestations(self, rows: list[ParticipantProgress]) -> None:
        from pasapas.ui.workshop_pdf import render_paper

        site = self.nav.settings.site_name
        folder = self.folder.folder()

        def write(kiosk: Any, loaded: _Loaded) -> Path:
            folder.mkdir(parents=True, exist_ok=True)
            written = folder
            for row in rows:
                paper = attestation_paper(
                    loaded.progress.workshop,
                    row,
                    loaded.procedures,
                    site_name=site,
                    trainer_name=loaded.trainer,
                )
                safe = "".join(c if c.isalnum() else "-" for c in row.participant.name)
                written = render_paper(
                    paper,
                    folder
                    / f"{self._stem()}_attestation_{row.participant.position + 1}_{safe}.pdf",
                )
            return written if len(rows) == 1 else folder

        count = len(rows)
        self._write(
            write,
            lambda p: ngettext(
                "{n} attestation enregistrée : {path}",
                "{n} attestations enregistrées dans le dossier : {path}",
                count,
            ).format(n=count, path=isolate(str(p))),
        )

    def attestation(self, row: ParticipantProgress) -> None:
        self._attestations([row])

    def attestations(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        present = [r for r in loaded.progress.rows if r.participant.present]
        if not present:
            self.show_message(_("Personne n'est notée présente : pas d'attestation."))
            return
        self._attestations(present)

    def wipe(self) -> None:
        # Staff screen: nothing of a visitor's. What the trainer typed for a new participant
        # goes when the kiosk goes back to visitors.
        self.name.clear()
        self.contact.clear()
        self.consent.box.setChecked(False)
