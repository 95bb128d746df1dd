"""The real kiosk in a real X window (Xvfb), from the command a site would run."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.xvfb import xvfb

ROOT = Path(__file__).resolve().parents[2]

GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
image = app.primaryScreen().grabWindow(0).toImage()
image.save(sys.argv[1])
colours = {
    image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
}
corner = image.pixelColor(image.width() - 3, image.height() - 3)
print(image.width(), image.height(), len(colours), corner.lightness())
"""


def _wait_for_line(process: subprocess.Popen, wanted: str, timeout: float) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if not line:
                break
            seen.append(line.strip())
            if line.strip().split(" ")[0] == wanted:
                return seen
        if process.poll() is not None:
            break
    raise AssertionError(f"kiosk never printed {wanted!r}; saw {seen}")


@pytest.mark.xvfb
def test_demo_kiosk_opens_full_screen_in_a_real_x_window(tmp_path):
    shot = Path(os.environ.get("PASAPAS_SCREENSHOT", tmp_path / "kiosk.png"))
    with xvfb(1280, 800) as display:
        env = {
            k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
        }
        env.update(
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            PASAPAS_REPORT_READY="1",
            PASAPAS_HOME=str(tmp_path / "home"),
        )
        kiosk = subprocess.Popen(
            [sys.executable, "-m", "pasapas", "kiosk", "--demo"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _wait_for_line(kiosk, "pasapas-ready", timeout=60)
            grab = subprocess.run(
                [sys.executable, "-c", GRAB, str(shot)],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert grab.returncode == 0, grab.stderr
            width, height, colours, corner = (int(v) for v in grab.stdout.split())
        finally:
            kiosk.terminate()
            try:
                kiosk.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kiosk.kill()
                kiosk.wait()
    assert (width, height) == (1280, 800)
    # Full screen: the kiosk's light page reaches the bottom-right corner (X's root is black).
    assert corner > 200
    # A painted home screen (text, tiles, focus frame), not a blank or black screen.
    assert colours > 20
    assert shot.stat().st_size > 10_000
    stderr = kiosk.stderr.read()
    assert kiosk.returncode == 0, stderr
    assert "Traceback" not in stderr
    # The demo's throwaway data folder is gone once the kiosk has stopped.
    match = re.search(r"base jetable dans (\S+)\.", stderr)
    assert match, stderr
    assert not Path(match.group(1)).exists()


def test_no_display_says_so_in_one_sentence_without_a_traceback(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PASAPAS_HOME"] = str(tmp_path / "home")
    result = subprocess.run(
        [sys.executable, "-m", "pasapas", "kiosk", "--demo"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "xvfb-run" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.xvfb
def test_a_finger_drags_and_flicks_a_page_in_a_real_window_and_presses_nothing():
    """Real X pointer events at a finger's pace (xdotool), not Qt's own test events: the page
    follows the finger while it moves, stays where it was let go after a hold, runs on after a
    flick, and the tile the drag started on is never pressed."""
    with xvfb(1280, 1024) as display:
        env = {
            k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")
        }
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        probe = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "ui" / "drag_probe.py")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert probe.returncode == 0, probe.stderr
    seen = json.loads(probe.stdout.strip().splitlines()[-1])
    assert seen["screen"] == "home"  # the drags started on the page and pressed nothing
    assert seen["maximum"] > 800  # at 200 % the home page goes on below
    hold, flick = seen["hold"], seen["flick"]
    # While the finger moves the page moves with it, step by step, not in one jump at the end.
    moving = sorted(set(hold))
    assert len([v for v in moving if 0 < v < 400]) >= 3, hold
    # Held still before letting go: the page stays where the finger left it (400 px up).
    assert 360 <= hold[-1] <= 440, hold
    # Let go while moving: the page runs on past where the finger stopped.
    assert flick[-1] > 500, flick
