"""Staff: the take-home sheet (fiche à emporter) for the visitor — of the visit that just ended
(the path the visitor took) or of any procedure — in the visitor's language. A preview of its
text, then "Imprimer" (the system's print service; when there is no printer, the screen says so
in one sentence) or "Enregistrer en PDF" into the kiosk's export folder. The sheet carries no
personal data: only the procedure's content and the help point's details (app/sheet.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.app.languages import is_rtl, isolate, name_in, native_name
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.staff_report import (
    ChoiceRow,
    FolderChooser,
    TextButton,
    action_bar,
    audit_log,
    staff_id,
)
from pasapas.ui.widgets import FlowLayout, TextField, WrapButton, clear_layout, label

MAX_LISTED = 40


def sheet_text(sheet: Any) -> str:
    """The sheet as plain text, for the preview (and a screen reader)."""
    heads = getattr(sheet, "headings", {}) or {}
    lines = [sheet.title, ""]
    if getattr(sheet, "untranslated_note", ""):
        lines += [sheet.untranslated_note, ""]
    if sheet.steps:
        lines.append(heads.get("steps", _("Étapes")))
        lines += [f"{number}. {step}" for number, step in enumerate(sheet.steps, 1)]
        lines.append("")
    if sheet.documents:
        lines.append(heads.get("documents", _("À préparer")))
        lines += [f"• {document}" for document in sheet.documents]
        lines.append("")
    if sheet.website:
        lines.append(heads.get("website", _("Site officiel")))
        lines.append(
            f"{sheet.website_label} : {sheet.website}" if sheet.website_label else sheet.website
        )
        lines.append("")
    if sheet.phones:
        lines.append(heads.get("phones", _("Téléphones")))
        lines += [f"{what} : {number}" for what, number in sheet.phones]
        lines.append("")
    if sheet.help_point:
        lines += [heads.get("help_point", _("Lieu d'aide")), sheet.help_point, ""]
    if sheet.opening_hours:
        lines += [heads.get("hours", _("Horaires")), sheet.opening_hours, ""]
    if sheet.note_label:
        lines.append(sheet.note_label)
    return "\n".join(lines).strip()


class Printed:
    def __init__(self, where: str) -> None:
        self.where = where
        self.changes = Changes(audit=True)


@register_screen
class StaffSheetScreen(Screen):
    name = "staff_sheet"
    role = "volunteer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        self.procedure_id = ""
        self.path: tuple[str, ...] | None = None
        self.sheet: Any = None

        self.title = label("", "title")
        self.source_title = label("", "subtitle")
        self.source = ChoiceRow(
            "sheet-source",
            ("visit", "any"),
            lambda code: (
                _("La visite qui vient de finir") if code == "visit" else _("Une autre démarche")
            ),
            on_change=self._source_changed,
        )
        self.no_visit = label("", "muted")
        self.no_visit.setObjectName("sheet-no-visit")
        self.search_label = label()
        self.search = TextField()
        self.search.setObjectName("sheet-search")
        self.search.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search)
        self.search.textChanged.connect(lambda _t: self._list_procedures())
        self.list_box = QWidget()
        self.list_box.setObjectName("sheet-procedures")
        self.list_layout = QVBoxLayout(self.list_box)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(12)
        self.procedure_buttons: dict[str, WrapButton] = {}
        self.picker = QWidget()
        picker = QVBoxLayout(self.picker)
        picker.setContentsMargins(0, 0, 0, 0)
        picker.addWidget(self.search_label)
        picker.addWidget(self.search)
        picker.addWidget(self.list_box)

        self.language_title = label("", "subtitle")
        self.language_box = QWidget()
        self.language_layout = QVBoxLayout(self.language_box)
        self.language_layout.setContentsMargins(0, 0, 0, 0)
        self.language: ChoiceRow | None = None
        self.preview_title = label("", "subtitle")
        self.preview = label(selectable=True)
        self.preview.setObjectName("sheet-preview")
        self.preview_box = QFrame()
        self.preview_box.setFrameShape(QFrame.Shape.Box)
        framed = QVBoxLayout(self.preview_box)
        framed.setContentsMargins(16, 16, 16, 16)
        framed.addWidget(self.preview)
        self.folder = FolderChooser("sheet-folder", nav)
        self.print_button = TextButton(role="primary")
        self.print_button.setObjectName("sheet-print")
        self.print_button.clicked.connect(self.print_sheet)
        self.pdf_button = TextButton()
        self.pdf_button.setObjectName("sheet-pdf")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.message = label(selectable=True)
        self.message.setObjectName("sheet-message")
        self.message.hide()
        for widget in (
            self.title,
            self.source_title,
            self.source,
            self.no_visit,
            self.picker,
            self.language_title,
            self.language_box,
            self.preview_title,
            self.preview_box,
            self.folder,
        ):
            body.addWidget(widget)
        body.addStretch(1)
        buttons = QWidget()
        flow = FlowLayout(buttons)
        flow.addWidget(self.print_button)
        flow.addWidget(self.pdf_button)
        outer.addWidget(action_bar(self.message, buttons))
        self.retranslate()

    # -- texts --------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Fiche à emporter"))
        self.source_title.setText(_("Pour quelle démarche ?"))
        self.source.retranslate(_("Fiche"))
        self.no_visit.setText(_("Aucune visite ne vient de finir : choisissez une démarche."))
        self.search_label.setText(_("Chercher une démarche"))
        self.search.setAccessibleName(_("Chercher une démarche"))
        self.language_title.setText(_("Langue de la fiche"))
        self.preview_title.setText(_("Aperçu"))
        self.preview.setAccessibleName(_("Aperçu de la fiche"))
        self.print_button.set_text(_("Imprimer"))
        self.pdf_button.set_text(_("Enregistrer en PDF"))
        self.folder.retranslate()
        if self.language is not None:
            self.language.retranslate(_("Langue de la fiche"))

    def first_focus(self) -> QWidget:
        return self.print_button if self.sheet is not None else self.search

    # -- entering -------------------------------------------------------------------------------

    def _last_visit(self) -> Any:
        return self.nav.last_visit

    def enter(self, **params: Any) -> None:
        self.message.hide()
        self._build_languages()
        last = self._last_visit()
        self.source.buttons["visit"].setEnabled(last is not None)
        self.no_visit.setVisible(last is None)
        procedure = params.get("procedure")
        if procedure:
            self.source.set_value("any")
            self._choose(procedure, language=params.get("language"))
        elif last is not None:
            self.source.set_value("visit")
            self._source_changed("visit")
        else:
            self.source.set_value("any")
            self._source_changed("any")
        self.page.to_top()

    def _build_languages(self) -> None:
        clear_layout(self.language_layout)
        staff_language = self._staff_language()
        self.language = ChoiceRow(
            "sheet-language",
            self.nav.offered_languages,
            lambda code: (
                f"{isolate(native_name(code))} ({name_in(code, staff_language)})"
                if code != staff_language
                else native_name(code)
            ),
            on_change=lambda _code: self._refresh(),
        )
        self.language.retranslate(_("Langue de la fiche"))
        self.language_layout.addWidget(self.language)

    @staticmethod
    def _staff_language() -> str:
        from pasapas.app.i18n import current_language

        return current_language()

    def _source_changed(self, code: str) -> None:
        last = self._last_visit()
        self.picker.setVisible(code == "any")
        if code == "visit" and last is not None:
            self.procedure_id = last.outcome.procedure_id
            self.path = tuple(last.path) or None
            self.language.set_value(last.outcome.language)
            if self.language.value() is None:
                self.language.set_value(self.nav.settings.language)
            self._refresh()
        else:
            self.path = None
            self._list_procedures()
            self._refresh()

    def _choose(self, procedure_id: str, *, language: str | None = None) -> None:
        self.procedure_id = procedure_id
        self.path = None
        if language:
            self.language.set_value(language)
        if self.language.value() is None:
            self.language.set_value(self.nav.settings.language)
        self._list_procedures()
        self._refresh()

    # -- the procedures to choose from ----------------------------------------------------------

    def _list_procedures(self) -> None:
        if self.source.value() != "any":
            return
        language = self._staff_language()
        query = self.search.text().strip()
        try:
            found = (
                self.nav.kiosk.search(query, language)
                if query
                else self.nav.kiosk.procedures(language)
            )
        except (PasapasError, RuntimeError):
            return
        clear_layout(self.list_layout)
        self.procedure_buttons = {}
        for summary in found[:MAX_LISTED]:
            chosen = summary.id == self.procedure_id
            button = WrapButton(
                ("✔ " if chosen else "") + summary.title, role="primary" if chosen else ""
            )
            button.setObjectName(f"sheet-procedure-{summary.id}")
            button.setAccessibleName(summary.title)
            button.setCheckable(True)
            button.setChecked(chosen)
            button.clicked.connect(lambda _c=False, i=summary.id: self._choose(i))
            self.list_layout.addWidget(button)
            self.procedure_buttons[summary.id] = button
        if not found:
            self.list_layout.addWidget(label(_("Aucune démarche trouvée."), "muted"))

    # -- the sheet ---------------------------------------------------------------------------------

    def _refresh(self) -> None:
        from pasapas.app.sheet import build_sheet

        self.sheet = None
        enabled = False
        if self.procedure_id and self.language is not None and self.language.value():
            language = self.language.value()
            try:
                procedure = self.nav.kiosk.procedure(self.procedure_id)
                self.sheet = build_sheet(procedure, language, self.nav.settings, path=self.path)
            except PasapasError as error:
                self.preview.setText(error.message)
                self.preview.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            else:
                self.preview.setText(sheet_text(self.sheet))
                rtl = getattr(self.sheet, "rtl", is_rtl(language))
                self.preview.setLayoutDirection(
                    Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
                )
                # Leading: the right edge in a right-to-left preview (Qt swaps Left and Right).
                self.preview.setAlignment(Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignTop)
                enabled = True
        else:
            self.preview.setText(_("Choisissez une démarche pour voir la fiche."))
        self.print_button.setEnabled(enabled)
        self.pdf_button.setEnabled(enabled)

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if problem else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def _audit(self, output: str) -> None:
        actor = staff_id(self.nav)

        def work(kiosk: Any) -> Changes:
            audit_log(kiosk).append("sheet_printed", actor=actor, detail={"output": output})
            return Changes(audit=True)

        run_operation(self.nav, self.nav.with_worker_kiosk(work), on_error=lambda _e: None)

    def print_sheet(self) -> None:
        from pasapas.ui.sheet_render import print_sheet

        if self.sheet is None:
            return
        try:
            printer = print_sheet(self.sheet)
        except PasapasError as error:  # no printer: said plainly, the PDF remains
            self._say(error.message, problem=True)
            return
        except Exception as error:
            self._say(error_message(error), problem=True)
            return
        self._say(_("Fiche envoyée à l'imprimante {printer}.").format(printer=isolate(printer)))
        self._audit("printer")

    def pdf_path(self) -> Any:
        language = self.language.value() if self.language is not None else "fr"
        return self.folder.folder() / f"fiche_{self.procedure_id}_{language}.pdf"

    def save_pdf(self) -> None:
        from pasapas.ui.sheet_render import render_pdf

        if self.sheet is None:
            return
        out = self.pdf_path()
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            written = render_pdf(self.sheet, out)
        except OSError as error:
            self._say(
                _("Le fichier n'a pas pu être écrit : {reason}").format(
                    reason=error.strerror or error
                ),
                problem=True,
            )
            return
        except PasapasError as error:
            self._say(error.message, problem=True)
            return
        self._say(
            _("Fiche enregistrée dans le fichier : {path}").format(path=isolate(str(written)))
        )
        self._audit("pdf")

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if (changes.procedures or changes.settings) and self.isVisible():
            self._list_procedures()
            self._refresh()
