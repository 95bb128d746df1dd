"""The Qt binding itself must hold for a kiosk that runs all day."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_qt_calls_do_not_drop_references_to_none(qtbot):
    # PySide6 6.12.0 on Python 3.11 loses one reference to None per call that returns nothing;
    # after enough screens the interpreter aborts with "none_dealloc". (Python 3.12+ makes None
    # immortal, so the count cannot show the bug there.)
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("Suivant")
        label.show()
        label.hide()
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 6,000 Qt calls: pin another PySide6"
