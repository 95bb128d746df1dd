"""The volunteer's other screens: the take-home sheet of the visit that just ended (a real PDF,
read back with pdftotext; the plain sentence when no printer exists), and the statistics with
their bar charts and tables, exported to CSV and to a printable PDF."""

from __future__ import annotations

import csv
import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics

from pasapas.app.changes import Changes
from pasapas.app.languages import strip_isolates
from pasapas.app.reports import ReportDraft, Reports
from pasapas.ui.charts import BarChart, ChartPanel, shown_rows, summary
from tests.ui.test_staff_reports import CLICK, clock, finish_a_visit, log_in, shift  # noqa: F401

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing"
)


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


# -- the sheet ------------------------------------------------------------------------------------


@needs_pdftotext
def test_the_sheet_of_the_visit_that_just_ended_saved_as_pdf(qtbot, shift, paths, clock):  # noqa: F811
    window = shift
    finish_a_visit(qtbot, window, clock, minutes=20)
    staff_home = log_in(qtbot, window)
    qtbot.mouseClick(staff_home.tiles["staff_sheet"], CLICK)
    assert window.current_screen == "staff_sheet"
    screen = window.screens["staff_sheet"]
    assert screen.source.value() == "visit"
    assert screen.language.value() == "fr"
    assert screen.preview.text().startswith("Déclarer votre médecin traitant")
    # The path the visitor took (first answers): its steps, numbered, in the preview.
    assert "1. " in screen.preview.text()
    qtbot.mouseClick(screen.pdf_button, CLICK)
    out = paths.backup_dir.parent / "exports" / "fiche_medecin-traitant_fr.pdf"
    assert out.exists()
    assert str(out) in screen.message.text()
    text = pdf_text(out)
    assert "Déclarer votre médecin traitant" in " ".join(text.split())
    qtbot.waitUntil(
        lambda: any(e.action == "sheet_printed" for e in window.kiosk.audit.entries()),
        timeout=10_000,
    )


@needs_pdftotext
def test_the_sheet_of_any_procedure_in_arabic_right_to_left(qtbot, shift, paths):  # noqa: F811
    window = shift
    log_in(qtbot, window)
    window.go("staff_sheet")
    screen = window.screens["staff_sheet"]
    assert screen.source.value() == "any"  # no visit just ended
    assert not screen.source.buttons["visit"].isEnabled()
    assert not screen.pdf_button.isEnabled()  # nothing chosen yet
    qtbot.keyClicks(screen.search, "vitale")
    button = next(b for i, b in screen.procedure_buttons.items() if "vitale" in i)
    qtbot.mouseClick(button, CLICK)
    qtbot.mouseClick(screen.language.buttons["ar"], CLICK)
    assert screen.preview.layoutDirection() == Qt.LayoutDirection.RightToLeft
    procedure = window.kiosk.procedure(screen.procedure_id)
    # French names inside the Arabic are isolated (their brackets stay with them): compare the
    # words the visitor reads.
    assert strip_isolates(screen.preview.text()).startswith(procedure.title.get("ar"))
    qtbot.mouseClick(screen.pdf_button, CLICK)
    out = screen.pdf_path()
    assert out.name.endswith("_ar.pdf") and out.exists()
    assert pdf_text(out).strip()


def test_printing_without_a_printer_says_so_plainly(qtbot, shift):  # noqa: F811
    from pasapas.ui.sheet_render import printers

    if printers():
        pytest.skip("this machine has a printer: the sheet would really print")
    window = shift
    log_in(qtbot, window)
    window.go("staff_sheet", procedure="medecin-traitant")
    screen = window.screens["staff_sheet"]
    qtbot.mouseClick(screen.print_button, CLICK)
    assert screen.message.isVisible()
    assert screen.message.text() == (
        "Aucune imprimante n'est installée : enregistrez la fiche en PDF."
    )


# -- the statistics -------------------------------------------------------------------------------


def table_rows(panel: ChartPanel) -> list[tuple[str, str]]:
    return panel.table.rows()


