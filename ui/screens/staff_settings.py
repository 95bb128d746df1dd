"""Site admin: every setting of the kiosk, and looking after its store.

The visitors' defaults (idle time and warning, voice, speech rate, text size, colours), the help
point (name, commune's INSEE code, postcode, opening hours), the staff mode's time and the
retention of anonymous data; the languages have a screen of their own. Saved with
`update_settings` (audited with the names of the settings changed). Then the store's passphrase
(changed safely while the kiosk runs), a backup, and a restore (refused during a visit).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from pasapas.app.changes import Changes
from pasapas.app.formatting import whole_percent
from pasapas.app.i18n import _, ngettext
from pasapas.app.passphrase import passphrase_problems
from pasapas.app.preferences import COLOUR_THEMES, TEXT_SIZES, THEME_NAMES
from pasapas.app.settings import RETENTION_MONTHS, STAFF_MODE_MINUTES, Settings
from pasapas.ui.operations import error_message
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, FlowLayout, TextField, WrapButton, clear_layout, label

_COMMUNE = re.compile(r"(?:[0-9]{2}|2A|2B)[0-9]{3}")
_POSTCODE = re.compile(r"[0-9]{5}")
RESTORE_LISTED = 8  # newest backups offered


class TextButton(WrapButton):
    """A big action button whose words wrap (a plain button's text is cut at 300 %)."""

    def __init__(self, role: str = "") -> None:
        super().__init__("", role=role)

    def set_text(self, text: str) -> None:
        self.title_label.setText(text)
        self.setAccessibleName(text)

    def text(self) -> str:
        return self.title_label.text()

    def set_role(self, role: str) -> None:
        self.setProperty("role", role)
        for widget in (self, self.title_label):
            widget.style().unpolish(widget)
            widget.style().polish(widget)


class Stepper(QWidget):
    """A number chosen with two big buttons, "−" and "+", for touch and keyboard alike."""

    def __init__(
        self, name: str, low: int, high: int, step: int, unit: Callable[[int], str]
    ) -> None:
        super().__init__()
        self.low, self.high, self.step, self.unit = low, high, step, unit
        self.value = low
        self.caption = label()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.minus = BigButton()
        self.minus.setObjectName(f"{name}-minus")
        self.minus.clicked.connect(lambda: self.set_value(self.value - self.step))
        self.shown = label()
        self.shown.setObjectName(f"{name}-value")
        self.plus = BigButton()
        self.plus.setObjectName(f"{name}-plus")
        self.plus.clicked.connect(lambda: self.set_value(self.value + self.step))
        row.addWidget(self.minus)
        row.addWidget(self.shown, 1)
        row.addWidget(self.plus)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.caption)
        column.addLayout(row)
        self._text = ""

    def set_caption(self, text: str) -> None:
        self._text = text
        self.caption.setText(text)
        self.minus.set_text("−")
        self.plus.set_text("+")
        self.minus.setAccessibleName(_("Moins : {setting}").format(setting=text))
        self.plus.setAccessibleName(_("Plus : {setting}").format(setting=text))
        self._show()

    def set_value(self, value: int) -> None:
        self.value = min(max(int(value), self.low), self.high)
        self._show()

    def _show(self) -> None:
        text = self.unit(self.value)
        self.shown.setText(text)
        self.shown.setAccessibleName(f"{self._text} : {text}")
        self.minus.setEnabled(self.value > self.low)
        self.plus.setEnabled(self.value < self.high)
        for button in (self.minus, self.plus):
            button.setAccessibleDescription(text)


class Choice(QWidget):
    """One value among a few, as a row of big buttons; the chosen one is marked in words."""

    def __init__(self, name: str, values: tuple) -> None:
        super().__init__()
        self.values = values
        self.value = values[0]
        self.caption = label()
        self.row = QWidget()
        flow = FlowLayout(self.row)
        self.buttons = {}
        for value in values:
            button = BigButton()
            button.setObjectName(f"{name}-{value}")
            button.clicked.connect(lambda _checked=False, v=value: self.set_value(v))
            flow.addWidget(button)
            self.buttons[value] = button
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.caption)
        column.addWidget(self.row)
        self._names: dict = {}

    def set_texts(self, caption: str, names: dict) -> None:
        self.caption.setText(caption)
        self._names = names
        self._show()

    def set_value(self, value: Any) -> None:
        if value in self.values:
            self.value = value
            self._show()

    def _show(self) -> None:
        caption = self.caption.text()
        for value, button in self.buttons.items():
            text = self._names.get(value, str(value))
            chosen = value == self.value
            button.set_text(f"✓ {text}" if chosen else text)
            button.setAccessibleName(
                _("{setting} : {choice} (choisi)").format(setting=caption, choice=text)
                if chosen
                else _("{setting} : {choice}").format(setting=caption, choice=text)
            )
            button.setProperty("role", "primary" if chosen else "")
            button.style().unpolish(button)
            button.style().polish(button)


