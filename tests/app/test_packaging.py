"""An installed kiosk (a wheel, not the source tree) carries its compiled catalogs."""

from __future__ import annotations

import gettext
import subprocess
import sys
import zipfile
from pathlib import Path

from app.languages import SUPPORTED

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_contains_a_compiled_catalog_for_every_language(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (wheel,) = tmp_path.glob("pasapas-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for language in SUPPORTED:
            member = f"app/locales/{language}/LC_MESSAGES/pasapas.mo"
            assert member in names, member
        archive.extract("app/locales/ar/LC_MESSAGES/pasapas.mo", tmp_path)
        assert not any(name.endswith(".po") for name in names)
    with (tmp_path / "app/locales/ar/LC_MESSAGES/pasapas.mo").open("rb") as handle:
        arabic = gettext.GNUTranslations(handle)
    assert arabic.gettext("Suivant →") == "التالي ←"