def test_the_statistics_show_the_report_filed_and_export_it(qtbot, shift, kiosk, paths):  # noqa: F811
    window = shift
    staff_home = log_in(qtbot, window)
    author = window.volunteer.id
    book = Reports(kiosk.store)
    book.file(
        ReportDraft(
            themes=("aide_aux_demarches_administratives",),
            admin_subthemes=("social_sante",),
            procedure_id="medecin-traitant",
            procedure_name="Déclarer votre médecin traitant",
            language="ar",
            autonomy="partiellement_autonome",
            duration=45,
        ),
        actor=author,
    )
    book.file(ReportDraft(themes=("email",), duration=15), actor=author)
    qtbot.mouseClick(staff_home.tiles["staff_stats"], CLICK)
    screen = window.screens["staff_stats"]
    qtbot.waitUntil(lambda: screen.computed is not None, timeout=10_000)
    assert "2 accompagnements" in screen.summary.text()
    assert "1 h 00 d'accompagnement" in screen.summary.text()
    autonomy = screen.panels["by_autonomy"]
    assert ("Partiellement autonome", "1") in table_rows(autonomy)
    assert ("Entièrement accompagné", "1") in table_rows(autonomy)
    assert "Partiellement autonome : 1" in autonomy.chart.accessibleDescription()
    assert autonomy.chart.accessibleName() == "Par niveau d'autonomie"
    assert autonomy.table.accessibleName() == "Tableau : Par niveau d'autonomie"
    assert ("arabe", "1") in table_rows(screen.panels["by_language"])
    assert ("Déclarer votre médecin traitant", "1") in table_rows(screen.panels["by_procedure"])
    assert ("Aide aux démarches administratives", "1") in table_rows(screen.panels["by_theme"])
    assert ("31 à 45 min", "1") in table_rows(screen.panels["by_duration_band"])
    assert ("Lieu d'activité", "2") in table_rows(screen.panels["by_place"])

    # A new report reaches the screen while it is shown.
    book.file(ReportDraft(themes=("email",), autonomy="autonome"), actor=author)
    window.broadcast(Changes(reports=True))
    qtbot.waitUntil(lambda: "3 accompagnements" in screen.summary.text(), timeout=10_000)

    qtbot.mouseClick(screen.csv_button, CLICK)
    qtbot.waitUntil(lambda: screen.export_message.isVisible(), timeout=10_000)
    start, end = screen.computed.start, screen.computed.end
    out = paths.backup_dir.parent / "exports" / f"statistiques_{start}_{end}.csv"
    assert out.exists() and str(out) in screen.export_message.text()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert ["partiellement_autonome", "Partiellement autonome", "1"] in rows


@needs_pdftotext
def test_the_statistics_as_a_printable_pdf(qtbot, shift, kiosk):  # noqa: F811
    window = shift
    log_in(qtbot, window)
    Reports(kiosk.store).file(
        ReportDraft(themes=("securite_numerique",), autonomy="autonome"), actor=window.volunteer.id
    )
    window.go("staff_stats")
    screen = window.screens["staff_stats"]
    qtbot.waitUntil(lambda: screen.computed is not None, timeout=10_000)
    qtbot.mouseClick(screen.pdf_button, CLICK)
    qtbot.waitUntil(lambda: screen.export_message.isVisible(), timeout=10_000)
    out = screen._out("pdf")
    assert out.exists() and str(out) in screen.export_message.text()
    text = " ".join(pdf_text(out).split())
    assert "Statistiques du lieu" in text
    assert "1 accompagnement" in text
    for title in ("Par thématique", "Par niveau d'autonomie", "Par lieu"):
        assert title in text
    assert "Prévention en sécurité numérique" in text
    qtbot.waitUntil(
        lambda: any(e.action == "stats_export" for e in kiosk.audit.entries()), timeout=10_000
    )


