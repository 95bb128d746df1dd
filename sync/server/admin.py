"""What `pasapas server ...` does: run the service and the admin commands.

The service's folder is `PASAPAS_SERVER_HOME`, or the platform's data folder for `pasapas-server`.
It holds the default SQLite database (`server.db`) and the publisher's private key
(`publisher-key.pem`, readable by its owner only). The private key signs at publish time; the
running service never needs it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import socket
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import platformdirs

from pasapas.app.content.model import Procedure
from pasapas.app.content.signing import PrivateKey, SignatureError
from pasapas.app.content.validation import load_files
from pasapas.app.errors import ContentError, PasapasError
from pasapas.app.i18n import _, ngettext
from pasapas.sync import protocol
from pasapas.sync.protocol import printable
from pasapas.sync.server.storage import ContentItem, ServerDB, ServiceError

KEY_FILENAME = "publisher-key.pem"


def server_home() -> Path:
    """The service's folder, made if missing, and private to its user (0700)."""
    home = os.environ.get("PASAPAS_SERVER_HOME")
    folder = Path(home) if home else Path(platformdirs.user_data_dir("pasapas-server", False))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if folder.stat().st_mode & 0o077:
        try:
            folder.chmod(0o700)
        except OSError as exc:
            raise PasapasError(
                _("Le dossier du service {path} n'a pas pu être réservé à son utilisateur.").format(
                    path=folder
                )
            ) from exc
    return folder


def database_url(args: argparse.Namespace) -> str:
    url = getattr(args, "database", None) or os.environ.get("PASAPAS_SERVER_DATABASE")
    return url or f"sqlite:///{server_home() / 'server.db'}"


def open_db(args: argparse.Namespace) -> ServerDB:
    db = ServerDB(database_url(args))
    try:
        db.create_schema()
    except Exception as exc:
        db.dispose()
        raise PasapasError(
            _("La base du service est injoignable : {reason}").format(reason=type(exc).__name__)
        ) from exc
    return db


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[ServerDB]:
    """The service's database for one command: opened (schema checked), always disposed of."""
    db = open_db(args)
    try:
        yield db
    finally:
        db.dispose()


def _key_path(args: argparse.Namespace) -> Path:
    given = getattr(args, "key", None)
    return Path(given) if given else server_home() / KEY_FILENAME


# -- run ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from pasapas.sync.server.api import build_asgi

    if (args.tls_cert is None) != (args.tls_key is None):
        raise PasapasError(_("Donnez à la fois --tls-cert et --tls-key, ou aucun des deux."))
    with database(args) as db:
        family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((args.host, args.port))
        except OSError as exc:
            sock.close()
            raise PasapasError(
                _("Impossible d'écouter sur {host}:{port} : {reason}").format(
                    host=args.host, port=args.port, reason=exc.strerror or exc
                )
            ) from exc
        sock.listen(2048)
        sock.set_inheritable(True)
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            build_asgi(db),
            access_log=False,  # least data: no per-request log lines
            log_level="warning",
            ssl_certfile=args.tls_cert,
            ssl_keyfile=args.tls_key,
            timeout_keep_alive=30,
            lifespan="off",
        )
        server = uvicorn.Server(config)
        scheme = "https" if args.tls_cert else "http"
        host = f"[{args.host}]" if family == socket.AF_INET6 else args.host

        original_startup = server.startup

        async def startup(sockets: list[socket.socket] | None = None) -> None:
            await original_startup(sockets=sockets)
            if not server.started:
                return
            # One line that scripts and tests wait for, with the port really used (for --port 0).
            print(f"pasapas-server-ready {scheme}://{host}:{port}", flush=True)

        server.startup = startup  # type: ignore[method-assign]
        server.run(sockets=[sock])
    return 0


# -- admin commands -----------------------------------------------------------------------------


def site_add(args: argparse.Namespace) -> int:
    name = args.name.strip()
    if not name:
        raise PasapasError(_("Le nom du lieu ne peut pas être vide."))
    with database(args) as db:
        try:
            db.add_site(name)
        except ServiceError:
            raise PasapasError(
                _("Le lieu « {name} » existe déjà.").format(name=printable(name))
            ) from None
    print(_("Lieu ajouté : {name}").format(name=printable(name)))
    return 0


