"""The translation template lists every interface string in the code (run `make i18n-extract`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


def test_pot_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "pgettext:1c,2",
            "-k",
            "gettext_in:2",
            "--no-location",
            "-o",
            str(fresh),
            "pasapas",
            "app",
            "ui",
            "accessibility",
            "sync",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    committed = _ids(ROOT / "locales" / "pasapas.pot")
    extracted = _ids(fresh)
    assert extracted - committed == set(), "new strings: run `make i18n-extract`"
    assert committed - extracted == set(), "stale strings: run `make i18n-extract`"
