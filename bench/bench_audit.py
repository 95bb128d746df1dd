"""The accessibility audit over every screen, theme and size, against only showing those states.

Baseline, in the same run: putting every screen in each state, theme and size without checking
anything. The ratio is the cost of the checks; the goal is the whole audit under 60 s.
Usage: .venv/bin/python bench/bench_audit.py [--quick]
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from pasapas.accessibility.themes import THEMES
from pasapas.app.preferences import Preferences
from pasapas.ui.audit_driver import AUDIT_SCALES, demo_window, run_audit, screen_states, settle

GOAL_SECONDS = 60.0


def show_only() -> int:
    """Every state of the audit, shown and laid out, with no check: the baseline."""
    app = QApplication.instance() or QApplication([])
    shown = 0
    with demo_window() as window:
        for theme_id in THEMES:
            for scale in AUDIT_SCALES:
                for _label, show in screen_states(window):
                    window.wipe_visit()
                    window.set_prefs(replace(Preferences(), theme=theme_id, text_size=scale))
                    show()
                    settle(app)
                    window.inactivity.overlay.hide()
                    shown += 1
    return shown


def main() -> int:
    QApplication.instance() or QApplication([])
    start = time.perf_counter()
    states = show_only()
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    result = run_audit()
    audit = time.perf_counter() - start
    print("== a11y audit: every screen state x 4 themes x 2 sizes ==")
    print(f"  states shown                     {states}")
    print(f"  baseline: show every state       {baseline:6.1f} s")
    print(
        f"  pasapas a11y-audit (run_audit)   {audit:6.1f} s   "
        f"{result.checks} checks, {len(result.violations)} violations"
    )
    print(f"  RATIO audit/show: {audit / baseline:.2f}")
    verdict = "OK" if audit < GOAL_SECONDS else "MISSED"
    print(f"GOAL whole audit < {GOAL_SECONDS:.0f} s: {verdict} ({audit:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