def enroll_code(args: argparse.Namespace) -> int:
    if not 1 <= args.hours <= 24 * 30:
        raise PasapasError(_("La durée doit être comprise entre 1 et 720 heures."))
    with database(args) as db:
        try:
            code, expires = db.enrolment_code(args.site, ttl=dt.timedelta(hours=args.hours))
        except ServiceError:
            raise PasapasError(
                _(
                    "Le lieu « {name} » n'existe pas. Ajoutez-le avec « pasapas server site add »."
                ).format(name=printable(args.site))
            ) from None
    print(code)
    print(
        _("Code à usage unique, valable jusqu'au {when} (UTC).").format(
            when=expires.strftime("%Y-%m-%d %H:%M")
        ),
        file=sys.stderr,
    )
    return 0


def keygen(args: argparse.Namespace) -> int:
    path = _key_path(args)
    if path.exists():
        raise PasapasError(
            _(
                "Une clé d'éditeur existe déjà ({path}). Les bornes l'ont épinglée : "
                "elle n'est pas remplacée."
            ).format(path=path)
        )
    with database(args) as db:
        if db.publisher_key() is not None:
            raise PasapasError(_("Le service a déjà une clé d'éditeur : elle n'est pas remplacée."))
        key = PrivateKey.generate()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.to_pem())
        try:
            db.add_publisher_key(key.public.key_id, key.public.public_key)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
    print(_("Clé d'éditeur créée : {key_id}").format(key_id=key.public.key_id))
    print(_("Clé privée : {path} (gardez-la en lieu sûr)").format(path=path))
    return 0


def _load_key(args: argparse.Namespace, db: ServerDB) -> PrivateKey:
    path = _key_path(args)
    try:
        key = PrivateKey.from_pem(path.read_bytes())
    except OSError:
        raise PasapasError(
            _("Pas de clé d'éditeur dans {path} : créez-la avec « pasapas server keygen ».").format(
                path=path
            )
        ) from None
    active = db.publisher_key()
    if active is None or active[0] != key.public.key_id:
        raise SignatureError(
            _("Cette clé n'est pas la clé d'éditeur du service : rien n'a été publié.")
        )
    return key


@contextlib.contextmanager
def _signing(
    args: argparse.Namespace,
) -> Iterator[tuple[ServerDB, PrivateKey, dict[str, tuple[int, bool]]]]:
    """The database, the publisher's key (checked against the service's) and each published
    procedure's current version and whether it is withdrawn: what publishing and withdrawing
    start from."""
    with database(args) as db:
        key = _load_key(args, db)
        yield db, key, {pid: found[:2] for pid, found in db.current_versions().items()}


def _signed(key: PrivateKey, procedure_id: str, version: int, document: str | None) -> ContentItem:
    """A document (or, with no document, a tombstone) signed with the publisher's key."""
    withdrawn = document is None
    return ContentItem(
        id=procedure_id,
        version=version,
        seq=0,
        withdrawn=withdrawn,
        document=document,
        signature=key.sign(procedure_id, version, document, withdrawn),
        key_id=key.public.key_id,
    )


def sign_and_publish(db: ServerDB, key: PrivateKey, procedures: Sequence[Procedure]) -> list[str]:
    """Sign validated procedures and publish them in one transaction; the ids that changed."""
    return db.publish([_signed(key, p.id, p.version, p.document) for p in procedures])


def sign_and_withdraw(db: ServerDB, key: PrivateKey, versions: Mapping[str, int]) -> list[str]:
    """Publish signed tombstones for these procedure ids (id -> the version withdrawn: the last
    published). A version older than the one published by then is refused whole
    (`ServiceError("stale_content")`)."""
    return db.publish([_signed(key, pid, version, None) for pid, version in versions.items()])


def _stale(ids: Sequence[str], *, withdrawing: bool = False) -> PasapasError:
    names = ", ".join(printable(i) for i in ids)
    if withdrawing:
        return PasapasError(
            _(
                "Rien n'a été retiré, car une version plus récente a été publiée entre-temps "
                "pour : {ids}."
            ).format(ids=names)
        )
    return PasapasError(
        _("Une version plus récente est déjà publiée pour : {ids}. Rien n'a été publié.").format(
            ids=names
        )
    )


