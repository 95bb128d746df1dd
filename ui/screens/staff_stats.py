"""Staff: the help point's activity over a period — helps per week and per month, by theme,
procedure, language, autonomy, duration and place — as bar charts (ui/charts.py), each with its
data table beside it; exported to CSV (`stats.export_stats_csv`) or to a printable PDF with the
same content (title, period, each chart and its table).

The figures come from `stats.activity` (reports and visit events, live rows and the monthly
aggregates the retention purge keeps), computed off the GUI thread; codes are shown with their
French labels (`reports.label`) and languages with their names.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QWidget

from pasapas.app import reports, stats
from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _, current_language, ngettext
from pasapas.app.languages import isolate, name_in
from pasapas.ui.charts import BarChart, ChartPanel
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.staff_report import (
    FolderChooser,
    PeriodPicker,
    TextButton,
    audit_log,
    day_text,
    period_text,
    procedure_titles,
    staff_id,
)
from pasapas.ui.widgets import FlowLayout, label

# (Activity attribute, how its codes are shown)
DIMENSIONS = (
    "by_week",
    "by_month",
    "by_theme",
    "by_admin_subtheme",
    "by_procedure",
    "by_language",
    "by_autonomy",
    "by_duration_band",
    "by_place",
)


def dimension_title(key: str) -> str:
    return {
        "by_week": _("Accompagnements par semaine"),
        "by_month": _("Accompagnements par mois"),
        "by_theme": _("Par thématique"),
        "by_admin_subtheme": _("Par domaine de démarche administrative"),
        "by_procedure": _("Par démarche"),
        "by_language": _("Par langue"),
        "by_autonomy": _("Par niveau d'autonomie"),
        "by_duration_band": _("Par durée"),
        "by_place": _("Par lieu"),
    }[key]


def _as_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def week_label(value: Any) -> str:
    """A week as staff read it: "semaine du 23/11/2026"."""
    text = str(value)
    day = _as_day(value)
    if day is None and "-W" in text:  # ISO week "2026-W48"
        try:
            day = dt.datetime.strptime(text + "-1", "%G-W%V-%u").date()
        except ValueError:
            day = None
    return _("semaine du {day}").format(day=day_text(day)) if day else text


def month_label(value: Any, language: str) -> str:
    """A month as staff read it: "novembre 2026"."""
    from babel.dates import format_date

    day = _as_day(value if len(str(value)) > 7 else f"{value}-01")
    return format_date(day, "LLLL y", locale=language) if day else str(value)


class Computed:
    """An activity and the period it covers."""

    def __init__(self, activity: Any, start: dt.date, end: dt.date) -> None:
        self.activity = activity
        self.start = start
        self.end = end


class Exported:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.changes = Changes(audit=True)


@register_screen
class StaffStatsScreen(Screen):
    name = "staff_stats"
    role = "volunteer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.computed: Computed | None = None
        self._busy = False
        self._again = False
        self.title = label("", "title")
        self.period_title = label("", "subtitle")
        self.period = PeriodPicker(
            "stats-period",
            ("week", "month", "twelve_months", "custom"),
            "month",
            on_change=lambda _code: self._auto_refresh(),
        )
        self.show_button = TextButton(role="primary")
        self.show_button.setObjectName("stats-show")
        self.show_button.clicked.connect(self.refresh)
        self.summary = label("", "subtitle", selectable=True)
        self.summary.setObjectName("stats-summary")
        self.message = label(selectable=True)
        self.message.setObjectName("stats-message")
        self.message.hide()
        for widget in (
            self.title,
            self.period_title,
            self.period,
            self.show_button,
            self.summary,
            self.message,
        ):
            body.addWidget(widget)
        self.panels: dict[str, ChartPanel] = {}
        for key in DIMENSIONS:
            panel = ChartPanel(key)
            self.panels[key] = panel
            body.addWidget(panel)
        self.export_title = label("", "subtitle")
        self.folder = FolderChooser("stats-folder", nav)
        buttons = QWidget()
        flow = FlowLayout(buttons)
        self.csv_button = TextButton()
        self.csv_button.setObjectName("stats-csv")
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = TextButton()
        self.pdf_button.setObjectName("stats-pdf")
        self.pdf_button.clicked.connect(self.export_pdf)
        flow.addWidget(self.csv_button)
        flow.addWidget(self.pdf_button)
        self.export_message = label(selectable=True)
        self.export_message.setObjectName("stats-export-message")
        self.export_message.hide()
        for widget in (
            self.export_title,
            self.folder,
            buttons,
            self.export_message,
        ):
            body.addWidget(widget)
        body.addStretch(1)
        self.retranslate()

    # -- texts ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Statistiques du lieu"))
        self.period_title.setText(_("Période"))
        self.period.retranslate()
        self.show_button.set_text(_("Afficher"))
        self.export_title.setText(_("Exporter ces chiffres"))
        self.folder.retranslate()
        self.csv_button.set_text(_("Exporter en CSV"))
        self.pdf_button.set_text(_("Exporter en PDF (à imprimer)"))
        if self.computed is not None:
            self._show(self.computed)

    def first_focus(self) -> QWidget:
        choice = self.period.choice
        return choice.buttons.get(choice.value()) or self.show_button

    def enter(self, **params: Any) -> None:
        self.message.hide()
        self.export_message.hide()
        self.show_button.setVisible(self.period.choice.value() == "custom")
        self.refresh()
        self.page.to_top()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if (changes.reports or changes.visits or changes.store) and self.isVisible():
            self.refresh()

    def _auto_refresh(self) -> None:
        custom = self.period.choice.value() == "custom"
        self.show_button.setVisible(custom)
        if not custom:
            self.refresh()

    # -- figures ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            start, end = self.period.dates()
        except PasapasError as error:
            self._say(self.message, error.message, problem=True)
            return
        self.message.hide()
        if self._busy:  # once the figures being computed are in, the new period's follow
            self._again = True
            return
        self._busy = True
        self._again = False

        def work(kiosk: Any) -> Computed:
            return Computed(stats.activity(kiosk.store, stats.Period(start, end)), start, end)

        run_operation(
            self.nav,
            self.nav.with_worker_kiosk(work),
            on_done=self._computed,
            on_error=self._failed,
            origin=self,
        )

    def _computed(self, computed: Computed) -> None:
        self._busy = False
        if self._again:
            self.refresh()
            return
        self.computed = computed
        self._show(computed)

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self._again = False
        self._say(self.message, error_message(error), problem=True)

    def named_rows(self, key: str, rows: Any) -> list[tuple[str, int]]:
        """A dimension's (code, count) rows with the codes as staff read them."""
        language = current_language()
        if key == "by_week":
            return [(week_label(code), count) for code, count in rows]
        if key == "by_month":
            return [(month_label(code, language), count) for code, count in rows]
        if key == "by_language":
            return [(name_in(code, language) if code else _("non précisée"), n) for code, n in rows]
        if key == "by_procedure":
            titles = procedure_titles(self.nav)
            return [
                (titles.get(code, code) if code else _("sans démarche précise"), count)
                for code, count in rows
            ]
        return [(reports.label(code) if code else _("non précisé"), count) for code, count in rows]

    def summary_text(self, computed: Computed) -> str:
        activity = computed.activity
        helps = ngettext("{n} accompagnement", "{n} accompagnements", activity.helps).format(
            n=activity.helps
        )
        visits = ngettext(
            "{n} visite à la borne", "{n} visites à la borne", activity.visits
        ).format(n=activity.visits)
        hours, minutes = divmod(activity.minutes, 60)
        time = _("{h} h {m:02d} d'accompagnement").format(h=hours, m=minutes)
        period = period_text(computed.start, computed.end)
        return f"{period[:1].upper()}{period[1:]} : {helps} · {visits} · {time}"

    def _show(self, computed: Computed) -> None:
        self.summary.setText(self.summary_text(computed))
        for key, panel in self.panels.items():
            panel.set_data(
                dimension_title(key), self.named_rows(key, getattr(computed.activity, key))
            )

    # -- export ------------------------------------------------------------------------------------

    def _say(self, where: Any, text: str, *, problem: bool = False) -> None:
        where.setText(text)
        where.setProperty("role", "error" if problem else "")
        where.style().unpolish(where)
        where.style().polish(where)
        where.show()

    def _out(self, suffix: str) -> Path:
        assert self.computed is not None
        start, end = self.computed.start.isoformat(), self.computed.end.isoformat()
        return self.folder.folder() / f"statistiques_{start}_{end}.{suffix}"

    def export_csv(self) -> None:
        if self.computed is None or self._busy:
            return
        activity, out, actor = self.computed.activity, self._out("csv"), staff_id(self.nav)

        def work(kiosk: Any) -> Exported:
            out.parent.mkdir(parents=True, exist_ok=True)
            return Exported(stats.export_stats_csv(activity, out, store=kiosk.store, actor=actor))

        run_operation(
            self.nav,
            self.nav.with_worker_kiosk(work),
            on_done=self._exported,
            on_error=self._export_failed,
            origin=self,
        )

    def export_pdf(self) -> None:
        if self.computed is None:
            return
        out = self._out("pdf")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.write_pdf(out)
        except OSError as error:
            self._export_failed(error)
            return
        actor = staff_id(self.nav)

        def work(kiosk: Any) -> Exported:
            audit_log(kiosk).append("stats_export", actor=actor, detail={"format": "pdf"})
            return Exported(out)

        run_operation(
            self.nav,
            self.nav.with_worker_kiosk(work),
            on_done=self._exported,
            on_error=self._export_failed,
            origin=self,
        )

    def _exported(self, result: Exported) -> None:
        self._say(
            self.export_message,
            _("Statistiques exportées dans le fichier : {path}").format(
                path=isolate(str(result.path))
            ),
        )

    def _export_failed(self, error: Exception) -> None:
        if isinstance(error, OSError):
            text = _("Le fichier n'a pas pu être écrit : {reason}").format(
                reason=error.strerror or error
            )
        else:
            text = error_message(error)
        self._say(self.export_message, text, problem=True)

    def pdf_html(self, document: QTextDocument, width: int) -> str:
        """The printable page: title, period, then each chart (as an image) and its table."""
        assert self.computed is not None
        font = QFont(document.defaultFont())
        parts = [
            f"<h1>{html.escape(_('Statistiques du lieu'))}</h1>",
            f"<p>{html.escape(self.nav.settings.site_name)}</p>"
            if self.nav.settings.site_name
            else "",
            f"<p><b>{html.escape(self.summary_text(self.computed))}</b></p>",
        ]
        for key in DIMENSIONS:
            title = dimension_title(key)
            rows = self.named_rows(key, getattr(self.computed.activity, key))
            parts.append(f"<h2>{html.escape(title)}</h2>")
            if not rows:
                parts.append(f"<p>{html.escape(_('Aucune donnée pour cette période.'))}</p>")
                continue
            chart = BarChart()
            chart.set_data(title, rows)
            image = chart.image(width, font)
            name = f"chart-{key}"
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
            parts.append(f'<p><img src="{name}" width="{width}"></p>')
            cells = "".join(
                f"<tr><td>{html.escape(text)}</td><td align='right'>{count}</td></tr>"
                for text, count in rows
            )
            parts.append(
                "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
                f"<tr><th align='left'>{html.escape(_('Libellé'))}</th>"
                f"<th align='right'>{html.escape(_('Nombre'))}</th></tr>{cells}</table>"
            )
        return "\n".join(parts)

    def write_pdf(self, out: Path) -> Path:
        """The PDF, written to a temporary file then renamed: never half a file."""
        out = Path(out)
        handle, temp_name = tempfile.mkstemp(prefix=".stats-", suffix=".pdf", dir=out.parent)
        os.close(handle)
        try:
            writer = QPdfWriter(temp_name)
            writer.setTitle(_("Statistiques du lieu"))
            writer.setCreator("Pas à pas")
            writer.setPageLayout(
                QPageLayout(
                    QPageSize(QPageSize.PageSizeId.A4),
                    QPageLayout.Orientation.Portrait,
                    QMarginsF(15, 15, 15, 15),
                    QPageLayout.Unit.Millimeter,
                )
            )
            writer.setResolution(300)
            document = QTextDocument()
            font = QFont("Noto Sans")
            font.setPointSize(12)
            document.setDefaultFont(font)
            page = writer.pageLayout().paintRectPoints()
            document.setPageSize(QSizeF(page.width(), page.height()))
            document.setHtml(self.pdf_html(document, round(page.width()) - 20))
            document.print_(writer)
            os.replace(temp_name, out)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return out
