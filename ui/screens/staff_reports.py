"""Staff: my recent accompaniment reports (date, procedure, duration, sent or not yet), each to
change while it is not sent or to copy as today's; and the export of every report of a period
to a CSV or XLSX file with La Coop de la médiation numérique's columns, into the kiosk's export
folder (or another folder staff choose). The screen says where the file went.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from pasapas.app import reports
from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _, ngettext
from pasapas.app.languages import isolate
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.staff_report import (
    ChoiceRow,
    FolderChooser,
    PeriodPicker,
    TextButton,
    day_text,
    procedure_text,
    procedure_titles,
    reports_of,
    staff_id,
    today,
)
from pasapas.ui.widgets import FlowLayout, clear_layout, label

RECENT = 20
FORMATS = ("xlsx", "csv")


class Exported:
    """An export written: how many rows, where; the audit log gained an entry."""

    def __init__(self, count: int, path: Any) -> None:
        self.count = count
        self.path = path
        self.changes = Changes(audit=True)


@register_screen
class StaffReportsScreen(Screen):
    name = "staff_reports"
    role = "volunteer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.new_button = TextButton(role="primary")
        self.new_button.setObjectName("reports-new")
        self.new_button.clicked.connect(lambda: self.nav.go("staff_report"))
        self.empty = label()
        self.empty.setObjectName("reports-empty")
        self.list_box = QWidget()
        self.list_box.setObjectName("reports-list")
        self.list_layout = QVBoxLayout(self.list_box)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(16)
        self.rows: list[tuple[Any, QWidget]] = []

        self.export_title = label("", "subtitle")
        self.period = PeriodPicker(
            "reports-period", ("month", "last_month", "twelve_months", "custom"), "month"
        )
        self.format_title = label()
        self.format = ChoiceRow(
            "reports-format",
            FORMATS,
            lambda code: _("Tableur (XLSX)") if code == "xlsx" else _("Texte (CSV)"),
        )
        self.format.set_value("xlsx")
        self.folder = FolderChooser("reports-folder", nav)
        self.export_button = TextButton(role="primary")
        self.export_button.setObjectName("reports-export")
        self.export_button.clicked.connect(self.export)
        self.message = label(selectable=True)
        self.message.setObjectName("reports-message")
        self.message.hide()
        for widget in (
            self.title,
            self.new_button,
            self.empty,
            self.list_box,
            self.export_title,
            self.period,
            self.format_title,
            self.format,
            self.folder,
            self.export_button,
            self.message,
        ):
            body.addWidget(widget)
        body.addStretch(1)
        self._busy = False
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Mes comptes-rendus"))
        self.new_button.set_text(_("Nouveau compte-rendu"))
        self.empty.setText(_("Vous n'avez encore aucun compte-rendu."))
        self.export_title.setText(_("Exporter les comptes-rendus du lieu"))
        self.period.retranslate()
        self.format_title.setText(_("Format du fichier"))
        self.format.retranslate(_("Format"))
        self.folder.retranslate()
        self.export_button.set_text(_("Exporter"))
        if self.isVisible():
            self.refresh()

    def first_focus(self) -> QWidget:
        return self.new_button

    def enter(self, **params: Any) -> None:
        self.message.hide()
        self.refresh()
        self.page.to_top()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if (changes.reports or changes.outbox or changes.store) and self.isVisible():
            self.refresh()

    # -- the list ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            mine = reports_of(self.nav.kiosk).recent(author=staff_id(self.nav), limit=RECENT)
        except (PasapasError, RuntimeError):
            return
        clear_layout(self.list_layout)
        self.rows = []
        titles = procedure_titles(self.nav)
        for stored in mine:
            row = self._row(stored, titles)
            self.list_layout.addWidget(row)
            self.rows.append((stored, row))
        self.empty.setVisible(not mine)

    def _row(self, stored: Any, titles: dict[str, str]) -> QWidget:
        draft = stored.draft
        box = QFrame()
        box.setObjectName(f"report-row-{stored.id}")
        box.setFrameShape(QFrame.Shape.Box)
        column = QVBoxLayout(box)
        column.setContentsMargins(16, 12, 16, 12)
        state = _("pas encore envoyé") if stored.editable else _("envoyé")
        what = reports.label(draft.kind) if draft.kind == "collectif" else ""
        summary = " · ".join(
            part
            for part in (
                day_text(draft.day),
                isolate(procedure_text(draft, titles)),
                _("{n}\u00a0min").format(n=draft.duration),
                what,
                state,
            )
            if part
        )
        text = label(summary, selectable=True)
        text.setObjectName("report-row-text")
        column.addWidget(text)
        buttons = QWidget()
        flow = FlowLayout(buttons)
        edit = TextButton()
        edit.setObjectName("report-row-edit")
        edit.set_text(_("Modifier"))
        edit.setAccessibleName(_("Modifier le compte-rendu : {summary}").format(summary=summary))
        edit.setEnabled(stored.editable)
        edit.clicked.connect(lambda _c=False, i=stored.id: self.nav.go("staff_report", report_id=i))
        copy = TextButton()
        copy.setObjectName("report-row-duplicate")
        copy.set_text(_("Dupliquer pour aujourd'hui"))
        copy.setAccessibleName(_("Dupliquer pour aujourd'hui : {summary}").format(summary=summary))
        copy.clicked.connect(lambda _c=False, s=stored: self.duplicate(s))
        flow.addWidget(edit)
        flow.addWidget(copy)
        column.addWidget(buttons)
        return box

    def duplicate(self, stored: Any) -> None:
        draft = replace(stored.draft, day=today(), author=staff_id(self.nav))
        self.nav.go("staff_report", draft=draft)

    # -- export ------------------------------------------------------------------------------------

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if problem else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def export(self) -> None:
        if self._busy:
            return
        try:
            start, end = self.period.dates()
        except PasapasError as error:
            self._say(error.message, problem=True)
            return
        suffix = self.format.value() or "xlsx"
        out = (
            self.folder.folder() / f"comptes-rendus_{start.isoformat()}_{end.isoformat()}.{suffix}"
        )
        actor = staff_id(self.nav)

        def work(kiosk: Any) -> Exported:
            out.parent.mkdir(parents=True, exist_ok=True)
            count = reports.export_reports(
                kiosk.store, start, end, out, kiosk.settings, actor=actor
            )
            return Exported(count, out)

        self._busy = True
        self.export_button.setEnabled(False)
        run_operation(
            self.nav,
            self.nav.with_worker_kiosk(work),
            on_done=self._exported,
            on_error=self._failed,
            origin=self,
        )

    def _exported(self, result: Exported) -> None:
        self._busy = False
        self.export_button.setEnabled(True)
        self._say(
            ngettext(
                "{n} compte-rendu exporté dans le fichier : {path}",
                "{n} comptes-rendus exportés dans le fichier : {path}",
                result.count,
            ).format(n=result.count, path=isolate(str(result.path)))
        )

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.export_button.setEnabled(True)
        if isinstance(error, OSError):
            self._say(
                _("Le fichier n'a pas pu être écrit : {reason}").format(
                    reason=error.strerror or error
                ),
                problem=True,
            )
        else:
            self._say(error_message(error), problem=True)
