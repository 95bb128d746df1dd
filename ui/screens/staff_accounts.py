"""Site admin: the team's accounts. Add one (name, role, PIN typed twice), and for each: a new
PIN, unlock after too many wrong tries, another role, deactivate. Every refusal is one sentence
from the core (`app.staff.StaffAccounts`); every change is audited with the admin's account id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.formatting import long_date
from pasapas.app.i18n import _
from pasapas.app.staff import ROLES, StaffAccount, role_label, secret_problems
from pasapas.ui.operations import error_message, run_operation
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.screens.staff_settings import TextButton
from pasapas.ui.widgets import FlowLayout, TextField, WrapButton, clear_layout, label

_PEOPLE = Changes(people=True, audit=True)


def _secret_field(name: str) -> TextField:
    field = TextField()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setObjectName(name)
    return field


def _role_row(body: QVBoxLayout, prefix: str, on_choose: Callable[[str], None]) -> dict:
    row = QWidget()
    flow = FlowLayout(row)
    buttons = {}
    for role in ROLES:
        button = TextButton()
        button.setObjectName(f"{prefix}-{role}")
        button.clicked.connect(lambda _checked=False, r=role: on_choose(r))
        flow.addWidget(button)
        buttons[role] = button
    body.addWidget(row)
    return buttons


def _mark(button: TextButton, text: str, chosen: bool) -> None:
    button.set_text(f"✓ {text}" if chosen else text)
    if chosen:
        button.setAccessibleName(_("{choice} (choisi)").format(choice=text))
    button.set_role("primary" if chosen else "")


@register_screen
class StaffAccountsScreen(Screen):
    name = "staff_accounts"
    role = "site_admin"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.message = label("", "error")
        self.message.setObjectName("accounts-message")
        self.message.hide()
        self.done_note = label("", "subtitle")
        self.done_note.setObjectName("accounts-done")
        self.done_note.hide()
        body.addWidget(self.title)
        body.addWidget(self.message)
        body.addWidget(self.done_note)

        self.list_box = QWidget()
        self.list_layout = QVBoxLayout(self.list_box)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.setSpacing(12)
        body.addWidget(self.list_box)
        self.account_buttons: dict[str, WrapButton] = {}

        # The chosen account.
        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.setSpacing(12)
        self.detail_title = label("", "subtitle")
        self.detail_state = label()
        self.detail_state.setObjectName("account-state")
        self.role_title = label()
        detail.addWidget(self.detail_title)
        detail.addWidget(self.detail_state)
        detail.addWidget(self.role_title)
        self.role_buttons = _role_row(detail, "set-role", self.change_role)
        self.unlock_button = TextButton()
        self.unlock_button.setObjectName("account-unlock")
        self.unlock_button.clicked.connect(self.unlock)
        detail.addWidget(self.unlock_button)
        self.reset_title = label("", "subtitle")
        self.reset_label = label()
        self.reset_pin = _secret_field("reset-pin")
        self.reset_label2 = label()
        self.reset_pin2 = _secret_field("reset-pin2")
        self.reset_label.setBuddy(self.reset_pin)
        self.reset_label2.setBuddy(self.reset_pin2)
        self.reset_button = TextButton()
        self.reset_button.setObjectName("account-reset")
        self.reset_button.clicked.connect(self.reset)
        self.reset_pin2.returnPressed.connect(self.reset)
        for widget in (
            self.reset_title,
            self.reset_label,
            self.reset_pin,
            self.reset_label2,
            self.reset_pin2,
            self.reset_button,
        ):
            detail.addWidget(widget)
        self.deactivate_button = TextButton()
        self.deactivate_button.setObjectName("account-deactivate")
        self.deactivate_button.clicked.connect(self.deactivate)
        detail.addWidget(self.deactivate_button)
        body.addWidget(self.detail)
        self.detail.hide()

        # A new account.
        self.add_title = label("", "subtitle")
        self.name_label = label()
        self.name = TextField()
        self.name.setObjectName("new-name")
        self.name.setMaxLength(60)
        self.name_label.setBuddy(self.name)
        body.addWidget(self.add_title)
        body.addWidget(self.name_label)
        body.addWidget(self.name)
        self.new_role_title = label()
        body.addWidget(self.new_role_title)
        self.new_role_buttons = _role_row(body, "new-role", self._choose_new_role)
        self.pin_label = label()
        self.pin = _secret_field("new-pin")
        self.pin2_label = label()
        self.pin2 = _secret_field("new-pin2")
        self.pin_label.setBuddy(self.pin)
        self.pin2_label.setBuddy(self.pin2)
        self.pin2.returnPressed.connect(self.add)
        self.add_button = TextButton(role="primary")
        self.add_button.setObjectName("new-create")
        self.add_button.clicked.connect(self.add)
        for widget in (self.pin_label, self.pin, self.pin2_label, self.pin2, self.add_button):
            body.addWidget(widget)
        self.back = WrapButton("")
        self.back.setObjectName("accounts-back")
        self.back.clicked.connect(lambda: self.nav.go("staff_home"))
        body.addWidget(self.back)
        body.addStretch(1)

        self._selected: StaffAccount | None = None
        self._new_role = "volunteer"
        self._confirm_deactivate = False
        self.retranslate()

    # -- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Comptes de l'équipe"))
        self.role_title.setText(_("Rôle"))
        self.unlock_button.set_text(_("Débloquer (effacer les essais manqués)"))
        self.reset_title.setText(_("Nouveau code"))
        for caption, field, text in (
            (self.reset_label, self.reset_pin, _("Nouveau code (au moins 6 chiffres)")),
            (self.reset_label2, self.reset_pin2, _("Le même code, encore une fois")),
            (self.name_label, self.name, _("Nom affiché")),
            (self.pin_label, self.pin, _("Code personnel (au moins 6 chiffres)")),
            (self.pin2_label, self.pin2, _("Le même code, encore une fois")),
        ):
            caption.setText(text)
            field.setAccessibleName(text)
        self.reset_pin.setAccessibleName(_("Nouveau code"))
        self.reset_pin2.setAccessibleName(_("Nouveau code, encore une fois"))
        self.reset_button.set_text(_("Changer le code"))
        self.add_title.setText(_("Ajouter un compte"))
        self.new_role_title.setText(_("Rôle du nouveau compte"))
        self.add_button.set_text(_("Créer le compte"))
        self.back.set_text(_("← Accueil équipe"))
        self._show_roles()
        self._show_deactivate()
        if self.isVisible():
            self.refresh()

    def _show_roles(self) -> None:
        current = self._selected.role if self._selected is not None else None
        for role, button in self.role_buttons.items():
            _mark(button, role_label(role), role == current)
        for role, button in self.new_role_buttons.items():
            _mark(button, role_label(role), role == self._new_role)
            button.setAccessibleDescription(_("Rôle du nouveau compte"))

    def _show_deactivate(self) -> None:
        self.deactivate_button.set_text(
            _("Oui, désactiver ce compte")
            if self._confirm_deactivate
            else _("Désactiver le compte")
        )
        self.deactivate_button.set_role("primary" if self._confirm_deactivate else "")

    # -- showing -----------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self._selected = None
        self.wipe()
        self.refresh()

    def first_focus(self) -> QWidget | None:
        return next(iter(self.account_buttons.values()), self.name)

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if (changes.people or changes.store) and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        try:
            accounts = self.nav.kiosk.staff.accounts(include_inactive=True)
        except RuntimeError:
            return
        clear_layout(self.list_layout)
        self.account_buttons = {}
        for account in accounts:
            button = WrapButton(account.display_name, self._describe(account))
            button.setObjectName(f"account-{len(self.account_buttons)}")
            button.clicked.connect(lambda _checked=False, a=account: self.select(a))
            self.list_layout.addWidget(button)
            self.account_buttons[account.id] = button
        if self._selected is not None:
            again = next((a for a in accounts if a.id == self._selected.id), None)
            self._show_selected(again)

    def _describe(self, account: StaffAccount) -> str:
        parts = [role_label(account.role)]
        if account.secret_kind == "passphrase":
            parts.append(_("mot de passe"))
        if not account.active:
            parts.append(_("désactivé"))
        elif self._slowed(account):
            parts.append(_("en attente après des essais manqués"))
        elif account.failures:
            parts.append(_("{n} essais manqués").format(n=account.failures))
        if account.last_login_on is not None:
            parts.append(
                _("dernière connexion : {day}").format(
                    day=long_date(account.last_login_on, self.nav.language)
                )
            )
        return " · ".join(parts)

    @staticmethod
    def _slowed(account: StaffAccount) -> bool:
        return account.locked_until is not None and account.locked_until > dt.datetime.now(dt.UTC)

    def select(self, account: StaffAccount) -> None:
        self._confirm_deactivate = False
        self.message.hide()
        self.done_note.hide()
        self._show_selected(account)
        self.reset_pin.setFocus()

    def _show_selected(self, account: StaffAccount | None) -> None:
        self._selected = account
        self.detail.setVisible(account is not None)
        if account is None:
            return
        self.detail_title.setText(account.display_name)
        self.detail_state.setText(self._describe(account))
        self.unlock_button.setVisible(account.active and (account.failures > 0))
        active = account.active
        for widget in (self.reset_pin, self.reset_pin2, self.reset_button, self.deactivate_button):
            widget.setEnabled(active)
        for button in self.role_buttons.values():
            button.setEnabled(active)
        self._show_roles()
        self._show_deactivate()

    # -- actions -----------------------------------------------------------------------------

    def _actor(self) -> str:
        account = self.nav.staff_account
        return account.id if account is not None else ""

    def _run(self, work: Callable[[Any], Any], done_text: str) -> None:
        def done(_result: Any) -> None:
            self.message.hide()
            self.done_note.setText(done_text)
            self.done_note.show()

        def failed(error: Exception) -> None:
            self.done_note.hide()
            self.show_message(error_message(error))

        def job(kiosk: Any) -> Changes:
            work(kiosk)
            return _PEOPLE

        run_operation(
            self.nav, self.nav.with_worker_kiosk(job), on_done=done, on_error=failed, origin=self
        )

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _pin_problem(self, pin: str, again: str) -> str:
        if pin != again:
            return _("Les deux codes sont différents.")
        problems = secret_problems(pin)
        return problems[0] if problems else ""

    def _choose_new_role(self, role: str) -> None:
        self._new_role = role
        self._show_roles()

    def add(self) -> None:
        name, pin, again = self.name.text().strip(), self.pin.text(), self.pin2.text()
        problem = (
            _("Tapez le nom affiché du compte.") if not name else self._pin_problem(pin, again)
        )
        if problem:
            self.show_message(problem)
            return
        self.pin.clear()
        self.pin2.clear()
        self.name.clear()
        role, actor = self._new_role, self._actor()
        self._run(
            lambda kiosk: kiosk.staff.create(name, role, pin, actor=actor),
            _("Compte créé : {name}.").format(name=name),
        )

    def reset(self) -> None:
        account = self._selected
        if account is None:
            return
        pin, again = self.reset_pin.text(), self.reset_pin2.text()
        self.reset_pin.clear()
        self.reset_pin2.clear()
        problem = self._pin_problem(pin, again)
        if problem:
            self.show_message(problem)
            return
        account_id, actor = account.id, self._actor()
        self._run(
            lambda kiosk: kiosk.staff.reset_secret(account_id, pin, actor=actor),
            _("Nouveau code enregistré pour {name}.").format(name=account.display_name),
        )

    def unlock(self) -> None:
        account = self._selected
        if account is None:
            return
        account_id, actor = account.id, self._actor()
        self._run(
            lambda kiosk: kiosk.staff.unlock(account_id, actor=actor),
            _("{name} peut de nouveau se connecter.").format(name=account.display_name),
        )

    def change_role(self, role: str) -> None:
        account = self._selected
        if account is None or role == account.role:
            return
        account_id, actor = account.id, self._actor()
        self._run(
            lambda kiosk: kiosk.staff.set_role(account_id, role, actor=actor),
            _("{name} est maintenant : {role}.").format(
                name=account.display_name, role=role_label(role)
            ),
        )

    def deactivate(self) -> None:
        account = self._selected
        if account is None:
            return
        if not self._confirm_deactivate:  # a second touch confirms
            self._confirm_deactivate = True
            self._show_deactivate()
            return
        self._confirm_deactivate = False
        self._show_deactivate()
        account_id, actor = account.id, self._actor()
        self._run(
            lambda kiosk: kiosk.staff.deactivate(account_id, actor=actor),
            _("Compte désactivé : {name}.").format(name=account.display_name),
        )

    def wipe(self) -> None:
        for field in (self.pin, self.pin2, self.reset_pin, self.reset_pin2, self.name):
            field.clear()
        self.message.hide()
        self.done_note.hide()
        self._confirm_deactivate = False
