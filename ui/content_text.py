"""Procedure texts on screen in the visitor's language, or in French, marked, when not translated.

A text missing in the chosen language is shown in French (the source every procedure has), laid
out left to right even in an Arabic window, with a note in the visitor's language; it is read by
the French voice, in its own sentences, never mixed with the visitor's voice inside one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from pasapas.app.content.model import Text
from pasapas.app.i18n import _
from pasapas.app.languages import SOURCE_LANGUAGE, is_rtl
from pasapas.ui.widgets import label


def untranslated_note() -> str:
    return _("Pas encore traduit dans votre langue : en français.")


def note_label() -> QLabel:
    """The note a screen shows above content that is not translated yet (hidden until then)."""
    note = label("", "muted")
    note.setObjectName("untranslated")
    note.hide()
    return note


def show_note(note: QLabel, used: str, language: str) -> None:
    """Show the note when the content is in `used` rather than the visitor's `language`."""
    note.setText(untranslated_note())
    note.setVisible(used != language)


def note_parts(used: str, language: str) -> list[tuple[str, str]]:
    """The note as the voice reads it (in the visitor's voice), when there is one to read."""
    return [(untranslated_note(), language)] if used != language else []


def lay_out(used: str, language: str, *widgets: QWidget) -> None:
    """Lay `widgets` out in the direction of `used`, the language their text is in; in the
    visitor's own `language` they follow the window."""
    for widget in widgets:
        if used == language:
            widget.unsetLayoutDirection()
        else:
            widget.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if is_rtl(used) else Qt.LayoutDirection.LeftToRight
            )


def resolved(texts: list[Text | None], language: str) -> str:
    """The one language a group of texts is shown in: `language` when every one of them has it,
    else French (a step is never shown half translated)."""
    present = [text for text in texts if text is not None]
    if all(language in text.languages for text in present):
        return language
    return SOURCE_LANGUAGE
