"""Staff: the accompaniment report (compte-rendu d'activité) of a help, in La Coop de la
médiation numérique's codes (app/reports.py).

The common report takes three touches from the staff home: the "Compte-rendu" tile, the
person's autonomy (three big buttons, "entièrement accompagné" already chosen), "Enregistrer".
It is pre-filled from the visit that just ended (procedure, themes, duration, language:
`reports.draft_from_visit`); everything else waits behind "Plus de détails". "Reprendre mon
dernier compte-rendu" copies the last one, dated today. Opened with `report_id`, the screen edits
that report, until it is sent to the central service. Saved off the GUI thread.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from pasapas.app import reports
from pasapas.app.audit import AuditLog
from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _, current_language
from pasapas.app.languages import isolate, name_in
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import CheckItem, FlowLayout, TextField, WrapButton, label

NOTES_MAX = 500


# -- small pieces the staff screens share --------------------------------------------------------


class TextButton(WrapButton):
    """A big button whose text wraps onto more lines when room is short (large text, a narrow
    or portrait screen) instead of being cut."""

    def __init__(self, text: str = "", role: str = "") -> None:
        super().__init__(text, "", role)
        self.title_label.setProperty("role", "")
        self.title_label.setObjectName("button-text")
        if role == "primary":
            self.title_label.setStyleSheet("font-weight: bold;")

    def set_text(self, text: str) -> None:
        self.title_label.setText(text)
        self.setAccessibleName(text.replace("&", ""))
        self.updateGeometry()  # a longer text wants a wider button

    def text(self) -> str:
        return self.title_label.text()

    def sizeHint(self) -> QSize:
        # As wide as the text on one line: it wraps only when the room is narrower than that.
        margins = self.layout().contentsMargins()
        self.title_label.ensurePolished()
        width = self.title_label.fontMetrics().horizontalAdvance(self.title_label.text())
        width += margins.left() + margins.right() + 12
        return QSize(width, max(self.heightForWidth(width), 64))

    def set_role(self, role: str) -> None:
        """A new look (chosen, primary): the button and its text are styled again."""
        self.setProperty("role", role)
        self.title_label.setStyleSheet("font-weight: bold;" if role == "primary" else "")
        for widget in (self, self.title_label):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


class ChoiceRow(QWidget):
    """One value among a few, as big buttons that wrap onto new lines: the chosen one is filled
    and ticked (not by colour alone), and says "coché" to a screen reader."""

    def __init__(
        self,
        name: str,
        codes: Sequence[Any],
        text_of: Callable[[Any], str] = lambda code: reports.label(code),
        *,
        on_change: Callable[[Any], None] | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName(name)
        self._text_of = text_of
        self._on_change = on_change
        # No QButtonGroup: Qt then takes the Tab key from every button but the focused one
        # (arrow keys instead), and each choice must be reached by Tab as every control is.
        self.buttons: dict[Any, TextButton] = {}
        flow = FlowLayout(self)
        for code in codes:
            button = TextButton()
            button.setCheckable(True)
            button.setObjectName(f"{name}-{code}")
            button.toggled.connect(lambda _on, b=button: self._show(b))
            button.clicked.connect(lambda _c=False, code=code: self._clicked(code))
            self.buttons[code] = button
            flow.addWidget(button)
        self.title = ""
        self.retranslate()

    def retranslate(self, title: str = "") -> None:
        self.title = title or self.title
        for button in self.buttons.values():
            self._show(button)

    def _code_of(self, button: TextButton) -> Any:
        return next(code for code, b in self.buttons.items() if b is button)

    def _show(self, button: TextButton) -> None:
        text = self._text_of(self._code_of(button))
        checked = button.isChecked()
        button.set_text(("✔ " if checked else "") + text)
        button.setAccessibleName(f"{self.title} : {text}" if self.title else text)
        button.set_role("primary" if checked else "")

    def _clicked(self, code: Any) -> None:
        self.set_value(code)  # a second touch on the chosen one keeps it chosen
        if self._on_change is not None:
            self._on_change(code)

    def value(self) -> Any:
        return next((code for code, b in self.buttons.items() if b.isChecked()), None)

    def set_value(self, code: Any) -> None:
        """Choose `code` (None, or a code not offered: nothing chosen)."""
        chosen = self.buttons.get(code) if code is not None or None in self.buttons else None
        for button in self.buttons.values():
            button.setChecked(button is chosen)


class Ticks(QWidget):
    """Several values among a list, as big tick boxes (their text wraps)."""

    def __init__(self, name: str, codes: Sequence[str]) -> None:
        super().__init__()
        self.setObjectName(name)
        flow = FlowLayout(self, spacing=8)
        self.items: dict[str, CheckItem] = {}
        for code in codes:
            item = CheckItem(reports.label(code))
            item.setObjectName(f"{name}-{code}")
            item.box.setObjectName(f"{name}-{code}-box")
            self.items[code] = item
            flow.addWidget(item)

    def retranslate(self) -> None:
        for code, item in self.items.items():
            item.text_label.setText(reports.label(code))
            item.box.setAccessibleName(reports.label(code))

    def values(self) -> tuple[str, ...]:
        return tuple(code for code, item in self.items.items() if item.isChecked())

    def set_values(self, codes: Sequence[str]) -> None:
        for code, item in self.items.items():
            item.box.setChecked(code in codes)


class FlowColumn:
    """A plain column of widgets in a QWidget, each added with `add` (returns it)."""

    def __init__(self, host: QWidget) -> None:
        self.layout = QVBoxLayout(host)
        self.layout.setContentsMargins(0, 0, 0, 0)
        self.layout.setSpacing(16)

    def add(self, widget: Any) -> Any:
        self.layout.addWidget(widget)
        return widget


def action_bar(message: QWidget, buttons: QWidget) -> QWidget:
    """Under the page, always in sight: what the last action did, then the screen's buttons."""
    box = QWidget()
    box.setObjectName("action-bar")
    column = QVBoxLayout(box)
    column.setContentsMargins(48, 8, 48, 24)
    column.setSpacing(8)
    column.addWidget(message)
    column.addWidget(buttons)
    return box


