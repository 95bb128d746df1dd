"""Staff mode in a real window: the login with the PIN pad, the slow-down, roles, the staff
member's own display, no visitor wipe on staff screens, the PIN again after 15 idle minutes and
visitor mode back after the site's staff minutes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from pasapas.app.i18n import current_language
from pasapas.app.settings import Settings
from pasapas.app.staff import StaffAccounts, StaffDisplay
from pasapas.ui.parts import Parts
from tests.ui.test_inactivity import start_visit

CLICK = Qt.MouseButton.LeftButton
PIN = "246813"
ADMIN_PIN = "975312"
LTR, RTL = Qt.LayoutDirection.LeftToRight, Qt.LayoutDirection.RightToLeft


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def staff_window(qtbot, paths, kiosk, clock):
    from pasapas.ui.window import KioskWindow

    window = KioskWindow(
        paths, Settings(), kiosk=kiosk, locked_down=False, parts=Parts(clock=clock)
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield window
    window.inactivity.stop()
    if window.sync_runner is not None:
        window.sync_runner.stop()


@pytest.fixture
def volunteer(kiosk):
    return kiosk.staff.create("Awa Diallo", "volunteer", PIN)


@pytest.fixture
def admin(kiosk):
    return kiosk.staff.create("Bernard Martin", "site_admin", ADMIN_PIN)


def choose(qtbot, window, name):
    login = window.screens["staff_login"]
    button = next(b for b in login.account_buttons if b.accessibleName() == name)
    qtbot.mouseClick(button, CLICK)
    return login


def pad(qtbot, login, pin):
    for digit in pin:
        qtbot.mouseClick(login.findChild(QPushButton, f"pin-{digit}"), CLICK)
    qtbot.mouseClick(login.ok_button, CLICK)


def log_in(qtbot, window, name, pin, *, to="staff_home"):
    window.open_staff_login()
    assert window.current_screen == "staff_login"
    pad(qtbot, choose(qtbot, window, name), pin)
    qtbot.waitUntil(lambda: window.current_screen == to, timeout=10_000)


def test_staff_log_in_with_the_pin_pad_and_out_again(qtbot, staff_window, kiosk, volunteer):
    window = staff_window
    entry = window.access_bar.staff_button
    assert entry.isVisible() and entry.accessibleName() == "Espace équipe"
    qtbot.mouseClick(entry, CLICK)
    assert window.current_screen == "staff_login"
    login = window.screens["staff_login"]
    assert [b.accessibleName() for b in login.account_buttons] == ["Awa Diallo"]
    assert not window.access_bar.isVisible()
    choose(qtbot, window, "Awa Diallo")
    assert login.greeting.text() == "Bonjour Awa Diallo"
    assert login.pad.isVisible()
    # The keyboard works as well as the pad: digits typed into the field, then Enter.
    qtbot.keyClicks(login.field, PIN)
    qtbot.keyClick(login.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)
    assert window.staff_account.id == volunteer.id
    bar = window.staff_bar
    assert bar.isVisible()
    assert bar.who.text() == "Connecté : Awa Diallo (bénévole)"
    qtbot.mouseClick(bar.logout_button, CLICK)
    assert window.staff_account is None
    assert window.current_screen == "home"
    assert window.access_bar.isVisible() and not bar.isVisible()
    actions = [entry.action for entry in kiosk.audit.entries()]
    assert actions[:2] == ["logout", "login"]


def test_wrong_pins_say_the_tries_left_then_slow_down_until_the_admin_unlocks(
    qtbot, staff_window, kiosk, volunteer, admin
):
    window = staff_window
    window.open_staff_login()
    login = choose(qtbot, window, "Awa Diallo")
    for left in (4, 3, 2, 1):
        pad(qtbot, login, "111222")
        qtbot.waitUntil(lambda: login.message.isVisible(), timeout=10_000)
        assert login.message.text().startswith("Code incorrect.")
        assert f"Encore {left} essai" in login.message.text()
        assert login.field.text() == ""
        login.message.hide()
    pad(qtbot, login, "111222")
    qtbot.waitUntil(lambda: login.countdown.isVisible(), timeout=10_000)
    assert "Réessayez dans 30 secondes" in login.countdown.text()
    assert not login.field.isEnabled() and not login.pad.isEnabled()
    login._count_down()  # a second goes by
    assert "Réessayez dans 29 secondes" in login.countdown.text()

    # The site admin logs in on the same kiosk and unlocks the account.
    qtbot.mouseClick(login.other_button, CLICK)
    pad(qtbot, choose(qtbot, window, "Bernard Martin"), ADMIN_PIN)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)
    window.go("staff_accounts")
    accounts = window.screens["staff_accounts"]
    qtbot.mouseClick(accounts.account_buttons[volunteer.id], CLICK)
    assert "en attente" in accounts.detail_state.text()
    assert accounts.unlock_button.isVisible()
    qtbot.mouseClick(accounts.unlock_button, CLICK)
    qtbot.waitUntil(
        lambda: StaffAccounts(kiosk.store).get(volunteer.id).locked_until is None, timeout=10_000
    )
    qtbot.mouseClick(window.staff_bar.logout_button, CLICK)

    log_in(qtbot, window, "Awa Diallo", PIN)
    assert window.staff_account.id == volunteer.id


def test_a_screen_needs_its_role_and_tiles_follow_the_role(qtbot, staff_window, volunteer, admin):
    window = staff_window
    window.go("staff_settings")
    assert window.current_screen == "staff_login"  # nobody logged in
    login = window.screens["staff_login"]
    pad(qtbot, choose(qtbot, window, "Awa Diallo"), PIN)
    # A volunteer is not enough for the settings: the login again, saying why.
    qtbot.waitUntil(lambda: "réservé" in login.intro.text(), timeout=10_000)
    assert window.current_screen == "staff_login"
    assert "réservé au rôle « responsable du lieu »" in login.intro.text()
    pad(qtbot, choose(qtbot, window, "Bernard Martin"), ADMIN_PIN)
    qtbot.waitUntil(lambda: window.current_screen == "staff_settings", timeout=10_000)
    assert window.staff_account.role == "site_admin"
    window.go("staff_home")
    assert {"staff_settings", "staff_accounts", "staff_languages"} <= set(
        window.screens["staff_home"].tiles
    )
    qtbot.mouseClick(window.staff_bar.logout_button, CLICK)

    log_in(qtbot, window, "Awa Diallo", PIN)
    tiles = window.screens["staff_home"].tiles
    assert "staff_sync" in tiles and "staff_display" in tiles
    assert not {"staff_settings", "staff_accounts", "staff_languages"} & set(tiles)
    window.go("staff_accounts")
    assert window.current_screen == "staff_login"


def test_staff_screens_never_take_the_visitors_300_percent_colours_or_language(
    qtbot, staff_window, kiosk, volunteer
):
    window = staff_window
    window.set_language("ar")
    window.set_prefs(window.prefs.next_text_size().next_text_size().next_text_size())
    window.set_prefs(window.prefs.next_theme())
    assert window.prefs.text_size == 300 and window.prefs.theme == "dark"
    assert "font-size: 78px" in window.styleSheet()
    assert QApplication.layoutDirection() == RTL

    log_in(qtbot, window, "Awa Diallo", PIN)
    assert "font-size: 26px" in window.styleSheet() and "78px" not in window.styleSheet()
    assert current_language() == "fr" and QApplication.layoutDirection() == LTR
    assert window.screens["staff_home"].title.text() == "Accueil équipe"

    # The staff member's own choice: 200 % and Arabic, saved with the account.
    window.go("staff_display")
    display = window.screens["staff_display"]
    qtbot.mouseClick(display.sizes[200], CLICK)
    qtbot.mouseClick(display.languages["ar"], CLICK)
    assert "font-size: 52px" in window.styleSheet()
    assert current_language() == "ar" and QApplication.layoutDirection() == RTL
    assert kiosk.staff.get(volunteer.id).display == StaffDisplay(200, "standard", "ar")
    assert window.prefs.text_size == 300  # the visitor's own stays as it was

    # Back to the visitors: their 300 %, dark colours and Arabic again.
    qtbot.mouseClick(window.staff_bar.visitors_button, CLICK)
    assert window.current_screen == "home"
    assert "font-size: 78px" in window.styleSheet()
    assert window.language == "ar"
    # A visitor's change of size on visitor screens never reaches the staff display.
    window.set_prefs(window.prefs.next_text_size())
    window.go("staff_home")
    assert "font-size: 52px" in window.styleSheet()


def test_the_visitor_wipe_never_fires_on_a_staff_screen(qtbot, staff_window, volunteer):
    window = staff_window
    start_visit(qtbot, window)
    window.inactivity.set_timeouts(idle_ms=40, warning_seconds=1, tick_ms=20)
    qtbot.waitUntil(window.inactivity.overlay.isVisible, timeout=3000)
    # Staff take over while the countdown runs: it stops, and nothing is wiped.
    window.open_staff_login()
    assert not window.inactivity.overlay.isVisible()
    window.inactivity.set_timeouts(idle_ms=60_000, warning_seconds=1, tick_ms=20)
    pad(qtbot, choose(qtbot, window, "Awa Diallo"), PIN)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)
    window.inactivity.set_timeouts(idle_ms=40, warning_seconds=1, tick_ms=20)
    qtbot.wait(300)
    assert not window.inactivity.overlay.isVisible()
    assert window.walk is not None and window.current_screen == "staff_home"
    # Back on the visitor's screen, the visitor's wipe watches again.
    qtbot.mouseClick(window.staff_bar.visitors_button, CLICK)
    assert window.current_screen == "step"
    qtbot.waitUntil(lambda: window.walk is None, timeout=5000)
    assert window.current_screen == "home"


def test_the_pin_is_asked_again_after_15_idle_minutes_and_the_screen_comes_back(
    qtbot, staff_window, clock, kiosk, volunteer
):
    window = staff_window
    log_in(qtbot, window, "Awa Diallo", PIN)
    window.go("staff_display")
    clock.now += 14 * 60
    window.check_staff_session()
    assert window.current_screen == "staff_display"
    window.staff_touched()
    clock.now += 14 * 60
    window.check_staff_session()
    assert window.current_screen == "staff_display"  # touched: 14 minutes idle only
    clock.now += 60
    window.check_staff_session()
    assert window.current_screen == "staff_login"
    login = window.screens["staff_login"]
    assert login.greeting.text() == "Bonjour Awa Diallo"
    assert "de nouveau votre code" in login.intro.text()
    window.go("staff_home")  # no staff screen without the PIN
    assert window.current_screen == "staff_login"
    pad(qtbot, login, PIN)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)
    assert kiosk.audit.entries()[0].action == "reauth"


def test_visitor_mode_comes_back_after_the_staff_minutes(qtbot, staff_window, clock, volunteer):
    window = staff_window
    window.update_settings(Settings(staff_mode_minutes=20))
    log_in(qtbot, window, "Awa Diallo", PIN)
    clock.now += 20 * 60
    window.check_staff_session()
    assert window.current_screen == "home"
    assert window.staff_account is None
    assert window.access_bar.isVisible() and not window.staff_bar.isVisible()
    window.go("staff_home")
    assert window.current_screen == "staff_login"


def test_from_the_visitor_screens_the_pin_is_always_asked(qtbot, staff_window, volunteer):
    window = staff_window
    log_in(qtbot, window, "Awa Diallo", PIN)
    qtbot.mouseClick(window.staff_bar.visitors_button, CLICK)
    assert window.current_screen == "home"
    # Someone at the kiosk touches "Espace équipe": the logged-in account's PIN, nothing less.
    qtbot.mouseClick(window.access_bar.staff_button, CLICK)
    login = window.screens["staff_login"]
    assert window.current_screen == "staff_login"
    assert login.pin_box.isVisible() and login.greeting.text() == "Bonjour Awa Diallo"
    pad(qtbot, login, PIN)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)


def test_the_visit_that_just_ended_is_kept_for_staff_30_minutes(qtbot, staff_window, clock):
    window = staff_window
    step = start_visit(qtbot, window)
    assert step is not None
    path = window.walk.path
    window.end_visit()
    last = window.last_visit
    assert last is not None and last.outcome.procedure_id == "ameli-creer-compte"
    assert last.path == path and len(path) == 2
    clock.now += 29 * 60
    assert window.last_visit is not None
    clock.now += 60
    assert window.last_visit is None
    # The next visit starting forgets it too.
    start_visit(qtbot, window)
    window.end_visit()
    assert window.last_visit is not None
    window.start_walk("attestation-droits")
    assert window.last_visit is None


def test_ctrl_alt_s_opens_the_staff_login_and_a_store_without_accounts_makes_the_first_admin(
    qtbot, staff_window, kiosk, passphrase
):
    window = staff_window
    qtbot.keyClick(
        window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    )
    assert window.current_screen == "staff_login"
    login = window.screens["staff_login"]
    assert login.first_box.isVisible() and not login.account_buttons
    login.store_field.setText("pas le bon")
    login.admin_name.setText("Chloé")
    login.admin_pin.setText("864209")
    login.admin_pin2.setText("864209")
    qtbot.mouseClick(login.first_button, CLICK)
    assert "pas le mot de passe de la borne" in login.message.text()
    login.store_field.setText(passphrase)
    login.admin_pin.setText("864209")
    login.admin_pin2.setText("864209")
    qtbot.mouseClick(login.first_button, CLICK)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)
    assert window.staff_account.role == "site_admin"
    assert kiosk.staff.has_admin()


def test_the_keyboard_alone_logs_in_and_out(qtbot, staff_window, volunteer, admin):
    window = staff_window
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window, Qt.Key.Key_S, shortcut)
    login = window.screens["staff_login"]
    assert window.focusWidget() is login.account_buttons[0]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert window.focusWidget() is login.account_buttons[1]
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(login.pin_box.isVisible, timeout=3000)
    assert window.focusWidget() is login.field
    qtbot.keyClicks(window.focusWidget(), ADMIN_PIN)
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_screen == "staff_home", timeout=10_000)
    home = window.screens["staff_home"]
    assert window.focusWidget() is next(iter(home.tiles.values()))
    window.staff_bar.logout_button.setFocus()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_screen == "home", timeout=3000)
    assert window.staff_account is None


def test_a_staff_login_left_untouched_goes_home_and_the_visit_is_wiped(qtbot, staff_window):
    window = staff_window
    start_visit(qtbot, window)
    window.open_staff_login()  # a curious visitor, who then walks away
    window.inactivity.set_timeouts(idle_ms=40, warning_seconds=1, tick_ms=20)
    qtbot.waitUntil(lambda: window.current_screen == "home", timeout=5000)
    assert window.walk is None
    assert window.access_bar.isVisible()
