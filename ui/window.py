"""The kiosk window: one stack of registered screens, the current visit, and the way out.

The window holds one `Visit` (app/visit.py) — everything of the visitor in front of it — and the
parts it was built from (`ui.parts.Parts`, made by the composition root `ui.main`). Screens ask it
for what they need through the `Navigator` protocol; what a core operation changed reaches every
screen through `broadcast` → `Screen.on_changes`, never by the window poking a screen by name.

Staff mode: the window also holds at most one `StaffSession` (app/staff_session.py). `go` lets a
screen that declares a `role` appear only to staff logged in with that role or a higher one
(`staff_login` otherwise), shows staff screens in the staff member's own display settings (never
the visitor's text size, colours or language, which come back on visitor screens), never lets the
visitor's inactivity wipe fire on them, asks the PIN again after `STAFF_REAUTH_MINUTES` without a
touch and goes back to visitor mode after the site's `staff_mode_minutes`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QInputEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from pasapas.app.audit import AuditLog
from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError, StoreError
from pasapas.app.guide import Outcome, Walk
from pasapas.app.i18n import _, current_language
from pasapas.app.languages import strip_isolates
from pasapas.app.preferences import Preferences
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths, Settings, save_settings
from pasapas.app.staff import StaffAccount, StaffDisplay, role_allows, role_label
from pasapas.app.staff_session import LastVisit, SessionState, StaffSession
from pasapas.app.store import remove_store_files, restore_backup
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
from pasapas.ui.staff_bar import StaffBar
from pasapas.ui.style import stylesheet
from pasapas.ui.voice import SpeechEngine, Voice, announce, expose_titles_as_headings

_log = logging.getLogger("pasapas.voice")
LABEL_DELAY_MS = 150
UPKEEP_INTERVAL_MS = 60 * 60 * 1000  # the retention purge is looked at every hour
STAFF_CHECK_MS = 5_000  # how often the staff session's idle delays are looked at
STAFF_LOGIN = "staff_login"
WORKSHOP_HOURS = 4  # the longest a running workshop keeps the idle wipe waiting
T = TypeVar("T")

_STAFF_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class _StaffActivity(QObject):
    """Watches input while a staff session is open (only then: a Python filter on every event
    costs), so the session knows when staff last touched a staff screen."""

    def __init__(self, window: KioskWindow) -> None:
        super().__init__(window)
        self._window = window
        self._installed = False

    def set_watching(self, on: bool) -> None:
        app = QApplication.instance()
        if app is None or on == self._installed:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)
        self._installed = on

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QInputEvent) and event.type() in _STAFF_ACTIVITY:
            self._window.staff_touched()
        return False


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
        self._name_window()
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
        self._voice_fault = ""  # the engine's last trouble report, for staff only
        self.voice.status_changed.connect(self._voice_status)
        self.access_bar = AccessBar(
            on_voice=lambda: self.set_prefs(self.prefs.toggled_voice()),
            on_repeat=self.voice.repeat,
            on_rate=lambda: self.set_prefs(self.prefs.next_rate()),
            on_size=lambda: self.set_prefs(self.prefs.next_text_size()),
            on_theme=lambda: self.set_prefs(self.prefs.next_theme()),
            on_language=self.open_language_picker,
            on_staff=self.open_staff_login,
        )
        # Staff mode: who is logged in, what display they chose, the visit that just ended.
        self.staff_session: StaffSession | None = None
        self._last_visit: LastVisit | None = None
        self._staff_mode = False  # the staff display is applied (a staff screen is shown)
        self._staff_look: StaffDisplay | None = None
        self._visitor_screen = "home"  # the visitor screen to come back to
        self._store_busy = False  # the store is closed for a rekey or a restore
        # A workshop: while one runs, the idle wipe waits (the room is there, a step may stay
        # projected during a discussion), for WORKSHOP_HOURS at most; a participant's turn is
        # the visit in which they practise, recorded for them when it ends.
        self._workshop: tuple[str, float] | None = None  # (workshop id, when it started)
        self._turn: tuple[str, str] | None = None  # (workshop id, participant id)
        self.presentation: Any = None  # ui.presentation.Presentation, while one is shown
        self._suspended: Kiosk | None = None
        self.staff_bar = StaffBar(
            on_home=lambda: self.go("staff_home"),
            on_visitors=self.leave_staff,
            on_logout=self.staff_logout,
        )
        self.staff_bar.hide()
        self._staff_activity = _StaffActivity(self)
        self._staff_timer = QTimer(self)
        self._staff_timer.setInterval(STAFF_CHECK_MS)
        self._staff_timer.timeout.connect(self.check_staff_session)
        self.stack = QStackedWidget()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.access_bar)
        column.addWidget(self.staff_bar)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.apply_prefs()
        self.access_bar.language_button.setVisible(len(settings.languages) > 1)
        widgets.speak_label = self._speak_label
        self._visitor_keys = widgets.VisitorKeys(self)  # which focus moves are the visitor's
        expose_titles_as_headings()
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
        staff_shortcut.activated.connect(self.open_staff_login)
        self._sync_runner: Any = None
        self._upkeep_timer = QTimer(self)
        self._upkeep_timer.setInterval(UPKEEP_INTERVAL_MS)
        self._upkeep_timer.timeout.connect(self._run_upkeep)

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
        """The visitor's display and voice; on a staff screen they wait for the way back."""
        if self._staff_mode:
            return
        self._apply_look(self.prefs.theme, self.prefs.scale)
        self.voice.set_enabled(self.prefs.voice)
        self.voice.set_rate(self.prefs.rate)
        self.access_bar.show_state(self.prefs)
        self._show_audio_fault()  # a visitor who turned the voice off is not told about sound

    def _apply_look(self, theme_id: str, scale: float) -> None:
        from pasapas.accessibility.themes import theme

        sheet = stylesheet(theme(theme_id), scale, self.font_families)
        if sheet != self.styleSheet():  # restyling every screen's widgets is slow: only on a change
            self.setStyleSheet(sheet)

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
        if self._staff_mode:  # for the visitor screens, once staff leave
            self.visit.set_language(language)
            return
        if language == self.language:
            apply_language(language)
            return
        self.visit.set_language(language)
        self._show_language(language)

    def _name_window(self) -> None:
        """What screen readers call the kiosk: its name, never the interpreter's path."""
        self.setAccessibleName(_("Pas à pas"))
        self.setAccessibleDescription(
            _("Une borne pour faire ses démarches pas à pas, à voix haute et en grand.")
        )

    def _show_language(self, language: str) -> None:
        apply_language(language)
        self.voice.forget()  # what was said in the old language is not what "Repeat" repeats
        self.setWindowTitle(_("Pas à pas"))
        self._name_window()
        self.access_bar.show_state(self.prefs)
        self.inactivity.retranslate()
        current = self.screens.get(self.current_screen)
        for screen in self.screens.values():
            if screen is not current:
                screen.retranslate()
        if current is not None:
            current.retranslate()  # last: it may read itself aloud again, in the new voice

    def update_settings(self, settings: Settings) -> None:
        """Staff changed the kiosk's settings: save them, and show the change at once. The
        audit log says which settings changed (their names, never their values)."""
        settings = settings.validated()
        before = self.settings
        changes = save_settings(self.paths, settings)
        self.settings = settings
        self.visit.reset_defaults(settings.language, settings.visitor_preferences())
        self.access_bar.language_button.setVisible(len(settings.languages) > 1)
        if self.visit.language not in settings.languages:
            self.set_language(settings.language)
        if self.staff_session is not None:
            self.staff_session.mode_minutes = settings.staff_mode_minutes
        self.inactivity.set_timeouts(
            settings.inactivity_seconds * 1000, settings.inactivity_warning_seconds
        )
        changed = [
            f.name for f in fields(Settings) if getattr(before, f.name) != getattr(settings, f.name)
        ]
        if changed and self._kiosk is not None:
            try:
                self._audit(self._kiosk).append(
                    "settings_changed", actor=self._actor(), detail={"fields": ",".join(changed)}
                )
                changes = changes | Changes(audit=True)
            except Exception as error:  # the settings are saved: say the log could not follow
                self.show_error(error_message(error))
        self.broadcast(changes)

    def open_language_picker(self) -> None:
        if self.current_screen != "language":
            self.go("language", back_to=self.current_screen)

    def _speak_label(self, text: str, language: str | None = None) -> None:
        # Controls call this only for the visitor's own Tab, arrows or press-and-hold
        # (`widgets.VisitorKeys`), never for a focus move the program makes (a hidden control,
        # a screen change, a language switch, the unlock, the idle wipe).
        if not self._changing_screen:
            # Speak once the focus rests: Tab held down must not start and cut a voice per control.
            self._pending_label = text
            self._pending_label_language = language or self.language
            self._label_timer.start()

    def _forget_pending_label(self) -> None:
        """A label the visitor tabbed to just before a screen change is not said after it."""
        self._label_timer.stop()
        self._pending_label = ""

    def _speak_pending_label(self) -> None:
        if self._pending_label:
            self.voice.label(self._pending_label, self._pending_label_language)
            self._pending_label = ""

    def _voice_status(self, message: str) -> None:
        """The engine reported trouble (or that it works again). The visitor sees at most a
        discreet, translated icon (only while their voice is on); the engine's own words go to
        staff (staff home) and to the log: never to the visitor's screen."""
        if message and message != self._voice_fault:
            _log.warning("speech engine: %s", message)
        elif not message and self._voice_fault:
            _log.info("speech engine: working again")
        self._voice_fault = message
        self._show_audio_fault()
        staff_home = self.screens.get("staff_home") if hasattr(self, "screens") else None
        if staff_home is not None and hasattr(staff_home, "show_voice_status"):
            staff_home.show_voice_status(message)

    def _show_audio_fault(self) -> None:
        self.access_bar.set_audio_fault(bool(self._voice_fault) and self.prefs.voice)

    @property
    def voice_status(self) -> str:
        """The speech engine's own words about its trouble ("" when it works): for staff."""
        return self._voice_fault

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
        """The interface language now: the staff member's on a staff screen, else the visit's."""
        if self._staff_mode and self._staff_look is not None:
            return self._staff_look.language
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
        if changes.people:
            self._refresh_session_account()
        for screen in self.screens.values():
            screen.on_changes(changes, origin)

    def show_error(self, message: str) -> None:
        """A core operation failed: one sentence, shown where staff and visitor see it."""
        if self._staff_mode:
            self.staff_bar.show_notice(message)
        else:
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
            name, screen, params = "unlock", self.screens["unlock"], {}
        elif screen.role is not None:
            name, params = self._staff_gate(name, params)
            screen = self.screens[name]
        if name != self.current_screen:
            # What the last screen was saying no longer applies; a reading screen starts anew.
            self._forget_pending_label()
            self.voice.stop()
        self._show_mode(name)
        try:
            screen.enter(**params)
        except PasapasError:
            screen = self.screens["home"]
            name = "home"
            self._show_mode(name)
            screen.enter()
        self._show(name, screen)

    def _show(self, name: str, screen: Screen, *, retranslate: bool = False) -> None:
        self.current_screen = name
        if not self.is_staff_area(name):
            self._visitor_screen = name
        # One focus change per screen change: the new screen's control takes the focus before the
        # old screen hides (else Qt moves it to the next control in the chain, then to the new
        # page's last one, then to the target: a screen reader would speak each).
        focus = screen.first_focus()
        if focus is not None and self._focus_inside(self.stack.currentWidget()):
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.stack.setCurrentWidget(screen)
        if retranslate:
            screen.retranslate()  # visible now: its content follows the language too
        focus = screen.first_focus()
        if focus is not None and QApplication.focusWidget() is not focus:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _focus_inside(widget: QWidget | None) -> bool:
        focused = QApplication.focusWidget()
        return widget is not None and focused is not None and widget.isAncestorOf(focused)

    def resume(self, name: str) -> None:
        """Show `name` again as it was left (back from the language picker): same procedure, same
        theme, same search, same ticks; only re-translated, and read again when it reads itself.
        A staff screen is resumed only for staff allowed on it (after the PIN asked again)."""
        screen = self.screens.get(name)
        if screen is None or (screen.needs_store and self._kiosk is None):
            self.go("home" if self._kiosk is not None else "unlock")
            return
        if screen.role is not None and self._staff_gate(name, {})[0] != name:
            self.go(name)
            return
        self._changing_screen = True
        try:
            self.voice.stop()
            self._show_mode(name)
            self._show(name, screen, retranslate=True)
        finally:
            self._changing_screen = False

    # -- staff mode -------------------------------------------------------------------------------

    def is_staff_area(self, name: str) -> bool:
        """Staff screens and the staff login: shown in the staff display, with the staff bar."""
        screen = self.screens.get(name)
        return name == STAFF_LOGIN or (screen is not None and screen.role is not None)

    @property
    def staff_account(self) -> StaffAccount | None:
        """The staff member logged in (None in visitor mode, or once the session is over)."""
        session = self._live_session()
        return session.account if session is not None else None

    @property
    def last_visit(self) -> LastVisit | None:
        """The visit that just ended (anonymous outcome and path), for at most 30 minutes or
        until the next visit starts; in memory only."""
        last = self._last_visit
        if last is not None and not last.fresh(self.parts.clock()):
            self._last_visit = last = None
        return last

    def _live_session(self) -> StaffSession | None:
        session = self.staff_session
        if session is not None and session.state is SessionState.EXPIRED:
            self._end_session("timeout")
            return None
        return session

    def _staff_gate(self, name: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Where `go(name)` really leads: the screen, or the staff login in front of it."""
        needed = self.screens[name].role
        session = self._live_session()
        if session is None or not role_allows(session.account.role, needed):
            return STAFF_LOGIN, {
                "target": name,
                "target_params": params,
                "refused_role": needed if session is not None else None,
            }
        if session.state is SessionState.NEEDS_PIN:
            return STAFF_LOGIN, {"target": name, "target_params": params, "reauth": True}
        session.touch()
        return name, params

    def _staff_display(self) -> StaffDisplay:
        session = self.staff_session
        if session is not None:
            return session.account.display.validated()
        # Nobody logged in yet (the login screen): the kiosk's language, standard size and colours.
        return StaffDisplay(language=self.settings.language).validated()

    def _show_mode(self, name: str) -> None:
        """Staff display on staff screens, the visitor's own on visitor screens."""
        staff = self.is_staff_area(name)
        bar = staff and name != STAFF_LOGIN and self.staff_session is not None
        if staff:
            display = self._staff_display()
            if self.inactivity.warning_shown:  # staff took over: no countdown runs on
                self.inactivity.still_here()
            if not self._staff_mode or display != self._staff_look:
                self._staff_mode = True
                self._staff_look = display
                self.voice.stop()
                self.voice.set_enabled(False)  # the visitor's voice does not read staff screens
                self._apply_look(display.theme, display.text_size / 100)
                self._interface_language(display.language)
            if self.staff_session is not None:
                account = self.staff_session.account
                self.staff_bar.show_account(
                    account.display_name, role_label(account.role), display.text_size / 100
                )
        elif self._staff_mode:
            self._staff_mode = False
            self._staff_look = None
            self.staff_bar.show_notice("")
            self.apply_prefs()
            self._interface_language(self.visit.language)
        self.access_bar.setVisible(not staff)
        self.access_bar.staff_button.setVisible(self._kiosk is not None)
        self.staff_bar.setVisible(bar)

    def _interface_language(self, language: str) -> None:
        if language == current_language():
            return
        apply_language(language)
        self.voice.forget()
        self.setWindowTitle(_("Pas à pas"))
        self.access_bar.show_state(self.prefs)
        self.staff_bar.retranslate()
        self.inactivity.retranslate()
        for screen in self.screens.values():
            screen.retranslate()

    def open_staff_login(self) -> None:
        """Ctrl+Alt+S, or "Espace équipe": the staff login. From visitor screens the PIN is
        always asked, even during a session (a visitor may be the one touching the screen)."""
        if self._kiosk is None or self._store_busy or self.is_staff_area(self.current_screen):
            return
        session = self._live_session()
        self.go(STAFF_LOGIN, target="staff_home", reauth=session is not None)

    def staff_login(
        self,
        account: StaffAccount,
        *,
        target: str = "staff_home",
        target_params: dict[str, Any] | None = None,
        resume: bool = False,
    ) -> None:
        """`account` gave its PIN (checked by `StaffAccounts.login` or `confirm`): open (or
        renew) the session and show `target` (staff_home by default); `resume` shows it again
        as it was left."""
        session = self.staff_session
        if session is not None and session.account.id == account.id:
            session.confirmed(account)
        else:
            self.staff_session = StaffSession(
                account,
                mode_minutes=self.settings.staff_mode_minutes,
                clock=lambda: self.parts.clock(),
            )
        self._staff_look = None  # this account's own display, from now
        self._staff_activity.set_watching(True)
        self._staff_timer.start()
        if target not in self.screens:
            target, target_params, resume = "staff_home", None, False
        if resume:
            self.resume(target)
        else:
            self.go(target, **(target_params or {}))

    def staff_logout(self) -> None:
        """ "Se déconnecter": the session ends (audited) and the visitor screens come back."""
        self._end_session("logout")
        self.leave_staff()

    def _end_session(self, reason: str) -> None:
        session, self.staff_session = self.staff_session, None
        self._staff_timer.stop()
        self._staff_activity.set_watching(False)
        if session is not None and self._kiosk is not None and reason == "logout":
            try:
                self._audit(self._kiosk).append("logout", actor=session.account.id)
            except Exception as error:
                self.show_error(error_message(error))

    def leave_staff(self) -> None:
        """ "Retour aux visiteurs": the visitor screen that was left, in the visitor's display."""
        target = self._visitor_screen
        if self._kiosk is None:
            self.go("unlock")
        elif target in self.screens and target not in ("home", "unlock", "setup"):
            self.resume(target)
        else:
            self.go("home")

    def staff_touched(self) -> None:
        """Staff did something on a staff screen: the idle delays start again."""
        session = self.staff_session
        if session is not None and self._staff_mode:
            session.touch()

    def check_staff_session(self) -> None:
        """Run every few seconds (and by tests after moving the clock): back to visitor mode
        once the staff mode's time is over; the PIN again after the idle delay."""
        session = self.staff_session
        if session is None or self._store_busy:
            return
        state = session.state
        if state is SessionState.EXPIRED:
            self._end_session("timeout")
            if self.is_staff_area(self.current_screen):
                self.leave_staff()
        elif state is SessionState.NEEDS_PIN:
            screen = self.screens.get(self.current_screen)
            if screen is not None and screen.role is not None:
                self.go(STAFF_LOGIN, target=self.current_screen, reauth=True, resume=True)

    def set_staff_display(self, display: StaffDisplay) -> None:
        """The logged-in staff member chose their own text size, colours or language: saved
        with their account, shown at once."""
        session = self.staff_session
        if session is None:
            return
        display = display.validated()
        self.kiosk.staff.set_display(session.account.id, display)
        session.set_display(display)
        if self.is_staff_area(self.current_screen):
            self._show_mode(self.current_screen)
            screen = self.screens[self.current_screen]
            screen.retranslate()

    def _refresh_session_account(self) -> None:
        """Accounts changed: the logged-in one may have a new role, or be deactivated."""
        session = self.staff_session
        if session is None or self._kiosk is None:
            return
        try:
            account = self._kiosk.staff.get(session.account.id)
        except PasapasError:
            account = None
        if account is None or not account.active:
            self._end_session("gone")
            if self.is_staff_area(self.current_screen):
                self.leave_staff()
            return
        session.account = account
        screen = self.screens.get(self.current_screen)
        if (
            screen is not None
            and screen.role is not None
            and not role_allows(account.role, screen.role)
        ):
            self.go("staff_home")

    def _audit(self, kiosk: Kiosk) -> AuditLog:
        audit = getattr(kiosk, "audit", None)
        return audit if isinstance(audit, AuditLog) else AuditLog(kiosk.store)

    def _actor(self) -> str:
        return self.staff_session.account.id if self.staff_session is not None else ""

    def unlocked(self, kiosk: Kiosk) -> None:
        self._kiosk = kiosk
        self._start_sync()
        self.go("home")
        self.broadcast(Changes(store=True))  # the unlock and set-up screens forget what was typed

    def set_up(
        self,
        passphrase: str,
        settings: Settings,
        admin_name: str,
        admin_secret: str,
        *,
        on_error: Callable[[Exception], None],
        on_done: Callable[[Kiosk], None] | None = None,
    ) -> None:
        """First run (the set-up wizard): save the settings, create the store with the built-in
        procedures and the first site admin's account, on a worker; then the kiosk opens. No
        store is left behind when the account cannot be made."""
        paths, create = self.paths, self.parts.create_kiosk
        settings = settings.validated()

        def work() -> Kiosk:
            save_settings(paths, settings)
            kiosk = create(paths, passphrase)
            try:
                kiosk.staff.create(admin_name, "site_admin", admin_secret)
            except BaseException:
                kiosk.close()
                remove_store_files(paths.store)
                raise
            return kiosk

        def done(kiosk: Kiosk) -> None:
            self.update_settings(settings)
            self.visit.wipe()  # the first visitor starts with the chosen defaults
            self.apply_prefs()
            self._interface_language(self.visit.language)
            self.unlocked(kiosk)
            if on_done is not None:
                on_done(kiosk)

        run_operation(self, work, on_done=done, on_error=on_error)

    # -- looking after the store (the staff settings screen) ----------------------------------

    def backups(self) -> list[Path]:
        """The backups in the kiosk's backup folder, newest first."""
        folder = self.paths.backup_dir
        if not folder.is_dir():
            return []
        found = [path for path in folder.glob("*.db") if path.is_file()]
        return sorted(found, key=lambda path: path.stat().st_mtime, reverse=True)

    def backup_store(
        self,
        *,
        on_done: Callable[[Path], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """An encrypted copy into the backup folder, off the GUI thread (audited)."""
        folder = self.paths.backup_dir
        name = dt.datetime.now().strftime("pasapas-%Y-%m-%d-%H%M%S.db")
        actor = self._actor()

        def work(kiosk: Kiosk) -> Path:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            written = kiosk.store.backup(folder / name)
            self._audit(kiosk).append("backup", actor=actor)
            return written

        def done(written: Path) -> None:
            self.broadcast(Changes(audit=True))
            on_done(written)

        run_operation(self, self.with_worker_kiosk(work), on_done=done, on_error=on_error)

    def rekey_store(
        self,
        current: str,
        new: str,
        *,
        on_done: Callable[[], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Change the store's passphrase while the kiosk runs, safely: the sync stops, every
        connection closes, the store is rekeyed on a worker, then everything opens again with
        the new passphrase (closing the kiosk asks for the new one from then on)."""
        from pasapas.app.passphrase import passphrase_problems

        kiosk = self._kiosk
        if kiosk is None:
            return
        if not kiosk.check_admin(current):
            on_error(StoreError(_("Ce n'est pas le mot de passe actuel. Rien n'a été changé.")))
            return
        problems = passphrase_problems(new)
        if problems:
            on_error(StoreError(problems[0]))
            return
        if new == current:
            on_error(StoreError(_("Le nouveau mot de passe est le même que l'actuel.")))
            return
        try:
            self._close_for_maintenance()
        except PasapasError as error:
            on_error(error)
            return
        paths, opener, actor = self.paths, self.parts.open_kiosk, self._actor()

        def work() -> Kiosk:
            old = opener(paths, current)  # the only connection open now
            try:
                old.store.rekey(new)
            finally:
                old.close()
            return opener(paths, new)

        def done(reopened: Kiosk) -> None:
            self._reopen_after_maintenance(reopened)
            self._audit_here("rekey", actor)
            on_done()

        def failed(error: Exception) -> None:
            self._reopen_after_maintenance(None)
            on_error(error)

        run_operation(self, work, on_done=done, on_error=failed)

    def restore_store(
        self,
        backup: Path,
        passphrase: str,
        *,
        on_done: Callable[[Path | None], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Replace the store with a backup while the kiosk runs: refused during a visit; the
        sync stops, every connection closes, the backup is checked and swapped in on a worker
        (the replaced store is kept beside it), then everything opens again on it."""
        if self._kiosk is None:
            return
        if self.visit.has_anything:
            on_error(
                PasapasError(
                    _(
                        "Une visite est en cours : attendez qu'elle soit finie pour restaurer "
                        "une sauvegarde."
                    )
                )
            )
            return
        try:
            self._close_for_maintenance()
        except PasapasError as error:
            on_error(error)
            return
        paths, opener, actor = self.paths, self.parts.open_kiosk, self._actor()

        def work() -> tuple[Kiosk, Path | None]:
            kept = restore_backup(Path(backup), paths.store, passphrase)
            return opener(paths, passphrase), kept

        def done(result: tuple[Kiosk, Path | None]) -> None:
            reopened, kept = result
            self._reopen_after_maintenance(reopened)
            self._audit_here("restore", actor)
            on_done(kept)

        def failed(error: Exception) -> None:
            self._reopen_after_maintenance(None)
            on_error(error)

        run_operation(self, work, on_done=done, on_error=failed)

    def _close_for_maintenance(self) -> None:
        runner = self._sync_runner
        if runner is not None and runner.busy:
            raise StoreError(_("Une synchronisation est en cours : réessayez dans une minute."))
        if runner is not None:
            runner.stop()
            self._sync_runner = None
        self._store_busy = True
        self.staff_bar.set_busy(True)
        self._worker.close()
        self._suspended, self._kiosk = self._kiosk, None
        if self._suspended is not None:
            self._suspended.close()

    def _reopen_after_maintenance(self, kiosk: Kiosk | None) -> None:
        suspended, self._suspended = self._suspended, None
        if kiosk is None and suspended is not None:
            try:  # nothing was changed: the same store, with the same key, as it was
                kiosk = suspended.reopened()
            except Exception as error:
                self.show_error(error_message(error))
        self._store_busy = False
        self.staff_bar.set_busy(False)
        self._kiosk = kiosk
        if kiosk is None:
            self._end_session("closed")
            self.go("unlock")
            return
        self._start_sync()
        self.broadcast(Changes.everything())  # the account logged in may be gone (a restore)

    def _audit_here(self, action: str, actor: str) -> None:
        if self._kiosk is None:
            return
        try:
            self._audit(self._kiosk).append(action, actor=actor)
        except Exception as error:
            self.show_error(error_message(error))
        else:
            self.broadcast(Changes(audit=True))

    def start_walk(self, procedure_id: str) -> None:
        walk = self.visit.walk
        if walk is None:
            self._last_visit = None  # a new visit starts: the last one is not staff's to see
        if walk is None or walk.procedure.id != procedure_id:
            walk = self.kiosk.start_walk(procedure_id, self.language, clock=self.parts.clock)
            self._record(self.visit.begin(walk))
        self.go("step")

    # -- workshops ---------------------------------------------------------------------------------

    def set_workshop_running(self, workshop_id: str | None) -> None:
        """A workshop runs (the idle wipe waits) or no longer does (it applies again)."""
        if workshop_id is None:
            self._workshop = None
        elif self._workshop is None or self._workshop[0] != workshop_id:
            self._workshop = (workshop_id, self.parts.clock())

    @property
    def running_workshop(self) -> str | None:
        return self._workshop[0] if self._workshop is not None else None

    @property
    def idle_wipe_suspended(self) -> bool:
        """Is a workshop running, and for less than WORKSHOP_HOURS (a workshop left running by
        mistake does not keep the next visitor's traces on screen for ever)?"""
        if self._workshop is None:
            return False
        return self.parts.clock() - self._workshop[1] < WORKSHOP_HOURS * 3600

    def start_turn(
        self, workshop_id: str, participant_id: str, procedure_id: str, language: str
    ) -> None:
        """A participant practises a procedure of the workshop at the kiosk, in their language;
        when the walk ends, what they did is added to their progress and the trainer's screen
        comes back."""
        if self.visit.walk is not None:
            self.wipe_visit()
        self._turn = (workshop_id, participant_id)
        if language in self.offered_languages and language != self.visit.language:
            self.visit.set_language(language)
        self.start_walk(procedure_id)

    def start_level_check(self, workshop_id: str, participant_id: str, language: str) -> None:
        """A participant answers the level check at the kiosk, in their language; "Terminer"
        wipes the visit and brings the trainer's screen back (nothing of it is recorded)."""
        if self.visit.walk is not None or self.visit.has_anything:
            self.wipe_visit()
        self._turn = (workshop_id, participant_id)
        if language in self.offered_languages and language != self.visit.language:
            self.visit.set_language(language)
        self.go("level_check")

    @property
    def turn(self) -> tuple[str, str] | None:
        """(workshop id, participant id) while a participant's turn is the visit."""
        return self._turn

    def _record_turn(self, participant_id: str) -> None:
        walk = self.visit.walk
        if walk is None or self._kiosk is None:
            return
        from pasapas.app.training.workshops import PracticeAnswer, Turn

        turn = Turn(
            procedure_id=walk.procedure.id,
            steps_seen=len(walk.path),
            finished=walk.at_end,
            seconds=round(walk.elapsed_seconds()),
            stopped_at=walk.current.id,
            answers=tuple(PracticeAnswer(*r) for r in self.visit.practice_results()),
        )
        try:
            self._kiosk.workshops.record_turn(participant_id, turn)
        except Exception as error:
            self.show_error(
                _("Le travail de la personne n'a pas pu être enregistré : {reason}").format(
                    reason=error_message(error)
                )
            )
        else:
            self.broadcast(Changes(workshops=True))

    def open_presentation(self, presentation: Any) -> None:
        """Show a workshop's presentation (one at a time: an earlier one closes)."""
        self.close_presentation()
        self.presentation = presentation
        presentation.open()

    def close_presentation(self) -> None:
        if self.presentation is not None:
            self.presentation.close()
            self.presentation = None

    def present_aloud(self, parts: list[tuple[str, str]]) -> None:
        """Read the projected slide to the room, even on a staff screen (the trainer asked)."""
        self.voice.read_for_room([(strip_isolates(t), lang) for t, lang in parts if t])

    def has_visit(self) -> bool:
        """Is there anything of a visitor's to wipe: what the visit holds, or a screen other
        than the first one? Never on a staff screen: staff are at the kiosk. The staff login
        is not one: left there untouched, it goes home, and a visit under it is wiped."""
        screen = self.screens.get(self.current_screen)
        if screen is not None and screen.role is not None:
            return False
        if self.idle_wipe_suspended:
            return False
        return self.visit.has_anything or (
            self._kiosk is not None and self.current_screen != "home"
        )

    def end_visit(self) -> None:
        """The visitor is done (or stops): keep the anonymous outcome, wipe the rest, go home."""
        self.wipe_visit()

    def wipe_visit(self) -> None:
        """Keep the anonymous outcome, then forget everything of the visitor — even when the
        outcome cannot be recorded (a full disk): that is said to staff, and the wipe goes on.
        The outcome and the path's step ids stay in memory a while, for staff (`last_visit`)."""
        turn, self._turn = self._turn, None
        try:
            walk = self.visit.walk
            path = walk.path if walk is not None else ()
            if turn is not None:
                self._record_turn(turn[1])
            outcome = self.visit.end()
            if outcome is not None and turn is None:
                self._last_visit = LastVisit(outcome, path, self.parts.clock())
            self._record(outcome)
        finally:
            self._forget_visit(then=("staff_workshop", turn[0]) if turn is not None else None)

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

    def _forget_visit(self, then: tuple[str, str] | None = None) -> None:
        language_was = self.visit.language
        prefs_were = self.prefs
        self._forget_pending_label()  # a label focused just before the wipe is not said after
        self.visit.wipe()
        for screen in self.screens.values():
            screen.wipe()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        self.voice.new_visit()
        self.access_bar.close_panel()  # the next visitor never finds "Affichage et voix" open
        self.access_bar.set_audio_fault(False)  # the last visitor's note closes
        self._show_audio_fault()
        if self.prefs != prefs_were:
            self.apply_prefs()
        if self.visit.language != language_was and not self._staff_mode:
            self._show_language(self.visit.language)  # the next visitor starts in the default
        if then is not None and self._kiosk is not None:
            self.go(then[0], workshop=then[1])  # a participant's turn ends at the trainer's
            return
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
        self._run_upkeep()
        if not self._upkeep_timer.isActive():
            self._upkeep_timer.start()

    def _run_upkeep(self) -> None:
        """The daily retention purge (`Kiosk.upkeep`, at most once a day), on the worker: when
        the store opens, then every hour. A failure is one sentence for staff; nothing stops."""
        if self._kiosk is not None:
            run_operation(self, self.with_worker_kiosk(lambda kiosk: kiosk.upkeep()))

    def _shutdown(self) -> None:
        self._end_session("closed")
        self.close_presentation()
        self.voice.stop()
        if widgets.speak_label == self._speak_label:
            widgets.speak_label = None
        self._visitor_keys.close()
        if self._sync_runner is not None:
            self._sync_runner.stop()
        self.inactivity.stop()
        self._upkeep_timer.stop()
        if self.visit.walk is not None and self._kiosk is not None:
            self.wipe_visit()
        self._worker.close()
        if self._kiosk is not None:
            self._kiosk.close()
            self._kiosk = None
