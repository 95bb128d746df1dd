"""The kiosk's side of sync: enrolment, signed content down, the outbox up. Built on `requests`.

One sync (`SyncEngine.sync_once`) pushes every queued record in batches of at most
`protocol.MAX_BATCH`, then pulls content pages since the saved cursor. Only one sync runs at a
time per kiosk (a lock in this process and a `flock` on a file beside the store, so the CLI and
the kiosk never sync together). Every answer is checked before anything is marked: a record is
marked sent only when a 2xx JSON answer lists its id as accepted or duplicate; a captive portal's
HTML page, a redirect, a timeout, a truncated or garbled body leave everything queued. Progress
is saved after each batch and each content page, so a kill at any point loses nothing and a
re-sent batch is answered "duplicate". Tokens are never logged or shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import ipaddress
import json
import os
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from pasapas.app.changes import Changes
from pasapas.app.content.catalog import Catalog
from pasapas.app.content.signing import PublicKey, SignatureError
from pasapas.app.content.validation import parse_document
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _, ngettext
from pasapas.app.outbox import Enrolment, Outbox, SyncState, now_text
from pasapas.app.store import Store
from pasapas.sync import protocol

USER_AGENT = "pasapas-kiosk/1"
DEFAULT_TIMEOUT = (5.0, 30.0)  # connect, read (seconds)
BACKOFF_BASE = 15.0  # seconds after the first failure
BACKOFF_CAP = 30 * 60.0  # never wait longer than this between tries


class SyncError(PasapasError):
    """A sync did not complete. `kind`: network, service, answer, auth, content, busy, config."""

    def __init__(self, message: str, kind: str, code: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code  # the service's error code, when it gave one


def backoff_delay(
    failures: int,
    *,
    base: float = BACKOFF_BASE,
    cap: float = BACKOFF_CAP,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after `failures` failures in a row: doubling, capped, half of it random
    (so a network of kiosks that lost the service together does not come back all at once)."""
    if failures <= 0:
        return 0.0
    delay = min(cap, base * 2 ** min(failures - 1, 32))
    return delay / 2 + rng() * delay / 2


