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


# -- the on-screen keyboard: a touch-only kiosk can search ------------------------------------

from dataclasses import replace as _replace  # noqa: E402

from PySide6.QtCore import QPoint, QRect  # noqa: E402


def _settle():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    for _ in range(4):
        app.sendPostedEvents()
        app.processEvents()


def _keys(keyboard):
    return {key.text(): key for key in keyboard.letter_keys}


def test_a_touch_on_the_search_field_opens_big_keys_that_type_and_search(qtbot, window):
    home = window.screens["home"]
    keyboard = home.keyboard
    assert not keyboard.isVisible()
    qtbot.mouseClick(home.search, Qt.MouseButton.LeftButton)
    assert keyboard.isVisible()
    keys = _keys(keyboard)
    for letter in "éèêàçùôœ":  # French with its accents
        assert letter in keys
    for letter in "carte":
        qtbot.mouseClick(keys[letter], Qt.MouseButton.LeftButton)
    assert home.search.text() == "carte"
    assert focused(window) is home.search  # the keys never take the focus
    qtbot.mouseClick(keyboard.erase_key, Qt.MouseButton.LeftButton)
    assert home.search.text() == "cart"
    qtbot.mouseClick(keys["e"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keyboard.space_key, Qt.MouseButton.LeftButton)
    for letter in "vitale":
        qtbot.mouseClick(keys[letter], Qt.MouseButton.LeftButton)
    # Typed as a visitor types: the search runs by itself after the pause.
    qtbot.waitUntil(lambda: "Remplacer votre carte Vitale" in home.result_titles(), timeout=3000)
    for key in keyboard.letter_keys[:5]:
        assert key.height() >= 44 and key.width() >= 44
    qtbot.mouseClick(keyboard.close_key, Qt.MouseButton.LeftButton)
    assert not keyboard.isVisible()


def test_the_keyboard_follows_the_interface_language_and_direction(qtbot, window):
    home = window.screens["home"]
    keyboard = home.keyboard
    window.set_language("ar")
    qtbot.mouseClick(home.keyboard_button, Qt.MouseButton.LeftButton)
    assert keyboard.isVisible() and keyboard.layout_id == "ar"
    assert keyboard.layoutDirection() == Qt.LayoutDirection.RightToLeft
    keys = _keys(keyboard)
    assert {"ض", "ش", "ء", "ة", "ى"} <= set(keys)
    qtbot.mouseClick(keys["ب"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["ط"], Qt.MouseButton.LeftButton)
    assert home.search.text() == "بط"
    # The controls mirror: "close" sits on the left in right-to-left, erase next to it.
    assert keyboard.close_key.x() < keyboard.space_key.x()
    # The switch key goes through the scripts of the other languages offered.
    seen = set()
    for _ in range(len(keyboard.layouts())):
        qtbot.mouseClick(keyboard.switch_key, Qt.MouseButton.LeftButton)
        seen |= set(_keys(keyboard))
    assert {"ї", "є", "ґ", "ж"} <= seen  # Ukrainian Cyrillic
    assert {"ğ", "ş", "ı", "ö", "ç"} <= seen  # Turkish
    assert {"ñ", "ã", "á"} <= seen  # Spanish and Portuguese
    window.set_language("uk")
    keyboard.close_keyboard()
    qtbot.mouseClick(home.keyboard_button, Qt.MouseButton.LeftButton)
    assert keyboard.layout_id == "cyrillic"
    assert keyboard.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_every_key_is_on_screen_at_300_percent_and_the_visit_wipe_closes_it(qtbot, window):
    window.resize(1024, 768)
    window.set_prefs(_replace(window.prefs, text_size=300))
    home = window.screens["home"]
    _settle()
    qtbot.mouseClick(home.keyboard_button, Qt.MouseButton.LeftButton)
    _settle()
    assert window.size().toTuple() == (1024, 768)
    keyboard = home.keyboard
    for key in [*keyboard.letter_keys, keyboard.space_key, keyboard.erase_key, keyboard.close_key]:
        rect = QRect(key.mapTo(window, QPoint(0, 0)), key.size())
        assert window.rect().contains(rect), key.accessibleName()
    qtbot.mouseClick(_keys(keyboard)["a"], Qt.MouseButton.LeftButton)
    window.wipe_visit()
    assert not keyboard.isVisible() and home.search.text() == ""
