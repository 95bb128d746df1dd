"""A visitor by touch alone: the way on is always on the screen, at every text size and window;
"Arrêter" asks first; warnings cover what is behind them; pages flick and say they go on."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QColor
from PySide6.QtWidgets import QApplication, QWidget

from pasapas.accessibility.themes import theme
from pasapas.ui.widgets import WrapButton

SIZES = [(1280, 800), (1024, 768), (1080, 1920)]


def settle():
    app = QApplication.instance()
    for _ in range(4):
        app.sendPostedEvents()
        app.processEvents()


def at_size(window, size, text_size):
    window.resize(*size)
    window.set_prefs(replace(window.prefs, text_size=text_size))
    settle()


def open_step(qtbot, window, procedure):
    window.go("overview", procedure=procedure)
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    settle()
    return window.screens["step"]


def on_screen(window, widget: QWidget) -> QRect:
    """The part of `widget` a visitor sees: inside the window and, for what is in a scrolling
    page, inside the page's visible part."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    shown = rect.intersected(window.rect())
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if parent.objectName() == "qt_scrollarea_viewport":
            port = QRect(parent.mapTo(window, QPoint(0, 0)), parent.size())
            shown = shown.intersected(port)
        parent = parent.parentWidget()
    return shown


def fully_on_screen(window, widget) -> bool:
    return widget.isVisible() and on_screen(window, widget).size() == widget.size()


def answers(step):
    found = [b for b in step.findChildren(WrapButton) if b.objectName().startswith("choice-")]
    return sorted((b for b in found if b.isVisible()), key=lambda b: b.objectName())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("text_size", [200, 300])
def test_a_questions_title_and_every_answer_are_on_screen_without_scrolling(
    qtbot, window, size, text_size
):
    at_size(window, size, text_size)
    step = open_step(qtbot, window, "ameli-creer-compte")  # a question with three answers
    settle()
    assert window.size().toTuple() == size  # nothing made the window grow past the screen
    first_line = step.title.fontMetrics().lineSpacing()
    title = on_screen(window, step.title)
    assert title.top() == QRect(step.title.mapTo(window, QPoint(0, 0)), step.title.size()).top()
    assert title.height() >= first_line  # at least the title's first line, from its start
    buttons = answers(step)
    assert len(buttons) == 3
    for button in buttons:
        assert fully_on_screen(window, button), button.accessibleName()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_next_stays_on_screen_under_a_long_step_at_300_percent(qtbot, window, size):
    at_size(window, size, 300)
    step = open_step(qtbot, window, "ameli-creer-compte")
    qtbot.mouseClick(answers(step)[0], Qt.MouseButton.LeftButton)  # "Non": an info step next
    settle()
    assert step.next_button.isVisible()
    assert fully_on_screen(window, step.next_button)
    assert on_screen(window, step.title).height() >= step.title.fontMetrics().lineSpacing()
    # The page goes on below: a big "more below" arrow says so, and scrolls when touched.
    page = step.page
    if page.continues_below():
        assert fully_on_screen(window, page.more_button)
        assert page.more_button.accessibleName() == "Voir la suite, plus bas"
        qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
        assert page.verticalScrollBar().value() > 0
        assert page.up_button.isVisible()


def test_the_access_bar_folds_into_one_button_when_the_window_is_short(qtbot, window):
    bar = window.access_bar
    at_size(window, (1280, 800), 100)
    assert not bar.fold_button.isVisible()
    assert bar.voice_button.isVisible()
    at_size(window, (1024, 768), 300)
    assert bar.fold_button.isVisible()
    assert bar.fold_button.text() == "Affichage et voix"
    assert not bar.voice_button.isVisible()
    assert bar.height() <= 0.2 * window.height()
    # One touch opens every control over the whole window; they still work; "Fermer" closes.
    qtbot.mouseClick(bar.fold_button, Qt.MouseButton.LeftButton)
    assert bar.panel.isVisible() and bar.panel.geometry() == window.rect()
    assert bar.voice_button.isVisible() and bar.theme_button.isVisible()
    qtbot.mouseClick(bar.theme_button, Qt.MouseButton.LeftButton)
    assert window.prefs.theme == "dark"
    qtbot.mouseClick(bar.panel.close_button, Qt.MouseButton.LeftButton)
    assert not bar.panel.isVisible()
    # Back to a size where it fits: the controls come back into the bar, in their order.
    at_size(window, (1280, 800), 100)
    settle()
    assert not bar.fold_button.isVisible()
    xs = [b.x() for b in (bar.voice_button, bar.repeat_button, bar.rate_button)]
    assert xs == sorted(xs) and bar.voice_button.parentWidget() is bar


