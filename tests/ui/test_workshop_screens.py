"""The trainer's workshop screens on a single-screen kiosk: the role they need, the idle wipe
that waits while a workshop runs (and only then), the presentation in a window of its own when
there is no second screen, read aloud to the room on request, and a participant's turn at the
kiosk in their own language, after which the trainer's screen comes back and nothing of the
participant stays in the visit."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from pasapas.app.settings import Settings
from pasapas.app.training.workshops import WorkshopDraft
from pasapas.ui.window import WORKSHOP_HOURS
from tests.ui.fakes import RecordingSpeech

PIN = "482918"
CLICK = Qt.MouseButton.LeftButton


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def room(qtbot, paths, kiosk):
    """A kiosk window with a trainer and a volunteer, a planned workshop, recorded speech."""
    from pasapas.ui.parts import Parts
    from pasapas.ui.window import KioskWindow

    kiosk.staff.create("Claire Martin", "trainer", PIN)
    kiosk.staff.create("Zoé Volunteer", "volunteer", "482919")
    workshop = kiosk.workshops.create(
        WorkshopDraft(
            dt.date.today(), "Salle 2", ("atelier-arnaques",), participants=("Awa", "Bogdan")
        ),
        actor="",
    )
    clock, speech = Clock(), RecordingSpeech()
    window = KioskWindow(
        paths,
        Settings(languages=("fr", "en", "ar")),
        kiosk=kiosk,
        locked_down=False,
        parts=Parts(clock=clock),
        speech=speech,
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.clock, window.speech, window.workshop_id = clock, speech, workshop.id
    yield window
    window.close_presentation()
    window.inactivity.stop()


def log_in(qtbot, window, account: int = 0, pin: str = PIN, target: str = "staff_home"):
    login = window.screens["staff_login"]
    qtbot.mouseClick(login.account_buttons[account], CLICK)
    for digit in pin:
        qtbot.mouseClick(login.findChild(QPushButton, f"pin-{digit}"), CLICK)
    qtbot.mouseClick(login.ok_button, CLICK)
    qtbot.waitUntil(lambda: window.current_screen == target, timeout=10_000)


def open_workshop(qtbot, window):
    window.go("staff_workshop", workshop=window.workshop_id)
    log_in(qtbot, window, target="staff_workshop")
    screen = window.screens["staff_workshop"]
    qtbot.waitUntil(lambda: screen.loaded is not None)
    return screen


def test_a_volunteer_cannot_open_the_workshops(qtbot, room):
    room.go("staff_workshops")
    assert room.current_screen == "staff_login"
    names = [b.accessibleName() for b in room.screens["staff_login"].account_buttons]
    log_in(qtbot, room, account=names.index("Zoé Volunteer"), pin="482919", target="staff_login")
    assert room.current_screen == "staff_login"  # a volunteer's role is not enough
    assert "staff_workshops" not in room.screens["staff_home"].visible_tiles()


def test_the_idle_wipe_waits_while_the_workshop_runs_and_only_then(qtbot, room):
    screen = open_workshop(qtbot, room)
    qtbot.mouseClick(screen.start_button, CLICK)
    qtbot.waitUntil(lambda: room.running_workshop == room.workshop_id, timeout=10_000)
    room.go("home")
    room.visit.search_text = "carte"  # something of a visitor's on screen
    room.inactivity.set_timeouts(idle_ms=50, warning_seconds=1)
    qtbot.wait(300)
    assert not room.inactivity.overlay.isVisible() and room.visit.search_text == "carte"
    # Left running by mistake, a workshop stops holding the wipe after WORKSHOP_HOURS.
    room.clock.now += WORKSHOP_HOURS * 3600 + 1
    assert not room.idle_wipe_suspended
    room.inactivity.still_here()
    qtbot.waitUntil(room.inactivity.overlay.isVisible, timeout=3000)
    room.inactivity.still_here()
    room.clock.now -= WORKSHOP_HOURS * 3600 + 1
    room.inactivity.set_timeouts(idle_ms=60_000, warning_seconds=30)
    screen = open_workshop(qtbot, room)
    for pid in [r.participant.id for r in screen.loaded.progress.rows]:
        qtbot.mouseClick(screen.person_rows[pid]["present"], CLICK)
        qtbot.waitUntil(
            lambda pid=pid: screen.person_rows[pid]["present"].property("role") == "primary"
        )
    qtbot.mouseClick(screen.close_button, CLICK)
    qtbot.mouseClick(screen.close_button, CLICK)
    qtbot.waitUntil(lambda: room.running_workshop is None, timeout=10_000)
    assert not room.idle_wipe_suspended


def test_one_screen_presents_in_a_window_and_reads_to_the_room(qtbot, room):
    screen = open_workshop(qtbot, room)
    qtbot.mouseClick(screen.present_button, CLICK)
    shown = room.presentation.window
    qtbot.waitExposed(shown)
    assert not room.presentation.on_second_screen and not shown.isFullScreen()
    assert "dans une fenêtre" in screen.present_status.text()
    assert shown.title.font().pixelSize() >= shown.height() // 20  # extra large for its size
    assert room.focusWidget() is screen.next_button  # the controls stay on the kiosk
    first = room.presentation.current.title
    qtbot.mouseClick(screen.next_button, CLICK)
    assert room.presentation.index == 1 and first not in shown.visible_text()
    qtbot.mouseClick(screen.previous_button, CLICK)
    assert first in shown.visible_text()
    room.speech.calls.clear()
    qtbot.mouseClick(screen.read_button, CLICK)  # the visitor's voice is off on staff screens
    spoken = room.speech.spoken()[-1]
    assert spoken[0][0].startswith(first) and spoken[0][1] == "fr"
    qtbot.mouseClick(screen.present_button, CLICK)  # "Arrêter la présentation"
    assert room.presentation is None and not shown.isVisible()


def test_a_participant_practises_in_arabic_and_the_trainer_screen_comes_back(qtbot, room):
    screen = open_workshop(qtbot, room)
    awa = screen.loaded.progress.rows[0].participant
    for _n in range(2):  # fr -> en -> ar
        qtbot.mouseClick(screen.person_rows[awa.id]["language"], CLICK)
        qtbot.wait(50)
    qtbot.waitUntil(lambda: screen.loaded.progress.rows[0].participant.language == "ar")
    qtbot.mouseClick(screen.person_rows[awa.id]["turn"], CLICK)
    assert room.current_screen == "step" and room.turn == (room.workshop_id, awa.id)
    assert room.language == "ar" and room.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert room.walk.procedure.id == "message-frauduleux"
    step = room.screens["step"]
    qtbot.mouseClick(step.next_button, CLICK)
    room.clock.now += 120
    qtbot.mouseClick(step.quit_button, CLICK)
    yes = next(b for b in room.findChildren(QPushButton, "confirm-yes") if b.isVisible())
    qtbot.mouseClick(yes, CLICK)
    qtbot.waitUntil(lambda: room.current_screen == "staff_workshop", timeout=10_000)
    assert room.layoutDirection() == Qt.LayoutDirection.LeftToRight  # the trainer's own display
    assert room.turn is None and not room.visit.has_anything and room.last_visit is None
    qtbot.waitUntil(lambda: screen.loaded.progress.rows[0].state == "working", timeout=10_000)
    row = screen.loaded.progress.rows[0]
    assert row.participant.present and row.seconds == 120 and row.items_done == 0


def test_the_level_check_is_read_aloud_and_suggests_the_modules_for_the_no_answers(
    qtbot, room
):
    from pasapas.app.training.modules import level_check, module

    screen = open_workshop(qtbot, room)
    awa = screen.loaded.progress.rows[0].participant
    qtbot.mouseClick(screen.person_rows[awa.id]["level"], CLICK)
    assert room.current_screen == "level_check"
    check = room.screens["level_check"]
    questions = level_check()
    assert 3 <= len(questions) <= 5
    said = "\n".join(text for text, _lang in room.speech.spoken()[-1])
    assert "Faire le point · question 1 sur 4" in said and questions[0].question("fr") in said
    assert "Réponse 3 : Je ne sais pas" in said
    # Yes, no, don't know, then back once and yes: no for the scams, yes for the rest.
    for answer in (0, 1, 2):
        qtbot.mouseClick(check.findChild(QPushButton, f"level-answer-{answer}"), CLICK)
    qtbot.mouseClick(check.back_button, CLICK)
    assert "question 3 sur 4" in check.progress_label.text()
    for answer in (0, 0):
        qtbot.mouseClick(check.findChild(QPushButton, f"level-answer-{answer}"), CLICK)
    shown = module("atelier-arnaques").title("fr")
    assert check.question.text() == "Nous vous conseillons ces ateliers"
    assert check.findChild(QWidget, "level-suggests-atelier-arnaques") is not None
    assert check.findChild(QWidget, "level-suggests-atelier-compte-ameli") is None
    said = "\n".join(text for text, _lang in room.speech.spoken()[-1])
    assert shown in said and "Terminer" in said
    assert room.focusWidget() is check.done_button
    qtbot.mouseClick(check.done_button, CLICK)
    qtbot.waitUntil(lambda: room.current_screen == "staff_workshop", timeout=10_000)
    assert not room.visit.has_anything and room.visit.level_answers == {}
