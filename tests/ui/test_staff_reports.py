"""A volunteer's shift at the kiosk, for the accompaniment reports: log in with the PIN pad,
file the report of the visit that just ended in three touches, copy the last one, change one
until it is sent (refused after), and export a period to XLSX and CSV from the screen."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from pasapas.app.changes import Changes
from pasapas.app.outbox import SENT, Outbox
from pasapas.app.reports import ReportDraft, Reports
from pasapas.app.settings import Settings
from pasapas.ui.widgets import WrapButton

PIN = "482916"
CLICK = Qt.MouseButton.LeftButton


class Clock:
    """The window's monotonic clock, moved by the test (a visit of 40 minutes, at once)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def shift(qtbot, paths, kiosk, clock):
    """A kiosk window on a real store, with one volunteer account, and a clock the test moves."""
    from pasapas.ui.parts import Parts
    from pasapas.ui.window import KioskWindow

    volunteer = kiosk.staff.create("Camille Martin", "volunteer", PIN)
    window = KioskWindow(
        paths,
        Settings(languages=("fr", "en", "ar")),
        kiosk=kiosk,
        locked_down=False,
        parts=Parts(clock=clock),
    )
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    window.volunteer = volunteer
    yield window
    window.inactivity.stop()
    if window.sync_runner is not None:
        window.sync_runner.stop()


class Touches:
    """Clicks a person makes on the screen, counted."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def touch(self, widget) -> None:
        assert widget.isVisible() and widget.isEnabled(), widget.objectName()
        self.qtbot.mouseClick(widget, CLICK)
        self.count += 1


def finish_a_visit(qtbot, window, clock, minutes=40, language="fr"):
    """A visitor searches, walks "Déclarer votre médecin traitant" to its end and goes home."""
    if language != "fr":
        window.set_language(language)
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "medecin traitant")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    qtbot.mouseClick(home.findChild(WrapButton, "procedure-medecin-traitant"), CLICK)
    qtbot.mouseClick(window.screens["overview"].start_button, CLICK)
    step = window.screens["step"]
    for _ in range(30):
        if window.current_screen == "finish":
            break
        if step.next_button.isVisibleTo(step):
            qtbot.mouseClick(step.next_button, CLICK)
        else:
            qtbot.mouseClick(step.findChild(WrapButton, "choice-0"), CLICK)
    assert window.current_screen == "finish"
    clock.now += minutes * 60
    qtbot.mouseClick(window.screens["finish"].home_button, CLICK)
    assert window.current_screen == "home"
    assert window.walk is None


def log_in(qtbot, window, pin=PIN):
    """Ctrl+Alt+S, the account's big button, the PIN on the pad, OK: the staff home."""
    window.open_staff_login()
    login = window.screens["staff_login"]
    assert window.current_screen == "staff_login"
    qtbot.mouseClick(login.account_buttons[0], CLICK)
    for digit in pin:
        qtbot.mouseClick(login.findChild(QPushButton, f"pin-{digit}"), CLICK)
    qtbot.mouseClick(login.ok_button, CLICK)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)
    return window.screens["staff_home"]


def outbox_state(store, record_id):
    row = store.query_one("SELECT state, payload FROM outbox WHERE id = ?", (record_id,))
    return (row[0], json.loads(row[1])) if row else (None, None)


def test_a_volunteer_files_the_report_of_the_visit_in_three_touches(qtbot, shift, kiosk, clock):
    window = shift
    finish_a_visit(qtbot, window, clock, minutes=40)
    staff_home = log_in(qtbot, window)
    touches = Touches(qtbot)
    touches.touch(staff_home.tiles["staff_report"])  # 1
    assert window.current_screen == "staff_report"
    screen = window.screens["staff_report"]
    # Pre-filled from the visit: the procedure, its duration rounded up to a preset.
    assert "Déclarer votre médecin traitant" in screen.context.text()
    assert "45\u00a0min" in screen.context.text()
    assert screen.autonomy.value() == "entierement_accompagne"
    touches.touch(screen.autonomy.buttons["partiellement_autonome"])  # 2
    touches.touch(screen.save_button)  # 3
    qtbot.waitUntil(lambda: Reports(kiosk.store).count() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: screen.message.isVisible(), timeout=10_000)
    assert touches.count == 3
    assert "Compte-rendu enregistré" in screen.message.text()

    stored = Reports(kiosk.store).recent()[0]
    draft = stored.draft
    assert draft.procedure_id == "medecin-traitant"
    assert draft.procedure_name == "Déclarer votre médecin traitant"
    assert "aide_aux_demarches_administratives" in draft.themes
    assert draft.duration == 45
    assert draft.language == "fr"
    assert draft.autonomy == "partiellement_autonome"
    assert draft.author == window.volunteer.id
    assert draft.day == dt.date.today()
    assert stored.editable
    state, payload = outbox_state(kiosk.store, stored.id)
    assert state == "queued"
    assert payload["autonomy"] == "partiellement_autonome"

    # Saving again changes the same report: never a second one.
    qtbot.mouseClick(screen.autonomy.buttons["autonome"], CLICK)
    qtbot.mouseClick(screen.save_button, CLICK)
    qtbot.waitUntil(
        lambda: Reports(kiosk.store).get(stored.id).draft.autonomy == "autonome", timeout=10_000
    )
    assert Reports(kiosk.store).count() == 1
    assert outbox_state(kiosk.store, stored.id)[1]["autonomy"] == "autonome"

    # Opened again, the report screen does not pre-fill the same visit a second time.
    window.go("staff_report")
    assert "Déclarer votre médecin traitant" not in screen.context.text()