def test_stop_asks_first_and_no_keeps_the_visit(qtbot, window, kiosk):
    step = open_step(qtbot, window, "carte-vitale")
    qtbot.mouseClick(step.quit_button, Qt.MouseButton.LeftButton)
    question = step.stop_confirmation
    assert question.isVisible() and question.geometry() == window.rect()
    assert question.question.text() == "Voulez-vous arrêter ?"
    assert question.yes_button.text() == "Oui, arrêter"
    assert question.no_button.text() == "Non, continuer"
    assert window.focusWidget() is question.no_button  # the safe answer first
    assert window.walk is not None and window.current_screen == "step"
    qtbot.mouseClick(question.no_button, Qt.MouseButton.LeftButton)
    assert not question.isVisible()
    assert window.walk is not None and window.current_screen == "step"
    qtbot.mouseClick(step.quit_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(question.yes_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "home" and window.walk is None
    assert kiosk.visits.stats().abandoned == 1


@pytest.mark.parametrize("direction", ["fr", "ar"])
def test_stop_stands_apart_from_back(qtbot, window, direction):
    window.set_language(direction)
    step = open_step(qtbot, window, "carte-vitale")
    back = QRect(step.back_button.mapTo(window, QPoint(0, 0)), step.back_button.size())
    stop = QRect(step.quit_button.mapTo(window, QPoint(0, 0)), step.quit_button.size())
    gap = max(stop.left() - back.right(), back.left() - stop.right())
    assert gap >= window.width() // 3  # at the two ends, never side by side
    assert step.quit_button.property("role") == "stop"  # and it does not look like Back


@pytest.mark.parametrize("text_size", [100, 300])
@pytest.mark.parametrize("theme_id", ["standard", "dark"])
def test_the_inactivity_warning_hides_the_step_behind_it(qtbot, window, text_size, theme_id):
    window.resize(1024, 768)
    window.set_prefs(replace(window.prefs, text_size=text_size, theme=theme_id))
    step = open_step(qtbot, window, "ameli-creer-compte")
    title = QRect(step.title.mapTo(window, QPoint(0, 0)), step.title.size())
    window.inactivity.set_timeouts(idle_ms=10, warning_seconds=30)
    overlay = window.inactivity.overlay
    qtbot.waitUntil(overlay.isVisible, timeout=3000)
    settle()
    image = window.grab().toImage()
    background = QColor(theme(theme_id).window)
    covered = [
        QRect(child.mapTo(window, QPoint(0, 0)), child.size())
        for child in (overlay.question, overlay.countdown, overlay.button)
    ]
    seen = 0
    for x in range(title.left(), title.right(), 7):
        for y in range(title.top(), title.bottom(), 7):
            if any(rect.contains(x, y) for rect in covered):
                continue
            seen += 1
            assert image.pixelColor(x, y) == background, (x, y)
    assert seen > 50
    # Its words and its answer are whole, inside the window.
    for child in covered:
        assert window.rect().contains(child)


def test_a_ticked_box_shows_a_tick(qtbot, window):
    step = open_step(qtbot, window, "ameli-creer-compte")
    qtbot.mouseClick(answers(step)[0], Qt.MouseButton.LeftButton)
    walk = window.walk
    while walk.current.kind.value != "checklist":
        qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    settle()
    from pasapas.ui.widgets import CheckItem

    item = step.findChildren(CheckItem)[0]
    box = item.box
    before = box.grab().toImage()
    qtbot.mouseClick(item.text_label, Qt.MouseButton.LeftButton)
    assert box.isChecked()
    after = box.grab().toImage()
    text = QColor(theme("standard").text)
    # Inside the indicator: filled with the text colour, and a tick in the page's colour on it.
    from PySide6.QtWidgets import QStyle, QStyleOptionButton

    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    inner = rect.adjusted(
        rect.width() // 6, rect.height() // 6, -rect.width() // 6, -rect.height() // 6
    )
    colours = [
        after.pixelColor(x, y)
        for x in range(inner.left(), inner.right())
        for y in range(inner.top(), inner.bottom())
    ]
    dark = sum(1 for c in colours if c == text)
    light = sum(1 for c in colours if c.lightness() > 200)
    assert dark > len(colours) * 0.3  # the filled square
    assert light > len(colours) * 0.08  # the tick drawn on it
    assert before != after


def test_a_page_that_goes_on_shows_big_arrows_and_a_tap_on_one_scrolls(qtbot, window):
    # Dragging and flicking with real pointer events: tests/ui/test_real_window.py (Qt's own
    # test events do not keep a finger's timing, and the flick gesture reads it).
    at_size(window, (1024, 768), 200)
    window.go("home")
    settle()
    page = window.screens["home"].page
    assert page.continues_below()
    qtbot.waitUntil(page.more_button.isVisible, timeout=3000)
    assert not page.up_button.isVisible()
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    assert page.verticalScrollBar().value() > 100
    qtbot.waitUntil(page.up_button.isVisible, timeout=3000)
    # "Back up" scrolls up by most of a screen.
    before = page.verticalScrollBar().value()
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    assert page.verticalScrollBar().value() < before
    assert window.current_screen == "home"


def test_the_voice_toggles_are_checkable_and_say_their_state(qtbot, window):
    bar = window.access_bar
    for button in (bar.voice_button, bar.rate_button):
        assert button.isCheckable()
    state = QAccessible.queryAccessibleInterface(bar.voice_button).state()
    assert state.checkable and state.checked  # the voice is on
    assert not QAccessible.queryAccessibleInterface(bar.rate_button).state().checked
    qtbot.mouseClick(bar.voice_button, Qt.MouseButton.LeftButton)
    assert not bar.voice_button.isChecked() and not window.prefs.voice
    qtbot.mouseClick(bar.voice_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.rate_button, Qt.MouseButton.LeftButton)
    assert bar.rate_button.isChecked() and window.prefs.rate == "slow"


def test_an_audio_fault_is_a_discreet_translated_sign(qtbot, window):
    bar = window.access_bar
    bar.set_audio_fault(True)
    sign = bar.audio_fault_button
    assert sign.isVisible()
    assert sign.accessibleName() == "Le son ne fonctionne pas : demandez à un bénévole"
    assert sign.toolTip() == sign.accessibleName()
    assert "error" not in sign.text().lower() and len(sign.text()) <= 2
    qtbot.mouseClick(sign, Qt.MouseButton.LeftButton)
    assert bar.audio_fault_note.isVisible()
    bar.set_audio_fault(False)
    assert not sign.isVisible() and not bar.audio_fault_note.isVisible()


def test_escape_is_the_safe_answer_to_stop_and_closes_the_access_panel(qtbot, window):
    step = open_step(qtbot, window, "carte-vitale")
    qtbot.mouseClick(step.quit_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert not step.stop_confirmation.isVisible()
    assert window.walk is not None and window.current_screen == "step"
    at_size(window, (1024, 768), 300)
    bar = window.access_bar
    qtbot.mouseClick(bar.fold_button, Qt.MouseButton.LeftButton)
    assert bar.panel.isVisible()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert not bar.panel.isVisible()
    assert window.focusWidget() is bar.fold_button
