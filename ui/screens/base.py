"""What every screen is, and what it may ask of the window that holds it."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.guide import Walk
from pasapas.app.services import Kiosk
from pasapas.app.settings import Settings
from pasapas.app.staff import StaffAccount, StaffDisplay
from pasapas.app.staff_session import LastVisit
from pasapas.app.visit import Visit
from pasapas.ui.style import BODY_PX, frame_stylesheet
from pasapas.ui.widgets import ScrollPage


class Navigator(Protocol):
    """The window, as a screen sees it."""

    @property
    def kiosk(self) -> Kiosk: ...

    @property
    def language(self) -> str: ...

    @property
    def voice(self) -> Any:
        """The window's `ui.voice.Voice`: what was read, the hints given this visit, the engine."""

    @property
    def voice_status(self) -> str:
        """The voice engine's trouble in its own words, for staff screens only ("" when fine)."""

    @property
    def walk(self) -> Walk | None: ...

    @property
    def visit(self) -> Visit:
        """Everything of the visitor in front of the kiosk (walk, ticks, search, choices)."""

    @property
    def sync_runner(self) -> Any:
        """The background sync, once the store is open (None before)."""

    def broadcast(self, changes: Changes, origin: object | None = None) -> None:
        """Tell every screen what a core operation changed."""

    def show_error(self, message: str) -> None:
        """One translated sentence about a failure."""

    def with_worker_kiosk(self, work: Any) -> Any:
        """`work(kiosk)` wrapped for `run_operation`: run off the GUI thread on the worker's own
        store connection."""

    def open_store(self, passphrase: str, *, on_error: Any) -> None:
        """Unlock the store (off the GUI thread); the kiosk opens, or `on_error(error)`."""

    def create_store(self, passphrase: str, *, on_error: Any) -> None:
        """Create the store with the built-in procedures; then as `open_store`."""

    @property
    def store_open(self) -> bool: ...

    @property
    def settings(self) -> Settings: ...

    def update_settings(self, settings: Settings) -> None:
        """Staff changed the kiosk's settings: save and apply them."""

    @property
    def offered_languages(self) -> tuple[str, ...]: ...

    def set_language(self, language: str) -> None:
        """Switch the interface, the content and the voice to `language`, in place."""

    def go(self, name: str, **params: Any) -> None: ...

    def resume(self, name: str) -> None:
        """Show a screen again as it was left, re-translated."""

    def start_walk(self, procedure_id: str) -> None: ...

    def end_visit(self) -> None: ...

    def read_aloud(self, text: str, language: str, *, announce_to: QWidget | None = None) -> None:
        """Read aloud (when the visitor's voice is on) and announce to screen readers."""

    def read_aloud_parts(
        self, parts: list[tuple[str, str]], *, announce_to: QWidget | None = None
    ) -> None:
        """The same, for (text, language) parts each read with its own voice."""

    # -- staff mode ------------------------------------------------------------------------

    @property
    def screens(self) -> dict[str, Screen]:
        """Every registered screen by name (a staff tile is shown only for a registered one)."""

    @property
    def staff_account(self) -> StaffAccount | None:
        """The staff member logged in, or None (visitor mode, or the session ended: logged out,
        or `settings.staff_mode_minutes` without a touch on a staff screen). On a staff screen
        it is never None: the window lets no one there without a session of the right role."""

    def staff_login(
        self,
        account: StaffAccount,
        *,
        target: str = "staff_home",
        target_params: dict[str, Any] | None = None,
        resume: bool = False,
    ) -> None:
        """`account` just gave its PIN (`StaffAccounts.login`, or `confirm` when asked again):
        open or renew the session, then `go(target, **target_params)` (staff_home by default),
        or with `resume` show `target` again as it was left."""

    def staff_logout(self) -> None:
        """End the session (audited "logout") and show the visitor screens again."""

    def leave_staff(self) -> None:
        """Back to the visitor screens (the one that was left, in the visitor's own display and
        language); the session stays open until logout or its time is over, but the staff
        login asks for the PIN before the next staff screen."""

    def staff_touched(self) -> None:
        """Staff did something: the idle delays (PIN again, back to visitor mode) start again.
        Input on staff screens already counts; call it for work that takes no input."""

    @property
    def last_visit(self) -> LastVisit | None:
        """The visit that just ended: `outcome` (the anonymous `Outcome`: procedure id,
        finished, minutes, language) and `path` (the step ids walked, in order), for at most
        30 minutes or until the next visit starts; None otherwise. Memory only."""

    def set_staff_display(self, display: StaffDisplay) -> None:
        """The logged-in staff member's own text size, colours and language: saved, shown."""

    def backups(self) -> list[Any]:
        """The backup files in the kiosk's backup folder, newest first."""

    def backup_store(self, *, on_done: Any, on_error: Any) -> None:
        """An encrypted backup into the backup folder (off the GUI thread): `on_done(path)`."""

    def rekey_store(self, current: str, new: str, *, on_done: Any, on_error: Any) -> None:
        """Change the store's passphrase while the kiosk runs (sync and connections closed,
        rekeyed, opened again)."""

    def restore_store(self, backup: Any, passphrase: str, *, on_done: Any, on_error: Any) -> None:
        """Replace the store with a backup while the kiosk runs (refused during a visit)."""

    def set_up(
        self,
        passphrase: str,
        settings: Settings,
        admin_name: str,
        admin_secret: str,
        *,
        on_error: Any,
        on_done: Any = None,
    ) -> None:
        """First run: settings saved, store and first site admin account created, kiosk open."""

    def open_staff_login(self) -> None:
        """The staff login, as "Espace équipe" and Ctrl+Alt+S open it."""


