"""Run by tests/ui/test_real_window.py inside Xvfb: a kiosk window at 1024×768, text at 200 %,
on its home page; a real pointer (xdotool, real X events at a finger's pace) drags the page up
by 400 px and holds before letting go, then flicks it. Prints what a person would have seen, as
JSON: the page's position sampled every 20 ms, and the screen shown at the end."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication


def main() -> None:
    app = QApplication(sys.argv[:1])
    from pasapas.app.services import Kiosk
    from pasapas.app.settings import Paths, Settings
    from pasapas.ui.window import KioskWindow

    home = Path(tempfile.mkdtemp(prefix="pasapas-drag-"))
    paths = Paths.under(home).ensure()
    kiosk = Kiosk.create(paths, "a drag probe's own passphrase")
    window = KioskWindow(paths, Settings(), kiosk=kiosk, locked_down=False)
    window.move(0, 0)
    window.resize(1024, 768)
    window.show()
    window.set_prefs(replace(window.prefs, text_size=200))
    window.go("home")
    page = window.screens["home"].page
    seen: dict[str, list] = {"hold": [], "flick": []}
    phase = {"name": "hold"}

    def sample() -> None:
        seen[phase["name"]].append(page.verticalScrollBar().value())

    sampler = QTimer()
    sampler.timeout.connect(sample)
    sampler.start(20)

    def drag(pause: float) -> subprocess.Popen:
        port = page.viewport()
        start = port.mapToGlobal(QPoint(port.width() // 2, port.height() - 20))
        x, y = start.x(), start.y()
        command = ["xdotool", "mousemove", str(x), str(y), "mousedown", "1"]
        for dy in range(20, 420, 20):
            command += ["sleep", "0.015", "mousemove", str(x), str(y - dy)]
        command += ["sleep", str(pause), "mouseup", "1"]
        return subprocess.Popen(command)

    def hold() -> None:
        drag(0.4)

    def flick() -> None:
        phase["name"] = "flick"
        page.verticalScrollBar().setValue(0)
        drag(0.0)

    def done() -> None:
        print(
            json.dumps(
                {
                    "hold": seen["hold"],
                    "flick": seen["flick"],
                    "maximum": page.verticalScrollBar().maximum(),
                    "screen": window.current_screen,
                    "time": time.monotonic(),
                }
            ),
            flush=True,
        )
        window.inactivity.stop()
        kiosk.close()
        app.quit()

    QTimer.singleShot(1500, hold)
    QTimer.singleShot(3500, flick)
    QTimer.singleShot(6000, done)
    app.exec()


if __name__ == "__main__":
    main()
