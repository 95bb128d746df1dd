"""The kiosk's screens, registered in one place.

A screen is a `Screen` subclass decorated with `@register_screen`; `load_screens()` imports every
module of this package, so adding a screen is adding a file. The window builds one instance of each
registered screen and moves between them by name.
"""

from __future__ import annotations

import importlib
import pkgutil

from pasapas.ui.screens.base import Navigator, Screen

SCREENS: dict[str, type[Screen]] = {}


def register_screen(cls: type[Screen]) -> type[Screen]:
    if cls.name in SCREENS and SCREENS[cls.name] is not cls:
        raise ValueError(f"two screens named {cls.name!r}")
    SCREENS[cls.name] = cls
    return cls


def load_screens() -> dict[str, type[Screen]]:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    return dict(SCREENS)


__all__ = ["SCREENS", "Navigator", "Screen", "load_screens", "register_screen"]