def publish(args: argparse.Namespace) -> int:
    procedures, problems = load_files([Path(p) for p in args.paths])
    if problems:
        raise ContentError(
            ngettext(
                "{n} problème trouvé : rien n'a été publié.",
                "{n} problèmes trouvés : rien n'a été publié.",
                len(problems),
            ).format(n=len(problems)),
            tuple(problems),
        )
    too_big = [
        p.id for p in procedures if len(p.document.encode("utf-8")) > protocol.MAX_DOCUMENT_BYTES
    ]
    if too_big:
        raise PasapasError(
            _(
                "Rien n'a été publié, car ces démarches dépassent {mib} Mio, la taille que les "
                "bornes acceptent : {ids}."
            ).format(mib=protocol.MAX_DOCUMENT_BYTES // (1024 * 1024), ids=", ".join(too_big))
        )
    with _signing(args) as (db, key, current):
        older = [p.id for p in procedures if p.id in current and p.version < current[p.id][0]]
        if older:
            raise _stale(older)
        reused = [
            p.id
            for p in procedures
            if p.id in current and current[p.id][1] and p.version == current[p.id][0]
        ]
        if reused:
            raise PasapasError(
                _(
                    "Rien n'a été publié, car ces démarches ont été retirées dans cette version "
                    "(donnez-leur un numéro de version plus grand) : {ids}."
                ).format(ids=", ".join(reused))
            )
        try:
            changed = sign_and_publish(db, key, procedures)
        except ServiceError as exc:  # another publisher went first
            raise _stale(exc.ids) from None
    print(
        ngettext("{n} démarche publiée.", "{n} démarches publiées.", len(changed)).format(
            n=len(changed)
        )
    )
    return 0


def withdraw(args: argparse.Namespace) -> int:
    with _signing(args) as (db, key, current):
        unknown = [i for i in args.ids if i not in current]
        if unknown:
            raise PasapasError(
                _("Jamais publiées : {ids}. Rien n'a été retiré.").format(
                    ids=", ".join(printable(i) for i in unknown)
                )
            )
        try:
            changed = sign_and_withdraw(db, key, {i: current[i][0] for i in args.ids})
        except ServiceError as exc:  # a newer version was published meanwhile
            raise _stale(exc.ids, withdrawing=True) from None
    print(
        ngettext("{n} démarche retirée.", "{n} démarches retirées.", len(changed)).format(
            n=len(changed)
        )
    )
    return 0


def device_revoke(args: argparse.Namespace) -> int:
    with database(args) as db:
        done = db.revoke_device(args.id)
    if not done:
        raise PasapasError(
            _("Aucune borne active avec l'identifiant {id}.").format(id=printable(args.id))
        )
    print(_("Borne révoquée : {id}").format(id=printable(args.id)))
    return 0


def device_list(args: argparse.Namespace) -> int:
    with database(args) as db:
        rows = db.list_devices()
    for device_id, site, name, seen, revoked in rows:
        state = _("révoquée") if revoked else _("active")
        last = seen.strftime("%Y-%m-%d %H:%M") if seen else "-"
        # Site and device names come from people and from kiosks: no control character of
        # theirs reaches the terminal.
        print("\t".join(printable(v) for v in (device_id, site, name)) + f"\t{state}\t{last}")
    return 0


def stats(args: argparse.Namespace) -> int:
    with database(args) as db:
        figures = db.stats()
        attempts = db.enrolment_attempts(db.now() - dt.timedelta(days=1))
    print(_("Lieux : {n}").format(n=figures["sites"]))
    print(
        _("Bornes actives : {n} (révoquées : {r})").format(
            n=figures["devices"], r=figures["revoked"]
        )
    )
    print(
        _("Démarches publiées : {n} (retirées : {w})").format(
            n=figures["procedures"], w=figures["withdrawn"]
        )
    )
    print(_("Enregistrements reçus : {n}").format(n=figures["records"]))
    for record_type, count in sorted(figures["records_by_type"].items()):
        print(f"  {printable(record_type)}\t{count}")
    for site, count in sorted(figures["records_by_site"].items()):
        print(f"  {printable(site)}\t{count}")
    print(
        _(
            "Essais d'inscription des dernières 24 h — réussis : {enrolled}, refusés : "
            "{refused}, freinés : {throttled}"
        ).format(**attempts)
    )
    return 0
