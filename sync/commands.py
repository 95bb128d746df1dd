"""The sync room's commands: `pasapas sync enroll | now | status` (the kiosk's side, on its
store) and `pasapas server …` (the central service, an optional extra).

The client (requests) and the service (FastAPI, SQLAlchemy) are imported by the handlers, when
they run: `pasapas --help` loads neither, and a kiosk without the extra still has every other
command.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pasapas.app.errors import PasapasError
from pasapas.app.formatting import moment
from pasapas.app.i18n import _, current_language, ngettext
from pasapas.app.settings import Paths

if TYPE_CHECKING:
    from pasapas.app.store import Store


CODE_ENV = "PASAPAS_ENROLMENT_CODE"


def enrolment_code(given: str | None) -> str:
    """The one-time code: the argument if a script gave one, else `PASAPAS_ENROLMENT_CODE`, else
    typed on the terminal without echo. A code typed on the command line stays in the shell's
    history and shows in the list of processes: it is for scripts that cannot do otherwise."""
    code = given if given is not None else os.environ.get(CODE_ENV)
    if code is None:
        if not sys.stdin or not sys.stdin.isatty():
            raise PasapasError(
                _(
                    "Pas de terminal pour demander le code d'inscription : donnez-le dans la "
                    "variable {env}."
                ).format(env=CODE_ENV)
            )
        try:
            code = getpass.getpass(_("Code d'inscription : "))
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            raise PasapasError(_("Aucun code d'inscription tapé : rien n'a été fait.")) from None
    if not code.strip():
        raise PasapasError(_("Le code d'inscription est vide : rien n'a été fait."))
    return code


def enroll(args: argparse.Namespace, store: Store) -> int:
    from pasapas.sync.client import enroll as enroll_kiosk
    from pasapas.sync.protocol import printable

    enrolment = enroll_kiosk(
        store,
        args.url,
        enrolment_code(args.code),
        allow_http=args.allow_http,
        ca_bundle=args.ca_bundle,
        name=args.name,
    )
    print(
        _("Borne inscrite auprès de {url} (lieu : {site}, borne : {device}).").format(
            url=printable(enrolment.service_url),
            site=printable(enrolment.site),
            device=enrolment.device_id,
        )
    )
    print(_("Clé d'éditeur épinglée : {key_id}").format(key_id=enrolment.key_id))
    return 0


def now(args: argparse.Namespace, store: Store) -> int:
    from pasapas.app.outbox import SyncState
    from pasapas.sync.client import SyncEngine, SyncError

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
    from pasapas.app.outbox import SyncState
    from pasapas.sync.protocol import printable

    state = SyncState(store).status()
    if not state.enrolled:
        print(_("Borne non inscrite : « pasapas sync enroll ADRESSE CODE »."))
    else:
        print(_("Service : {url}").format(url=printable(state.service_url)))
        print(_("Lieu : {site}").format(site=printable(state.site)))
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
        print(f"  {item.id}\t{item.type}\t{printable(item.problem)}")
    if state.needs_staff:
        print(_("Le service refuse cette borne : il faut l'inscrire à nouveau."))
    if state.last_error:
        print(_("Dernière erreur : {message}").format(message=state.last_error))
    if state.content_problem:
        print(_("Contenus refusés : {message}").format(message=printable(state.content_problem)))
    if state.content_notice:
        print(printable(state.content_notice))
    return 0


def _on_store(command: Callable[[argparse.Namespace, Store], int]):
    """A `sync` handler: the store opened for it, closed after."""

    def handler(args: argparse.Namespace, paths: Paths) -> int:
        from pasapas.app.terminal import open_store

        with open_store(paths) as store:
            return command(args, store)

    return handler


def _server(pick: Callable[[Any], Callable[[argparse.Namespace], int]]):
    """A `server` handler: `pick(admin)` names the service's admin command, which runs when the
    extra is installed (`pasapas[server]`)."""

    def handler(args: argparse.Namespace, paths: Paths) -> int:
        try:
            from pasapas.sync.server import admin
        except ModuleNotFoundError as exc:
            raise PasapasError(
                _(
                    "Le service central n'est pas installé ({module}) : "
                    "pip install 'pasapas[server]'."
                ).format(module=exc.name)
            ) from exc
        return pick(admin)(args)

    return handler


def add_commands(sub: Any) -> None:
    _add_sync_commands(sub)
    _add_server_commands(sub)


def _add_sync_commands(sub: Any) -> None:
    sync = sub.add_parser("sync", help=_("la synchronisation avec le service central"))
    actions = sync.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    enrol = actions.add_parser("enroll", help=_("inscrire la borne avec un code à usage unique"))
    enrol.add_argument("url", metavar=_("ADRESSE"))
    enrol.add_argument(
        "code",
        nargs="?",
        metavar=_("CODE"),
        help=_(
            "le code à usage unique ; sans lui, il est demandé sans l'afficher, ou lu dans la "
            "variable PASAPAS_ENROLMENT_CODE (déconseillé ici : un code tapé sur la ligne de "
            "commande reste dans l'historique et se voit dans la liste des processus)"
        ),
    )
    enrol.add_argument(
        "--ca-bundle", default="", metavar=_("FICHIER"), help=_("certificats d'autorité à utiliser")
    )
    enrol.add_argument(
        "--allow-http",
        action="store_true",
        help=_("permettre le HTTP simple vers cette machine (développement)"),
    )
    enrol.add_argument("--name", default="", help=_("un nom pour reconnaître la borne"))
    enrol.set_defaults(func=_on_store(enroll))
    actions.add_parser("now", help=_("synchroniser maintenant")).set_defaults(
        func=_on_store(now)
    )
    actions.add_parser("status", help=_("état de la synchronisation")).set_defaults(
        func=_on_store(status)
    )


def _add_server_commands(sub: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar=_("URL"),
        help=_("base du service (par défaut : SQLite dans son dossier ; ou postgresql://…)"),
    )
    server = sub.add_parser("server", help=_("le service central (extra « server »)"))
    actions = server.add_subparsers(dest="action", required=True, metavar=_("ACTION"))
    run = actions.add_parser("run", parents=[common], help=_("lancer le service"))
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8443)
    run.add_argument("--tls-cert", metavar=_("FICHIER"), help=_("certificat TLS (PEM)"))
    run.add_argument("--tls-key", metavar=_("FICHIER"), help=_("clé du certificat TLS (PEM)"))
    run.set_defaults(func=_server(lambda admin: admin.run))
    site = actions.add_parser("site", help=_("les lieux")).add_subparsers(
        dest="site_action", required=True, metavar=_("ACTION")
    )
    site_add = site.add_parser("add", parents=[common], help=_("ajouter un lieu"))
    site_add.add_argument("name", metavar=_("NOM"))
    site_add.set_defaults(func=_server(lambda admin: admin.site_add))
    code = actions.add_parser(
        "enroll-code", parents=[common], help=_("un code d'inscription à usage unique")
    )
    code.add_argument("site", metavar=_("LIEU"))
    code.add_argument("--hours", type=int, default=24, help=_("durée de validité en heures"))
    code.set_defaults(func=_server(lambda admin: admin.enroll_code))
    key_option = argparse.ArgumentParser(add_help=False)
    key_option.add_argument("--key", metavar=_("FICHIER"), help=_("clé privée de l'éditeur"))
    actions.add_parser(
        "keygen", parents=[common, key_option], help=_("créer la clé de l'éditeur")
    ).set_defaults(func=_server(lambda admin: admin.keygen))
    publish = actions.add_parser(
        "publish", parents=[common, key_option], help=_("valider, signer et publier")
    )
    publish.add_argument("paths", nargs="+", metavar=_("FICHIER"))
    publish.set_defaults(func=_server(lambda admin: admin.publish))
    withdraw = actions.add_parser(
        "withdraw", parents=[common, key_option], help=_("retirer des démarches publiées")
    )
    withdraw.add_argument("ids", nargs="+", metavar=_("ID"))
    withdraw.set_defaults(func=_server(lambda admin: admin.withdraw))
    device = actions.add_parser("device", help=_("les bornes inscrites")).add_subparsers(
        dest="device_action", required=True, metavar=_("ACTION")
    )
    revoke = device.add_parser("revoke", parents=[common], help=_("révoquer une borne"))
    revoke.add_argument("id", metavar=_("ID"))
    revoke.set_defaults(func=_server(lambda admin: admin.device_revoke))
    device.add_parser("list", parents=[common], help=_("lister les bornes")).set_defaults(
        func=_server(lambda admin: admin.device_list)
    )
    actions.add_parser("stats", parents=[common], help=_("chiffres du service")).set_defaults(
        func=_server(lambda admin: admin.stats)
    )
