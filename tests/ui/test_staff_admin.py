"""The site admin's screens in a real window: accounts, settings, and the store's passphrase,
backup and restore changed while the kiosk runs — after which visits still record."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pasapas.app.errors import WrongPassphraseError
from pasapas.app.settings import Settings, load_settings
from pasapas.app.staff import StaffAccounts
from pasapas.app.store import Store

CLICK = Qt.MouseButton.LeftButton
ADMIN_PIN = "975312"
NEW_PASSPHRASE = "une toute nouvelle phrase"


@pytest.fixture
def admin_window(qtbot, make_window, kiosk):
    window = make_window(kiosk, settings=Settings())
    admin = kiosk.staff.create("Bernard Martin", "site_admin", ADMIN_PIN)
    window.staff_login(admin)
    assert window.current_screen == "staff_home"
    yield window
    if window.sync_runner is not None:
        window.sync_runner.stop()


def _visit_records(qtbot, window) -> int:
    """A visitor opens a procedure and leaves: the anonymous outcome is recorded."""
    window.leave_staff()
    before = window.kiosk.visits.stats().abandoned
    window.start_walk("attestation-droits")
    window.end_visit()
    return window.kiosk.visits.stats().abandoned - before


def test_the_admin_adds_an_account_resets_its_pin_changes_its_role_and_deactivates_it(
    qtbot, admin_window, kiosk
):
    window = admin_window
    window.go("staff_accounts")
    screen = window.screens["staff_accounts"]
    assert [b.accessibleName() for b in screen.account_buttons.values()] == ["Bernard Martin"]
    screen.name.setText("Awa Diallo")
    qtbot.mouseClick(screen.new_role_buttons["trainer"], CLICK)
    screen.pin.setText("246813")
    screen.pin2.setText("246814")
    qtbot.mouseClick(screen.add_button, CLICK)
    assert screen.message.text() == "Les deux codes sont différents."
    screen.pin.setText("123456")
    screen.pin2.setText("123456")
    qtbot.mouseClick(screen.add_button, CLICK)
    assert "trop facile" in screen.message.text()
    screen.pin.setText("246813")
    screen.pin2.setText("246813")
    qtbot.mouseClick(screen.add_button, CLICK)
    qtbot.waitUntil(lambda: len(screen.account_buttons) == 2, timeout=10_000)
    assert screen.done_note.text() == "Compte créé : Awa Diallo."
    awa = kiosk.staff.find("Awa Diallo")
    assert awa.role == "trainer"
    # The same name twice: one sentence from the core.
    screen.name.setText("awa diallo")
    screen.pin.setText("582047")
    screen.pin2.setText("582047")
    qtbot.mouseClick(screen.add_button, CLICK)
    qtbot.waitUntil(screen.message.isVisible, timeout=10_000)
    assert len(screen.account_buttons) == 2

    qtbot.mouseClick(screen.account_buttons[awa.id], CLICK)
    screen.reset_pin.setText("582047")
    screen.reset_pin2.setText("582047")
    qtbot.mouseClick(screen.reset_button, CLICK)
    qtbot.waitUntil(lambda: "Nouveau code" in screen.done_note.text(), timeout=10_000)
    assert StaffAccounts(kiosk.store).login(awa.id, "582047").id == awa.id
    qtbot.mouseClick(screen.role_buttons["volunteer"], CLICK)
    qtbot.waitUntil(lambda: kiosk.staff.get(awa.id).role == "volunteer", timeout=10_000)
    qtbot.mouseClick(screen.deactivate_button, CLICK)  # first touch: asks to confirm
    assert kiosk.staff.get(awa.id).active
    assert screen.deactivate_button.text() == "Oui, désactiver ce compte"
    qtbot.mouseClick(screen.deactivate_button, CLICK)
    qtbot.waitUntil(lambda: not kiosk.staff.get(awa.id).active, timeout=10_000)
    # The worker has written it; the screen shows it once the result reaches the GUI thread.
    qtbot.waitUntil(lambda: "désactivé" in screen.detail_state.text(), timeout=10_000)

    # The last site admin cannot leave the kiosk without one.
    me = window.staff_account
    qtbot.mouseClick(screen.account_buttons[me.id], CLICK)
    qtbot.mouseClick(screen.deactivate_button, CLICK)
    qtbot.mouseClick(screen.deactivate_button, CLICK)
    qtbot.waitUntil(screen.message.isVisible, timeout=10_000)
    assert "dernier compte responsable" in screen.message.text()
    assert kiosk.staff.get(me.id).active
    actions = {entry.action for entry in kiosk.audit.entries()}
    assert {"account_created", "secret_reset", "account_changed", "account_deactivated"} <= actions


def test_the_admin_changes_the_settings_and_the_log_names_them(qtbot, admin_window, kiosk, paths):
    window = admin_window
    window.go("staff_settings")
    screen = window.screens["staff_settings"]
    screen.site_name.setText("Maison France services de Trappes")
    screen.commune.setText("Trap")  # not an INSEE code
    qtbot.mouseClick(screen.save_button, CLICK)
    assert "a 5 caractères" in screen.message.text()
    assert load_settings(paths) == Settings()
    screen.commune.setText("78621")
    screen.postcode.setText("78190")
    screen.hours.setText("Lundi et jeudi, 9 h – 12 h")
    qtbot.mouseClick(screen.idle.plus, CLICK)  # 180 -> 210 s
    qtbot.mouseClick(screen.size.buttons[200], CLICK)
    for _ in range(3):
        qtbot.mouseClick(screen.staff_minutes.minus, CLICK)  # 30 -> 15 min
    qtbot.mouseClick(screen.save_button, CLICK)
    assert screen.saved_note.text() == "Réglages enregistrés."
    saved = load_settings(paths)
    assert saved.site_name == "Maison France services de Trappes"
    assert (saved.site_commune, saved.site_postcode) == ("78621", "78190")
    assert saved.opening_hours == "Lundi et jeudi, 9 h – 12 h"
    assert saved.inactivity_seconds == 210 and saved.text_size == 200
    assert saved.staff_mode_minutes == 15
    assert window.staff_session.mode_minutes == 15
    assert window.visit.default_prefs.text_size == 200  # the next visitor starts at 200 %
    assert "font-size: 26px" in window.styleSheet()  # the admin's own display does not change
    entry = kiosk.audit.entries()[0]
    assert entry.action == "settings_changed"
    assert entry.actor == window.staff_account.id
    fields = set(entry.detail["fields"].split(","))
    assert {"site_name", "site_commune", "inactivity_seconds", "text_size"} <= fields
    assert "Trappes" not in str(entry.detail)  # names of settings, never their values


def test_the_passphrase_changes_while_the_kiosk_runs_and_visits_still_record(
    qtbot, admin_window, kiosk, paths, passphrase
):
    window = admin_window
    window.go("staff_settings")
    screen = window.screens["staff_settings"]
    screen.current.setText("pas le bon mot de passe")
    screen.new.setText(NEW_PASSPHRASE)
    screen.new2.setText(NEW_PASSPHRASE)
    qtbot.mouseClick(screen.rekey_button, CLICK)
    assert "pas le mot de passe actuel" in screen.rekey_message.text()
    screen.current.setText(passphrase)
    screen.new.setText(NEW_PASSPHRASE)
    screen.new2.setText(NEW_PASSPHRASE)
    assert screen.rekey_button.isEnabled()
    qtbot.mouseClick(screen.rekey_button, CLICK)
    qtbot.waitUntil(lambda: "a été changé" in screen.rekey_message.text(), timeout=20_000)
    assert screen.current.text() == screen.new.text() == ""
    with pytest.raises(WrongPassphraseError):
        Store.open(paths.store, passphrase)
    Store.open(paths.store, NEW_PASSPHRASE).close()
    assert window.kiosk is not kiosk
    assert window.kiosk.check_admin(NEW_PASSPHRASE)  # closing the kiosk asks the new one
    assert window.sync_runner is not None
    assert window.kiosk.audit.entries()[0].action == "rekey"
    assert window.current_screen == "staff_settings"
    # Work off the GUI thread (the worker's own connection) opens with the new key too.
    window.go("staff_accounts")
    accounts = window.screens["staff_accounts"]
    accounts.name.setText("Awa Diallo")
    accounts.pin.setText("246813")
    accounts.pin2.setText("246813")
    qtbot.mouseClick(accounts.add_button, CLICK)
    qtbot.waitUntil(lambda: len(accounts.account_buttons) == 2, timeout=10_000)
    assert _visit_records(qtbot, window) == 1


def test_backup_then_restore_from_the_screen_then_a_visit_records(
    qtbot, admin_window, kiosk, paths, passphrase
):
    window = admin_window
    window.go("staff_settings")
    screen = window.screens["staff_settings"]
    qtbot.mouseClick(screen.backup_button, CLICK)
    qtbot.waitUntil(
        lambda: "Sauvegarde chiffrée écrite" in screen.backup_message.text(), timeout=10_000
    )
    backups = window.backups()
    assert len(backups) == 1 and backups[0].parent == paths.backup_dir
    assert len(screen.backup_buttons) == 1
    # After the backup, a visit and an account the backup does not hold.
    assert _visit_records(qtbot, window) == 1
    window.kiosk.staff.create("Awa Diallo", "volunteer", "246813")

    # A restore is refused while a visitor is in the middle of a visit.
    window.start_walk("attestation-droits")
    window.go("staff_settings")
    assert window.current_screen == "staff_settings"
    qtbot.mouseClick(screen.backup_buttons[backups[0]], CLICK)
    screen.restore_pass.setText(passphrase)
    qtbot.mouseClick(screen.restore_button, CLICK)
    qtbot.mouseClick(screen.restore_button, CLICK)
    assert "Une visite est en cours" in screen.restore_message.text()
    window.end_visit()
    assert window.kiosk.visits.stats().abandoned == 2

    window.go("staff_settings")
    qtbot.mouseClick(screen.backup_buttons[backups[0]], CLICK)
    screen.restore_pass.setText(passphrase)
    qtbot.mouseClick(screen.restore_button, CLICK)
    assert "confirmer" in screen.restore_message.text()
    qtbot.mouseClick(screen.restore_button, CLICK)
    qtbot.waitUntil(lambda: "a été restaurée" in screen.restore_message.text(), timeout=20_000)
    restored = window.kiosk
    assert restored is not kiosk
    assert restored.visits.stats().abandoned == 0  # as it was at the backup
    assert [a.display_name for a in restored.staff.accounts()] == ["Bernard Martin"]
    assert restored.audit.entries()[0].action == "restore"
    assert paths.store.with_name("pasapas.db.before-restore").exists()
    assert window.staff_account is not None  # the admin is in the backup: still logged in
    assert _visit_records(qtbot, window) == 1
    assert window.kiosk.visits.stats().abandoned == 1


# Every language: long Ukrainian and Portuguese words clipped buttons that French and Arabic fit.
@pytest.mark.parametrize("language", ["fr", "ar", "en", "es", "pt", "uk", "tr"])
def test_the_staff_screens_pass_the_accessibility_audit(
    qtbot, admin_window, kiosk, language, settled_audit
):
    from pasapas.app.staff import StaffDisplay

    window = admin_window
    kiosk.staff.create("Awa Diallo", "volunteer", "246813")
    problems = []
    for size, width, height in ((100, 1280, 800), (300, 1024, 768)):
        window.resize(width, height)
        window.set_staff_display(StaffDisplay(text_size=size, language=language))
        for name in ("staff_home", "staff_accounts", "staff_settings", "staff_display"):
            window.go(name)
            if name == "staff_accounts":
                screen = window.screens[name]
                qtbot.mouseClick(next(iter(screen.account_buttons.values())), CLICK)
            result = settled_audit(window, f"{name} {size} {language}")
            problems += [str(v) for v in result.violations]
        window.go("staff_login", target="staff_home", reauth=True)  # the PIN pad
        problems += [str(v) for v in settled_audit(window, f"pad {size}").violations]
    window.staff_logout()
    window.open_staff_login()  # the accounts' buttons
    problems += [str(v) for v in settled_audit(window, "login").violations]
    assert problems == []


def test_the_set_up_wizard_passes_the_accessibility_audit(qtbot, make_window, settled_audit):
    window = make_window(None)
    setup = window.screens["setup"]
    problems = []
    for width, height in ((1280, 800), (1024, 768)):
        window.resize(width, height)
        for index in range(6):
            setup.show_page(index)
            found = settled_audit(window, f"setup {index} {width}").violations
            problems += [str(v) for v in found]
    assert problems == []