def test_duplicate_my_last_report_then_change_it_until_it_is_sent(qtbot, shift, kiosk, clock):
    window = shift
    finish_a_visit(qtbot, window, clock, minutes=10, language="ar")
    staff_home = log_in(qtbot, window)
    qtbot.mouseClick(staff_home.tiles["staff_report"], CLICK)
    screen = window.screens["staff_report"]
    qtbot.mouseClick(screen.more_button, CLICK)
    assert screen.details.isVisible()
    qtbot.mouseClick(screen.duration.buttons[60], CLICK)
    qtbot.mouseClick(screen.equipment.items["telephone"].box, CLICK)
    qtbot.mouseClick(screen.gender.buttons["feminin"], CLICK)
    qtbot.mouseClick(screen.save_button, CLICK)
    qtbot.waitUntil(lambda: "Compte-rendu enregistré" in screen.message.text(), timeout=10_000)
    first = Reports(kiosk.store).recent()[0]
    assert first.draft.language == "ar"
    assert first.draft.duration == 60
    assert set(first.draft.equipment) == {"ordinateur", "telephone"}
    assert first.draft.gender == "feminin"

    # "Reprendre mon dernier compte-rendu": the same help, dated today, in two touches.
    window.go("staff_report")
    assert screen.duplicate_button.isVisible()
    qtbot.mouseClick(screen.duplicate_button, CLICK)
    assert "repris" in screen.message.text()
    qtbot.mouseClick(screen.save_button, CLICK)
    qtbot.waitUntil(lambda: "Compte-rendu enregistré" in screen.message.text(), timeout=10_000)
    assert Reports(kiosk.store).count() == 2
    copy = next(r for r in Reports(kiosk.store).recent() if r.id != first.id)
    assert copy.draft == first.draft

    # My reports: both, not sent yet, each with "Modifier".
    window.go("staff_reports")
    reports_screen = window.screens["staff_reports"]
    assert len(reports_screen.rows) == 2
    texts = [row.findChild(QLabel, "report-row-text").text() for _s, row in reports_screen.rows]
    assert all("pas encore envoyé" in text and "60\u00a0min" in text for text in texts)

    # Sent to the central service: editing is refused, on the list and on the report screen.
    Outbox(kiosk.store).settle([first.id], [])
    window.broadcast(Changes(outbox=True))
    row = next(row for stored, row in reports_screen.rows if stored.id == first.id)
    edit = row.findChild(QPushButton, "report-row-edit")
    assert not edit.isEnabled()
    assert "envoyé" in row.findChild(QLabel, "report-row-text").text()
    window.go("staff_report", report_id=first.id)
    assert "déjà envoyé" in screen.message.text()
    assert not screen.save_button.isEnabled()
    assert outbox_state(kiosk.store, first.id)[0] == SENT

    # The copy is still queued: changed from the list.
    window.go("staff_reports")
    row = next(row for stored, row in reports_screen.rows if stored.id == copy.id)
    qtbot.mouseClick(row.findChild(QPushButton, "report-row-edit"), CLICK)
    assert window.current_screen == "staff_report"
    assert screen.report_id == copy.id
    qtbot.mouseClick(screen.autonomy.buttons["autonome"], CLICK)
    qtbot.mouseClick(screen.save_button, CLICK)
    qtbot.waitUntil(
        lambda: Reports(kiosk.store).get(copy.id).draft.autonomy == "autonome", timeout=10_000
    )
    assert Reports(kiosk.store).count() == 2


