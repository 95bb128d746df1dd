"""Staff: the sync with the central service. Last sync, records waiting, records that need
attention, errors; "sync now"; and enrolment with the service's address and a one-time code.

Reached from the staff home (any staff role: the window asks for the staff login first).
Everything it shows comes from `Kiosk.sync_status()`; syncing and enrolling go through the
window's `SyncRunner`, off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QLineEdit,
    QWidget,
)

from pasapas.app.changes import Changes
from pasapas.app.errors import PasapasError
from pasapas.app.formatting import moment
from pasapas.app.i18n import _, ngettext
from pasapas.ui.screens import register_screen
from pasapas.ui.screens.base import Screen
from pasapas.ui.widgets import BigButton, label


@register_screen
class StaffSyncScreen(Screen):
    name = "staff_sync"
    role = "volunteer"

    def __init__(self, nav: Any) -> None:
        super().__init__(nav)
        _outer, page = self._scrolling_page()
        body = page.body_layout
        self.title = label("", "title")
        self.state = label(selectable=True)
        self.state.setObjectName("sync-state")
        self.problems = label("", "error", selectable=True)
        self.problems.setObjectName("sync-problems")
        self.problems.hide()
        self.sync_button = BigButton(role="primary")
        self.sync_button.setObjectName("sync-now")
        self.sync_button.clicked.connect(self.sync_now)
        self.message = label()
        self.message.setObjectName("sync-message")

        self.enrol_title = label("", "subtitle")
        self.url_label = label()
        self.url = QLineEdit()
        self.url.setObjectName("sync-url")
        self.url_label.setBuddy(self.url)
        self.code_label = label()
        self.code = QLineEdit()
        self.code.setObjectName("sync-code")
        self.code_label.setBuddy(self.code)
        self.ca_label = label()
        self.ca_bundle = QLineEdit()
        self.ca_label.setBuddy(self.ca_bundle)
        self.allow_http_label = label()  # a checkbox's own text does not wrap: say it here
        self.allow_http = QCheckBox()
        self.allow_http_label.setBuddy(self.allow_http)
        self.enrol_button = BigButton()
        self.enrol_button.setObjectName("sync-enrol")
        self.enrol_button.clicked.connect(self.enrol)
        self.languages_button = BigButton()
        self.languages_button.setObjectName("staff-languages")
        self.languages_button.clicked.connect(lambda: self.nav.go("staff_languages"))
        self.back = BigButton()
        self.back.clicked.connect(lambda: self.nav.go("staff_home"))

        for widget in (
            self.title,
            self.state,
            self.problems,
            self.sync_button,
            self.message,
            self.enrol_title,
            self.url_label,
            self.url,
            self.code_label,
            self.code,
            self.ca_label,
            self.ca_bundle,
            self.allow_http_label,
            self.allow_http,
            self.enrol_button,
            self.languages_button,
            self.back,
        ):
            body.addWidget(widget)
        body.addStretch(1)
        self.retranslate()

    @property
    def runner(self) -> Any:
        return self.nav.sync_runner

    def retranslate(self) -> None:
        self.title.setText(_("Synchronisation avec le service central"))
        self.sync_button.set_text(_("Synchroniser maintenant"))
        self.enrol_title.setText(_("Inscrire la borne"))
        self.url_label.setText(_("Adresse du service (https://…)"))
        self.url.setAccessibleName(_("Adresse du service"))
        self.code_label.setText(_("Code d'inscription à usage unique"))
        self.code.setAccessibleName(_("Code d'inscription"))
        self.ca_label.setText(_("Fichier de certificats (facultatif)"))
        self.ca_bundle.setAccessibleName(_("Fichier de certificats"))
        self.allow_http_label.setText(
            _("Permettre le HTTP simple vers cette machine (développement seulement)")
        )
        self.allow_http.setText(_("HTTP simple"))
        self.allow_http.setAccessibleName(
            _("Permettre le HTTP simple vers cette machine (développement seulement)")
        )
        self.enrol_button.set_text(_("Inscrire la borne"))
        self.languages_button.set_text(_("Langues de la borne"))
        self.back.set_text(_("← Accueil équipe"))
        if self.isVisible():
            self.refresh()

    def first_focus(self) -> QWidget:
        return self.sync_button

    def enter(self, **params: Any) -> None:
        account = self.nav.staff_account  # the languages are the site admin's
        self.languages_button.setVisible(account is not None and account.role == "site_admin")
        self.message.setText("")
        self.refresh()

    def on_changes(self, changes: Changes, origin: object | None) -> None:
        if (changes.sync_state or changes.outbox or changes.store) and self.isVisible():
            self.refresh()

    def wipe(self) -> None:
        self.code.clear()
        self.message.setText("")

    # -- showing the state -------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            status = self.nav.kiosk.sync_status()
        except (PasapasError, RuntimeError):
            return
        never = _("jamais")
        lines = []
        if status.enrolled:
            lines.append(_("Service : {url}").format(url=status.service_url))
            lines.append(_("Lieu : {site}").format(site=status.site))
        else:
            lines.append(_("La borne n'est pas encore inscrite auprès d'un service central."))
        lines += [
            _("Dernier essai : {when}").format(when=self._when(status.last_attempt) or never),
            _("Dernière réussite : {when}").format(when=self._when(status.last_success) or never),
            ngettext(
                "{n} enregistrement en attente d'envoi",
                "{n} enregistrements en attente d'envoi",
                status.queued,
            ).format(n=status.queued),
            ngettext(
                "{n} enregistrement à vérifier", "{n} enregistrements à vérifier", status.attention
            ).format(n=status.attention),
        ]
        self.state.setText("\n".join(lines))
        problems = []
        if status.needs_staff:
            problems.append(_("Le service refuse cette borne : inscrivez-la à nouveau."))
        if status.last_error:
            problems.append(_("Dernière erreur : {message}").format(message=status.last_error))
        if status.content_problem:
            problems.append(status.content_problem)
        if status.content_notice:  # an old withdrawal the kiosk ignored, for example
            problems.append(status.content_notice)
        problems += [f"{item.id} : {item.problem}" for item in status.attention_items[:5]]
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        busy = self.runner is not None and self.runner.busy
        self.sync_button.setEnabled(status.enrolled and not busy)
        self.enrol_button.setEnabled(not busy)

    def _when(self, iso: str) -> str:
        return moment(iso, self.nav.language) if iso else ""

    # -- actions --------------------------------------------------------------------------------

    def sync_now(self) -> None:
        runner = self.runner
        if runner is None:
            return
        if runner.sync_now():
            self.message.setText(_("Synchronisation en cours…"))
            self.sync_button.setEnabled(False)
        else:
            self.message.setText(_("Une synchronisation est déjà en cours."))

    def enrol(self) -> None:
        runner = self.runner
        url, code = self.url.text().strip(), self.code.text().strip()
        if not url or not code:
            self.message.setText(_("Tapez l'adresse du service et le code d'inscription."))
            return
        if runner is None:
            return
        started = runner.enroll(
            url,
            code,
            allow_http=self.allow_http.isChecked(),
            ca_bundle=self.ca_bundle.text().strip(),
            on_done=self._enrolled,
            on_error=self._enrol_failed,
        )
        if started:
            self.code.clear()
            self.message.setText(_("Inscription en cours…"))
            self.enrol_button.setEnabled(False)

    def _enrolled(self, enrolment: Any) -> None:
        self.message.setText(
            _("Borne inscrite (lieu : {site}). Première synchronisation en cours…").format(
                site=enrolment.site
            )
        )
        self.refresh()

    def _enrol_failed(self, error: Exception) -> None:
        if isinstance(error, PasapasError):
            self.message.setText(error.message)
        else:
            self.message.setText(_("L'inscription a échoué : {reason}").format(reason=error))
        self.refresh()
