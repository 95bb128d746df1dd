"""The kiosk's voice on the Qt side: what to read, when, and what to tell screen readers.

Wraps an `accessibility.speech.Speech` (the engine lives in a worker process; every call here
returns at once). Screens ask the window to read a text aloud; a button that gets the keyboard
focus or is pressed and held speaks its label (self-voicing); step changes and countdowns are also
announced to assistive technology through Qt's accessibility events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QAccessibleWidget, QLabel, QWidget

from pasapas.accessibility.spoken_text import without_symbols
from pasapas.app.i18n import _
from pasapas.app.languages import is_rtl, strip_isolates

try:  # Qt >= 6.8
    from PySide6.QtGui import QAccessibleAnnouncementEvent
except ImportError:  # pragma: no cover - older Qt: a name change still reaches screen readers
    QAccessibleAnnouncementEvent = None


class SpeechEngine(Protocol):
    def say(self, text: str, language: str) -> None: ...
    def say_parts(self, parts: Sequence[tuple[str, str]]) -> None: ...
    def stop(self) -> None: ...
    def set_rate(self, rate: str) -> None: ...
    @property
    def available(self) -> bool: ...
    @property
    def status(self) -> str: ...
    def close(self) -> None: ...


# -- what every screen says (spoken guidance, in the interface language) ----------------------


def sentence(text: str) -> str:
    """A spoken sentence: no symbols, one stop at its end ("… ?" keeps its question mark)."""
    text = without_symbols(strip_isolates(text)).strip()
    if not text:
        return ""
    text = text.rstrip(".").rstrip() if text.endswith(".") and not text.endswith("…") else text
    return text if text[-1] in "?!:…؟" else text + "."


def sentences(parts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """(text, language) parts as sentences, the empty ones dropped."""
    out = [(sentence(text), language) for text, language in parts]
    return [(text, language) for text, language in out if text]


def continue_hint(language: str) -> str:
    """Where the step's main action is: Next, at the bottom, on the reading side's end."""
    if is_rtl(language):
        return _("Pour continuer, touchez le grand bouton Suivant, en bas à gauche.")
    return _("Pour continuer, touchez le grand bouton Suivant, en bas à droite.")


def answer_hint() -> str:
    return _("Pour répondre, touchez le grand bouton de votre réponse.")


def start_hint(language: str) -> str:
    if is_rtl(language):
        return _("Pour commencer, touchez le grand bouton Commencer, en bas à gauche.")
    return _("Pour commencer, touchez le grand bouton Commencer, en bas à droite.")


def finish_hint() -> str:
    return _("Pour finir, touchez le grand bouton Retour à l'accueil, en bas de l'écran.")


def theme_hint() -> str:
    return _("Touchez une démarche pour savoir comment la faire.")


def language_hint() -> str:
    return _("Touchez le nom de votre langue.")


def hold_hint() -> str:
    return _("Pour entendre un bouton sans le choisir, gardez le doigt appuyé dessus.")


HOLD_HINT = "press-and-hold"  # explained by voice once a visit


def announce(widget: QWidget, text: str) -> None:
    """Tell screen readers (Orca through AT-SPI, NVDA…) about a change they cannot see."""
    if not text:
        return
    if QAccessibleAnnouncementEvent is not None:
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, text))
    else:  # pragma: no cover - Qt < 6.8
        widget.setAccessibleName(text)
        event = QAccessible.Event.NameChanged
        QAccessible.updateAccessibility(QAccessible.QAccessibleEvent(widget, event))


class _Heading(QAccessibleWidget):
    """A screen's title, as screen readers should know it: a heading (Orca's "H" jumps to it)."""

    def __init__(self, widget: QLabel) -> None:
        super().__init__(widget, QAccessible.Role.Heading)
        self._label = widget

    def text(self, kind: QAccessible.Text) -> str:
        if kind == QAccessible.Text.Name:
            return without_symbols(
                strip_isolates(self._label.accessibleName() or self._label.text())
            )
        return super().text(kind)


def _accessible(key: str, obj: QObject) -> QAccessibleInterface | None:
    if isinstance(obj, QLabel) and obj.property("role") == "title":
        return _Heading(obj)
    return None


_headings_installed = False


def expose_titles_as_headings() -> None:
    """Every label with the "title" role is a heading for screen readers (Qt has no property
    for it: an accessibility factory gives those labels the Heading role). Once a process."""
    global _headings_installed
    if not _headings_installed:
        QAccessible.installFactory(_accessible)
        _headings_installed = True


class Voice(QObject):
    # The engine reports trouble from its own thread: hop to the GUI thread through a signal.
    status_changed = Signal(str)

    def __init__(self, speech: SpeechEngine | None = None) -> None:
        super().__init__()
        self.speech = speech
        self.enabled = True
        self._last: list[tuple[str, str]] = []
        self._hints: set[str] = set()  # the explanations already given this visit

    def attach(self, speech: SpeechEngine | None) -> None:
        self.speech = speech
        if speech is not None and speech.status:
            self.status_changed.emit(speech.status)

    def report_status(self, message: str) -> None:
        """Given to the engine as `on_status`; safe from any thread."""
        self.status_changed.emit(message)

    @property
    def status(self) -> str:
        return self.speech.status if self.speech is not None else ""

    def read(self, text: str, language: str) -> None:
        """Read `text` aloud (when the voice is on), cutting whatever was being said."""
        self.read_parts([(text, language)])

    def read_parts(self, parts: Sequence[tuple[str, str]]) -> None:
        """Read (text, language) parts in turn, each with its language's voice; parts in the same
        language next to each other are read as one."""
        merged: list[tuple[str, str]] = []
        for text, language in parts:
            if not text:
                continue
            if merged and merged[-1][1] == language:
                merged[-1] = (f"{merged[-1][0]}\n{text}", language)
            else:
                merged.append((text, language))
        self._last = merged
        if not (self.enabled and self.speech is not None and merged):
            return
        if len(merged) == 1:
            self.speech.say(*merged[0])
        else:
            self.speech.say_parts(merged)

    def read_for_room(self, parts: Sequence[tuple[str, str]]) -> None:
        """Read to a workshop's room what a trainer projects: spoken whether or not the
        visitor's voice is on (the trainer pressed "Lire à voix haute")."""
        enabled, self.enabled = self.enabled, True
        try:
            self.read_parts(parts)
        finally:
            self.enabled = enabled

    @property
    def last_read(self) -> list[tuple[str, str]]:
        """What "Repeat" would read again: (text, language) parts."""
        return list(self._last)

    def repeat(self) -> None:
        if self._last:
            self.read_parts(self._last)

    def label(self, text: str, language: str) -> None:
        """Self-voicing: speak a control's label, without replacing what "Repeat" repeats."""
        if self.enabled and self.speech is not None and text:
            self.speech.say(text, language)

    def stop(self) -> None:
        if self.speech is not None:
            self.speech.stop()

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        if not enabled:
            self.stop()

    def set_rate(self, rate: str) -> None:
        if self.speech is not None:
            self.speech.set_rate(rate)

    def forget(self) -> None:
        """Stop, and forget what was read (the visit ends, or the language changes)."""
        self.stop()
        self._last = []

    def hint_due(self, key: str) -> bool:
        """Is the explanation `key` (how to press and hold…) still to be given this visit?"""
        return key not in self._hints

    def hint_given(self, key: str) -> None:
        self._hints.add(key)

    def new_visit(self) -> None:
        """The next visitor: stop, forget what was read and which explanations were given."""
        self.forget()
        self._hints.clear()

    def close(self) -> None:
        if self.speech is not None:
            self.speech.close()
