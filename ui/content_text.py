"""Procedure texts on screen in the visitor's language, or in French, marked, when not translated.

A text missing in the chosen language is shown in French (the source every procedure has), laid
out left to right even in an Arabic window, with a note in the visitor's language; it is read by
the French voice, in its own sentences, never mixed with the visitor's voice inside one.

The labels laid out here keep room at the end of their right-to-left lines (`keep_glyphs_in`):
Qt draws a wrapped Arabic line up to a third of an em wider than the width it broke it for.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

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
    visitor's own `language` they follow the window. Their labels keep their glyphs inside
    (`keep_glyphs_in`)."""
    for widget in widgets:
        if used == language:
            widget.unsetLayoutDirection()
        else:
            widget.setLayoutDirection(
                Qt.LayoutDirection.RightToLeft if is_rtl(used) else Qt.LayoutDirection.LeftToRight
            )
        labels = [widget] if isinstance(widget, QLabel) else []
        for label_widget in labels + widget.findChildren(QLabel):
            label_widget.setProperty("glyph_lead", True)  # content: room before LTR lines too
            keep_glyphs_in(label_widget)


# Qt lays a wrapped right-to-left line out up to about a third of an em wider than the width it
# broke the line for, so a label cuts its line's last word (at the left) at its edge, the more so
# when a page's scroll bar takes its width. The labels keep that much room free at the end of
# their lines, on the left, when they are laid out right to left.
RTL_SLACK_EM = 0.45
LTR_LEAD_EM = 0.1


class _GlyphRoom(QObject):
    """Keeps the room at the end of right-to-left lines as the label's font and direction change
    (text size, language)."""

    WATCHED = (QEvent.Type.FontChange, QEvent.Type.LayoutDirectionChange, QEvent.Type.Polish)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QLabel) and event.type() in self.WATCHED:
            _make_room(watched)
        return False


_ROOM: _GlyphRoom | None = None


def _make_room(widget: QLabel) -> None:
    base = widget.property("glyph_room_base")
    if not isinstance(base, QRect):
        margins = widget.contentsMargins()
        base = QRect(margins.left(), margins.top(), margins.right(), margins.bottom())
        widget.setProperty("glyph_room_base", base)
    rtl = widget.layoutDirection() == Qt.LayoutDirection.RightToLeft
    # Content left to right keeps a little room at the start of its lines too: a "j" draws
    # left of its origin (5 px at 300 %).
    em = widget.fontInfo().pixelSize()
    lead = LTR_LEAD_EM if widget.property("glyph_lead") else 0.0
    room = round(RTL_SLACK_EM * em) if rtl else round(lead * em)
    # QRect as four numbers: left, top, right, bottom margins as first set on the label.
    wanted = (base.x() + room, base.y(), base.width(), base.height())
    margins = widget.contentsMargins()
    if (margins.left(), margins.top(), margins.right(), margins.bottom()) != wanted:
        widget.setContentsMargins(*wanted)  # which asks the layouts around it again


def keep_glyphs_in(widget: QLabel) -> None:
    """Keep room for Qt's overlong right-to-left lines in `widget`, now and whenever its font or
    direction changes."""
    global _ROOM
    if _ROOM is None or not shiboken6.isValid(_ROOM):  # one per application
        _ROOM = _GlyphRoom(QApplication.instance())
    if not widget.property("glyph_room"):
        widget.setProperty("glyph_room", True)
        widget.installEventFilter(_ROOM)
    _make_room(widget)


def resolved(texts: list[Text | None], language: str) -> str:
    """The one language a group of texts is shown in: `language` when every one of them has it,
    else French (a step is never shown half translated)."""
    present = [text for text in texts if text is not None]
    if all(language in text.languages for text in present):
        return language
    return SOURCE_LANGUAGE
