"""An installed kiosk (a wheel, not the source tree) carries its compiled catalogs."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from pasapas.app.languages import SUPPORTED

ROOT = Path(__file__).resolve().parents[2]


def _source_copy(into: Path) -> Path:
    """What a build reads, copied: building in the working tree would leave build/ in it."""
    tree = into / "src"
    keep = shutil.ignore_patterns("__pycache__", "*.mo", "*.egg-info")
    for folder in ("pasapas", "app", "ui", "sync", "accessibility", "locales"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=keep)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, tree / name)
    return tree


def test_the_wheel_contains_a_compiled_catalog_for_every_language(tmp_path):
    source = _source_copy(tmp_path)
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
            str(source),
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
            member = f"pasapas/app/locales/{language}/LC_MESSAGES/pasapas.mo"
            assert member in names, member
        archive.extract("pasapas/app/locales/ar/LC_MESSAGES/pasapas.mo", tmp_path)
        assert not any(name.endswith(".po") for name in names)
    with (tmp_path / "pasapas/app/locales/ar/LC_MESSAGES/pasapas.mo").open("rb") as handle:
        arabic = gettext.GNUTranslations(handle)
    assert arabic.gettext("Suivant →") == "التالي ←"