def _field(body: QVBoxLayout, name: str, *, secret: bool = False) -> tuple[Any, TextField]:
    caption = label()
    field = TextField()
    field.setObjectName(name)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    caption.setBuddy(field)
    body.addWidget(caption)
    body.addWidget(field)
    return caption, field


def _seconds(n: int) -> str:
    return ngettext("{n} seconde", "{n} secondes", n).format(n=n)


def _minutes(n: int) -> str:
    return ngettext("{n} minute", "{n} minutes", n).format(n=n)


def _months(n: int) -> str:
    return ngettext("{n} mois", "{n} mois", n).format(n=n)


@register_screen
class StaffSettingsScreen(Screen):
    name = "staff_settings"
    role = "site_admin"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        body.addWidget(self.title)

        # -- the help point
        self.place_title = label("", "subtitle")
        body.addWidget(self.place_title)
        self.site_name_label, self.site_name = _field(body, "set-site-name")
        self.site_name.setMaxLength(80)
        self.commune_label, self.commune = _field(body, "set-commune")
        self.commune.setMaxLength(5)
        self.postcode_label, self.postcode = _field(body, "set-postcode")
        self.postcode.setMaxLength(5)
        self.hours_label, self.hours = _field(body, "set-hours")
        self.hours.setMaxLength(200)

        # -- visitors
        self.visitors_title = label("", "subtitle")
        body.addWidget(self.visitors_title)
        self.idle = Stepper("set-idle", 30, 3600, 30, _seconds)
        self.warning = Stepper("set-warning", 5, 300, 5, _seconds)
        self.voice = Choice("set-voice", (True, False))
        self.rate = Choice("set-rate", ("normal", "slow"))
        self.size = Choice("set-size", TEXT_SIZES)
        self.theme = Choice("set-theme", COLOUR_THEMES)
        for widget in (self.idle, self.warning, self.voice, self.rate, self.size, self.theme):
            body.addWidget(widget)
        self.languages_button = BigButton()
        self.languages_button.setObjectName("set-languages")
        self.languages_button.clicked.connect(lambda: self.nav.go("staff_languages"))
        body.addWidget(self.languages_button)

        # -- staff and privacy
        self.staff_title = label("", "subtitle")
        body.addWidget(self.staff_title)
        self.staff_minutes = Stepper("set-staff-minutes", *STAFF_MODE_MINUTES, 5, _minutes)
        self.retention = Stepper("set-retention", *RETENTION_MONTHS, 1, _months)
        body.addWidget(self.staff_minutes)
        body.addWidget(self.retention)

        self.message = label("", "error")
        self.message.setObjectName("settings-message")
        self.message.hide()
        self.saved_note = label("", "subtitle")
        self.saved_note.setObjectName("settings-saved")
        self.saved_note.hide()
        self.save_button = TextButton(role="primary")
        self.save_button.setObjectName("settings-save")
        self.save_button.clicked.connect(self.save)
        body.addWidget(self.message)
        body.addWidget(self.saved_note)
        body.addWidget(self.save_button)

        # -- the store's passphrase
        self.rekey_title = label("", "subtitle")
        self.rekey_intro = label()
        body.addWidget(self.rekey_title)
        body.addWidget(self.rekey_intro)
        self.current_label, self.current = _field(body, "rekey-current", secret=True)
        self.new_label, self.new = _field(body, "rekey-new", secret=True)
        self.new2_label, self.new2 = _field(body, "rekey-new2", secret=True)
        self.new.textChanged.connect(self._check_new)
        self.new2.textChanged.connect(self._check_new)
        self.rekey_feedback = label("", "muted")
        self.rekey_button = TextButton()
        self.rekey_button.setObjectName("rekey")
        self.rekey_button.clicked.connect(self.rekey)
        self.rekey_message = label()
        self.rekey_message.setObjectName("rekey-message")
        for widget in (self.rekey_feedback, self.rekey_button, self.rekey_message):
            body.addWidget(widget)

        # -- backup and restore
        self.backup_title = label("", "subtitle")
        self.backup_button = TextButton()
        self.backup_button.setObjectName("backup")
        self.backup_button.clicked.connect(self.backup)
        self.backup_message = label(selectable=True)
        self.backup_message.setObjectName("backup-message")
        self.restore_title = label("", "subtitle")
        self.restore_intro = label()
        for widget in (
            self.backup_title,
            self.backup_button,
            self.backup_message,
            self.restore_title,
            self.restore_intro,
        ):
            body.addWidget(widget)
        self.backups_box = QWidget()
        self.backups_layout = QVBoxLayout(self.backups_box)
        self.backups_layout.setContentsMargins(0, 0, 0, 0)
        self.backups_layout.setSpacing(12)
        body.addWidget(self.backups_box)
        self.backup_buttons: dict[Path, WrapButton] = {}
        self.restore_pass_label, self.restore_pass = _field(body, "restore-passphrase", secret=True)
        self.restore_button = TextButton()
        self.restore_button.setObjectName("restore")
        self.restore_button.clicked.connect(self.restore)
        self.restore_message = label()
        self.restore_message.setObjectName("restore-message")
        body.addWidget(self.restore_button)
        body.addWidget(self.restore_message)

        self.back = WrapButton("")
        self.back.setObjectName("settings-back")
        self.back.clicked.connect(lambda: self.nav.go("staff_home"))
        body.addWidget(self.back)
        body.addStretch(1)

        self._chosen_backup: Path | None = None
        self._confirm_restore = False
        self.retranslate()

    # -- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Réglages de la borne"))
        self.place_title.setText(_("Le lieu"))
        for caption, field, text in (
            (self.site_name_label, self.site_name, _("Nom du lieu d'aide")),
            (
                self.commune_label,
                self.commune,
                _("Code INSEE de la commune (5 caractères, par exemple 75056)"),
            ),
            (self.postcode_label, self.postcode, _("Code postal")),
            (
                self.hours_label,
                self.hours,
                _("Horaires d'ouverture (comme sur la fiche à emporter)"),
            ),
            (self.current_label, self.current, _("Mot de passe actuel")),
            (self.new_label, self.new, _("Nouveau mot de passe")),
            (self.new2_label, self.new2, _("Le nouveau mot de passe, encore une fois")),
            (
                self.restore_pass_label,
                self.restore_pass,
                _("Mot de passe de cette sauvegarde"),
            ),
        ):
            caption.setText(text)
            field.setAccessibleName(text)
        self.commune.setAccessibleName(_("Code INSEE de la commune"))
        self.visitors_title.setText(_("Pour chaque visiteur, au départ"))
        self.idle.set_caption(_("Temps sans toucher avant l'alerte"))
        self.warning.set_caption(_("Durée de l'alerte avant l'effacement"))
        self.voice.set_texts(_("Voix"), {True: _("oui"), False: _("non")})
        self.rate.set_texts(_("Vitesse de la voix"), {"normal": _("normale"), "slow": _("lente")})
        language = self.nav.language
        self.size.set_texts(
            _("Taille du texte"), {size: whole_percent(size, language) for size in TEXT_SIZES}
        )
        self.theme.set_texts(_("Couleurs"), {t: _(THEME_NAMES[t]) for t in COLOUR_THEMES})
        self.languages_button.set_text(_("Langues proposées…"))
        self.staff_title.setText(_("Équipe et vie privée"))
        self.staff_minutes.set_caption(_("Retour au mode visiteur sans action de l'équipe après"))
        self.retention.set_caption(_("Durée de conservation des données anonymes"))
        self.save_button.set_text(_("Enregistrer les réglages"))
        self.rekey_title.setText(_("Mot de passe de la borne"))
        self.rekey_intro.setText(
            _(
                "Il protège la base chiffrée et sert à fermer la borne. La borne reste ouverte "
                "pendant le changement ; la synchronisation reprend ensuite."
            )
        )
        self.rekey_button.set_text(_("Changer le mot de passe"))
        self.backup_title.setText(_("Sauvegarde"))
        self.backup_button.set_text(_("Faire une sauvegarde maintenant"))
        self.restore_title.setText(_("Restaurer une sauvegarde"))
        self.restore_intro.setText(
            _(
                "La base actuelle est remplacée par la sauvegarde choisie (elle est gardée à "
                "côté). Impossible pendant une visite."
            )
        )
        self._show_restore_button()
        self.back.set_text(_("← Accueil équipe"))
        self._check_new()
        if self.isVisible():
            self._list_backups()

    def _show_restore_button(self) -> None:
        self.restore_button.set_text(
            _("Oui, remplacer la base par cette sauvegarde")
            if self._confirm_restore
            else _("Restaurer cette sauvegarde")
        )
        self.restore_button.set_role("primary" if self._confirm_restore else "")
        self.restore_button.setEnabled(self._chosen_backup is not None)

    # -- showing -----------------------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self.wipe()
        self.load(self.nav.settings)
        self._list_backups()

    def first_focus(self) -> QWidget | None:
        return self.site_name

    def load(self, settings: Settings) -> None:
        self.site_name.setText(settings.site_name)
        self.commune.setText(settings.site_commune)
        self.postcode.setText(settings.site_postcode)
        self.hours.setText(settings.opening_hours)
        self.idle.set_value(settings.inactivity_seconds)
        self.warning.set_value(settings.inactivity_warning_seconds)
        self.voice.set_value(settings.voice)
        self.rate.set_value(settings.speech_rate)
        self.size.set_value(settings.text_size)
        self.theme.set_value(settings.theme)
        self.staff_minutes.set_value(settings.staff_mode_minutes)
        self.retention.set_value(settings.retention_months)

    def chosen(self) -> Settings:
        return replace(
            self.nav.settings,
            site_name=self.site_name.text().strip(),
            site_commune=self.commune.text().strip().upper(),
            site_postcode=self.postcode.text().strip(),
            opening_hours=self.hours.text().strip(),
            inactivity_seconds=self.idle.value,
            inactivity_warning_seconds=self.warning.value,
            voice=self.voice.value,
            speech_rate=self.rate.value,
            text_size=self.size.value,
            theme=self.theme.value,
            staff_mode_minutes=self.staff_minutes.value,
            retention_months=self.retention.value,
        )

    def _problem(self, settings: Settings) -> str:
        if settings.site_commune and not _COMMUNE.fullmatch(settings.site_commune):
            return _(
                "Le code INSEE de la commune a 5 caractères (par exemple 75056, ou 2A004 en "
                "Corse) : ce n'est pas le code postal."
            )
        if settings.site_postcode and not _POSTCODE.fullmatch(settings.site_postcode):
            return _("Le code postal a 5 chiffres.")
        return ""

    def save(self) -> None:
        settings = self.chosen()
        problem = self._problem(settings)
        self.saved_note.hide()
        if problem:
            self.show_message(self.message, problem)
            return
        try:
            self.nav.update_settings(settings)
        except OSError as error:
            self.show_message(
                self.message,
                _("Réglages non enregistrés : {reason}").format(reason=error.strerror or error),
            )
            return
        self.message.hide()
        self.saved_note.setText(_("Réglages enregistrés."))
        self.saved_note.show()

    @staticmethod
    def show_message(where: Any, text: str) -> None:
        where.setText(text)
        where.setVisible(bool(text))

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.store and self.isVisible():
            self._list_backups()

    # -- the passphrase -----------------------------------------------------------------------

    def _rekey_problems(self) -> list[str]:
        problems = passphrase_problems(self.new.text())
        if not problems and self.new.text() != self.new2.text():
            problems.append(_("Les deux mots de passe sont différents."))
        return problems

    def _check_new(self) -> None:
        if not self.new.text():
            self.rekey_feedback.setText("")
            self.rekey_button.setEnabled(False)
            return
        problems = self._rekey_problems()
        self.rekey_feedback.setText(
            "\n".join(problems) if problems else _("Ce mot de passe convient.")
        )
        self.rekey_button.setEnabled(not problems)

    def rekey(self) -> None:
        if self._rekey_problems():
            return
        current, new = self.current.text(), self.new.text()
        for field in (self.current, self.new, self.new2):
            field.clear()
        self._set_busy(True)
        self.rekey_message.setText(_("Changement du mot de passe…"))
        self.nav.rekey_store(current, new, on_done=self._rekeyed, on_error=self._rekey_failed)

    def _rekeyed(self) -> None:
        self._set_busy(False)
        self.rekey_message.setText(
            _(
                "Le mot de passe a été changé. Notez-le en lieu sûr : il sert aussi à fermer "
                "la borne."
            )
        )

    def _rekey_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.rekey_message.setText(
            _("Le mot de passe n'a pas été changé : {reason}").format(reason=error_message(error))
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.save_button, self.backup_button, self.back, self.languages_button):
            widget.setEnabled(not busy)
        self.rekey_button.setEnabled(
            not busy and bool(self.new.text()) and not self._rekey_problems()
        )
        self.restore_button.setEnabled(not busy and self._chosen_backup is not None)

    # -- backup and restore ------------------------------------------------------------------

    def backup(self) -> None:
        self.backup_button.setEnabled(False)
        self.backup_message.setText(_("Sauvegarde en cours…"))
        self.nav.backup_store(on_done=self._backed_up, on_error=self._backup_failed)

    def _backed_up(self, written: Path) -> None:
        self.backup_button.setEnabled(True)
        self.backup_message.setText(_("Sauvegarde chiffrée écrite : {path}").format(path=written))
        self._list_backups()

    def _backup_failed(self, error: Exception) -> None:
        self.backup_button.setEnabled(True)
        self.backup_message.setText(
            _("La sauvegarde n'a pas été faite : {reason}").format(reason=error_message(error))
        )

    def _list_backups(self) -> None:
        clear_layout(self.backups_layout)
        self.backup_buttons = {}
        found = self.nav.backups()[:RESTORE_LISTED]
        for index, path in enumerate(found):
            when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
            button = WrapButton(path.name, when)
            button.setObjectName(f"backup-{index}")
            button.clicked.connect(lambda _checked=False, p=path: self.choose_backup(p))
            self.backups_layout.addWidget(button)
            self.backup_buttons[path] = button
        if not found:
            self.backups_layout.addWidget(
                label(_("Aucune sauvegarde dans le dossier des sauvegardes."), "muted")
            )
        if self._chosen_backup not in self.backup_buttons:
            self._chosen_backup = None
        self._mark_backups()

    def choose_backup(self, path: Path) -> None:
        self._chosen_backup = path
        self._confirm_restore = False
        self.restore_message.setText("")
        self._mark_backups()
        self.restore_pass.setFocus()

    def _mark_backups(self) -> None:
        for path, button in self.backup_buttons.items():
            chosen = path == self._chosen_backup
            button.title_label.setText(f"✓ {path.name}" if chosen else path.name)
            button.setAccessibleName(
                _("{choice} (choisi)").format(choice=path.name) if chosen else path.name
            )
        self._show_restore_button()

    def restore(self) -> None:
        backup = self._chosen_backup
        if backup is None:
            return
        if not self._confirm_restore:  # a second touch confirms
            self._confirm_restore = True
            self._show_restore_button()
            self.restore_message.setText(
                _("Touchez encore une fois pour confirmer : la base actuelle sera remplacée.")
            )
            return
        passphrase = self.restore_pass.text()
        self.restore_pass.clear()
        self._confirm_restore = False
        self._show_restore_button()
        if not passphrase:
            self.restore_message.setText(_("Tapez le mot de passe de cette sauvegarde."))
            return
        self._set_busy(True)
        self.restore_message.setText(_("Restauration en cours…"))
        self.nav.restore_store(
            backup, passphrase, on_done=self._restored, on_error=self._restore_failed
        )

    def _restored(self, kept: Path | None) -> None:
        self._set_busy(False)
        text = _("La sauvegarde a été restaurée.")
        if kept is not None:
            text += " " + _("L'ancienne base est gardée à côté : {path}").format(path=kept)
        self.restore_message.setText(text)
        self._list_backups()

    def _restore_failed(self, error: Exception) -> None:
        self._set_busy(False)
        self.restore_message.setText(
            _("La sauvegarde n'a pas été restaurée : {reason}").format(reason=error_message(error))
        )

    def wipe(self) -> None:
        for field in (self.current, self.new, self.new2, self.restore_pass):
            field.clear()
        self.message.hide()
        self.saved_note.hide()
        self.rekey_message.setText("")
        self.backup_message.setText("")
        self.restore_message.setText("")
        self._confirm_restore = False
        self._chosen_backup = None
