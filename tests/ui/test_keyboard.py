"""Everything a visitor does can be done with the keyboard alone, with a visible focus."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pasapas.ui.widgets import WrapButton


def focused(window):
    # The window's focus widget: kept even when the offscreen platform drops window activation.
    return window.focusWidget()


def press(qtbot, window, key):
    qtbot.keyClick(focused(window), key)


def test_a_whole_procedure_walks_with_tab_and_enter(qtbot, window, kiosk):
    home = window.screens["home"]
    assert focused(window) is home.search
    qtbot.keyClicks(home.search, "attestation")
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_Tab)  # the search button
    press(qtbot, window, Qt.Key.Key_Tab)  # the button that clears the search
    press(qtbot, window, Qt.Key.Key_Tab)  # the first result
    widget = focused(window)
    assert isinstance(widget, WrapButton)
    assert widget.objectName() == "procedure-attestation-droits"
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_screen == "overview", timeout=2000)
    assert focused(window) is window.screens["overview"].start_button
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_screen == "step", timeout=2000)

    # Keep going: Enter on Next, or on the first answer of a question, until the end.
    for _ in range(40):
        if window.current_screen == "finish":
            break
        before = window.walk.path
        widget = focused(window)
        assert widget is not None and widget.isVisible()
        press(qtbot, window, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda b=before: window.walk is None or window.walk.path != b, timeout=2000)
    assert window.current_screen == "finish"
    assert focused(window) is window.screens["finish"].home_button
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_screen == "home", timeout=2000)
    assert kiosk.visits.stats().finished == 1


def test_focus_outline_is_at_least_3px_in_the_stylesheet():
    import re

    from pasapas.ui.style import stylesheet

    rule = re.search(r":focus[^{]*\{\s*border:\s*(\d+)px solid", stylesheet())
    assert rule and int(rule.group(1)) >= 3
