"""The GUI composition root: builds the parts (store factories, speech, sync runner, clock), hands
them to the window, and runs the kiosk. Nothing else in `ui/` builds a store or a speech engine."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from pasapas.app.i18n import _, set_language
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths, load_settings

DEMO_PASSPHRASE = "demo"


def display_problem() -> str | None:
    """A sentence saying why no window can open here, or None when one can."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith(("offscreen", "minimal", "vnc", "eglfs", "linuxfb")):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return _(
            "Pas d'écran : aucun affichage graphique n'est disponible (DISPLAY n'est pas défini). "
            "Lancez la borne dans un écran virtuel : xvfb-run -a make run"
        )
    return None


def run_kiosk(*, demo: bool = False, windowed: bool = False, paths: Paths | None = None) -> int:
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from pasapas.ui.parts import Parts
    from pasapas.ui.window import KioskWindow

    demo_home: Path | None = None
    if demo:
        demo_home = Path(tempfile.mkdtemp(prefix="pasapas-demo-"))
        paths = Paths.under(demo_home)
    paths = (paths or Paths.default()).ensure()
    settings = load_settings(paths)
    from pasapas.app.instance import KioskLock, KioskRunningError

    try:  # held until the kiosk ends: `db rekey` and `db restore` refuse meanwhile
        lock = KioskLock(paths).acquire()
    except KioskRunningError as error:
        print(error.message, file=sys.stderr)
        return 1
    set_language(settings.language)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Pas à pas")
    app.setDesktopFileName("pasapas")
    speech = None
    try:
        kiosk = None
        if demo:
            kiosk = Kiosk.create(paths, DEMO_PASSPHRASE, demo=True)
            print(
                _(
                    "Mode démo : base jetable dans {path}. Pour fermer la borne, "
                    "le mot de passe est « {passphrase} » (Ctrl+Alt+Q)."
                ).format(path=demo_home, passphrase=DEMO_PASSPHRASE),
                file=sys.stderr,
            )
        holder: dict[str, KioskWindow] = {}
        parts = Parts()  # the real store factories, sync runner and clock; speech comes next,
        # attached to the window's voice after the first paint
        window = KioskWindow(paths, settings, kiosk=kiosk, locked_down=not windowed, parts=parts)
        holder["window"] = window

        def start_voice() -> None:
            # After the first paint: the worker process starts while the visitor looks.
            nonlocal speech
            speech = _start_speech(window.prefs.rate, holder, window.settings.voice_choice())
            window.voice.attach(speech)

        QTimer.singleShot(0, start_voice)
        if os.environ.get("PASAPAS_REPORT_READY"):
            window.screens["home"].first_paint_callbacks.append(lambda: _report_ready(window))
        _quit_on_signals(app, window)
        if windowed:
            window.resize(1280, 900)
            window.show()
        else:
            window.setWindowFlags(window.windowFlags() | _frameless_flags())
            # Without a window manager (a bare kiosk session) full screen is not enforced:
            # cover the screen ourselves too.
            window.setGeometry(app.primaryScreen().geometry())
            window.showFullScreen()
        return app.exec()
    finally:
        lock.release()
        if speech is not None:
            speech.close()
        if demo_home is not None:
            shutil.rmtree(demo_home, ignore_errors=True)


def _report_ready(window) -> None:
    """The line a launcher waits for (tests, benchmarks, the kiosk-session check): the window's
    size, its screen's size and whether it is full screen, as the windowing system has them."""
    from PySide6.QtGui import QGuiApplication

    size, screen = window.size(), window.screen().geometry()
    state = "fullscreen" if window.isFullScreen() else "windowed"
    print(
        f"pasapas-ready window={size.width()}x{size.height()} "
        f"screen={screen.width()}x{screen.height()} {state} "
        f"platform={QGuiApplication.platformName()}",
        flush=True,
    )


def _start_speech(rate: str, holder: dict, voices: dict[str, str]):
    """The voice engine, in its worker process, with the voice staff chose for each language
    (from the first reading after a restart). A kiosk with no voice still works, silently."""
    from pasapas.accessibility.speech import Speech

    def on_status(message: str) -> None:
        window = holder.get("window")
        if window is not None:
            window.voice.report_status(message)

    return Speech(rate=rate, on_status=on_status, voices=voices)


def _quit_on_signals(app, window) -> None:
    """SIGTERM or SIGINT (the system shutting down) closes the kiosk cleanly, without asking
    for the admin passphrase; a demo folder is then removed."""
    import signal

    from PySide6.QtCore import QTimer

    def stop(*_args: object) -> None:
        window.allow_close()
        app.quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop)
    # Qt's loop runs in C++: wake Python regularly so it can run the signal handler.
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _frameless_flags():
    from PySide6.QtCore import Qt

    return Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
