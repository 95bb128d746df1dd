"""A real kiosk window on a real encrypted store, driven by pytest-qt on the offscreen platform."""

from __future__ import annotations

import pytest


@pytest.fixture
def kiosk(paths, passphrase):
    from pasapas.app.services import Kiosk

    kiosk = Kiosk.create(paths, passphrase)
    yield kiosk
    kiosk.close()


def _show(qtbot, window):
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitActive(window)
    return window


@pytest.fixture
def make_window(qtbot, paths):
    from pasapas.app.settings import Settings
    from pasapas.ui.window import KioskWindow

    made = []

    def make(kiosk=None, *, locked_down=False, settings=None, speech=None):
        window = KioskWindow(
            paths, settings or Settings(), kiosk=kiosk, locked_down=locked_down, speech=speech
        )
        made.append(window)
        return _show(qtbot, window)

    yield make
    for window in made:
        window.inactivity.stop()


@pytest.fixture
def window(make_window, kiosk):
    return make_window(kiosk)


@pytest.fixture
def speech():
    """The speech engine, recorded at the edge (tests/ui/fakes.py)."""
    from tests.ui.fakes import RecordingSpeech

    return RecordingSpeech()


@pytest.fixture
def voiced(make_window, kiosk, speech):
    """A kiosk window whose voice is recorded."""
    return make_window(kiosk, speech=speech)


@pytest.fixture
def settled_audit(qtbot):
    """Audit a window once its layout has settled. Under load a scrolling page can take longer
    than any fixed wait to give its wrapped labels their height; a real clipping stays, and is
    reported once the time is up."""
    import time

    from pasapas.accessibility.audit import audit_widget_tree

    def run(window, where: str, timeout_ms: int = 3000):
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            result = audit_widget_tree(window, where)
            if not result.violations or time.monotonic() > deadline:
                return result
            qtbot.wait(100)

    return run
