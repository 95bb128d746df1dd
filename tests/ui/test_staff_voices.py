"""Staff choose the voice each language is read with, among the voices installed, after hearing
it; the choice is saved and the kiosk reads with it. Through the real speech engine (espeak-ng in
its worker process) and a stand-in audio player that notes what it received."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from pasapas.accessibility.speech import Speech
from pasapas.accessibility.spoken_text import without_symbols
from pasapas.app.settings import Settings, load_settings

READY = 20.0
PLAYER = """
import os, sys, time
log = open(os.environ["FAKE_PLAYER_LOG"], "a", buffering=1)
received = 0
while chunk := sys.stdin.buffer.read(4410):
    received += len(chunk)
    time.sleep(len(chunk) / 441000)  # ten times faster than a real device
log.write(f"end {received}\\n")
"""
NUMBERS = "70, 90, 71, 91, 77, 97."  # "septante, nonante…" in Belgian French: shorter


@pytest.fixture
def heard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    script = tmp_path / "fake-aplay"
    script.write_text(f"#!{sys.executable}\n{PLAYER}", encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "player.log"
    log.touch()
    monkeypatch.setenv("PASAPAS_SPEECH_PLAYER", str(script))
    monkeypatch.setenv("FAKE_PLAYER_LOG", str(log))

    def last() -> int:
        ends = [line.split() for line in log.read_text().splitlines() if line.startswith("end")]
        return int(ends[-1][1]) if ends else 0

    return last


def _say_and_measure(speech: Speech, heard, text: str) -> int:
    speech.say(text, "fr")
    assert speech.wait_for(lambda s: not s.speaking, READY)
    return heard()


def test_staff_hear_and_choose_a_voice_per_language(qtbot, make_window, kiosk, paths, heard):
    speech = Speech()
    try:
        assert speech.wait_for(lambda s: s._known, READY)
        window = make_window(kiosk, settings=Settings(), speech=speech)
        admin = kiosk.staff.create("Awa", "site_admin", "246813")
        window.staff_login(admin, target="staff_languages")
        screen = window.screens["staff_languages"]

        # The installed French voices are offered, the usual one ticked; nothing else changes
        # on a kiosk without MBROLA.
        french = screen.voice_radios["fr"]
        assert french[""].isChecked()
        assert set(french) == {"", "roa/fr-be", "roa/fr-ch"}  # the usual one is listed once
        assert screen.voice_labels[("fr", "")].text() == "Voix habituelle (French (France))"
        assert screen.voice_labels[("fr", "roa/fr-be")].text() == "French (Belgium)"
        assert set(screen.voice_radios["ar"]) == {""}  # espeak-ng has one Arabic voice
        names = [label.text() for label in screen.voice_labels.values()]
        assert all(names) and not any("MBROLA" in name for name in names)
        for radios in screen.voice_radios.values():
            for radio in radios.values():
                name = radio.accessibleName()
                assert name and without_symbols(name) == name
        assert screen.listen_buttons["fr"].accessibleName() == "Écouter la voix : français"

        # Hear the Belgian voice before choosing it.
        before = heard()
        qtbot.mouseClick(french["roa/fr-be"], Qt.MouseButton.LeftButton)
        assert french["roa/fr-be"].isChecked()
        qtbot.mouseClick(screen.listen_buttons["fr"], Qt.MouseButton.LeftButton)
        assert speech.speaking
        assert speech.wait_for(lambda s: not s.speaking, READY)
        assert heard() != before and heard() > 20_000, "the sample was played"

        qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
        assert window.current_screen == "staff_home"
        assert load_settings(paths).voice_choice() == {"fr": "roa/fr-be"}
        belgian = _say_and_measure(speech, heard, NUMBERS)

        # Back to the usual voice: the screen shows the saved choice, and undoes it.
        window.go("staff_languages")
        screen = window.screens["staff_languages"]
        assert screen.voice_radios["fr"]["roa/fr-be"].isChecked()
        qtbot.mouseClick(screen.voice_radios["fr"][""], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
        assert load_settings(paths).voice_choice() == {}
        usual = _say_and_measure(speech, heard, NUMBERS)
        assert belgian < 0.85 * usual, (belgian, usual)
    finally:
        speech.close()


def test_a_saved_voice_that_is_not_installed_is_kept_and_shown(qtbot, make_window, kiosk):
    # MBROLA chosen on a kiosk whose MBROLA was removed: the choice stays (staff see it), and the
    # usual voice reads meanwhile (tests/accessibility/test_speech.py).
    settings = Settings(speech_voices=(("fr", "mb/mb-fr4"),))
    window = make_window(kiosk, settings=settings)  # no speech engine at all
    window.staff_login(kiosk.staff.create("Awa", "site_admin", "246813"), target="staff_languages")
    screen = window.screens["staff_languages"]
    assert screen.voice_radios["fr"]["mb/mb-fr4"].isChecked()
    qtbot.mouseClick(screen.listen_buttons["fr"], Qt.MouseButton.LeftButton)  # nothing to hear
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert window.settings.voice_choice() == {"fr": "mb/mb-fr4"}
