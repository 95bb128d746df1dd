"""What `pasapas sync enroll | now | status` do, given the open store (see `app/cli.py`)."""

from __future__ import annotations

import argparse
import sys

from pasapas.app.formatting import moment
from pasapas.app.i18n import _, current_language, ngettext
from pasapas.app.outbox import SyncState
from pasapas.app.store import Store
from pasapas.sync.client import SyncEngine, SyncError
from pasapas.sync.client import enroll as enroll_kiosk


def enroll(args: argparse.Namespace, store: Store) -> int:
    enrolment = enroll_kiosk(
        store,
        args.url,
        args.code,
        allow_http=args.allow_http,
        ca_bundle=args.ca_bundle,
        name=args.name,
    )
    print(
        _("Borne inscrite auprès de {url} (lieu : {site}, borne : {device}).").format(
            url=enrolment.service_url, site=enrolment.site, device=enrolment.device_id
        )
    )
    print(_("Clé d'éditeur épinglée : {key_id}").format(key_id=enrolment.key_id))
    return 0


def now(args: argparse.Namespace, store: Store) -> int:
    try:
        report = SyncEngine(store).sync_once()
    except SyncError as exc:
        print(exc.message, file=sys.stderr)
        counts = SyncState(store).status()
        print(
            ngettext(
                "{n} enregistrement reste en attente.",
                "{n} enregistrements restent en attente.",
                counts.queued,
            ).format(n=counts.queued),
            file=sys.stderr,
        )
        return 1
    print(_("Synchronisation terminée : {report}.").format(report=report.describe()))
    return 0


def status(args: argparse.Namespace, store: Store) -> int:
    state = SyncState(store).status()
    if not state.enrolled:
        print(_("Borne non inscrite : « pasapas sync enroll ADRESSE CODE »."))
    else:
        print(_("Service : {url}").format(url=state.service_url))
        print(_("Lieu : {site}").format(site=state.site))
        print(_("Borne : {device}").format(device=state.device_id))
    language = current_language()
    for template, value in (
        (_("Dernier essai : {when}"), state.last_attempt),
        (_("Dernière réussite : {when}"), state.last_success),
    ):
        print(template.format(when=moment(value, language) if value else _("jamais")))
    print(_("En attente d'envoi : {n}").format(n=state.queued))
    print(_("Envoyés : {n}").format(n=state.sent))
    print(_("À vérifier : {n}").format(n=state.attention))
    for item in state.attention_items:
        print(f"  {item.id}\t{item.type}\t{item.problem}")
    if state.needs_staff:
        print(_("Le service refuse cette borne : il faut l'inscrire à nouveau."))
    if state.last_error:
        print(_("Dernière erreur : {message}").format(message=state.last_error))
    if state.content_problem:
        print(_("Contenus refusés : {message}").format(message=state.content_problem))
    return 0
