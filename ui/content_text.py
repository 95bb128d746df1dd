"""Procedure texts on screen in the visitor's language, or in French, marked, when not translated.

A text missing in the chosen language is shown in French (the source every procedure has), laid
out left to right even in an Arabic window, with a note in the visitor's language; it is read by
the French voice, in its own sentences, never mixed with the visitor's voice inside one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from app.content.model import Text
from app.i18n import _
from app.languages import is_rtl


def untranslated_note() -> str:
    return _("Pas encore traduit dans votre langue : en français.")


def show_in_language(widget: QWidget, language: str) -> None:
    """Lay `widget` out in the direction of the language its text is in."""
    widget.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if is_rtl(language) else Qt.LayoutDirection.LeftToRight
    )


def follow_interface(widget: QWidget) -> None:
    """Let `widget` take the window's direction again."""
    widget.unsetLayoutDirection()


def resolved(texts: list[Text | None], language: str) -> str:
    """The one language a group of texts is shown in: `language` when every one of them has it,
    else French (a step is never shown half translated)."""
    present = [text for text in texts if text is not None]
    if all(language in text.languages for text in present):
        return language
    return "fr"