def number_field(name: str) -> TextField:
    field = TextField()
    field.setObjectName(name)
    field.setValidator(QIntValidator(0, 9999, field))
    field.setMaximumWidth(220)
    field.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
    return field


def staff_id(nav: Any) -> str:
    """The logged-in staff member's account id ("" when the window has no session)."""
    account = nav.staff_account
    return account.id if account is not None else ""


def day_text(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_day(text: str) -> dt.date:
    """ "25/11/2026" (or "2026-11-25") -> the day; a sentence when it is not a date."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise PasapasError(
        _("Date incorrecte : « {text} ». Écrivez-la comme 25/11/2026.").format(text=text)
    )


def procedure_titles(nav: Any) -> dict[str, str]:
    """Procedure ids -> their titles in the staff member's language."""
    try:
        return {p.id: p.title for p in nav.kiosk.procedures(current_language())}
    except (PasapasError, RuntimeError):
        return {}


def procedure_text(draft: Any, titles: dict[str, str] | None = None) -> str:
    """What a report is about: the procedure named in it, or the kiosk procedure it came from."""
    if draft.procedure_name:
        return draft.procedure_name
    if draft.procedure_id and titles:
        return titles.get(draft.procedure_id, "") or _("sans démarche précise")
    return _("sans démarche précise")


@dataclass(frozen=True)
class Saved:
    """A report filed or changed: what every screen hears."""

    report: Any
    changes: Changes = dataclasses.field(default_factory=lambda: Changes(reports=True, outbox=True))


def audit_log(kiosk: Any) -> AuditLog:
    """The kiosk's audit log (its own, or one on its store)."""
    return kiosk.audit


def reports_of(kiosk: Any, now: Callable[[], dt.datetime] | None = None) -> Any:
    """The kiosk's reports, written with the kiosk's audit log."""
    audit = audit_log(kiosk)
    if now is not None:
        return reports.Reports(kiosk.store, now=now, audit=audit)
    return reports.Reports(kiosk.store, audit=audit)


def today() -> dt.date:
    return dt.date.today()


PERIODS = ("week", "month", "last_month", "twelve_months", "custom")


def period_label(code: str) -> str:
    return {
        "week": _("Cette semaine"),
        "month": _("Ce mois-ci"),
        "last_month": _("Le mois dernier"),
        "twelve_months": _("Les 12 derniers mois"),
        "custom": _("Autre période"),
    }[code]


def period_dates(code: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last days (both included) of a named period around `day`."""
    if code == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    first = day.replace(day=1)
    if code == "month":
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    if code == "last_month":
        end = first - dt.timedelta(days=1)
        return end.replace(day=1), end
    if code == "twelve_months":
        # This month and the eleven before it.
        if first.month == 12:
            return first.replace(month=1), day
        return first.replace(year=first.year - 1, month=first.month + 1), day
    raise ValueError(f"unknown period {code!r}")


class PeriodPicker(QWidget):
    """A period: a few named ones as big buttons, or two dates typed."""

    def __init__(
        self,
        name: str,
        codes: Sequence[str],
        default: str,
        *,
        on_change: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self._on_change = on_change
        self.setObjectName(name)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        self.choice = ChoiceRow(name, codes, period_label, on_change=self._changed)
        self.choice.set_value(default)
        self.custom = QWidget()
        dates = FlowLayout(self.custom)
        self.start_label = label()
        self.start = TextField()
        self.start.setObjectName(f"{name}-start")
        self.start_label.setBuddy(self.start)
        self.end_label = label()
        self.end = TextField()
        self.end.setObjectName(f"{name}-end")
        self.end_label.setBuddy(self.end)
        for widget in (self.start_label, self.start, self.end_label, self.end):
            dates.addWidget(widget)
        for field in (self.start, self.end):
            field.setMinimumWidth(260)
        column.addWidget(self.choice)
        column.addWidget(self.custom)
        self.custom.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.choice.retranslate(_("Période"))
        self.start_label.setText(_("Du (jour/mois/année)"))
        self.start.setAccessibleName(_("Premier jour de la période"))
        self.end_label.setText(_("Au"))
        self.end.setAccessibleName(_("Dernier jour de la période"))

    def _changed(self, code: str) -> None:
        self.custom.setVisible(code == "custom")
        if code == "custom" and not self.start.text():
            start, end = period_dates("month", today())
            self.start.setText(day_text(start))
            self.end.setText(day_text(end))
        if self._on_change is not None:
            self._on_change(code)

    def dates(self) -> tuple[dt.date, dt.date]:
        """The period chosen (PasapasError with one sentence when the dates are wrong)."""
        code = self.choice.value() or "month"
        if code != "custom":
            return period_dates(code, today())
        start, end = parse_day(self.start.text()), parse_day(self.end.text())
        if end < start:
            raise PasapasError(_("Le dernier jour de la période est avant le premier."))
        return start, end


def period_text(start: dt.date, end: dt.date) -> str:
    return _("du {start} au {end}").format(start=day_text(start), end=day_text(end))


def default_export_folder(nav: Any) -> Path:
    """Where exports and sheets go unless staff choose another folder: "exports", next to the
    kiosk's backups folder."""
    return Path(nav.kiosk.paths.backup_dir).parent / "exports"


class FolderChooser(QWidget):
    """The folder a file will be written to, said in full, and a button to choose another one
    (Qt's own dialog: the kiosk may have no file manager)."""

    def __init__(self, name: str, nav: Any) -> None:
        super().__init__()
        self.setObjectName(name)
        self.nav = nav
        self.chosen: Path | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        self.where = label(selectable=True)
        self.where.setObjectName(f"{name}-where")
        self.choose_button = TextButton()
        self.choose_button.setObjectName(f"{name}-choose")
        self.choose_button.clicked.connect(self.choose)
        column.addWidget(self.where)
        row = QWidget()
        FlowLayout(row).addWidget(self.choose_button)
        column.addWidget(row)
        self.retranslate()

    def folder(self) -> Path:
        return self.chosen or default_export_folder(self.nav)

    def retranslate(self) -> None:
        self.choose_button.set_text(_("Choisir un autre dossier…"))
        if self.nav.store_open:
            self.where.setText(_("Dossier : {folder}").format(folder=isolate(str(self.folder()))))

    def choose(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        start = self.folder()
        start.mkdir(parents=True, exist_ok=True)
        folder = QFileDialog.getExistingDirectory(
            self,
            _("Choisir le dossier"),
            str(start),
            QFileDialog.Option.DontUseNativeDialog | QFileDialog.Option.ShowDirsOnly,
        )
        if folder:
            self.chosen = Path(folder)
            self.retranslate()


# -- the screen --------------------------------------------------------------------------------


@register_screen
class StaffReportScreen(Screen):
    name = "staff_report"
    role = "volunteer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        self.report_id: str | None = None
        self.base: Any = None  # the draft the form started from (fields it does not show)
        self._reported_visit: Any = None  # the last visit whose report was filed here
        self._busy = False
        self._form = 0  # which form is shown: a save finishing late changes only its own

        self.title = label("", "title")
        self.title.setObjectName("report-title")
        self.context = label(selectable=True)
        self.context.setObjectName("report-context")
        self.message = label()
        self.message.setObjectName("report-message")
        self.message.hide()
        self.autonomy_title = label("", "subtitle")
        self.autonomy = ChoiceRow("report-autonomy", reports.AUTONOMY)
        self.duplicate_button = TextButton()
        self.duplicate_button.setObjectName("report-duplicate")
        self.duplicate_button.clicked.connect(self.duplicate_last)
        self.more_button = TextButton()
        self.more_button.setObjectName("report-more")
        self.more_button.setCheckable(True)
        self.more_button.toggled.connect(self._show_details)
        for widget in (
            self.title,
            self.context,
            self.autonomy_title,
            self.autonomy,
        ):
            body.addWidget(widget)
        row = QWidget()
        flow = FlowLayout(row)
        flow.addWidget(self.more_button)
        flow.addWidget(self.duplicate_button)
        body.addWidget(row)

        self.details = QWidget()
        self.details.setObjectName("report-details")
        self.details_layout = FlowColumn(self.details)
        self._build_details()
        self.details.hide()
        body.addWidget(self.details)
        body.addStretch(1)

        # Always in sight, under the page: the third touch.
        bar_box = QWidget()
        bar = FlowLayout(bar_box)
        self.save_button = TextButton(role="primary")
        self.save_button.setObjectName("report-save")
        self.save_button.clicked.connect(self.save)
        self.list_button = TextButton()
        self.list_button.setObjectName("report-list")
        self.list_button.clicked.connect(lambda: self.nav.go("staff_reports"))
        bar.addWidget(self.save_button)
        bar.addWidget(self.list_button)
        outer.addWidget(action_bar(self.message, bar_box))
        self.retranslate()

    # -- the optional part ------------------------------------------------------------------------

    def _build_details(self) -> None:
        add = self.details_layout.add
        self.kind_title = add(label("", "subtitle"))
        self.kind = add(
            ChoiceRow("report-kind", ("individuel", "collectif"), on_change=self._kind_changed)
        )
        self.day_label = add(label())
        self.day = add(TextField())
        self.day.setObjectName("report-day")
        self.day.setMaximumWidth(320)
        self.day_label.setBuddy(self.day)
        self.duration_title = add(label("", "subtitle"))
        self.duration = add(
            ChoiceRow(
                "report-duration",
                reports.DURATION_PRESETS,
                lambda minutes: _("{n}\u00a0min").format(n=minutes),
                on_change=lambda _m: self.custom_duration.clear(),
            )
        )
        self.custom_label = add(label())
        self.custom_duration = add(number_field("report-custom-duration"))
        self.custom_label.setBuddy(self.custom_duration)
        self.custom_duration.textEdited.connect(
            lambda text: self.duration.set_value(None) if text else None
        )

        self.place_title = add(label("", "subtitle"))
        self.place = add(
            ChoiceRow("report-place", reports.PLACE_TYPES, on_change=self._place_changed)
        )
        self.place_where = add(QWidget())
        where = FlowColumn(self.place_where)
        self.place_commune_label = where.add(label())
        self.place_commune = where.add(TextField())
        self.place_commune.setObjectName("report-place-commune")
        self.place_commune.setMaximumWidth(320)
        self.place_commune_label.setBuddy(self.place_commune)
        self.place_postcode_label = where.add(label())
        self.place_postcode = where.add(number_field("report-place-postcode"))
        self.place_postcode.setMaxLength(5)
        self.place_postcode_label.setBuddy(self.place_postcode)

        self.equipment_title = add(label("", "subtitle"))
        self.equipment = add(Ticks("report-equipment", reports.EQUIPMENT))
        self.themes_title = add(label("", "subtitle"))
        self.themes = add(Ticks("report-themes", reports.THEMES))
        self.subthemes_title = add(label("", "subtitle"))
        self.subthemes = add(Ticks("report-subthemes", reports.ADMIN_SUBTHEMES))
        self.procedure_label = add(label())
        self.procedure_name = add(TextField())
        self.procedure_name.setObjectName("report-procedure-name")
        self.procedure_label.setBuddy(self.procedure_name)

        # An individual help: the person, anonymous unless they say.
        self.individual = add(QWidget())
        person = FlowColumn(self.individual)
        self.referred_title = person.add(label("", "subtitle"))
        self.referred = person.add(
            ChoiceRow("report-referred", (False, True), lambda on: _("Oui") if on else _("Non"))
        )
        self.structure_label = person.add(label())
        self.structure = person.add(ChoiceRow("report-structure", reports.REFERRAL_STRUCTURES))
        self.gender_title = person.add(label("", "subtitle"))
        self.gender = person.add(ChoiceRow("report-gender", reports.GENDERS))
        self.age_title = person.add(label("", "subtitle"))
        self.age_band = person.add(ChoiceRow("report-age", reports.AGE_BANDS))
        self.status_title = person.add(label("", "subtitle"))
        self.status = person.add(ChoiceRow("report-status", reports.STATUSES))
        self.home_label = person.add(label())
        self.beneficiary_commune = person.add(TextField())
        self.beneficiary_commune.setObjectName("report-beneficiary-commune")
        self.beneficiary_commune.setMaximumWidth(320)
        self.home_label.setBuddy(self.beneficiary_commune)
        self.already = person.add(CheckItem(""))
        self.already.setObjectName("report-already-helped")

        # A workshop: its title, level and anonymous counts.
        self.workshop = add(QWidget())
        group = FlowColumn(self.workshop)
        self.workshop_title_label = group.add(label())
        self.workshop_title = group.add(TextField())
        self.workshop_title.setObjectName("report-workshop-title")
        self.workshop_title_label.setBuddy(self.workshop_title)
        self.level_title = group.add(label("", "subtitle"))
        self.level = group.add(ChoiceRow("report-level", reports.LEVELS))
        self.counts_title = group.add(label("", "subtitle"))
        self.count_fields: dict[str, tuple[Any, TextField]] = {}
        for key in self._count_keys():
            text = group.add(label())
            field = group.add(number_field(f"report-count-{key}"))
            text.setBuddy(field)
            self.count_fields[key] = (text, field)
        self.workshop.hide()

        self.notes_label = add(label())
        self.notes = add(QPlainTextEdit())
        self.notes.setObjectName("report-notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(160)
        self.notes_label.setBuddy(self.notes)

    @staticmethod
    def _count_keys() -> list[str]:
        """Participant counts of a workshop: total, already helped, then each breakdown."""
        keys = ["total", "already_helped"]
        keys += [f"gender:{code}" for code in reports.GENDERS]
        keys += [f"age:{code}" for code in reports.AGE_BANDS]
        keys += [f"status:{code}" for code in reports.STATUSES]
        return keys

    def _count_text(self, key: str) -> str:
        if key == "total":
            return _("Nombre de participants")
        if key == "already_helped":
            return _("Dont déjà accompagnés avant")
        kind, _sep, code = key.partition(":")
        what = {"gender": _("Genre"), "age": _("Tranche d'âge"), "status": _("Statut")}[kind]
        return f"{what} : {reports.label(code)}"

    # -- texts ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.autonomy_title.setText(_("Autonomie de la personne"))
        self.autonomy.retranslate(_("Autonomie"))
        self.duplicate_button.set_text(_("Reprendre mon dernier compte-rendu"))
        self._more_text()
        self.kind_title.setText(_("Type d'accompagnement"))
        self.kind.retranslate(_("Type"))
        self.day_label.setText(_("Date (jour/mois/année)"))
        self.day.setAccessibleName(_("Date"))
        self.duration_title.setText(_("Durée"))
        self.duration.retranslate(_("Durée"))
        self.custom_label.setText(_("Autre durée, en minutes"))
        self.custom_duration.setAccessibleName(_("Autre durée, en minutes"))
        self.place_title.setText(_("Lieu"))
        self.place.retranslate(_("Lieu"))
        self.place_commune_label.setText(_("Commune du lieu (code INSEE)"))
        self.place_commune.setAccessibleName(_("Commune du lieu, code INSEE"))
        self.place_postcode_label.setText(_("Code postal du lieu"))
        self.place_postcode.setAccessibleName(_("Code postal du lieu"))
        self.equipment_title.setText(_("Matériel utilisé"))
        self.equipment.retranslate()
        self.themes_title.setText(_("Thématiques (au moins une)"))
        self.themes.retranslate()
        self.subthemes_title.setText(
            _("Démarche administrative : domaines (avec la thématique « {theme} »)").format(
                theme=reports.label(reports.ADMIN_THEME)
            )
        )
        self.subthemes.retranslate()
        self.procedure_label.setText(_("Nom de la démarche"))
        self.procedure_name.setAccessibleName(_("Nom de la démarche"))
        self.referred_title.setText(_("Personne réorientée vers une structure ?"))
        self.referred.retranslate(_("Réorientée"))
        self.structure_label.setText(_("Structure de réorientation"))
        self.structure.retranslate(_("Structure"))
        self.gender_title.setText(_("Genre"))
        self.gender.retranslate(_("Genre"))
        self.age_title.setText(_("Tranche d'âge"))
        self.age_band.retranslate(_("Tranche d'âge"))
        self.status_title.setText(_("Statut"))
        self.status.retranslate(_("Statut"))
        self.home_label.setText(_("Commune de la personne (code INSEE, facultatif)"))
        self.beneficiary_commune.setAccessibleName(_("Commune de la personne, code INSEE"))
        self.already.text_label.setText(_("Déjà accompagnée avant"))
        self.already.box.setAccessibleName(_("Déjà accompagnée avant"))
        self.workshop_title_label.setText(_("Titre de l'atelier"))
        self.workshop_title.setAccessibleName(_("Titre de l'atelier"))
        self.level_title.setText(_("Niveau de l'atelier"))
        self.level.retranslate(_("Niveau"))
        self.counts_title.setText(
            _("Participants (chaque répartition ne dépasse pas le nombre de participants)")
        )
        for key, (text, field) in self.count_fields.items():
            text.setText(self._count_text(key))
            field.setAccessibleName(self._count_text(key))
        self.notes_label.setText(
            _("Notes (500 caractères au plus, sans nom ni donnée de la personne)")
        )
        self.notes.setAccessibleName(_("Notes"))
        self.save_button.set_text(_("Enregistrer"))
        self.list_button.set_text(_("Mes comptes-rendus"))
        self._titles()

    def _more_text(self) -> None:
        shown = self.more_button.isChecked()
        self.more_button.set_text(_("Moins de détails") if shown else _("Plus de détails"))

    def _titles(self) -> None:
        self.title.setText(
            _("Modifier le compte-rendu") if self.report_id else _("Compte-rendu d'accompagnement")
        )
        if self.base is not None:
            self.context.setText(self._context_text(self.base))

    def _context_text(self, draft: Any) -> str:
        language = current_language()
        parts = [
            _("Démarche : {name}").format(name=isolate(procedure_text(draft))),
            _("Durée : {n}\u00a0min").format(n=draft.duration),
        ]
        if draft.language:
            parts.append(
                _("Langue : {language}").format(language=name_in(draft.language, language))
            )
        parts.append(_("Date : {day}").format(day=day_text(draft.day)))
        return " · ".join(parts)

    # -- showing a draft --------------------------------------------------------------------------

    def first_focus(self) -> QWidget:
        return self.autonomy.buttons.get(self.autonomy.value()) or self.save_button

    def enter(self, **params: Any) -> None:
        self._form += 1
        self.message.hide()
        self.more_button.setChecked(False)
        self.report_id = None
        self.save_button.setEnabled(True)
        report_id = params.get("report_id")
        if report_id:
            stored = reports_of(self.nav.kiosk).get(report_id)
            self.report_id = stored.id
            self.show_draft(stored.draft)
            if not stored.editable:
                self._say(_("Ce compte-rendu est déjà envoyé : il ne peut plus être modifié."))
                self.save_button.setEnabled(False)
        elif params.get("draft") is not None:
            self.show_draft(params["draft"])
        else:
            self.show_draft(self._starting_draft())
        self.duplicate_button.setVisible(self.report_id is None)
        self._titles()
        self.page.to_top()
        # On a short screen or with large text, the second touch stays in sight.
        QTimer.singleShot(0, lambda: self.page.ensureWidgetVisible(self.autonomy, 0, 16))

    def _starting_draft(self) -> Any:
        author = staff_id(self.nav)
        last = self.nav.last_visit
        if last is not None and last != self._reported_visit:
            outcome = last.outcome
            try:
                procedure = self.nav.kiosk.procedure(outcome.procedure_id)
            except PasapasError:
                procedure = None  # withdrawn since: the rest of the visit still counts
            return reports.draft_from_visit(outcome, procedure, author=author, today=today())
        return reports.draft_from_visit(None, None, author=author, today=today())

    def show_draft(self, draft: Any) -> None:
        self.base = draft
        self.autonomy.set_value(draft.autonomy)
        self.kind.set_value(draft.kind)
        self.day.setText(day_text(draft.day))
        if draft.duration in reports.DURATION_PRESETS:
            self.duration.set_value(draft.duration)
            self.custom_duration.clear()
        else:
            self.duration.set_value(None)
            self.custom_duration.setText(str(draft.duration))
        self.place.set_value(draft.place_type)
        self.place_commune.setText(draft.place_commune or "")
        self.place_postcode.setText(draft.place_postcode or "")
        self._place_changed(draft.place_type)
        self.equipment.set_values(draft.equipment)
        self.themes.set_values(draft.themes)
        self.subthemes.set_values(draft.admin_subthemes)
        self.procedure_name.setText(draft.procedure_name or "")
        self.referred.set_value(bool(draft.referred))
        self.structure.set_value(draft.referral_structure or None)
        self.gender.set_value(draft.gender)
        self.age_band.set_value(draft.age_band)
        self.status.set_value(draft.status)
        self.beneficiary_commune.setText(draft.beneficiary_commune or "")
        self.already.box.setChecked(bool(draft.already_helped))
        self.workshop_title.setText(draft.workshop_title)
        self.level.set_value(draft.workshop_level or None)
        for key, (_text, field) in self.count_fields.items():
            value = self._count_of(draft, key)
            field.setText(str(value) if value else "")
        self.notes.setPlainText(draft.notes or "")
        self._kind_changed(draft.kind)
        self.context.setText(self._context_text(draft))

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self._more_text()

    def _place_changed(self, place: str) -> None:
        self.place_where.setVisible(place in reports.PLACES_WITH_COMMUNE)

    def _kind_changed(self, kind: str) -> None:
        self.individual.setVisible(kind != "collectif")
        self.workshop.setVisible(kind == "collectif")
        # A workshop has no autonomy of one person: its level stands for it.
        self.autonomy_title.setVisible(kind != "collectif")
        self.autonomy.setVisible(kind != "collectif")

    # -- workshop counts, as the draft holds them ------------------------------------------------

    _BREAKDOWNS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "gender": ("participants_by_gender", reports.GENDERS),
        "age": ("participants_by_age_band", reports.AGE_BANDS),
        "status": ("participants_by_status", reports.STATUSES),
    }

    @classmethod
    def _count_of(cls, draft: Any, key: str) -> int:
        if key == "total":
            return draft.participants if draft.kind == "collectif" else 0
        if key == "already_helped":
            return draft.participants_already_helped
        kind, _sep, code = key.partition(":")
        field_name, codes = cls._BREAKDOWNS[kind]
        counts = getattr(draft, field_name) or ()
        return dict(zip(codes, counts, strict=False)).get(code, 0)

    def _counts(self) -> dict[str, Any]:
        keys = ("total", "already_helped")  # the two count fields' keys (not shown)

        def read(key: str) -> int:
            text = self.count_fields[key][1].text().strip()
            return int(text) if text else 0

        values: dict[str, Any] = {
            "participants": read(keys[0]),
            "participants_already_helped": read(keys[1]),
        }
        for kind, (field_name, codes) in self._BREAKDOWNS.items():
            values[field_name] = tuple(read(f"{kind}:{code}") for code in codes)
        return values

    # -- the draft the form shows ---------------------------------------------------------------

    def draft(self) -> Any:
        """The form as a draft (PasapasError with one sentence when a field cannot be read)."""
        base = self.base
        custom = self.custom_duration.text().strip()
        duration = int(custom) if custom else (self.duration.value() or base.duration)
        kind = self.kind.value() or base.kind
        themes = self.themes.values()
        subthemes = self.subthemes.values()
        values: dict[str, Any] = {
            "kind": kind,
            "day": parse_day(self.day.text()),
            "duration": duration,
            "place_type": self.place.value() or base.place_type,
            "place_commune": self.place_commune.text().strip(),
            "place_postcode": self.place_postcode.text().strip(),
            "equipment": self.equipment.values(),
            "procedure_name": self.procedure_name.text().strip(),
            "notes": self.notes.toPlainText().strip(),
            "author": base.author or staff_id(self.nav),
        }
        names = {f.name for f in fields(base)}
        if "admin_subthemes" in names:
            values["themes"] = themes
            values["admin_subthemes"] = subthemes
        else:  # sub-themes travel in the themes list
            values["themes"] = themes + subthemes
        if kind == "collectif":
            values["workshop_title"] = self.workshop_title.text().strip()
            values["workshop_level"] = self.level.value() or ""
            values.update(self._counts())
        else:
            values.update(
                autonomy=self.autonomy.value() or base.autonomy,
                referred=bool(self.referred.value()),
                referral_structure=(self.structure.value() or "") if self.referred.value() else "",
                gender=self.gender.value() or base.gender,
                age_band=self.age_band.value() or base.age_band,
                status=self.status.value() or base.status,
                beneficiary_commune=self.beneficiary_commune.text().strip(),
                already_helped=self.already.isChecked(),
            )
        return replace(base, **{k: v for k, v in values.items() if k in names})

    # -- actions ----------------------------------------------------------------------------------

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "error" if problem else "")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def duplicate_last(self) -> None:
        last = reports_of(self.nav.kiosk).last_by(staff_id(self.nav))
        if last is None:
            self._say(_("Vous n'avez pas encore de compte-rendu à reprendre."), problem=True)
            return
        self._form += 1
        self.report_id = None
        self.show_draft(replace(last.draft, day=today(), author=staff_id(self.nav)))
        self._titles()
        self._say(
            _(
                "Votre dernier compte-rendu est repris, daté d'aujourd'hui : vérifiez-le, puis "
                "touchez « Enregistrer »."
            )
        )

    def save(self) -> None:
        if self._busy:
            self._say(_("Enregistrement en cours… Touchez « Enregistrer » dans un instant."))
            return
        try:
            draft = self.draft()
        except PasapasError as error:
            self._say(error.message, problem=True)
            return
        if len(draft.notes) > NOTES_MAX:
            self._say(_("Les notes dépassent 500 caractères."), problem=True)
            return
        actor = staff_id(self.nav)
        report_id = self.report_id
        visit = self.nav.last_visit if report_id is None else None
        form = self._form

        def work(kiosk: Any) -> Saved:
            book = reports_of(kiosk)
            if report_id:
                return Saved(book.update(report_id, draft, actor=actor))
            return Saved(book.file(draft, actor=actor))

        self._busy = True
        self.save_button.setEnabled(False)
        run_operation(
            self.nav,
            self.nav.with_worker_kiosk(work),
            on_done=lambda saved: self._saved(saved, visit, form),
            on_error=self._failed,
            origin=self,
        )

    def _saved(self, saved: Saved, visit: Any, form: int) -> None:
        self._busy = False
        if visit is not None:
            self._reported_visit = visit  # its report is filed: not pre-filled twice
        if form != self._form:
            return  # the screen shows another report since: it stays as it is
        self.save_button.setEnabled(True)
        self.report_id = saved.report.id  # saving again changes it, never files a second one
        self.base = saved.report.draft
        self.duplicate_button.hide()
        self._titles()
        self._say(
            _("Compte-rendu enregistré. Vous pouvez le modifier tant qu'il n'est pas envoyé.")
        )

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.save_button.setEnabled(True)
        self._say(error_message(error), problem=True)

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.store:
            self.report_id = None
            self.base = None
        elif changes.outbox and self.report_id and self.isVisible() and not self._busy:
            # Sent meanwhile by the background sync: it can no longer be changed.
            try:
                editable = reports_of(self.nav.kiosk).get(self.report_id).editable
            except PasapasError:
                return
            if not editable and self.save_button.isEnabled():
                self.save_button.setEnabled(False)
                self._say(_("Ce compte-rendu est déjà envoyé : il ne peut plus être modifié."))