# -- the service's address ---------------------------------------------------------------------


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_service_url(url: str, *, allow_http: bool = False) -> str:
    """The service's base URL, normalised; HTTPS, or plain HTTP to loopback with the flag."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise SyncError(
            _("« {url} » n'est pas une adresse de service (https://…).").format(url=url), "config"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise SyncError(
            _(
                "L'adresse du service ne doit contenir ni nom d'utilisateur, ni mot de "
                "passe, ni « ? », ni « # »."
            ),
            "config",
        )
    if parts.scheme == "http":
        if not _is_loopback(parts.hostname):
            raise SyncError(
                _(
                    "Le service doit être joint en HTTPS. Le HTTP simple n'est permis que vers "
                    "cette machine (développement)."
                ),
                "config",
            )
        if not allow_http:
            raise SyncError(
                _(
                    "Adresse en HTTP simple : ajoutez --allow-http (développement seulement, "
                    "vers cette machine)."
                ),
                "config",
            )
    return url.rstrip("/")


# -- HTTP --------------------------------------------------------------------------------------


@dataclass
class ServiceClient:
    """The HTTP calls, with every answer checked. Counts the requests it makes."""

    base_url: str
    token: str = field(default="", repr=False)
    ca_bundle: str = ""
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    requests_made: int = 0

    def __post_init__(self) -> None:
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            raise SyncError(
                _("Le fichier de certificats {path} n'existe pas.").format(path=self.ca_bundle),
                "config",
            )

    def _url(self, path: str) -> str:
        return f"{self.base_url}{protocol.API_PREFIX}{path}"

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(kwargs.pop("headers", {}))
        self.requests_made += 1
        try:
            response = self.session.request(
                method,
                self._url(path),
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                verify=self.ca_bundle or True,
                **kwargs,
            )
            response.content  # noqa: B018 - read the whole body now, inside the try
        except requests.exceptions.SSLError:
            raise SyncError(
                _(
                    "Le certificat du service n'a pas pu être vérifié : la connexion a été "
                    "refusée. Vérifiez l'adresse ou le fichier de certificats."
                ),
                "network",
            ) from None
        except requests.exceptions.Timeout:
            raise SyncError(_("Le service n'a pas répondu à temps."), "network") from None
        except requests.exceptions.ConnectionError:
            raise SyncError(
                _("Le service est injoignable (pas de réseau, ou service arrêté)."), "network"
            ) from None
        except requests.exceptions.RequestException:
            # Truncated or garbled transfer (ChunkedEncodingError, ContentDecodingError, ...).
            raise SyncError(_("La réponse du service est arrivée incomplète."), "answer") from None
        return response

    def _json(self, response: requests.Response, ok: tuple[int, ...] = (200,)) -> Any:
        status = response.status_code
        if 300 <= status < 400 and status != 304:
            raise SyncError(
                _(
                    "Le service a renvoyé vers une autre adresse : aucun envoi n'est compté "
                    "comme reçu. Un portail d'accès au réseau demande peut-être de se connecter."
                ),
                "answer",
            )
        if status in (401, 403):
            raise SyncError(
                _(
                    "Le service refuse cette borne (accès révoqué ou inconnu). "
                    "Une personne responsable doit l'inscrire à nouveau."
                ),
                "auth",
            )
        if status == 413:
            raise SyncError(_("Le service a refusé un envoi trop gros."), "service")
        if status >= 500:
            raise SyncError(
                _("Le service a un problème (erreur {status}). Nouvel essai plus tard.").format(
                    status=status
                ),
                "service",
            )
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith("application/json"):
            raise SyncError(
                _(
                    "La réponse ne vient pas du service (une page web, peut-être un portail "
                    "d'accès au réseau). Rien n'a été marqué comme envoyé."
                ),
                "answer",
            )
        length = response.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) != len(response.content):
            raise SyncError(_("La réponse du service est arrivée incomplète."), "answer")
        try:
            data = json.loads(response.content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise SyncError(
                _("La réponse du service est illisible ou incomplète."), "answer"
            ) from None
        if status not in ok:
            reason = data.get("error", "") if isinstance(data, dict) else ""
            raise SyncError(
                _("Le service a refusé la demande (erreur {status} {reason}).")
                .format(status=status, reason=reason)
                .replace(" )", ")"),
                "service",
                reason if isinstance(reason, str) else "",
            )
        return data

    def health(self) -> bool:
        try:
            data = self._json(self._request("GET", "/health"))
        except SyncError:
            return False
        return isinstance(data, dict) and data.get("status") == "ok"

    def enrol(self, code: str, name: str) -> dict[str, Any]:
        response = self._request("POST", "/enrol", json={"code": code, "name": name})
        if response.status_code == 403:
            raise SyncError(_("Ce code d'inscription est inconnu, déjà utilisé ou expiré."), "auth")
        if response.status_code == 409:
            raise SyncError(
                _("Le service n'a pas encore de clé d'éditeur : il faut d'abord la créer."),
                "service",
            )
        data = self._json(response)
        key = data.get("publisher_key") if isinstance(data, dict) else None
        if (
            not isinstance(key, dict)
            or not protocol.is_uuid(data.get("device_id"))
            or not isinstance(data.get("token"), str)
            or len(data["token"]) < 20
            or not isinstance(data.get("site"), str)
        ):
            raise SyncError(_("La réponse du service à l'inscription est incomplète."), "answer")
        return data

    def content(self, since: int, etag: str = "") -> tuple[dict[str, Any] | None, str]:
        """A content page, or (None, etag) when the service says nothing changed (304)."""
        headers = {"If-None-Match": etag} if etag else {}
        response = self._request("GET", "/content", params={"since": since}, headers=headers)
        if response.status_code == 304:
            return None, etag
        data = self._json(response)
        if not _is_content_page(data):
            raise SyncError(
                _("La liste de contenus envoyée par le service est mal formée."), "answer"
            )
        return data, response.headers.get("ETag", "")

    def push(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        data = self._json(self._request("POST", "/records", json={"records": records}))
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list) or not all(
            isinstance(r, dict)
            and isinstance(r.get("id"), str)
            and r.get("status") in protocol.STATUSES
            for r in results
        ):
            raise SyncError(_("L'accusé de réception du service est mal formé."), "answer")
        return results


def _is_content_page(data: Any) -> bool:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return False
    if not isinstance(data.get("cursor"), int) or not isinstance(data.get("more"), bool):
        return False
    for item in data["items"]:
        if not isinstance(item, dict):
            return False
        if not isinstance(item.get("id"), str) or not isinstance(item.get("version"), int):
            return False
        if not isinstance(item.get("withdrawn"), bool):
            return False
        if not isinstance(item.get("signature"), str) or not isinstance(item.get("key_id"), str):
            return False
        document = item.get("document")
        if item["withdrawn"] != (document is None) or not (
            document is None or isinstance(document, str)
        ):
            return False
    return True


# -- one sync at a time --------------------------------------------------------------------------

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


@contextlib.contextmanager
def sync_lock(store_path: Path) -> Iterator[None]:
    """Held for the whole of a sync, across threads and processes of this kiosk."""
    key = str(Path(store_path).resolve())
    with _process_locks_guard:
        lock = _process_locks.setdefault(key, threading.Lock())
    busy = SyncError(_("Une synchronisation est déjà en cours."), "busy")
    if not lock.acquire(blocking=False):
        raise busy
    try:
        fd = os.open(f"{key}.sync-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise busy from None
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        lock.release()


# -- enrolment ------------------------------------------------------------------------------------


def enroll(
    store: Store,
    url: str,
    code: str,
    *,
    allow_http: bool = False,
    ca_bundle: str = "",
    name: str = "",
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
) -> Enrolment:
    """Spend an enrolment code; keep the device id, its token and the pinned publisher key."""
    base = check_service_url(url, allow_http=allow_http)
    if ca_bundle:
        ca_bundle = str(Path(ca_bundle).resolve())
    client = ServiceClient(base, ca_bundle=ca_bundle, timeout=timeout)
    with sync_lock(store.path):
        data = client.enrol(code.strip(), name)
        try:
            key = PublicKey.from_base64(data["publisher_key"].get("public_key"))
        except SignatureError:
            raise SyncError(
                _("La clé d'éditeur envoyée par le service est illisible."), "answer"
            ) from None
        if data["publisher_key"].get("key_id") != key.key_id:
            raise SyncError(_("La clé d'éditeur envoyée par le service est incohérente."), "answer")
        enrolment = Enrolment(
            service_url=base,
            device_id=data["device_id"],
            token=data["token"],
            site=data["site"],
            key_id=key.key_id,
            public_key=key.public_key,
            ca_bundle=ca_bundle,
            allow_http=allow_http,
        )
        SyncState(store).save_enrolment(enrolment)
    return enrolment


def probe(store: Store, timeout: tuple[float, float] = (3.0, 5.0)) -> bool:
    """Is the enrolled service reachable now? (One small unauthenticated request.)"""
    enrolment = SyncState(store).enrolment()
    if enrolment is None:
        return False
    try:
        base = check_service_url(enrolment.service_url, allow_http=enrolment.allow_http)
        return ServiceClient(base, ca_bundle=enrolment.ca_bundle, timeout=timeout).health()
    except SyncError:
        return False


# -- one sync ------------------------------------------------------------------------------------


@dataclass
class SyncReport:
    sent: int = 0
    attention: int = 0
    batches: int = 0
    imported: int = 0
    withdrawn: int = 0
    content_pages: int = 0
    not_modified: bool = False
    requests: int = 0

    @property
    def changes(self) -> Changes:
        """What the kiosk's screens may show differently after this sync."""
        return Changes(
            procedures=bool(self.imported or self.withdrawn),
            outbox=bool(self.sent or self.attention),
            sync_state=True,
        )

    def describe(self) -> str:
        parts = [
            ngettext("{n} enregistrement envoyé", "{n} enregistrements envoyés", self.sent).format(
                n=self.sent
            ),
            ngettext("{n} démarche reçue", "{n} démarches reçues", self.imported).format(
                n=self.imported
            ),
        ]
        if self.withdrawn:
            parts.append(
                ngettext("{n} démarche retirée", "{n} démarches retirées", self.withdrawn).format(
                    n=self.withdrawn
                )
            )
        if self.attention:
            parts.append(
                ngettext(
                    "{n} enregistrement à vérifier",
                    "{n} enregistrements à vérifier",
                    self.attention,
                ).format(n=self.attention)
            )
        return ", ".join(parts)