def test_a_custom_period_leaves_out_reports_outside_it(qtbot, shift, kiosk):  # noqa: F811
    import datetime as dt

    window = shift
    log_in(qtbot, window)
    book = Reports(kiosk.store)
    book.file(ReportDraft(themes=("email",), day=dt.date(2026, 3, 10)), actor="")
    book.file(ReportDraft(themes=("email",), day=dt.date(2026, 5, 10)), actor="")
    window.go("staff_stats")
    screen = window.screens["staff_stats"]
    qtbot.mouseClick(screen.period.choice.buttons["custom"], CLICK)
    assert screen.show_button.isVisible()
    screen.period.start.setText("01/03/2026")
    screen.period.end.setText("31/03/2026")
    qtbot.mouseClick(screen.show_button, CLICK)
    qtbot.waitUntil(
        lambda: screen.computed is not None and screen.computed.end == dt.date(2026, 3, 31),
        timeout=10_000,
    )
    assert "1 accompagnement" in screen.summary.text()
    assert table_rows(screen.panels["by_month"]) == [("mars 2026", "1")]


# -- the charts -----------------------------------------------------------------------------------


def bar_lengths(image, rows: int) -> list[int]:
    """Length in pixels of each black bar drawn on a white image, top to bottom."""
    lengths, inside = [], False
    for y in range(image.height()):
        run = 0
        for x in range(image.width()):
            if QColor(image.pixel(x, y)).lightness() < 60:
                run += 1
            elif run > 20:
                break
            else:
                run = 0
        if run > 20 and not inside:
            lengths.append(run)
            inside = True
        elif run <= 20:
            inside = False
    return lengths[:rows]


def test_bars_are_as_long_as_their_counts_and_said_to_screen_readers(qtbot):
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data("Par lieu", [("Lieu d'activité", 10), ("À domicile", 5)])
    image = chart.image(600, scale=1.0)
    first, second = bar_lengths(image, 2)
    assert abs(first - 2 * second) <= 4
    assert chart.accessibleName() == "Par lieu"
    assert chart.accessibleDescription() == "Par lieu. Lieu d'activité : 10 ; À domicile : 5."
    assert summary("Par lieu", []) == "Par lieu : aucune donnée pour cette période."


def test_many_values_are_summed_as_others_and_the_chart_grows_with_the_text(qtbot):
    rows = [(f"démarche {i}", 20 - i) for i in range(15)]
    kept = shown_rows(rows)
    assert len(kept) == 12
    assert kept[-1] == ("Autres", sum(20 - i for i in range(11, 15)))
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data("Par démarche", rows)
    small = chart.heightForWidth(800)
    font = chart.font()
    font.setPixelSize(52)  # 200 % of the body text
    chart.setFont(font)
    assert chart.heightForWidth(800) >= 1.8 * small


def test_a_panel_puts_its_table_under_the_chart_when_narrow(qtbot):
    panel = ChartPanel("by_place")
    qtbot.addWidget(panel)
    panel.set_data("Par lieu", [("Lieu d'activité", 3)])
    panel.resize(1200, 400)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.table.x() > panel.chart.x()
    panel.resize(QFontMetrics(panel.font()).averageCharWidth() * 40, 600)
    qtbot.waitUntil(lambda: panel.table.y() > panel.chart.y(), timeout=3000)
    assert panel.table.rows() == [("Lieu d'activité", "3")]


@pytest.mark.parametrize("language", ["fr", "ar", "en", "es", "pt", "uk", "tr"])
def test_the_volunteer_screens_pass_the_accessibility_audit(
    qtbot,
    shift,  # noqa: F811
    kiosk,
    language,
    settled_audit,
):
    from pasapas.app.staff import StaffDisplay

    window = shift
    Reports(kiosk.store).file(ReportDraft(themes=("email",)), actor=window.volunteer.id)
    log_in(qtbot, window)
    problems = []
    for size in (100, 200):
        window.set_staff_display(StaffDisplay(text_size=size, language=language))
        for name in ("staff_report", "staff_reports", "staff_sheet", "staff_stats"):
            window.go(name)
            screen = window.screens[name]
            if name == "staff_report":
                qtbot.mouseClick(screen.more_button, CLICK)
            if name == "staff_sheet":
                qtbot.mouseClick(screen.source.buttons["any"], CLICK)
            if name == "staff_stats":
                qtbot.waitUntil(lambda s=screen: s.computed is not None, timeout=10_000)
            result = settled_audit(window, f"{name} {size} {language}")
            problems += [str(v) for v in result.violations]
    assert problems == []
