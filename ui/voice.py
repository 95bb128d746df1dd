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
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget

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


class Voice(QObject):
    # The engine reports trouble from its own thread: hop to the GUI thread through a signal.
    status_changed = Signal(str)

    def __init__(self, speech: SpeechEngine | None = None) -> None:
        super().__init__()
        self.speech = speech
        self.enabled = True
        self._last: list[tuple[str, str]] = []

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
        """The visit ends: stop, and forget what was read."""
        self.stop()
        self._last = []

    def close(self) -> None:
        if self.speech is not None:
            self.speech.close()
