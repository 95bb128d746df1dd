"""Staff login: the team's accounts as big buttons, then the PIN on an on-screen pad.

Reached from "Espace équipe" in the access bar, Ctrl+Alt+S, or any staff screen asked for without
a session of the right role (the window sends here, with the screen to show once logged in). The
pad is for touch; the field also takes the keyboard (digits, Backspace, Enter). A passphrase
account gets the field only. The secret is checked on a worker thread (Argon2 takes a moment);
a wrong PIN says how many tries are left, and a slowed account counts the seconds down.

When the store has no staff account yet (a kiosk set up before staff accounts existed), the first
site admin's account is made here, with the kiosk's passphrase.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGridLayout, QLineEdit, QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _, ngettext
from pasapas.app.staff import LoginRefused, StaffAccount, role_label, secret_problems
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, TextField, WrapButton, clear_layout, label


def _password_field(name: str) -> TextField:
    field = TextField()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setObjectName(name)
    return field


@register_screen
class StaffLoginScreen(Screen):
    name = "staff_login"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.intro = label()
        self.message = label("", "error")
        self.message.setObjectName("login-message")
        self.message.hide()
        body.addWidget(self.title)
        body.addWidget(self.intro)
        body.addWidget(self.message)

        # 1. Who are you? One big button per account.
        self.accounts_box = QWidget()
        self.accounts_layout = QVBoxLayout(self.accounts_box)
        self.accounts_layout.setContentsMargins(0, 0, 0, 0)
        self.accounts_layout.setSpacing(12)
        body.addWidget(self.accounts_box)
        self.account_buttons: list[WrapButton] = []

        # 1b. No account at all yet: the first site admin, with the kiosk's passphrase.
        self.first_box = QWidget()
        first = QVBoxLayout(self.first_box)
        first.setContentsMargins(0, 0, 0, 0)
        first.setSpacing(12)
        self.first_intro = label()
        self.store_label = label()
        self.store_field = _password_field("first-store-passphrase")
        self.admin_name_label = label()
        self.admin_name = TextField()
        self.admin_name.setObjectName("first-admin-name")
        self.admin_name.setMaxLength(60)
        self.admin_pin_label = label()
        self.admin_pin = _password_field("first-admin-pin")
        self.admin_pin2_label = label()
        self.admin_pin2 = _password_field("first-admin-pin2")
        self.first_button = BigButton(role="primary")
        self.first_button.setObjectName("first-admin-create")
        self.first_button.clicked.connect(self.create_first_admin)
        for caption, field in (
            (self.store_label, self.store_field),
            (self.admin_name_label, self.admin_name),
            (self.admin_pin_label, self.admin_pin),
            (self.admin_pin2_label, self.admin_pin2),
        ):
            caption.setBuddy(field)
        for widget in (
            self.first_intro,
            self.store_label,
            self.store_field,
            self.admin_name_label,
            self.admin_name,
            self.admin_pin_label,
            self.admin_pin,
            self.admin_pin2_label,
            self.admin_pin2,
            self.first_button,
        ):
            first.addWidget(widget)
        self.admin_pin2.returnPressed.connect(self.create_first_admin)
        body.addWidget(self.first_box)

        # 2. The PIN: a field that takes the keyboard, and a pad for touch.
        self.pin_box = QWidget()
        pin = QVBoxLayout(self.pin_box)
        pin.setContentsMargins(0, 0, 0, 0)
        pin.setSpacing(12)
        self.greeting = label("", "subtitle")
        self.greeting.setObjectName("login-greeting")
        self.field_label = label()
        self.field = _password_field("login-secret")
        self.field_label.setBuddy(self.field)
        self.field.returnPressed.connect(self.submit)
        self.countdown = label("", "error")
        self.countdown.setObjectName("login-countdown")
        self.countdown.hide()
        self.pad = QWidget()
        self.pad.setObjectName("pin-pad")
        grid = QGridLayout(self.pad)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        self.digit_buttons: dict[str, BigButton] = {}
        for index, digit in enumerate("123456789"):
            button = self._pad_button(digit)
            grid.addWidget(button, index // 3, index % 3)
        self.erase_button = BigButton()
        self.erase_button.setObjectName("pin-erase")
        self.erase_button.clicked.connect(self.erase)
        self.ok_button = BigButton(role="primary")
        self.ok_button.setObjectName("pin-ok")
        self.ok_button.clicked.connect(self.submit)
        # Short words on the pad: they must fit at 300 % too.
        grid.addWidget(self._pad_button("0"), 3, 0, 1, 2)
        grid.addWidget(self.erase_button, 3, 2)
        grid.addWidget(self.ok_button, 4, 0, 1, 3)
        self.pad.setMaximumWidth(720)
        # A number pad reads 1 2 3 from the left in every language, Arabic too (as phones do).
        self.pad.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.other_button = WrapButton("")
        self.other_button.setObjectName("login-other-account")
        self.other_button.clicked.connect(self.show_accounts)
        for widget in (self.greeting, self.field_label, self.field, self.countdown, self.pad):
            pin.addWidget(widget)
        pin.addWidget(self.other_button)
        body.addWidget(self.pin_box)

        self.cancel_button = WrapButton("")
        self.cancel_button.setObjectName("login-cancel")
        self.cancel_button.clicked.connect(self.cancel)
        body.addWidget(self.cancel_button)
        body.addStretch(1)

        self._target = "staff_home"
        self._target_params: dict[str, Any] = {}
        self._resume = False
        self._reauth = False
        self._refused_role: str | None = None
        self._account: StaffAccount | None = None
        self._busy = False
        self._wait_left = 0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        self.pin_box.hide()
        self.first_box.hide()
        self.retranslate()

    def _pad_button(self, digit: str) -> BigButton:
        button = BigButton()
        button.setObjectName(f"pin-{digit}")
        button.set_text(digit)
        button.setMinimumHeight(88)
        button.clicked.connect(lambda _checked=False, d=digit: self.press(d))
        self.digit_buttons[digit] = button
        return button

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Espace équipe"))
        self.first_intro.setText(
            _(
                "Aucun compte d'équipe n'existe encore. Créez d'abord le compte du ou de la "
                "responsable du lieu : il faut le mot de passe de la borne."
            )
        )
        for caption, field, text in (
            (self.store_label, self.store_field, _("Mot de passe de la borne")),
            (self.admin_name_label, self.admin_name, _("Nom affiché")),
            (
                self.admin_pin_label,
                self.admin_pin,
                _("Code personnel (au moins 6 chiffres)"),
            ),
            (self.admin_pin2_label, self.admin_pin2, _("Le même code, encore une fois")),
        ):
            caption.setText(text)
            field.setAccessibleName(text)
        self.first_button.set_text(_("Créer le compte et se connecter"))
        self.erase_button.set_text("⌫")
        self.erase_button.setAccessibleName(_("Effacer le dernier chiffre"))
        self.erase_button.setToolTip(_("Effacer le dernier chiffre"))
        self.ok_button.set_text(_("Valider"))
        self.other_button.set_text(_("Changer de compte"))
        self.cancel_button.set_text(_("Retour aux visiteurs"))
        self._set_intro()
        self._set_secret_texts()
        for button in self.account_buttons:
            account = button.property("account")
            if isinstance(account, StaffAccount):
                button.detail_label.setText(role_label(account.role))
                button.setAccessibleDescription(role_label(account.role))

    def _set_intro(self) -> None:
        if self._refused_role:
            self.intro.setText(
                _(
                    "Cet écran est réservé au rôle « {role} » ou plus. Connectez-vous avec "
                    "un compte qui a ce rôle."
                ).format(role=role_label(self._refused_role))
            )
        elif self._reauth:
            self.intro.setText(_("Par sécurité, tapez de nouveau votre code pour continuer."))
        else:
            self.intro.setText(_("Touchez votre nom, puis tapez votre code."))

    def _set_secret_texts(self) -> None:
        account = self._account
        passphrase = account is not None and account.secret_kind == "passphrase"
        text = _("Votre mot de passe") if passphrase else _("Votre code personnel")
        self.field_label.setText(text)
        self.field.setAccessibleName(text)
        if account is not None:
            self.greeting.setText(_("Bonjour {name}").format(name=account.display_name))

    # -- showing ----------------------------------------------------------------------------

    def enter(
        self,
        target: str = "staff_home",
        target_params: dict[str, Any] | None = None,
        refused_role: str | None = None,
        reauth: bool = False,
        resume: bool = False,
        **_ignored: Any,
    ) -> None:
        self._target = target
        self._target_params = dict(target_params or {})
        self._refused_role = refused_role
        self._reauth = reauth
        self._resume = resume
        self._busy = False
        self.wipe()
        account = self.nav.staff_account if reauth else None
        if account is not None:
            self._choose(account)
        else:
            self._reauth = False
            self.show_accounts()
        self._set_intro()

    def first_focus(self) -> QWidget | None:
        if self.pin_box.isVisibleTo(self):
            return self.field
        if self.first_box.isVisibleTo(self):
            return self.store_field
        return self.account_buttons[0] if self.account_buttons else self.cancel_button

    def show_accounts(self) -> None:
        """Step 1: every active account as a big button (or the first admin's form)."""
        self._account = None
        self._reauth = False  # another account: a login of its own, not the PIN asked again
        self._set_intro()
        self._stop_countdown()
        self.field.clear()
        self.pin_box.hide()
        clear_layout(self.accounts_layout)
        self.account_buttons = []
        try:
            accounts = self.nav.kiosk.staff.accounts()
        except (PasapasError, RuntimeError) as error:
            self.show_message(error_message(error) if isinstance(error, PasapasError) else "")
            accounts = []
        for index, account in enumerate(accounts):
            button = WrapButton(account.display_name, role_label(account.role))
            button.setObjectName(f"account-{index}")
            button.setProperty("account", account)
            button.clicked.connect(lambda _checked=False, a=account: self._choose(a))
            self.accounts_layout.addWidget(button)
            self.account_buttons.append(button)
        self.accounts_box.setVisible(bool(accounts))
        self.first_box.setVisible(not accounts and self.nav.store_open)
        if self.isVisible():
            focus = self.first_focus()
            if focus is not None:
                focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choose(self, account: StaffAccount) -> None:
        """Step 2: the PIN pad (or the passphrase field) for this account."""
        self._account = account
        self.accounts_box.hide()
        self.first_box.hide()
        self.message.hide()
        passphrase = account.secret_kind == "passphrase"
        self.pad.setVisible(not passphrase)
        self.ok_button.setVisible(True)
        self._set_secret_texts()
        self.field.clear()
        self.pin_box.show()
        self._stop_countdown()
        now = dt.datetime.now(dt.UTC)
        if account.locked_until is not None and account.locked_until > now:
            self._start_countdown(max(1, round((account.locked_until - now).total_seconds())))
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the pad --------------------------------------------------------------------------------

    def press(self, digit: str) -> None:
        if self.field.isEnabled():
            self.field.setText(self.field.text() + digit)
            self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def erase(self) -> None:
        self.field.setText(self.field.text()[:-1])
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- checking -------------------------------------------------------------------------------

    def submit(self) -> None:
        account = self._account
        if account is None or self._busy or self._wait_left > 0:
            return
        secret = self.field.text()
        self.field.clear()
        if not secret:
            self.show_message(_("Tapez votre code."))
            return
        self._set_busy(True)
        account_id, confirm = account.id, self._reauth

        def work(kiosk: Any) -> StaffAccount:
            if confirm:
                return kiosk.staff.confirm(account_id, secret)
            return kiosk.staff.login(account_id, secret)

        run_operation(
            self.nav,
            self.nav.with_worker_kiosk(work),
            on_done=self._logged_in,
            on_error=self._refused,
            origin=self,
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.field, self.pad, self.ok_button, self.other_button):
            widget.setEnabled(not busy)

    def _logged_in(self, account: StaffAccount) -> None:
        self._set_busy(False)
        same = self._reauth and self._resume
        target, params = self._target, self._target_params
        self.wipe()
        self.nav.broadcast(Changes(audit=True), self)
        self.nav.staff_login(account, target=target, target_params=params, resume=same)

    def _refused(self, error: Exception) -> None:
        self._set_busy(False)
        self.nav.broadcast(Changes(audit=True), self)
        if isinstance(error, LoginRefused):
            self.message.hide()
            self._start_countdown(error.wait_seconds)
            return
        self.show_message(error_message(error))
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- slowed down: the seconds counted ---------------------------------------------------

    def _start_countdown(self, seconds: int) -> None:
        self._wait_left = seconds
        self.field.setEnabled(False)
        self.pad.setEnabled(False)
        self.ok_button.setEnabled(False)
        self._show_wait()
        self.countdown.show()
        self._tick.start()

    def _show_wait(self) -> None:
        self.countdown.setText(
            ngettext(
                "Trop d'essais. Réessayez dans {n} seconde.",
                "Trop d'essais. Réessayez dans {n} secondes.",
                self._wait_left,
            ).format(n=self._wait_left)
        )
        self.countdown.setAccessibleName(self.countdown.text())

    def _count_down(self) -> None:
        self._wait_left -= 1
        if self._wait_left > 0:
            self._show_wait()
            return
        self._stop_countdown()
        self.show_message(_("Vous pouvez réessayer."))
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _stop_countdown(self) -> None:
        self._tick.stop()
        self._wait_left = 0
        self.countdown.hide()
        self.field.setEnabled(True)
        self.pad.setEnabled(True)
        self.ok_button.setEnabled(True)

    # -- the first site admin -------------------------------------------------------------------

    def create_first_admin(self) -> None:
        if self._busy:
            return
        kiosk = self.nav.kiosk
        passphrase, name = self.store_field.text(), self.admin_name.text().strip()
        pin, again = self.admin_pin.text(), self.admin_pin2.text()
        self.store_field.clear()
        problem = ""
        if not kiosk.check_admin(passphrase):
            problem = _("Ce n'est pas le mot de passe de la borne.")
        elif not name:
            problem = _("Tapez le nom affiché du compte.")
        elif pin != again:
            problem = _("Les deux codes sont différents.")
        else:
            problems = secret_problems(pin)
            problem = problems[0] if problems else ""
        if problem:
            self.show_message(problem)
            return
        self.admin_pin.clear()
        self.admin_pin2.clear()
        self._busy = True
        self.first_button.setEnabled(False)

        def work(worker: Any) -> StaffAccount:
            account = worker.staff.create(name, "site_admin", pin)
            return worker.staff.login(account.id, pin)

        def done(account: StaffAccount) -> None:
            self._busy = False
            self.first_button.setEnabled(True)
            target, params = self._target, self._target_params
            self.wipe()
            self.nav.broadcast(Changes(people=True, audit=True), self)
            self.nav.staff_login(account, target=target, target_params=params)

        def failed(error: Exception) -> None:
            self._busy = False
            self.first_button.setEnabled(True)
            self.show_message(error_message(error))

        run_operation(self.nav, self.nav.with_worker_kiosk(work), on_done=done, on_error=failed)

    # -- leaving ------------------------------------------------------------------------------

    def cancel(self) -> None:
        self.wipe()
        self.nav.leave_staff()

    def wipe(self) -> None:
        self._stop_countdown()
        for field in (self.field, self.store_field, self.admin_pin, self.admin_pin2):
            field.clear()
        self.message.hide()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if origin is self:
            return
        if (changes.people or changes.store) and self.isVisible() and self._account is None:
            self.show_accounts()
