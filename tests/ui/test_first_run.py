"""First run on a machine with no store: the set-up wizard makes the store, the settings and the
first site admin's account, and says so when the central service cannot be reached."""

from __future__ import annotations

from PySide6.QtCore import Qt

from pasapas.app.settings import load_settings
from pasapas.app.staff import StaffAccounts
from tests.app.helpers import BUILTIN_IDS

CLICK = Qt.MouseButton.LeftButton
PASSPHRASE = "trois mots au hasard"


def test_the_wizard_creates_the_store_the_settings_and_the_admin_account(
    qtbot, make_window, paths, speech
):
    window = make_window(None, speech=speech)
    assert window.current_screen == "setup"
    setup = window.screens["setup"]
    assert setup.step_label.text() == "Étape 1 sur 6"

    # 1. The place: its name is needed, the commune must be an INSEE code.
    qtbot.mouseClick(setup.next_button, CLICK)
    assert setup.message.text() == "Tapez le nom du lieu d'aide."
    setup.site_name.setText("Médiathèque Aimé Césaire")
    qtbot.keyClicks(setup.commune, "7A123")
    qtbot.mouseClick(setup.next_button, CLICK)
    assert "5 caractères" in setup.message.text()
    setup.commune.setText("93066")
    setup.hours.setText("Mardi et samedi, 10 h – 17 h")
    qtbot.mouseClick(setup.next_button, CLICK)

    # 2. The languages: only French, Arabic and English, each visit starting in Arabic.
    assert setup.step_label.text() == "Étape 2 sur 6"
    for code in ("es", "pt", "uk", "tr"):
        setup.offered[code].setChecked(False)
    setup.defaults["ar"].setChecked(True)
    qtbot.mouseClick(setup.next_button, CLICK)

    # 3. The passphrase, with the strength check.
    qtbot.keyClicks(setup.first, PASSPHRASE)
    qtbot.keyClicks(setup.second, PASSPHRASE)
    qtbot.mouseClick(setup.next_button, CLICK)

    # 4. The first site admin: a guessable PIN is refused.
    qtbot.keyClicks(setup.admin_name, "Awa Diallo")
    setup.pin.setText("000000")
    setup.pin2.setText("000000")
    qtbot.mouseClick(setup.next_button, CLICK)
    assert "trop facile" in setup.message.text()
    setup.pin.setText("582047")
    setup.pin2.setText("582047")
    qtbot.mouseClick(setup.next_button, CLICK)

    # 5. A central service that does not answer: the kiosk is set up anyway.
    qtbot.keyClicks(setup.url, "https://127.0.0.1:9")
    qtbot.mouseClick(setup.next_button, CLICK)
    assert "code d'inscription" in setup.message.text()  # the address without its code
    qtbot.keyClicks(setup.code, "ABCD-EFGH")
    qtbot.mouseClick(setup.next_button, CLICK)

    # 6. The voice and the printer, then the kiosk.
    assert setup.button.isVisible() and not setup.next_button.isVisible()
    assert "Médiathèque Aimé Césaire" in setup.summary.text()
    qtbot.mouseClick(setup.voice_button, CLICK)
    assert any("essai de la voix" in text for text in speech.said())
    qtbot.mouseClick(setup.printer_button, CLICK)
    assert "imprimante" in setup.printer_result.text().lower()
    qtbot.mouseClick(setup.button, CLICK)
    qtbot.waitUntil(lambda: window.current_screen == "home", timeout=20_000)
    assert window.kiosk.catalog.count() == len(BUILTIN_IDS)
    assert setup.first.text() == setup.pin.text() == setup.code.text() == ""

    settings = load_settings(paths)
    assert settings.site_name == "Médiathèque Aimé Césaire"
    assert settings.site_commune == "93066"
    assert settings.opening_hours == "Mardi et samedi, 10 h – 17 h"
    assert settings.languages == ("fr", "en", "ar") and settings.language == "ar"
    assert window.language == "ar"  # the first visitor starts in the chosen language
    staff = StaffAccounts(window.kiosk.store)
    (admin,) = staff.accounts()
    assert (admin.display_name, admin.role) == ("Awa Diallo", "site_admin")
    assert staff.login(admin.id, "582047").id == admin.id
    assert window.kiosk.check_admin(PASSPHRASE)

    # The enrolment fails off the GUI thread: said in one sentence, nothing else stops.
    # The kiosk now speaks the visitors' default language, Arabic: so does the notice.
    notice = window.access_bar.notice
    qtbot.waitUntil(lambda: "لم ينجح التسجيل" in notice.text(), timeout=20_000)
    assert "المزامنة" in notice.text() and "n'a pas réussi" not in notice.text()
    assert window.current_screen == "home"


def test_going_back_keeps_what_was_typed_and_a_failed_creation_leaves_no_store(
    qtbot, make_window, paths
):
    from pasapas.app.errors import StoreError

    window = make_window(None)
    setup = window.screens["setup"]
    setup.site_name.setText("Espace social")
    qtbot.mouseClick(setup.next_button, CLICK)
    qtbot.mouseClick(setup.back_button, CLICK)
    assert setup.site_name.isVisible() and setup.site_name.text() == "Espace social"

    def broken(paths_, passphrase):  # e.g. a full disk while the built-in procedures go in
        raise StoreError("Le disque est plein.")

    window.parts.create_kiosk = broken
    qtbot.mouseClick(setup.next_button, CLICK)
    qtbot.mouseClick(setup.next_button, CLICK)
    setup.first.setText(PASSPHRASE)
    setup.second.setText(PASSPHRASE)
    qtbot.mouseClick(setup.next_button, CLICK)
    setup.admin_name.setText("Awa")
    setup.pin.setText("582047")
    setup.pin2.setText("582047")
    qtbot.mouseClick(setup.next_button, CLICK)
    qtbot.mouseClick(setup.next_button, CLICK)
    qtbot.mouseClick(setup.button, CLICK)
    qtbot.waitUntil(setup.message.isVisible, timeout=10_000)
    assert "Le disque est plein." in setup.message.text()
    assert window.current_screen == "setup" and not paths.store.exists()
    assert setup.button.isEnabled()
