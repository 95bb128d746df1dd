"""The kiosk's side in the window: the staff screen behind the staff login, enrolment and "sync
now" from it, and the background runner that retries as soon as the network is back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from pasapas.app.guide import Outcome
from pasapas.app.services import Kiosk
from pasapas.app.settings import Settings
from pasapas.ui.sync_runner import SyncRunner
from tests.sync.faultproxy import FaultProxy
from tests.sync.support import Central, ThreadedService, many_procedures


@pytest.fixture
def central_service(sqlite_url):
    central = Central(sqlite_url)
    running = ThreadedService(sqlite_url)
    yield central, running
    running.stop()
    central.close()


@pytest.fixture
def kiosk_window(qtbot, paths, passphrase):
    from pasapas.ui.window import KioskWindow

    kiosk = Kiosk.create(paths, passphrase)
    window = KioskWindow(paths, Settings(), kiosk=kiosk, locked_down=False)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.inactivity.stop()
    if window.sync_runner is not None:
        window.sync_runner.stop()


def _log_in(qtbot, window, pin: str) -> None:
    """The staff login as a volunteer uses it: the account's button, the PIN on the pad."""
    login = window.screens["staff_login"]
    qtbot.mouseClick(login.account_buttons[0], Qt.MouseButton.LeftButton)
    for digit in pin:
        qtbot.mouseClick(login.findChild(QPushButton, f"pin-{digit}"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(login.ok_button, Qt.MouseButton.LeftButton)


def test_the_staff_screen_needs_a_staff_login_first(qtbot, kiosk_window):
    window = kiosk_window
    window.kiosk.staff.create("Awa", "volunteer", "246813")
    window.go("staff_sync")
    assert window.current_screen == "staff_login"  # no session: the login, not the screen
    login = window.screens["staff_login"]
    _log_in(qtbot, window, "111222")
    qtbot.waitUntil(login.message.isVisible, timeout=10_000)  # wrong PIN: said so, stays
    assert window.current_screen == "staff_login"
    _log_in(qtbot, window, "246813")
    qtbot.waitUntil(lambda: window.current_screen == "staff_sync", timeout=10_000)
    screen = window.screens["staff_sync"]
    assert "pas encore inscrite" in screen.state.text()
    assert not screen.sync_button.isEnabled()


def test_staff_enrol_the_kiosk_and_sync_now_without_blocking(qtbot, kiosk_window, central_service):
    central, running = central_service
    central.publish(many_procedures(5))
    window = kiosk_window
    window.staff_login(window.kiosk.staff.create("Awa", "volunteer", "246813"), target="staff_sync")
    assert window.current_screen == "staff_sync"
    screen = window.screens["staff_sync"]
    screen.url.setText(running.url)
    screen.code.setText(central.code())
    screen.allow_http.setChecked(True)
    qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
    assert screen.code.text() == ""  # the code does not stay on screen
    # Enrolment, then the first sync, happen off the GUI thread; the screen follows.
    qtbot.waitUntil(
        lambda: any(p.id == "demarche-0004" for p in window.kiosk.procedures("fr")),
        timeout=20_000,
    )
    qtbot.waitUntil(lambda: not window.sync_runner.busy, timeout=20_000)
    assert "Service : " + running.url in screen.state.text()

    walk = window.kiosk.start_walk("demarche-0001", "fr")
    window.broadcast(window.kiosk.record_visit(walk.abandon()))
    assert "1 enregistrement en attente" in screen.state.text()
    qtbot.mouseClick(screen.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.kiosk.sync_status().queued == 0, timeout=20_000)
    qtbot.waitUntil(lambda: "0 enregistrement en attente" in screen.state.text(), timeout=20_000)
    assert running.db.count_records() == 1


def test_the_runner_syncs_as_soon_as_the_network_is_back(qtbot, paths, passphrase, central_service):
    from pasapas.sync.client import enroll

    central, running = central_service
    proxy = FaultProxy.to(running.url)
    kiosk = Kiosk.create(paths, passphrase)
    runner = SyncRunner(kiosk, first_delay_ms=0, check_ms=50, probe_ms=50, interval_s=3600)
    try:
        enroll(kiosk.store, proxy.url, central.code(), allow_http=True)
        kiosk.visits.record(Outcome("carte-vitale", True, 4, "fr"))
        proxy.offline = True
        runner.start()
        qtbot.waitUntil(lambda: kiosk.sync_status().offline, timeout=20_000)
        assert kiosk.sync_status().queued == 1
        # Backoff would wait 15 s or more; the probe sees the network come back first.
        assert not kiosk.sync_due()
        proxy.offline = False
        qtbot.waitUntil(lambda: kiosk.sync_status().queued == 0, timeout=20_000)
        qtbot.waitUntil(lambda: kiosk.sync_status().last_error == "", timeout=20_000)
        assert running.db.count_records() == 1
        assert kiosk.sync_status().last_success
    finally:
        runner.stop()
        qtbot.waitUntil(lambda: not runner.busy, timeout=20_000)
        proxy.close()
        kiosk.close()