def test_a_workshop_whose_breakdown_exceeds_the_total_is_refused_in_one_sentence(
    qtbot, shift, kiosk
):
    window = shift
    staff_home = log_in(qtbot, window)
    qtbot.mouseClick(staff_home.tiles["staff_report"], CLICK)
    screen = window.screens["staff_report"]
    qtbot.mouseClick(screen.more_button, CLICK)
    qtbot.mouseClick(screen.kind.buttons["collectif"], CLICK)
    assert screen.workshop.isVisible() and not screen.individual.isVisible()
    assert not screen.autonomy.isVisible()
    qtbot.mouseClick(screen.themes.items["email"].box, CLICK)
    qtbot.keyClicks(screen.workshop_title, "Premiers pas avec les e-mails")
    qtbot.mouseClick(screen.level.buttons["debutant"], CLICK)
    qtbot.keyClicks(screen.count_fields["total"][1], "6")
    qtbot.keyClicks(screen.count_fields["gender:feminin"][1], "4")
    qtbot.keyClicks(screen.count_fields["gender:masculin"][1], "3")
    qtbot.mouseClick(screen.save_button, CLICK)
    qtbot.waitUntil(lambda: screen.message.isVisible(), timeout=10_000)
    assert screen.message.text() == "La répartition par genre dépasse le total."
    assert Reports(kiosk.store).count() == 0

    screen.count_fields["gender:masculin"][1].clear()
    qtbot.keyClicks(screen.count_fields["gender:masculin"][1], "2")
    qtbot.mouseClick(screen.save_button, CLICK)
    qtbot.waitUntil(lambda: Reports(kiosk.store).count() == 1, timeout=10_000)
    draft = Reports(kiosk.store).recent()[0].draft
    assert draft.kind == "collectif"
    assert draft.participants == 6
    assert draft.workshop_title == "Premiers pas avec les e-mails"
    assert sum(draft.participants_by_gender) == 6


def test_export_a_period_to_xlsx_and_csv_from_the_screen(qtbot, shift, kiosk, paths):
    from openpyxl import load_workbook

    window = shift
    book = Reports(kiosk.store)
    book.file(
        ReportDraft(themes=("email",), author=window.volunteer.id, autonomy="autonome"),
        actor=window.volunteer.id,
    )
    log_in(qtbot, window)
    window.go("staff_reports")
    screen = window.screens["staff_reports"]
    assert screen.format.value() == "xlsx"
    qtbot.mouseClick(screen.export_button, CLICK)
    qtbot.waitUntil(lambda: screen.message.isVisible(), timeout=10_000)
    start, end = screen.period.dates()
    out = paths.backup_dir.parent / "exports" / f"comptes-rendus_{start}_{end}.xlsx"
    assert out.exists()
    assert str(out) in screen.message.text()
    assert screen.message.text().startswith("1 compte-rendu exporté")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Date" and "Niveau d'autonomie (ou de l'atelier)" in rows[0]
    assert rows[1][rows[0].index("Niveau d'autonomie (ou de l'atelier)")] == "autonome"

    qtbot.mouseClick(screen.format.buttons["csv"], CLICK)
    qtbot.mouseClick(screen.export_button, CLICK)
    csv_out = out.with_suffix(".csv")
    qtbot.waitUntil(
        lambda: csv_out.exists() and str(csv_out) in screen.message.text(), timeout=10_000
    )
    with csv_out.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle, delimiter=";"))
    assert len(table) == 2 and "email" in table[1][table[0].index("Thématique(s)")]
    actions = [entry.action for entry in kiosk.audit.entries()]
    assert actions.count("report_export") == 2


def test_a_custom_period_with_dates_the_wrong_way_round_is_refused(qtbot, shift):
    window = shift
    log_in(qtbot, window)
    window.go("staff_reports")
    screen = window.screens["staff_reports"]
    qtbot.mouseClick(screen.period.choice.buttons["custom"], CLICK)
    assert screen.period.custom.isVisible()
    screen.period.start.setText("30/11/2026")
    screen.period.end.setText("01/11/2026")
    qtbot.mouseClick(screen.export_button, CLICK)
    assert screen.message.text() == "Le dernier jour de la période est avant le premier."


def test_the_report_is_filed_with_the_keyboard_alone(qtbot, shift, kiosk, clock):
    window = shift
    finish_a_visit(qtbot, window, clock, minutes=5)
    log_in(qtbot, window)
    window.activateWindow()
    qtbot.waitActive(window)
    window.go("staff_report")
    screen = window.screens["staff_report"]
    chosen = screen.autonomy.buttons["entierement_accompagne"]
    qtbot.waitUntil(lambda: chosen.hasFocus(), timeout=3000)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert screen.autonomy.buttons["partiellement_autonome"].hasFocus()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert screen.autonomy.buttons["autonome"].hasFocus()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Space)
    assert screen.autonomy.value() == "autonome"
    for _ in range(40):
        if screen.save_button.hasFocus():
            break
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert screen.save_button.hasFocus()
    qtbot.keyClick(screen.save_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: Reports(kiosk.store).count() == 1, timeout=10_000)
    assert Reports(kiosk.store).recent()[0].draft.autonomy == "autonome"


def test_a_report_sent_while_it_is_being_changed_can_no_longer_be_saved(qtbot, shift, kiosk):
    window = shift
    stored = Reports(kiosk.store).file(ReportDraft(themes=("email",)), actor=window.volunteer.id)
    log_in(qtbot, window)
    window.go("staff_report", report_id=stored.id)
    screen = window.screens["staff_report"]
    assert screen.save_button.isEnabled()
    Outbox(kiosk.store).settle([stored.id], [])  # the background sync sent it
    window.broadcast(Changes(outbox=True, sync_state=True))
    assert not screen.save_button.isEnabled()
    assert "déjà envoyé" in screen.message.text()
