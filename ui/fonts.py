"""The kiosk's typeface: Atkinson Hyperlegible (made for low vision), from its Python package.

Arabic and Cyrillic, which it does not cover, fall back to Noto Sans Arabic and DejaVu Sans from
the system (installer/system-deps.sh installs them).
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtGui import QFontDatabase

PRIMARY_FAMILY = "Atkinson Hyperlegible"
FALLBACK_FAMILIES = ("Noto Sans", "DejaVu Sans", "Noto Sans Arabic", "Noto Naskh Arabic")


@functools.cache
def load_fonts() -> tuple[str, ...]:
    """Register the packaged typeface with Qt; return the families to ask for, best first."""
    families: list[str] = []
    try:
        import fontpkg_atkinson_hyperlegible as package
    except ImportError:  # not installed: the system fonts still cover every script
        package = None
    if package is not None:
        for file in sorted((Path(package.__file__).parent / "files").glob("*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(file))
            if font_id >= 0:
                families += QFontDatabase.applicationFontFamilies(font_id)
    ordered = [PRIMARY_FAMILY] if PRIMARY_FAMILY in families else []
    return (*ordered, *FALLBACK_FAMILIES)
