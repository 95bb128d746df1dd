"""The kiosk window: one stack of registered screens, the current visit, and the way out.

The window holds one `Visit` (app/visit.py) — everything of the visitor in front of it — and the
parts it was built from (`ui.parts.Parts`, made by the composition root `ui.main`). Screens ask it
for what they need through the `Navigator` protocol; what a core operation changed reaches every
screen through `broadcast` → `Screen.on_changes`, never by the window poking a screen by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.guide import Outcome, Walk
from pasapas.app.i18n import _
from pasapas.app.languages import strip_isolates
from pasapas.app.preferences import Preferences
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths, Settings, save_settings
from pasapas.app.visit import Visit
from pasapas.ui import widgets
from pasapas.ui.access_bar import AccessBar
from pasapas.ui.fonts import load_fonts
from pasapas.ui.inactivity import InactivityGuard
from pasapas.ui.language import apply_language
from pasapas.ui.operations import WorkerKiosk, error_message, run_operation
from pasapas.ui.parts import Parts
from pasapas.ui.passphrase_dialog import ask_passphrase
from pasapas.ui.screens import Screen, load_screens
from pasapas.ui.style import stylesheet
from pasapas.ui.voice import SpeechEngine, Voice, announce

LABEL_DELAY_MS = 150
T = TypeVar("T")


class KioskWindow(QMainWindow):
    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        *,
        kiosk: Kiosk | None = None,
        locked_down: bool = True,
        parts: Parts | None = None,
        speech: SpeechEngine | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("kiosk-window")
        self.paths = paths
        self.settings = settings
        self.parts = parts or Parts()
        speech = speech if speech is not None else self.parts.speech
        self._kiosk = kiosk
        self._worker = WorkerKiosk(lambda: self._kiosk)
        self.visit = Visit(settings.language, settings.visitor_preferences())
        self.locked_down = locked_down
        self._may_close = False
        apply_language(settings.language)  # each visit starts in the kiosk's default language
        self.setWindowTitle(_("Pas à pas"))
        self.font_families = load_fonts()
        self._changing_screen = False
        self._pending_label = ""
        self._pending_label_language = ""
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(LABEL_DELAY_MS)
        self._label_timer.timeout.connect(self._speak_pending_label)

        # Voice and display: what a visitor may change, reset for the next visitor.
        self.voice = Voice(speech)
        self.voice.status_changed.connect(self._voice_status)
        self.access_bar = AccessBar(
            on_voice=lambda: self.set_prefs(self.prefs.toggled_voice()),
            on_repeat=self.voice.repeat,
            on_rate=lambda: self.set_prefs(self.prefs.next_rate()),
            on_size=lambda: self.set_prefs(self.prefs.next_text_size()),
            on_theme=lambda: self.set_prefs(self.prefs.next_theme()),
            on_language=self.open_language_picker,
        )
        self.stack = QStackedWidget()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.access_bar)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.apply_prefs()
        self.access_bar.language_button.setVisible(len(settings.languages) > 1)
        widgets.speak_label = self._speak_label
        if speech is not None and speech.status:
            self._voice_status(speech.status)
        self.screens: dict[str, Screen] = {}
        for name, cls in load_screens().items():
            screen = cls(self)
            self.screens[name] = screen
            self.stack.addWidget(screen)
        self.current_screen: str = ""

        self.inactivity = InactivityGuard(
            self,
            idle_ms=settings.inactivity_seconds * 1000,
            warning_seconds=settings.inactivity_warning_seconds,
            has_visit=self.has_visit,
            on_expired=self.wipe_visit,
            on_warning=lambda text: self.voice.read(text, self.language),
        )
        exit_shortcut = QShortcut(QKeySequence("Ctrl+Alt+Q"), self)
        exit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        exit_shortcut.activated.connect(self.close)
        staff_shortcut = QShortcut(QKeySequence("Ctrl+Alt+S"), self)
        staff_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        staff_shortcut.activated.connect(self.open_staff_sync)
        self._sync_runner: Any = None

        if kiosk is not None:
            # After the first paint: the home screen does not wait for the sync worker.
            QTimer.singleShot(0, self._start_sync_if_open)
            self.go("home")
        elif paths.store.exists():
            self.go("unlock")
        else:
            self.go("setup")

    # -- voice and display -----------------------------------------------------------------

    @property
    def prefs(self) -> Preferences:
        """The visitor's display and voice choices (they live in the visit)."""
        return self.visit.prefs

    def set_prefs(self, prefs: Preferences) -> None:
        self.visit.set_prefs(prefs)
        self.apply_prefs()

    def apply_prefs(self) -> None:
        from pasapas.accessibility.themes import theme

        self.setStyleSheet(
            stylesheet(theme(self.prefs.theme), self.prefs.scale, self.font_families)
        )
        self.voice.set_enabled(self.prefs.voice)
        self.voice.set_rate(self.prefs.rate)
        self.access_bar.show_state(self.prefs)

    def read_aloud(self, text: str, language: str, *, announce_to: QWidget | None = None) -> None:
        """Read a screen's text aloud (voice on), and tell screen readers about it."""
        self.read_aloud_parts([(text, language)], announce_to=announce_to)

    def read_aloud_parts(
        self, parts: list[tuple[str, str]], *, announce_to: QWidget | None = None
    ) -> None:
        """Read (text, language) parts in turn, each with its own voice: a French text shown
        because it is not translated yet is read by the French voice, never half and half."""
        parts = [(strip_isolates(text), language) for text, language in parts if text]
        self.voice.read_parts(parts)
        if announce_to is not None:
            announce(announce_to, "\n".join(text for text, _language in parts))

    # -- language -------------------------------------------------------------------------------

    @property
    def offered_languages(self) -> tuple[str, ...]:
        return self.settings.languages

    def set_language(self, language: str) -> None:
        """The visitor chose a language: every screen is said again in it, in place. The visitor
        stays where they were in the procedure, and the voice follows."""
        if language not in self.offered_languages:
            return
        if language == self.language:
            apply_language(language)
            return
        self.visit.set_language(language)
        self._show_language(language)

    def _show_language(self, language: str) -> None:
        apply_language(language)
        self.voice.forget()  # what was said in the old language is not what "Repeat" repeats
        self.setWindowTitle(_("Pas à pas"))
        self.access_bar.show_state(self.prefs)
        self.inactivity.retranslate()
        current = self.screens.get(self.current_screen)
        for screen in self.screens.values():
            if screen is not current:
                screen.retranslate()
        if current is not None:
            current.retranslate()  # last: it may read itself aloud again, in the new voice

    def update_settings(self, settings: Settings) -> None:
        """Staff changed the kiosk's settings: save them, and show the change at once."""
        settings = settings.validated()
        changes = save_settings(self.paths, settings)
        self.settings = settings
        self.visit.reset_defaults(settings.language, settings.visitor_preferences())
        self.access_bar.language_button.setVisible(len(settings.languages) > 1)
        if self.language not in settings.languages:
            self.set_language(settings.language)
        self.broadcast(changes)

    def open_language_picker(self) -> None:
        if self.current_screen != "language":
            self.go("language", back_to=self.current_screen)

    def _speak_label(self, text: str, language: str | None = None) -> None:
        # Qt moves the focus by itself when a screen hides the focused control: only a visitor's
        # own Tab should make a control speak, never a screen change.
        if not self._changing_screen:
            # Speak once the focus rests: Tab held down must not start and cut a voice per control.
            self._pending_label = text
            self._pending_label_language = language or self.language
            self._label_timer.start()

    def _speak_pending_label(self) -> None:
        if self._pending_label:
            self.voice.label(self._pending_label, self._pending_label_language)
            self._pending_label = ""

    def _voice_status(self, message: str) -> None:
        self.access_bar.show_notice(message)

    # -- what screens ask for ---------------------------------------------------------------

    @property
    def kiosk(self) -> Kiosk:
        if self._kiosk is None:
            raise RuntimeError("the store is not open yet")
        return self._kiosk

    @property
    def store_open(self) -> bool:
        return self._kiosk is not None

    @property
    def language(self) -> str:
        return self.visit.language

    @property
    def walk(self) -> Walk | None:
        return self.visit.walk

    @property
    def sync_runner(self) -> Any:
        """The background sync (a `SyncRunner`), once the store is open; None before."""
        return self._sync_runner

    # -- what changed, and what went wrong --------------------------------------------------

    def broadcast(self, changes: Changes, origin: object | None = None) -> None:
        """Tell every screen what a core operation changed; each decides what to refresh."""
        if not changes:
            return
        for screen in self.screens.values():
            screen.on_changes(changes, origin)

    def show_error(self, message: str) -> None:
        """A core operation failed: one sentence, shown where staff and visitor see it."""
        self.access_bar.show_notice(message)

    # -- the store ------------------------------------------------------------------------------

    def with_worker_kiosk(self, work: Callable[[Kiosk], T]) -> Callable[[], T]:
        """`work`, to be run by `run_operation` off the GUI thread, on the worker's own store
        connection (never the GUI thread's)."""
        return lambda: self._worker.run(work)

    def open_store(self, passphrase: str, *, on_error: Any) -> None:
        """Unlock: open the store on a worker (the KDF is slow); back here, the kiosk opens."""
        self._start_kiosk(self.parts.open_kiosk, passphrase, on_error)

    def create_store(self, passphrase: str, *, on_error: Any) -> None:
        """First start: create the store and its built-in procedures, on a worker."""
        self._start_kiosk(self.parts.create_kiosk, passphrase, on_error)

    def _start_kiosk(
        self, make: Callable[[Paths, str], Kiosk], passphrase: str, on_error: Any
    ) -> None:
        paths = self.paths
        run_operation(
            self, lambda: make(paths, passphrase), on_done=self.unlocked, on_error=on_error
        )

    def go(self, name: str, **params: Any) -> None:
        self._changing_screen = True
        try:
            self._go(name, **params)
        finally:
            self._changing_screen = False

    def _go(self, name: str, **params: Any) -> None:
        screen = self.screens[name]
        if screen.needs_store and self._kiosk is None:
            name, screen = "unlock", self.screens["unlock"]
        if name != self.current_screen:
            # What the last screen was saying no longer applies; a reading screen starts anew.
            self.voice.stop()
        try:
            screen.enter(**params)
        except PasapasError:
            screen = self.screens["home"]
            name = "home"
            screen.enter()
        self.current_screen = name
        self.stack.setCurrentWidget(screen)
        focus = screen.first_focus()
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def resume(self, name: str) -> None:
        """Show `name` again as it was left (back from the language picker): same procedure, same
        theme, same search, same ticks; only re-translated, and read again when it reads itself."""
        screen = self.screens.get(name)
        if screen is None or (screen.needs_store and self._kiosk is None):
            self.go("home" if self._kiosk is not None else "unlock")
            return
        self._changing_screen = True
        try:
            self.voice.stop()
            self.current_screen = name
            self.stack.setCurrentWidget(screen)
            screen.retranslate()  # visible now: its content follows the language too
            focus = screen.first_focus()
            if focus is not None:
                focus.setFocus(Qt.FocusReason.OtherFocusReason)
        finally:
            self._changing_screen = False

    def unlocked(self, kiosk: Kiosk) -> None:
        self._kiosk = kiosk
        self._start_sync()
        self.go("home")
        self.broadcast(Changes(store=True))  # the unlock and set-up screens forget what was typed

    def start_walk(self, procedure_id: str) -> None:
        walk = self.visit.walk
        if walk is None or walk.procedure.id != procedure_id:
            walk = self.kiosk.start_walk(procedure_id, self.language, clock=self.parts.clock)
            self._record(self.visit.begin(walk))
        self.go("step")

    def has_visit(self) -> bool:
        """Is there anything of a visitor's to wipe: what the visit holds, or a screen other
        than the first one?"""
        return self.visit.has_anything or (
            self._kiosk is not None and self.current_screen != "home"
        )

    def end_visit(self) -> None:
        """The visitor is done (or stops): keep the anonymous outcome, wipe the rest, go home."""
        self.wipe_visit()

    def wipe_visit(self) -> None:
        """Keep the anonymous outcome, then forget everything of the visitor — even when the
        outcome cannot be recorded (a full disk): that is said to staff, and the wipe goes on."""
        try:
            self._record(self.visit.end())
        finally:
            self._forget_visit()

    def _record(self, outcome: Outcome | None) -> None:
        if outcome is None or self._kiosk is None:
            return
        try:
            changes = self._kiosk.record_visit(outcome)
        except Exception as error:
            self.show_error(
                _("La fin de la visite n'a pas pu être enregistrée : {reason}").format(
                    reason=error_message(error)
                )
            )
        else:
            self.broadcast(changes)

    def _forget_visit(self) -> None:
        language_was = self.language
        prefs_were = self.prefs
        self._label_timer.stop()  # a label focused just before the wipe is not said after it
        self._pending_label = ""
        self.visit.wipe()
        for screen in self.screens.values():
            screen.wipe()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        self.voice.forget()
        if self.prefs != prefs_were:
            self.apply_prefs()
        if self.visit.language != language_was:  # the next visitor starts in the default
            self._show_language(self.visit.language)
        self.go("home" if self._kiosk is not None else self.current_screen or "unlock")

    # -- window ---------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.inactivity.resize_overlay()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._may_close or not self.locked_down or self._kiosk is None:
            self._shutdown()
            event.accept()
            return
        event.ignore()
        if ask_passphrase(self, self._kiosk.check_admin, "admin-exit"):
            self._may_close = True
            QTimer.singleShot(0, self.close)  # not from inside closeEvent: Qt ignores that

    def allow_close(self) -> None:
        """The system is stopping the kiosk: the next close needs no passphrase."""
        self._may_close = True

    def _start_sync_if_open(self) -> None:
        if self._kiosk is not None and self._sync_runner is None:
            self._start_sync()

    def _start_sync(self) -> None:
        """Background sync with the central service (idle until the kiosk is enrolled)."""
        if self._sync_runner is not None:
            self._sync_runner.stop()
        self._sync_runner = self.parts.sync_runner(self.kiosk, self)
        self._sync_runner.changed.connect(self.broadcast)
        self._sync_runner.start()

    def open_staff_sync(self) -> None:
        """Ctrl+Alt+S: the sync screen for staff, after the kiosk's passphrase."""
        if self._kiosk is not None and ask_passphrase(
            self, self._kiosk.check_admin, "staff-passphrase"
        ):
            self.go("staff_sync")

    def _shutdown(self) -> None:
        self.voice.stop()
        if widgets.speak_label == self._speak_label:
            widgets.speak_label = None
        if self._sync_runner is not None:
            self._sync_runner.stop()
        self.inactivity.stop()
        if self.visit.walk is not None and self._kiosk is not None:
            self.wipe_visit()
        self._worker.close()
        if self._kiosk is not None:
            self._kiosk.close()
            self._kiosk = None