def _no_checkpoint(name: str) -> None:
    return None


class SyncEngine:
    """Syncs one kiosk store. Use from the thread that opened `store`.

    `checkpoint(name)` is called at each step ("outbox-read", "acknowledged", "batch-recorded",
    "content-received", "content-verified", "content-imported"); the fault tests stop the process
    there. `stop` (an Event) ends the sync cleanly between two batches.
    """

    def __init__(
        self,
        store: Store,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        checkpoint: Callable[[str], None] = _no_checkpoint,
        stop: threading.Event | None = None,
        batch_size: int = protocol.MAX_BATCH,
        session: requests.Session | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.store = store
        self.state = SyncState(store)
        self.outbox = Outbox(store)
        self.timeout = timeout
        self.checkpoint = checkpoint
        self.stop = stop or threading.Event()
        self.batch_size = max(1, min(batch_size, protocol.MAX_BATCH))
        self.session = session
        self.clock = clock

    def _client(self, enrolment: Enrolment) -> ServiceClient:
        base = check_service_url(enrolment.service_url, allow_http=enrolment.allow_http)
        client = ServiceClient(
            base, token=enrolment.token, ca_bundle=enrolment.ca_bundle, timeout=self.timeout
        )
        if self.session is not None:
            client.session = self.session
        return client

    def due(self) -> bool:
        """Is an automatic sync due (enrolled, not waiting for staff, backoff over)?"""
        return self.state.due(self.clock())

    def sync_once(self) -> SyncReport:
        """Push everything queued, then pull new content. Raises SyncError when it stops short."""
        enrolment = self.state.enrolment()
        if enrolment is None:
            raise SyncError(
                _("Cette borne n'est pas inscrite auprès d'un service central."), "config"
            )
        with sync_lock(self.store.path):
            client = self._client(enrolment)
            report = SyncReport()
            self.state.set({"last_attempt": now_text()})
            try:
                self._push(client, report)
                if not self.stop.is_set():
                    self._pull(client, PublicKey(enrolment.key_id, enrolment.public_key), report)
            except SyncError as exc:
                report.requests = client.requests_made
                self._failed(exc)
                raise
            report.requests = client.requests_made
            self.state.set(
                {
                    "last_success": now_text(),
                    "last_error": None,
                    "failures": None,
                    "next_attempt": None,
                    "needs_staff": None,
                    "offline": None,
                }
            )
            return report

    def _failed(self, exc: SyncError) -> None:
        failures = self.state.get_int("failures") + 1
        wait = backoff_delay(failures)
        values: dict[str, str | int | None] = {
            "last_error": exc.message,
            "failures": failures,
            "next_attempt": (self.clock() + dt.timedelta(seconds=wait)).isoformat(),
            "offline": "1" if exc.kind == "network" else None,
        }
        if exc.kind == "auth":
            values["needs_staff"] = "1"
        self.state.set(values)
        self.state.log(exc.message)

    # -- records up ------------------------------------------------------------------------

    def _push(self, client: ServiceClient, report: SyncReport) -> None:
        after = 0
        while not self.stop.is_set():
            batch = self.outbox.queued(self.batch_size, after)
            if not batch:
                return
            self.checkpoint("outbox-read")
            sent_ids = [entry.id for entry in batch]
            results = client.push(
                [
                    protocol.Record(
                        entry.id, entry.type, entry.type_version, entry.payload_json()
                    ).to_json()
                    for entry in batch
                ]
            )
            self.checkpoint("acknowledged")
            wanted = set(sent_ids)
            done: list[str] = []
            attention: list[tuple[str, str]] = []
            for result in results:
                rid = result["id"]
                if rid not in wanted:
                    continue  # an id we did not send acknowledges nothing
                wanted.discard(rid)
                if result["status"] in protocol.DONE_STATUSES:
                    done.append(rid)
                else:
                    code = str(result.get("code") or "")
                    attention.append(
                        (rid, f"{result['status']}:{code}" if code else result["status"])
                    )
            self.outbox.settle(done, attention, tried=wanted)
            self.checkpoint("batch-recorded")
            report.batches += 1
            report.sent += len(done)
            report.attention += len(attention)
            if attention:
                self.state.log(
                    ngettext(
                        "{n} enregistrement refusé par le service : à vérifier.",
                        "{n} enregistrements refusés par le service : à vérifier.",
                        len(attention),
                    ).format(n=len(attention))
                )
            if wanted:
                # Some ids were not acknowledged: they stay queued; do not loop on them now.
                raise SyncError(
                    _("Le service n'a pas accusé réception de tous les enregistrements."), "answer"
                )
            after = batch[-1].seq

    # -- content down --------------------------------------------------------------------------

    def _pull(self, client: ServiceClient, key: PublicKey, report: SyncReport) -> None:
        cursor = self.state.get_int("content_cursor")
        etag = self.state.get("content_etag")
        catalog = Catalog(self.store)
        while not self.stop.is_set():
            try:
                page, new_etag = client.content(cursor, etag)
            except SyncError as exc:
                if exc.code == protocol.E_BAD_CURSOR and cursor:
                    cursor, etag = 0, ""
                    continue
                raise
            if page is None:
                report.not_modified = True
                return
            report.content_pages += 1
            self.checkpoint("content-received")
            procedures, withdrawn = self._verify(page["items"], key)
            self.checkpoint("content-verified")
            if procedures or withdrawn:
                catalog.import_procedures(procedures, withdrawn=withdrawn)
            self.checkpoint("content-imported")
            report.imported += len(procedures)
            report.withdrawn += len(withdrawn)
            # Saved after the import: a kill in between re-imports the same page, which changes
            # nothing (imports are idempotent), so the catalog is always consistent.
            cursor = page["cursor"]
            etag = new_etag if not page["more"] else ""
            self.state.set(
                {"content_cursor": cursor, "content_etag": etag or None, "content_problem": None}
            )
            if not page["more"]:
                return
            etag = ""

    def _verify(self, items: list[dict[str, Any]], key: PublicKey) -> tuple[list[Any], list[str]]:
        """Every signature checked and every document valid, or nothing at all."""
        procedures, withdrawn, problems = [], [], []
        seen: set[str] = set()
        for item in items:
            pid, version, document = item["id"], item["version"], item.get("document")
            if pid in seen:
                problems.append(_("« {id} » figure deux fois.").format(id=pid))
                continue
            seen.add(pid)
            try:
                key.verify(
                    pid, version, document, item["withdrawn"], item["signature"], item["key_id"]
                )
            except SignatureError as exc:
                problems.append(exc.message)
                continue
            if item["withdrawn"]:
                withdrawn.append(pid)
                continue
            try:
                data = json.loads(document)
            except ValueError:
                problems.append(_("« {id} » : document illisible.").format(id=pid))
                continue
            procedure, found = parse_document(data, pid, document=document)
            if procedure is None:
                problems += [str(problem) for problem in found]
            elif procedure.id != pid or procedure.version != version:
                problems.append(
                    _("« {id} » : le document ne correspond pas à sa signature.").format(id=pid)
                )
            else:
                procedures.append(procedure)
        if problems:
            message = _("Contenus refusés, rien n'a été importé : {problems}").format(
                problems=" ; ".join(problems[:10])
            )
            self.state.set({"content_problem": message})
            raise SyncError(message, "content")
        return procedures, withdrawn