class Screen(QWidget):
    """One full-window page. Subclasses set `name` and fill `enter`, `wipe` and `retranslate`."""

    name: ClassVar[str]
    # Screens shown before the store is open (unlock, first set-up) set this to False.
    needs_store: ClassVar[bool] = True
    # The staff role a screen needs (`app.staff.ROLES`); None for a visitor's screen. The window
    # shows a staff screen only to staff logged in with that role or a higher one, in the staff
    # member's own display settings, and the visitor's inactivity wipe never fires on it.
    role: ClassVar[str | None] = None
    # Bars kept on screen at every text size (`_frame_bar`), and the scale they are styled for.
    _frame_bars: tuple[QWidget, ...] = ()
    _frame_scale = 0.0

    def __init__(self, nav: Navigator) -> None:
        super().__init__()
        self.nav = nav
        self.setObjectName(f"screen-{self.name}")

    def enter(self, **params: Any) -> None:
        """Shown now, with these parameters: fill the screen."""

    def wipe(self) -> None:
        """The visit ends: forget everything the visitor typed, chose or was shown."""

    def retranslate(self) -> None:
        """The interface language changed: set every fixed text again."""

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        """A core operation changed something (`origin`: who asked, often a screen): refresh
        what this screen shows of it. Most screens show nothing that changes under them."""

    def _scrolling_page(self) -> tuple[QVBoxLayout, ScrollPage]:
        """The usual frame of a screen: a page that scrolls up and down, filling the screen.

        Returns the screen's outer layout (for a button bar under the page) and the page (its
        `body_layout` takes the content).
        """
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.page = ScrollPage()
        outer.addWidget(self.page, 1)
        return outer, self.page

    def _frame_bar(self, bar: QWidget) -> QWidget:
        """A bar under the page that must stay on screen at every text size: it grows with the
        text up to `style.FRAME_CAP` (at 300 % its button is not pushed off the window)."""
        self._frame_bars = (*self._frame_bars, bar)
        self._frame_scale = 0.0  # style the new bar too
        self._restyle_frame_bars()
        return bar

    def _restyle_frame_bars(self) -> None:
        size = self.font().pixelSize()
        scale = size / BODY_PX if size > 0 else 1.0
        if abs(scale - self._frame_scale) >= 0.01:
            self._frame_scale = scale
            for bar in self._frame_bars:
                bar.setStyleSheet(frame_stylesheet(scale))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._frame_bars and event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._restyle_frame_bars()

    def first_focus(self) -> QWidget | None:
        """The widget that takes the keyboard focus when the screen appears."""
        return None
