"""The whole workshop of `test_workshop_session.py`, run by that test in a child pytest whose
offscreen platform has two screens (a kiosk's 1280×800 and a 1920×1080 projector). Not named
test_*.py: a plain run of the suite does not collect it on its own one-screen platform.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QPushButton

from pasapas.app.content.model import StepKind
from pasapas.app.settings import Settings

PIN = "482917"
CLICK = Qt.MouseButton.LeftButton


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def text_of(pdf: Path) -> str:
    raw = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    plain = unicodedata.normalize("NFKC", raw.stdout)
    plain = "".join(c for c in plain if unicodedata.category(c) not in ("Mn", "Cf"))
    return re.sub(r"\s+", " ", plain)


def rendered(pdf: Path, out: Path) -> list[QImage]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(out)], check=True)
    return [QImage(str(p)) for p in sorted(out.parent.glob(f"{out.name}*.png"))]


def inked(image: QImage) -> float:
    """The share of pixels that are not white (a page with text on it is not blank)."""
    small = image.scaled(100, 140)
    dark = sum(
        1
        for x in range(small.width())
        for y in range(small.height())
        if small.pixelColor(x, y).value() < 200
    )
    return dark / (small.width() * small.height())


def log_in(qtbot, window):
    window.open_staff_login()
    login = window.screens["staff_login"]
    qtbot.mouseClick(login.account_buttons[0], CLICK)
    for digit in PIN:
        qtbot.mouseClick(login.findChild(QPushButton, f"pin-{digit}"), CLICK)
    qtbot.mouseClick(login.ok_button, CLICK)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)


def touch(qtbot, widget):
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, CLICK)


def _shown(screen, name: str):
    found = [b for b in screen.findChildren(QPushButton, name) if b.isVisible() and b.isEnabled()]
    assert found, name
    return found[0]


def practise(qtbot, window, *, wrong_first: bool, stop_at_first_quiz: bool = False):
    """A participant at the kiosk walks a procedure by touch: Next, the first answer of a
    question, practice answers (a wrong one first, "Réessayer", then the right one) to its end;
    or, stuck, two wrong answers to the first practice question, then "Arrêter"."""
    step_screen = window.screens["step"]
    for _guard in range(80):
        if window.current_screen == "finish":
            touch(qtbot, window.screens["finish"].home_button)
            return
        assert window.current_screen == "step", window.current_screen
        step = window.walk.current
        if step.kind is StepKind.QUIZ:
            right = next(i for i, a in enumerate(step.answers) if a.correct)
            wrong = next(i for i, a in enumerate(step.answers) if not a.correct)
            if wrong_first or stop_at_first_quiz:
                for _try in range(2 if stop_at_first_quiz else 1):
                    touch(qtbot, _shown(step_screen, f"quiz-answer-{wrong}"))
                    touch(qtbot, _shown(step_screen, "quiz-retry"))
                if stop_at_first_quiz:
                    touch(qtbot, step_screen.quit_button)
                    touch(qtbot, _shown(window, "confirm-yes"))
                    return
            touch(qtbot, _shown(step_screen, f"quiz-answer-{right}"))
        if step.choices:
            touch(qtbot, _shown(step_screen, "choice-0"))
        else:
            touch(qtbot, step_screen.next_button)
    raise AssertionError("the procedure did not end")


def test_whole_workshop(qtbot, paths, kiosk, tmp_path):
    from pasapas.ui.parts import Parts
    from pasapas.ui.window import KioskWindow

    assert [s.name() for s in QGuiApplication.screens()] == ["kiosk", "projector"]
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "poppler-utils is needed"
    kiosk.staff.create("Claire Martin", "trainer", PIN)
    clock = Clock()
    window = KioskWindow(
        paths,
        Settings(languages=("fr", "en", "ar")),
        kiosk=kiosk,
        locked_down=False,
        parts=Parts(clock=clock),
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    log_in(qtbot, window)

    # Plan it: day, place, module, four participants.
    touch(qtbot, window.screens["staff_home"].tiles["staff_workshops"])
    plan = window.screens["staff_workshops"]
    assert window.current_screen == "staff_workshops"
    qtbot.keyClicks(plan.place, "Mediatheque Jean-Mace, salle 2")
    touch(qtbot, plan.module_buttons["atelier-arnaques"])
    plan.people.setPlainText("Awa\nBogdan\nChafia\nDédé")
    touch(qtbot, plan.create_button)
    qtbot.waitUntil(lambda: window.current_screen == "staff_workshop", timeout=10_000)
    screen = window.screens["staff_workshop"]
    qtbot.waitUntil(lambda: screen.loaded is not None and len(screen.loaded.progress.rows) == 4)
    ids = [r.participant.id for r in screen.loaded.progress.rows]

    # Start it: the idle wipe waits.
    touch(qtbot, screen.start_button)
    qtbot.waitUntil(lambda: window.running_workshop is not None, timeout=10_000)
    assert window.idle_wipe_suspended

    # Present: on the projector, full screen, extra large; the controls stay on the kiosk.
    touch(qtbot, screen.present_button)
    presentation = window.presentation
    assert presentation is not None and presentation.on_second_screen
    shown = presentation.window
    qtbot.waitExposed(shown)
    assert shown.screen().name() == "projector"
    assert shown.geometry() == QGuiApplication.screens()[1].geometry()
    assert shown.title.font().pixelSize() >= 70  # a title of about 80 px on 1080 lines
    assert window.screen().name() == "kiosk"
    first_title = presentation.current.title
    assert first_title in shown.visible_text() and first_title in screen.present_status.text()
    for _n in range(40):  # to the first practice question
        if presentation.current.kind is StepKind.QUIZ:
            break
        touch(qtbot, screen.next_button)
    slide = presentation.current
    assert slide.kind is StepKind.QUIZ
    assert "✔" not in shown.visible_text()
    touch(qtbot, screen.answer_button)
    assert "✔" in shown.visible_text() and slide.explanation in shown.visible_text()
    touch(qtbot, screen.pause_button)
    assert "Pause" in shown.visible_text() and slide.title not in shown.visible_text()
    touch(qtbot, screen.hide_button)
    assert shown.visible_text() == ""
    touch(qtbot, screen.hide_button)
    touch(qtbot, screen.pause_button)
    assert slide.title in shown.visible_text()
    shown.grab().save(str(tmp_path / "projector.png"))
    window.grab().save(str(tmp_path / "trainer.png"))

    # Attendance: three of four are there.
    for pid in ids[:3]:
        touch(qtbot, screen.person_rows[pid]["present"])
        qtbot.waitUntil(
            lambda pid=pid: any(
                r.participant.id == pid and r.participant.present
                for r in screen.loaded.progress.rows
            ),
            timeout=10_000,
        )

    # Awa's turn (in Arabic), then Bogdan's: the trainer's screen comes back after each.
    touch(qtbot, screen.person_rows[ids[0]]["language"])
    qtbot.waitUntil(lambda: screen.loaded.progress.rows[0].participant.language == "en")
    touch(qtbot, screen.person_rows[ids[0]]["language"])
    qtbot.waitUntil(lambda: screen.loaded.progress.rows[0].participant.language == "ar")
    for pid, how in ((ids[0], {"wrong_first": True}), (ids[1], {"wrong_first": False})):
        # Each procedure of the module in turn, until the person is done.
        for _item in range(2):
            touch(qtbot, screen.person_rows[pid]["turn"])
            assert window.current_screen == "step" and window.turn == (screen.workshop_id, pid)
            practise(qtbot, window, **how)
            qtbot.waitUntil(lambda: window.current_screen == "staff_workshop", timeout=10_000)
            clock.now += 300
    touch(qtbot, screen.person_rows[ids[2]]["turn"])
    practise(qtbot, window, wrong_first=False)  # the reading procedure, finished
    qtbot.waitUntil(lambda: window.current_screen == "staff_workshop", timeout=10_000)
    touch(qtbot, screen.person_rows[ids[2]]["turn"])
    practise(qtbot, window, wrong_first=False, stop_at_first_quiz=True)  # stuck on the first
    qtbot.waitUntil(lambda: window.current_screen == "staff_workshop", timeout=10_000)
    qtbot.waitUntil(lambda: screen.loaded.progress.rows[2].state == "stuck", timeout=10_000)
    rows = screen.loaded.progress.rows
    assert [r.state for r in rows] == ["done", "done", "stuck", "absent"]
    assert rows[0].answers_missed >= 1 and rows[1].answers_missed == 0
    assert rows[0].participant.language == "ar"
    stuck_text = screen.person_rows[ids[2]]["progress"].text()
    assert "bloqué" in stuck_text and "Message 1" in stuck_text
    assert screen.missed.isVisible() and screen.missed.table.rowCount() >= 1
    assert window.visit.has_anything is False  # nothing of a participant stays in the visit

    # End it: records queued, the report filed, the idle wipe back.
    touch(qtbot, screen.close_button)
    touch(qtbot, screen.close_button)  # "Oui, terminer l'atelier"
    qtbot.waitUntil(lambda: screen.loaded.progress.workshop.state == "closed", timeout=10_000)
    assert window.running_workshop is None and not window.idle_wipe_suspended
    assert window.presentation is None
    queued = kiosk.store.query("SELECT payload FROM outbox WHERE type = 'workshop_participation'")
    assert len(queued) == 4
    for (payload,) in queued:
        assert not any(name in payload for name in ("Awa", "Bogdan", "Chafia", "Dédé"))

    # Papers: into a folder of the trainer's choosing (here the export folder moved).
    screen.folder.chosen = tmp_path / "papiers"
    touch(qtbot, screen.report_button)
    touch(qtbot, screen.csv_button)
    qtbot.waitUntil(lambda: len(list((tmp_path / "papiers").glob("*"))) == 2, timeout=20_000)
    touch(qtbot, screen.attestations_button)
    qtbot.waitUntil(
        lambda: len(list((tmp_path / "papiers").glob("*attestation*.pdf"))) == 3, timeout=30_000
    )
    report = next((tmp_path / "papiers").glob("*compte-rendu.pdf"))
    text = text_of(report)
    for expected in ("Compte-rendu d'atelier", "Jean-Mace, salle 2", "Awa", "Bogdan", "bloqué"):
        assert expected in text, expected
    assert "Les questions les plus manquées" in text
    pages = rendered(report, tmp_path / "report")
    assert pages and inked(pages[0]) > 0.02
    table = next((tmp_path / "papiers").glob("*tableau.csv"))
    with table.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    assert [line[0] for line in lines[1:]] == ["Awa", "Bogdan", "Chafia", "Dédé"]
    assert lines[3][6] == "bloqué"
    papers = sorted((tmp_path / "papiers").glob("*attestation*.pdf"))
    awa = text_of(papers[0])
    assert "Awa" in awa and "شهادة" in awa  # Awa's is in Arabic, her own language
    bogdan = text_of(papers[1])
    assert "Bogdan a participé à l'atelier" in bogdan and "Repérer un message frauduleux" in bogdan
    for n, paper in enumerate(papers):
        assert inked(rendered(paper, tmp_path / f"att{n}")[0]) > 0.01
    window.inactivity.stop()
