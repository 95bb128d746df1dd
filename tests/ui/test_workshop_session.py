"""A trainer runs a whole workshop at the kiosk, by touch, on a kiosk with a projector.

The kiosk has two screens (the offscreen platform given two screens: the kiosk's 1280×800 and a
1920×1080 projector), so the presentation must go to the projector, full screen. The trainer
logs in with the PIN pad, plans the workshop with four participants, starts it (the idle wipe
then waits), presents the steps (next, answer, pause, hide), marks who is there, hands the
kiosk to two participants in turn (one answers wrong before right, one gets stuck), watches
the progress, ends the workshop, and writes the report, the CSV and the attestations, read back
with pdftotext and rendered with pdftoppm.

Qt's platform is chosen once per process: the test runs the session
(`workshop_session_child.py`) in a child pytest whose offscreen platform has the two screens,
and passes when that run passes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TWO_SCREENS = {
    "synchronousWindowSystemEvents": False,
    "windowFrameMargins": False,
    "screens": [
        {"name": "kiosk", "x": 0, "y": 0, "width": 1280, "height": 800, "logicalDpi": 96},
        {"name": "projector", "x": 1280, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96},
    ],
}
# The session itself: not named test_*.py, so only this test's child pytest runs it.
CHILD_FILE = Path(__file__).with_name("workshop_session_child.py")


def test_a_trainer_runs_a_whole_workshop_on_a_kiosk_with_a_projector(tmp_path):
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(TWO_SCREENS), encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{CHILD_FILE}::test_whole_workshop",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "1 passed" in run.stdout
