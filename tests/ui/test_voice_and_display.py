"""Voice guidance, self-voicing, text size and colours, as a visitor uses them in the kiosk.

The speech engine is replaced at the edge by a recorder (the real engine is tested with real
espeak-ng in tests/accessibility/test_speech.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from pasapas.app.languages import strip_isolates
from pasapas.ui.widgets import HOLD_MS, WrapButton
from tests.ui.fakes import RecordingSpeech


def start(qtbot, window, procedure="medecin-traitant"):
    window.go("overview", procedure=procedure)
    qtbot.mouseClick(window.screens["overview"].start_button, Qt.MouseButton.LeftButton)
    return window.screens["step"]


def test_each_step_is_read_aloud_when_it_appears_in_french(qtbot, voiced, speech):
    step = start(qtbot, voiced)
    text, language = speech.calls[-1][1:]
    assert language == "fr"
    assert "Étape 1 sur" in text
    assert step.title.text() in text
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    # The warning step says "Attention" aloud, not only with a colour and a sign.
    assert "Attention" in speech.said()[-1]
    assert step.title.text() in speech.said()[-1]


def test_a_question_is_read_with_its_numbered_answers(qtbot, voiced, speech):
    step = start(qtbot, voiced)
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    spoken = speech.said()[-1]
    assert "Réponse 1 : Oui, je sais quel médecin choisir" in spoken
    assert "Réponse 2 : Non, je cherche un médecin" in spoken


def test_repeat_reads_the_step_again(qtbot, voiced, speech):
    start(qtbot, voiced)
    before = speech.said()[-1]
    qtbot.mouseClick(voiced.access_bar.repeat_button, Qt.MouseButton.LeftButton)
    assert speech.said()[-1] == before
    assert len([s for s in speech.said() if s == before]) == 2


def test_leaving_the_steps_cuts_the_speech(qtbot, voiced, speech):
    step = start(qtbot, voiced)
    title = step.title.text()
    qtbot.mouseClick(step.quit_button, Qt.MouseButton.LeftButton)  # "Voulez-vous arrêter ?"
    speech.calls.clear()
    qtbot.mouseClick(step.stop_confirmation.yes_button, Qt.MouseButton.LeftButton)
    assert voiced.current_screen == "home"
    assert speech.calls[0] == ("stop",)  # the step's reading is cut before home speaks
    assert all(title not in text for text in speech.said())
    assert "Pas à pas" in speech.said()[-1]  # home introduces itself


def test_voice_off_stops_at_once_and_reads_nothing_more(qtbot, voiced, speech):
    step = start(qtbot, voiced)
    speech.calls.clear()
    qtbot.mouseClick(voiced.access_bar.voice_button, Qt.MouseButton.LeftButton)
    assert ("stop",) in speech.calls
    assert voiced.access_bar.voice_button.text() == "Voix : non"
    speech.calls.clear()
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    assert speech.said() == []
    assert not voiced.access_bar.repeat_button.isEnabled()


def test_slow_voice_is_a_visitor_setting_reset_after_the_visit(qtbot, voiced, speech):
    start(qtbot, voiced)
    qtbot.mouseClick(voiced.access_bar.rate_button, Qt.MouseButton.LeftButton)
    assert ("rate", "slow") in speech.calls
    assert voiced.access_bar.rate_button.text() == "Lente : oui"
    voiced.wipe_visit()
    assert speech.calls[-1] == ("rate", "normal") or ("rate", "normal") in speech.calls
    assert voiced.prefs.rate == "normal"


def test_a_control_reached_with_tab_says_its_label(qtbot, voiced, speech):
    home = voiced.screens["home"]
    home.search.setFocus()
    speech.calls.clear()
    qtbot.keyClick(home.search, Qt.Key.Key_Tab)
    assert voiced.focusWidget() is home.search_button
    qtbot.waitUntil(lambda: "Chercher" in speech.said(), timeout=2000)
    assert speech.said()[-1] == "Chercher"


def test_press_and_hold_says_the_label_without_pressing(qtbot, voiced, speech):
    home = voiced.screens["home"]
    tile = home.findChild(WrapButton, "theme-retirement")
    speech.calls.clear()
    qtbot.mousePress(tile, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(speech.said()), timeout=HOLD_MS * 4)
    qtbot.mouseRelease(tile, Qt.MouseButton.LeftButton)
    assert "Retraite" in speech.said()[0]
    assert voiced.current_screen == "home"  # explored by ear, not opened
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert voiced.current_screen == "theme"


RAW_FAULT = "audio open error: No such file or directory"


def visible_texts(window):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    found = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if widget.isVisible():
            found += [widget.text(), widget.accessibleName(), widget.toolTip()]
    return " | ".join(found)


def test_an_audio_fault_is_a_discreet_translated_icon_never_the_engines_words(
    qtbot, make_window, kiosk
):
    silent = RecordingSpeech(status=RAW_FAULT)
    window = make_window(kiosk, speech=silent)
    fault = window.access_bar.audio_fault_button
    assert fault.isVisible()
    assert fault.accessibleName() == "Le son ne fonctionne pas : demandez à un bénévole"
    assert "audio open" not in visible_texts(window)
    step = start(qtbot, window)
    qtbot.mouseClick(step.next_button, Qt.MouseButton.LeftButton)
    assert window.current_screen == "step"
    assert "audio open" not in visible_texts(window)
    # Voice off: the visitor expects no sound, and is not told about it.
    qtbot.mouseClick(window.access_bar.voice_button, Qt.MouseButton.LeftButton)
    assert not fault.isVisible()


def test_an_audio_fault_reaches_staff_and_the_log_and_not_the_next_visit(
    qtbot, make_window, kiosk, caplog
):
    import logging

    silent = RecordingSpeech(status="")
    window = make_window(kiosk, speech=silent)
    with caplog.at_level(logging.WARNING, logger="pasapas.voice"):
        window.voice.report_status(RAW_FAULT)  # from the engine's thread, in real life
        qtbot.waitUntil(lambda: window.access_bar.audio_fault_button.isVisible(), timeout=2000)
    assert RAW_FAULT in caplog.text
    assert window.voice_status == RAW_FAULT
    window.set_language("ar")
    qtbot.mouseClick(window.access_bar.audio_fault_button, Qt.MouseButton.LeftButton)
    assert window.access_bar.audio_fault_note.isVisible()  # opened by this visitor
    window.wipe_visit()
    # The next visitor: French again, the note closed, the icon named in French.
    assert not window.access_bar.audio_fault_note.isVisible()
    assert window.access_bar.audio_fault_button.accessibleName().startswith("Le son")
    staff_home = window.screens["staff_home"]
    staff_home.show_voice_status(window.voice_status)
    assert RAW_FAULT in staff_home.voice_status.text()
    assert "audio open" not in visible_texts(window)  # staff home is not shown to the visitor
    window.voice.report_status("")  # the engine works again: the icon goes
    qtbot.waitUntil(lambda: not window.access_bar.audio_fault_button.isVisible(), timeout=2000)


def test_text_size_cycles_through_the_presets_and_the_page_reflows(qtbot, voiced):
    start(qtbot, voiced)
    step = voiced.screens["step"]
    seen = []
    for _ in range(4):
        qtbot.mouseClick(voiced.access_bar.size_button, Qt.MouseButton.LeftButton)
        seen.append(voiced.prefs.text_size)
        qtbot.wait(1)
        assert step.text.font().pixelSize() == round(26 * voiced.prefs.scale)
        for area in voiced.findChildren(QScrollArea):
            if area.isVisible():
                assert area.horizontalScrollBar().maximum() == 0
    assert seen == [150, 200, 300, 100]


def test_colours_cycle_through_the_four_themes_and_come_back_after_the_visit(qtbot, voiced):
    names = []
    for _ in range(4):
        qtbot.mouseClick(voiced.access_bar.theme_button, Qt.MouseButton.LeftButton)
        names.append(voiced.prefs.theme)
    assert names == ["dark", "light", "yellow", "standard"]
    qtbot.mouseClick(voiced.access_bar.theme_button, Qt.MouseButton.LeftButton)
    assert "#000000" in voiced.styleSheet()  # dark background
    start(qtbot, voiced)
    voiced.wipe_visit()
    assert voiced.prefs.theme == "standard"


def test_the_inactivity_warning_is_read_aloud(qtbot, voiced, speech):
    start(qtbot, voiced)
    voiced.inactivity.set_timeouts(idle_ms=50, warning_seconds=30)
    qtbot.waitUntil(voiced.inactivity.overlay.isVisible, timeout=3000)
    spoken = speech.said()[-1]
    assert "Êtes-vous toujours là ?" in spoken
    assert "Je suis toujours là" in spoken


def test_search_results_are_said_as_well_as_shown(qtbot, voiced, speech):
    """A visitor who types with the on-screen keyboard and cannot read hears what was found."""
    home = voiced.screens["home"]
    voiced.set_language("ar")
    home.search.setText("vitale")
    home.run_search()
    said = [line for text, _lang in speech.spoken()[-1] for line in text.splitlines()]
    titles = [strip_isolates(t) for t in home.result_titles()]
    assert said[0].rstrip(".") == strip_isolates(home.results_title.text()).rstrip(".")
    assert said[1].rstrip(".") == titles[0].rstrip(".")
    parts = speech.spoken()[-1]
    assert {lang for _text, lang in parts} >= {"ar"}  # its own voice for the interface words
    home.search.setText("zzzzqqq")
    home.run_search()
    said = [line for text, _lang in speech.spoken()[-1] for line in text.splitlines()]
    assert said[0].rstrip(".") == strip_isolates(home.results_title.text()).rstrip(".")
    assert len(said) == 2 and said[1].startswith(strip_isolates(home.search_note.text())[:10])
