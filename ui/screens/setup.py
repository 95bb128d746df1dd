"""First start: no store yet. A short wizard for the site admin, one question a page:

1. the help point (name, commune's INSEE code, opening hours);
2. the languages offered to visitors, and the one each visit starts in;
3. the kiosk's passphrase, typed twice, with the strength check;
4. the first site admin's account (name, PIN typed twice);
5. the central service, if any (address and one-time enrolment code; enrolment runs once the
   store is open, and a failure is said without stopping anything);
6. a test of the voice and a look for a printer; then the kiosk is created and opens.

Settings are saved with `save_settings`, the store and the account are created by the window
(`set_up`), off the GUI thread.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pasapas.app.changes import Changes
from pasapas.app.i18n import _
from pasapas.app.languages import SUPPORTED, name_in, native_name
from pasapas.app.passphrase import passphrase_problems
from pasapas.app.settings import Settings
from pasapas.app.staff import secret_problems
from pasapas.ui.operations import error_message
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, TextField, label

_COMMUNE = re.compile(r"(?:[0-9]{2}|2A|2B)[0-9]{3}")
PAGES = ("place", "languages", "passphrase", "admin", "service", "checks")


def _page(body: QVBoxLayout, name: str) -> QVBoxLayout:
    page = QWidget()
    page.setObjectName(f"setup-{name}")
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(16)
    body.addWidget(page)
    return layout


def _field(layout: QVBoxLayout, name: str, *, secret: bool = False) -> tuple[Any, TextField]:
    caption = label()
    field = TextField()
    field.setObjectName(name)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    caption.setBuddy(field)
    layout.addWidget(caption)
    layout.addWidget(field)
    return caption, field


@register_screen
class SetupScreen(Screen):
    name = "setup"
    needs_store = False

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.step_label = label("", "muted")
        self.step_label.setObjectName("setup-step")
        self.page_title = label("", "subtitle")
        self.intro = label()
        for widget in (self.title, self.step_label, self.page_title, self.intro):
            body.addWidget(widget)
        self.pages: list[QWidget] = []

        place = _page(body, "place")
        self.site_name_label, self.site_name = _field(place, "setup-site-name")
        self.site_name.setMaxLength(80)
        self.commune_label, self.commune = _field(place, "setup-commune")
        self.commune.setMaxLength(5)
        self.hours_label, self.hours = _field(place, "setup-hours")
        self.hours.setMaxLength(200)

        languages = _page(body, "languages")
        self.offered_title = label("", "subtitle")
        languages.addWidget(self.offered_title)
        self.offered: dict[str, QCheckBox] = {}
        self.offered_labels: dict[str, Any] = {}
        for code in SUPPORTED:
            text, box = label(), QCheckBox()
            box.setObjectName(f"setup-offer-{code}")
            box.setChecked(True)
            text.setBuddy(box)
            languages.addWidget(text)
            languages.addWidget(box)
            self.offered_labels[code], self.offered[code] = text, box
        self.default_title = label("", "subtitle")
        languages.addWidget(self.default_title)
        self.default_group = QButtonGroup(self)
        self.defaults: dict[str, QRadioButton] = {}
        for code in SUPPORTED:
            radio = QRadioButton()
            radio.setObjectName(f"setup-default-{code}")
            radio.setChecked(code == "fr")
            self.default_group.addButton(radio)
            languages.addWidget(radio)
            self.defaults[code] = radio

        secret = _page(body, "passphrase")
        self.first_label, self.first = _field(secret, "setup-passphrase", secret=True)
        self.second_label, self.second = _field(secret, "setup-passphrase2", secret=True)
        self.first.textChanged.connect(self._check)
        self.second.textChanged.connect(self._check)
        self.second.returnPressed.connect(self.next_page)
        self.feedback = label("", "muted")
        secret.addWidget(self.feedback)

        admin = _page(body, "admin")
        self.admin_name_label, self.admin_name = _field(admin, "setup-admin-name")
        self.admin_name.setMaxLength(60)
        self.pin_label, self.pin = _field(admin, "setup-admin-pin", secret=True)
        self.pin2_label, self.pin2 = _field(admin, "setup-admin-pin2", secret=True)
        self.pin2.returnPressed.connect(self.next_page)

        service = _page(body, "service")
        self.url_label, self.url = _field(service, "setup-service-url")
        self.code_label, self.code = _field(service, "setup-service-code")

        checks = _page(body, "checks")
        self.voice_button = BigButton()
        self.voice_button.setObjectName("setup-voice-test")
        self.voice_button.clicked.connect(self.test_voice)
        self.voice_result = label()
        self.voice_result.setObjectName("setup-voice-result")
        self.printer_button = BigButton()
        self.printer_button.setObjectName("setup-printer-test")
        self.printer_button.clicked.connect(self.test_printer)
        self.printer_result = label()
        self.printer_result.setObjectName("setup-printer-result")
        self.summary = label()
        self.summary.setObjectName("setup-summary")
        for widget in (
            self.voice_button,
            self.voice_result,
            self.printer_button,
            self.printer_result,
            self.summary,
        ):
            checks.addWidget(widget)

        self.pages = [body.itemAt(body.count() - 6 + i).widget() for i in range(6)]
        self.message = label("", "error")
        self.message.setObjectName("setup-message")
        self.message.hide()
        body.addWidget(self.message)
        body.addStretch(1)
        # Under the page, always in sight: back, next, and on the last page the kiosk's creation.
        row = QHBoxLayout()
        row.setContentsMargins(48, 12, 48, 16)
        self.back_button = BigButton()
        self.back_button.setObjectName("setup-back")
        self.back_button.clicked.connect(self.previous_page)
        self.next_button = BigButton(role="primary")
        self.next_button.setObjectName("setup-next")
        self.next_button.clicked.connect(self.next_page)
        self.button = BigButton(role="primary")  # the last page's: create the kiosk
        self.button.setObjectName("setup-create")
        self.button.clicked.connect(self.submit)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        row.addWidget(self.button)
        outer.addLayout(row)
        self.index = 0
        self._busy = False
        self._enrol = ("", "")  # the service's address and code, kept until the store opens
        self.retranslate()
        self.show_page(0)

    # -- texts ------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(_("Première mise en route"))
        for caption, field, text in (
            (self.site_name_label, self.site_name, _("Nom du lieu d'aide")),
            (
                self.commune_label,
                self.commune,
                _("Code INSEE de la commune (5 caractères, par exemple 75056)"),
            ),
            (self.hours_label, self.hours, _("Horaires d'ouverture (facultatif)")),
            (self.first_label, self.first, _("Mot de passe")),
            (self.second_label, self.second, _("Le même mot de passe, encore une fois")),
            (self.admin_name_label, self.admin_name, _("Votre nom, tel qu'il sera affiché")),
            (self.pin_label, self.pin, _("Votre code personnel (au moins 6 chiffres)")),
            (self.pin2_label, self.pin2, _("Le même code, encore une fois")),
            (self.url_label, self.url, _("Adresse du service (https://…)")),
            (self.code_label, self.code, _("Code d'inscription à usage unique")),
        ):
            caption.setText(text)
            field.setAccessibleName(text)
        self.commune.setAccessibleName(_("Code INSEE de la commune"))
        self.offered_title.setText(_("Langues proposées aux visiteurs"))
        self.default_title.setText(_("Langue de départ de chaque visite"))
        self.voice_button.set_text(_("Tester la voix"))
        self.printer_button.set_text(_("Chercher une imprimante"))
        self.back_button.set_text(_("← Retour"))
        self.next_button.set_text(_("Suivant →"))
        self.button.set_text(_("Créer la borne"))
        if self.isVisible():
            self._language_names()
        self._check()
        self._page_texts()

    def _language_names(self) -> None:
        # Language names come from Babel: only once the wizard is shown, not at start-up.
        lang = self.nav.language
        for code in SUPPORTED:
            shown = f"{native_name(code)} ({name_in(code, lang)})"
            self.offered_labels[code].setText(shown)
            self.offered[code].setText(native_name(code))
            self.offered[code].setAccessibleName(
                _("Proposer : {language}").format(language=name_in(code, lang))
            )
            self.defaults[code].setText(shown)
            self.defaults[code].setAccessibleName(
                _("Langue de départ : {language}").format(language=name_in(code, lang))
            )

    def _page_texts(self) -> None:
        titles = {
            "place": (
                _("Le lieu d'aide"),
                _("Ces informations sont imprimées sur les fiches à emporter."),
            ),
            "languages": (_("Les langues"), ""),
            "passphrase": (
                _("Le mot de passe de la borne"),
                _(
                    "Il protège la base chiffrée. Notez-le en lieu sûr : sans lui, personne ne "
                    "peut rouvrir la base."
                ),
            ),
            "admin": (
                _("Votre compte de responsable du lieu"),
                _(
                    "Avec ce compte, vous ouvrez l'espace équipe, créez les comptes des "
                    "bénévoles et changez les réglages."
                ),
            ),
            "service": (
                _("Le service central (facultatif)"),
                _(
                    "Si votre réseau a un service central, tapez son adresse et le code "
                    "d'inscription reçu. Sinon, laissez vide : vous pourrez le faire plus tard."
                ),
            ),
            "checks": (
                _("Dernières vérifications"),
                _("Essayez la voix et l'imprimante, puis créez la borne."),
            ),
        }
        title, intro = titles[PAGES[self.index]]
        self.page_title.setText(title)
        self.intro.setText(intro)
        self.intro.setVisible(bool(intro))
        self.step_label.setText(
            _("Étape {n} sur {total}").format(n=self.index + 1, total=len(PAGES))
        )
        if PAGES[self.index] == "checks":
            self.summary.setText(self._summary())

    # -- moving through the pages ------------------------------------------------------------

    def enter(self, **params: Any) -> None:
        self._language_names()
        self.show_page(self.index)

    def first_focus(self) -> QWidget:
        return {
            "place": self.site_name,
            "languages": self.offered[SUPPORTED[0]],
            "passphrase": self.first,
            "admin": self.admin_name,
            "service": self.url,
            "checks": self.voice_button,
        }[PAGES[self.index]]

    def show_page(self, index: int) -> None:
        self.index = max(0, min(index, len(PAGES) - 1))
        for i, page in enumerate(self.pages):
            page.setVisible(i == self.index)
        last = self.index == len(PAGES) - 1
        self.back_button.setVisible(self.index > 0)
        self.next_button.setVisible(not last)
        self.button.setVisible(last)
        self.message.hide()
        self._page_texts()
        if self.isVisible():
            self.first_focus().setFocus()
            self.page.to_top()

    def next_page(self) -> None:
        problem = self._problem(PAGES[self.index])
        if problem:
            self.message.setText(problem)
            self.message.show()
            return
        self.show_page(self.index + 1)

    def previous_page(self) -> None:
        self.show_page(self.index - 1)

    def _problem(self, page: str) -> str:
        if page == "place":
            if not self.site_name.text().strip():
                return _("Tapez le nom du lieu d'aide.")
            commune = self.commune.text().strip().upper()
            if commune and not _COMMUNE.fullmatch(commune):
                return _(
                    "Le code INSEE de la commune a 5 caractères (par exemple 75056, ou 2A004 "
                    "en Corse) : ce n'est pas le code postal."
                )
        elif page == "languages":
            default, offered = self._languages()
            if not offered:
                return _("Cochez au moins une langue.")
            if default not in offered:
                return _("La langue de départ doit faire partie des langues proposées.")
        elif page == "passphrase":
            problems = self._passphrase_problems()
            return problems[0] if problems else ""
        elif page == "admin":
            if not self.admin_name.text().strip():
                return _("Tapez votre nom.")
            if self.pin.text() != self.pin2.text():
                return _("Les deux codes sont différents.")
            problems = secret_problems(self.pin.text())
            return problems[0] if problems else ""
        elif page == "service" and bool(self.url.text().strip()) != bool(self.code.text().strip()):
            return _(
                "Tapez l'adresse du service et le code d'inscription, ou laissez les deux vides."
            )
        return ""

    def _languages(self) -> tuple[str, tuple[str, ...]]:
        default = next((code for code, radio in self.defaults.items() if radio.isChecked()), "")
        return default, tuple(code for code in SUPPORTED if self.offered[code].isChecked())

    def _passphrase_problems(self) -> list[str]:
        problems = passphrase_problems(self.first.text())
        if not problems and self.first.text() != self.second.text():
            problems.append(_("Les deux mots de passe sont différents."))
        return problems

    def _check(self) -> None:
        problems = self._passphrase_problems()
        self.feedback.setText("\n".join(problems) if problems else _("Ce mot de passe convient."))

    def settings(self) -> Settings:
        default, offered = self._languages()
        return replace(
            Settings(),
            site_name=self.site_name.text().strip(),
            site_commune=self.commune.text().strip().upper(),
            opening_hours=self.hours.text().strip(),
            language=default,
            languages=offered,
        )

    def _summary(self) -> str:
        settings = self.settings()
        lines = [
            _("Lieu : {name}").format(name=settings.site_name),
            _("Responsable : {name}").format(name=self.admin_name.text().strip()),
        ]
        if self.url.text().strip():
            lines.append(_("Service central : {url}").format(url=self.url.text().strip()))
        return "\n".join(lines)

    # -- checks -------------------------------------------------------------------------------

    def test_voice(self) -> None:
        self.nav.read_aloud(
            _("Bonjour. Ceci est un essai de la voix de la borne."), self.nav.language
        )
        self.voice_result.setText(
            _("Vous devez entendre une phrase. Sinon, vérifiez le son et les haut-parleurs.")
        )

    def test_printer(self) -> None:
        try:
            from pasapas.ui.sheet_render import printers

            found = printers()
        except Exception:  # no print support here: the sheets are saved as PDF
            found = []
        if found:
            self.printer_result.setText(
                _("Imprimante trouvée : {name}").format(name=", ".join(found))
            )
        else:
            self.printer_result.setText(
                _("Aucune imprimante trouvée : les fiches pourront être enregistrées en PDF.")
            )

    # -- creating the kiosk ------------------------------------------------------------------

    def submit(self) -> None:
        if self._busy:
            return
        for index, page in enumerate(PAGES):
            problem = self._problem(page)
            if problem:
                self.show_page(index)
                self.message.setText(problem)
                self.message.show()
                return
        passphrase, name, pin = self.first.text(), self.admin_name.text().strip(), self.pin.text()
        self._enrol = (self.url.text().strip(), self.code.text().strip())
        self._busy = True
        self.button.setEnabled(False)
        self.back_button.setEnabled(False)
        self.button.set_text(_("Création de la borne…"))
        self.nav.set_up(
            passphrase, self.settings(), name, pin, on_error=self._failed, on_done=self._created
        )

    def _created(self, _kiosk: Any) -> None:
        (url, code), self._enrol = self._enrol, ("", "")
        self.wipe()
        runner = self.nav.sync_runner
        if not (url and code) or runner is None:
            return

        def enrolled(enrolment: Any) -> None:
            self.nav.show_error(
                _("Borne inscrite auprès du service central (lieu : {site}).").format(
                    site=enrolment.site
                )
            )

        def failed(error: Exception) -> None:
            self.nav.show_error(
                _(
                    "L'inscription auprès du service central n'a pas réussi : {reason} "
                    "Refaites-la depuis l'écran Synchronisation de l'espace équipe."
                ).format(reason=error_message(error))
            )

        runner.enroll(url, code, allow_http=False, ca_bundle="", on_done=enrolled, on_error=failed)

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.button.setEnabled(True)
        self.back_button.setEnabled(True)
        self.retranslate()
        self.message.setText(
            _("La borne n'a pas pu être créée : {reason}").format(reason=error_message(error))
        )
        self.message.show()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if changes.store:  # the kiosk is open: nothing typed here stays
            self.wipe()

    def wipe(self) -> None:
        for field in (self.first, self.second, self.pin, self.pin2, self.code):
            field.clear()
        self._busy = False
        self.button.setEnabled(True)
        self.back_button.setEnabled(True)
