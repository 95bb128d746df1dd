"""A visitor who walks away: a warning with a countdown, then nothing of the visit remains."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from pasapas.ui.widgets import WrapButton


def start_visit(qtbot, window, procedure="ameli-creer-compte"):
    home = window.screens["home"]
    qtbot.keyClicks(home.search, "ameli")
    window.go("overview", procedure=procedure)
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    step = window.screens["step"]
    # Answer the first question ("Avez-vous déjà un compte ameli ?" -> "Non").
    qtbot.mouseClick(step.findChild(WrapButton, "choice-0"), Qt.MouseButton.LeftButton)
    return step


def all_texts(window):
    texts = []
    for screen in window.screens.values():
        for widget in screen.findChildren(QLabel):
            texts.append(widget.text())
        for widget in screen.findChildren(WrapButton):
            texts.append(widget.accessibleName())
    return texts


def test_warning_then_still_here_keeps_the_visit(qtbot, window):
    step = start_visit(qtbot, window)
    window.inactivity.set_timeouts(idle_ms=50, warning_seconds=30)
    overlay = window.inactivity.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=3000)
    assert overlay.question.text() == "Êtes-vous toujours là ?"
    assert "30 secondes" in overlay.countdown.text()
    assert window.focusWidget() is overlay.button  # hasFocus() also needs an active window
    qtbot.mouseClick(overlay.button, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()
    assert window.walk is not None
    assert window.current_screen == "step"
    assert step.title.text() == "Préparez vos papiers"


def test_countdown_counts_down_then_wipes_the_visit_and_goes_home(qtbot, window, kiosk):
    step = start_visit(qtbot, window)
    step_title = step.title.text()
    QApplication.clipboard().setText("texte copié par le visiteur")
    window.inactivity.set_timeouts(idle_ms=50, warning_seconds=3, tick_ms=50)
    overlay = window.inactivity.overlay
    seen = set()
    qtbot.waitUntil(overlay.isVisible, timeout=3000)

    def wiped():
        seen.add(overlay.countdown.text())
        return window.current_screen == "home" and not overlay.isVisible()

    qtbot.waitUntil(wiped, timeout=5000)
    assert any("3 secondes" in text for text in seen) or any("2 secondes" in text for text in seen)
    assert window.walk is None
    assert window.screens["home"].search.text() == ""
    assert window.screens["home"].result_titles() == []
    assert not any(step_title in text for text in all_texts(window))
    assert QApplication.clipboard().text() == ""
    stats = kiosk.visits.stats()
    assert (stats.finished, stats.abandoned) == (0, 1)


def test_no_warning_when_there_is_nothing_to_wipe(qtbot, window):
    window.inactivity.set_timeouts(idle_ms=30, warning_seconds=2)
    # Several idle periods pass on an untouched home screen: no warning interrupts anyone.
    qtbot.wait(200)
    assert not window.inactivity.overlay.isVisible()
    assert window.current_screen == "home"


def test_typing_keeps_the_warning_away(qtbot, window):
    start_visit(qtbot, window)
    window.inactivity.set_timeouts(idle_ms=400, warning_seconds=2)
    step = window.screens["step"]
    for _ in range(6):
        qtbot.wait(100)
        qtbot.keyClick(step.next_button, Qt.Key.Key_Shift)
    assert not window.inactivity.overlay.isVisible()
    assert window.walk is not None
