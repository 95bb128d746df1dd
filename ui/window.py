"""The kiosk window: one stack of registered screens, the current visit, and the way out."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from app.errors import PasapasError
from app.guide import Walk
from app.i18n import _, current_language
from app.services import Kiosk
from app.settings import Paths, Settings
from ui.admin import AdminExitDialog
from ui.inactivity import InactivityGuard
from ui.screens import Screen, load_screens
from ui.style import stylesheet


class KioskWindow(QMainWindow):
    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        *,
        kiosk: Kiosk | None = None,
        locked_down: bool = True,
    ) -> None:
        super().__init__()
        self.setObjectName("kiosk-window")
        self.paths = paths
        self.settings = settings
        self._kiosk = kiosk
        self._walk: Walk | None = None
        self.locked_down = locked_down
        self._may_close = False
        self.setWindowTitle(_("Pas à pas"))
        self.setStyleSheet(stylesheet())

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
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
        )
        exit_shortcut = QShortcut(QKeySequence("Ctrl+Alt+Q"), self)
        exit_shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
        exit_shortcut.activated.connect(self.close)

        if kiosk is not None:
            self.go("home")
        elif paths.store.exists():
            self.go("unlock")
        else:
            self.go("setup")

    # -- what screens ask for ---------------------------------------------------------------

    @property
    def kiosk(self) -> Kiosk:
        if self._kiosk is None:
            raise RuntimeError("the store is not open yet")
        return self._kiosk

    @property
    def language(self) -> str:
        return current_language()

    @property
    def walk(self) -> Walk | None:
        return self._walk

    def go(self, name: str, **params: Any) -> None:
        screen = self.screens[name]
        if screen.needs_store and self._kiosk is None:
            name, screen = "unlock", self.screens["unlock"]
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

    def unlocked(self, kiosk: Kiosk) -> None:
        self._kiosk = kiosk
        for name in ("unlock", "setup"):
            self.screens[name].wipe()
        self.go("home")

    def start_walk(self, procedure_id: str) -> None:
        walk = self._walk
        if walk is None or walk.procedure.id != procedure_id:
            if walk is not None:
                self.kiosk.end_visit(walk)
            self._walk = self.kiosk.start_walk(procedure_id, self.language)
        self.go("step")

    def has_visit(self) -> bool:
        """Is there anything of a visitor's to wipe (a walk, a search typed)?"""
        home = self.screens["home"]
        return self._walk is not None or bool(home.search.text())

    def end_visit(self) -> None:
        """The visitor is done (or stops): keep the anonymous outcome, wipe the rest, go home."""
        self.wipe_visit()

    def wipe_visit(self) -> None:
        walk, self._walk = self._walk, None
        if walk is not None and self._kiosk is not None:
            self._kiosk.end_visit(walk)
        for screen in self.screens.values():
            screen.wipe()
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
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
        dialog = AdminExitDialog(self, self._kiosk.check_admin)
        if dialog.exec() == AdminExitDialog.DialogCode.Accepted:
            self._may_close = True
            QTimer.singleShot(0, self.close)  # not from inside closeEvent: Qt ignores that

    def allow_close(self) -> None:
        """The system is stopping the kiosk: the next close needs no passphrase."""
        self._may_close = True

    def _shutdown(self) -> None:
        self.inactivity.stop()
        if self._walk is not None and self._kiosk is not None:
            self.wipe_visit()
        if self._kiosk is not None:
            self._kiosk.close()
            self._kiosk = None
