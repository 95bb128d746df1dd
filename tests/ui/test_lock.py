"""The kiosk opens only with its passphrase, and a visitor cannot close it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from pasapas.app.services import Kiosk
from pasapas.ui.passphrase_dialog import PassphraseDialog
from tests.app.helpers import BUILTIN_IDS


def test_first_start_asks_for_a_strong_passphrase_twice_then_opens(qtbot, make_window, paths):
    window = make_window(None)
    assert window.current_screen == "setup"
    setup = window.screens["setup"]
    setup.site_name.setText("Maison France services")
    qtbot.mouseClick(setup.next_button, Qt.MouseButton.LeftButton)  # the place
    qtbot.mouseClick(setup.next_button, Qt.MouseButton.LeftButton)  # the languages
    qtbot.keyClicks(setup.first, "court")
    assert "au moins 12 caractères" in setup.feedback.text()
    qtbot.mouseClick(setup.next_button, Qt.MouseButton.LeftButton)
    assert setup.first.isVisible() and setup.message.isVisible()  # not past this page
    setup.first.clear()
    qtbot.keyClicks(setup.first, "trois mots au hasard")
    qtbot.keyClicks(setup.second, "trois mots au hazard")
    assert "différents" in setup.feedback.text()
    setup.second.clear()
    qtbot.keyClicks(setup.second, "trois mots au hasard")
    assert setup.feedback.text() == "Ce mot de passe convient."
    qtbot.keyClick(setup.second, Qt.Key.Key_Return)
    assert setup.admin_name.isVisible()
    setup.admin_name.setText("Awa")
    setup.pin.setText("246813")
    setup.pin2.setText("246813")
    qtbot.mouseClick(setup.next_button, Qt.MouseButton.LeftButton)  # the admin
    qtbot.mouseClick(setup.next_button, Qt.MouseButton.LeftButton)  # no central service
    qtbot.mouseClick(setup.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_screen == "home", timeout=20000)
    assert paths.store.exists()
    assert setup.first.text() == "" and setup.second.text() == ""
    assert window.kiosk.catalog.count() == len(BUILTIN_IDS)


def test_unlock_refuses_a_wrong_passphrase_and_opens_with_the_right_one(
    qtbot, make_window, paths, passphrase
):
    Kiosk.create(paths, passphrase).close()
    window = make_window(None)
    assert window.current_screen == "unlock"
    unlock = window.screens["unlock"]
    qtbot.keyClicks(unlock.field, "pas le bon mot de passe")
    qtbot.keyClick(unlock.field, Qt.Key.Key_Return)
    qtbot.waitUntil(unlock.message.isVisible, timeout=10000)
    assert "n'ouvre pas la base" in unlock.message.text()
    assert unlock.field.text() == ""
    assert window.current_screen == "unlock"
    qtbot.keyClicks(unlock.field, passphrase)
    qtbot.keyClick(unlock.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_screen == "home", timeout=10000)


def test_screens_that_need_the_store_redirect_to_unlock_while_locked(
    qtbot, make_window, paths, passphrase
):
    Kiosk.create(paths, passphrase).close()
    window = make_window(None)
    window.go("home")
    assert window.current_screen == "unlock"


def _answer_dialog(passphrases, outcome):
    """Type each passphrase into the admin dialog when it opens; record what it said."""

    def answer():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog) or dialog.objectName() != "admin-exit":
            QTimer.singleShot(10, answer)
            return
        for text in passphrases:
            dialog.field.setText(text)
            dialog.try_accept()
            outcome.append(dialog.message.text() if dialog.isVisible() else "closed")
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, answer)


def test_closing_a_locked_down_kiosk_needs_the_admin_passphrase(
    qtbot, make_window, kiosk, passphrase
):
    window = make_window(kiosk, locked_down=True)
    outcome: list[str] = []
    _answer_dialog(["visiteur curieux"], outcome)
    window.close()
    assert outcome and "pas le bon mot de passe" in outcome[0]
    assert window.isVisible()

    outcome.clear()
    _answer_dialog([passphrase], outcome)
    window.close()
    assert outcome == ["closed"]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)
