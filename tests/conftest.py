"""Shared test set-up: Qt offscreen, a private PASAPAS_HOME per test, French interface."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSPHRASE = "un cheval correct agrafe"


@pytest.fixture(autouse=True)
def pasapas_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("PASAPAS_HOME", str(home))
    monkeypatch.delenv("PASAPAS_PASSPHRASE", raising=False)
    monkeypatch.delenv("PASAPAS_NEW_PASSPHRASE", raising=False)
    from pasapas.app.i18n import set_language

    set_language("fr")
    return home


@pytest.fixture(autouse=True)
def back_to_french():
    """Whatever language a test switched to (gettext, Qt's translator, the layout direction, the
    default QLocale: all global), the next test starts in French, left to right."""
    yield
    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        if QApplication.instance() is not None:
            from pasapas.ui.language import apply_language

            apply_language("fr")
            return
    from pasapas.app.i18n import set_language

    set_language("fr")


@pytest.fixture
def paths(pasapas_home: Path):
    from pasapas.app.settings import Paths

    return Paths.under(pasapas_home).ensure()


@pytest.fixture
def passphrase() -> str:
    return PASSPHRASE
