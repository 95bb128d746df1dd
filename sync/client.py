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
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection
import urllib3.exceptions

from pasapas.app.changes import Changes
from pasapas.app.content.catalog import Catalog
from pasapas.app.content.signing import PublicKey, SignatureError
from pasapas.app.content.validation import decode_document, parse_document
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
# Every answer is read in pieces, counted, and dropped as soon as it passes its endpoint's size
# (`protocol.MAX_ANSWER_BYTES`). Every request has a wall-clock deadline
# (`protocol.DEADLINE_SECONDS`): the socket timeouts only bound each wait for one piece, so a
# service that trickles a byte now and then would otherwise hold the sync for ever. At the
# deadline a watchdog shuts the request's socket down, which ends any wait on it at once, in
# the connection, the headers or the body.

_current_deadline = threading.local()


class _Deadline:
    """The wall-clock limit of one request, and the sockets it uses (shut down when it passes)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends_at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        _current_deadline.value = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current_deadline.value = None

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.ends_at

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if sock not in self._sockets:
                self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    # The plain socket's shutdown, under any TLS layer: a blocked read returns at once.
    with contextlib.suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _watch(sock: socket.socket | None) -> None:
    deadline = getattr(_current_deadline, "value", None)
    if deadline is not None:
        deadline.watch(sock)


class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        _watch(self.sock)  # a kept-alive connection, already connected
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        _watch(self.sock)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter, with connections whose sockets the current deadline can shut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


def _watched_session(session: requests.Session | None = None) -> requests.Session:
    session = session or requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, _WatchedAdapter())
    return session


@dataclass(frozen=True)
class Answer:
    """A whole answer, read within its limits."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes


def _too_large() -> SyncError:
    return SyncError(
        _(
            "La réponse du service était trop grosse : elle a été abandonnée sans rien changer, "
            "un nouvel essai aura lieu plus tard."
        ),
        "answer",
    )


def _too_slow(deadline: _Deadline) -> SyncError:
    return SyncError(
        _(
            "Le service a mis plus de {seconds} s à répondre : la demande a été abandonnée sans "
            "rien changer, un nouvel essai aura lieu plus tard."
        ).format(seconds=f"{deadline.seconds:g}"),
        "answer",
    )


@dataclass
class ServiceClient:
    """The HTTP calls, with every answer checked. Counts the requests it makes.

    `deadline`, when given, shortens every request's wall-clock limit to at most that many
    seconds (each endpoint has its own in `protocol.DEADLINE_SECONDS`)."""

    base_url: str
    token: str = field(default="", repr=False)
    ca_bundle: str = ""
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    session: requests.Session = field(default_factory=_watched_session, repr=False)
    requests_made: int = 0
    deadline: float | None = None

    def __post_init__(self) -> None:
        if self.ca_bundle and not Path(self.ca_bundle).is_file():
            raise SyncError(
                _("Le fichier de certificats {path} n'existe pas.").format(path=self.ca_bundle),
                "config",
            )

    def use_session(self, session: requests.Session) -> None:
        """Make the calls through `session` (its connections watched by the deadlines too)."""
        self.session = _watched_session(session)

    def _url(self, path: str) -> str:
        return f"{self.base_url}{protocol.API_PREFIX}{path}"

    def _request(self, method: str, path: str, **kwargs: Any) -> Answer:
        endpoint = "/" + path.strip("/").split("/", 1)[0]
        limit = protocol.MAX_ANSWER_BYTES[endpoint]
        seconds = protocol.DEADLINE_SECONDS[endpoint]
        if self.deadline is not None:
            seconds = min(seconds, self.deadline)
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": "identity",  # what is counted is what arrives
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(kwargs.pop("headers", {}))
        self.requests_made += 1
        with _Deadline(seconds) as deadline:
            try:
                return self._read(method, path, headers, limit, deadline, **kwargs)
            except SyncError:
                raise
            except requests.exceptions.RequestException as exc:
                if deadline.passed():
                    raise _too_slow(deadline) from None
                raise _transfer_error(exc) from None
            except (OSError, urllib3.exceptions.HTTPError):
                if deadline.passed():
                    raise _too_slow(deadline) from None
                raise SyncError(
                    _("La réponse du service est arrivée incomplète."), "answer"
                ) from None

    def _read(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        limit: int,
        deadline: _Deadline,
        **kwargs: Any,
    ) -> Answer:
        response = self.session.request(
            method,
            self._url(path),
            headers=headers,
            timeout=self.timeout,
            allow_redirects=False,
            verify=self.ca_bundle or True,
            stream=True,
            **kwargs,
        )
        with contextlib.closing(response):
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise _too_large()
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                if deadline.passed():
                    raise _too_slow(deadline)
                chunks.append(chunk)
            if deadline.passed():  # the socket was shut: what came may be cut short
                raise _too_slow(deadline)
            return Answer(response.status_code, response.headers, b"".join(chunks))

    def _json(self, response: Answer, ok: tuple[int, ...] = (200,)) -> Any:
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
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise SyncError(
                _("La réponse du service est illisible ou incomplète."), "answer"
            ) from None
        if status not in ok:
            reason = data.get("error", "") if isinstance(data, dict) else ""
            reason = _code_text(reason)
            raise SyncError(
                _("Le service a refusé la demande (erreur {status} {reason}).")
                .format(status=status, reason=reason)
                .replace(" )", ")"),
                "service",
                reason,
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
        if response.status_code == 429:
            wait = response.headers.get("Retry-After", "")
            minutes = max(1, -(-int(wait) // 60)) if wait.isdigit() else 10
            raise SyncError(
                ngettext(
                    "Trop d'essais d'inscription : réessayez dans {n} minute.",
                    "Trop d'essais d'inscription : réessayez dans {n} minutes.",
                    minutes,
                ).format(n=minutes),
                "service",
                protocol.E_THROTTLED,
            )
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
            or not 0 < len(data["site"]) <= 200
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


def _code_text(value: object) -> str:
    """A code the service gave, as the kiosk keeps and shows it: short, and printable."""
    return protocol.printable(value)[:64] if isinstance(value, str) else ""


def _transfer_error(exc: requests.exceptions.RequestException) -> SyncError:
    """The sentence for a request that failed on the way (the deadline aside)."""
    if isinstance(exc, requests.exceptions.SSLError):
        return SyncError(
            _(
                "Le certificat du service n'a pas pu être vérifié : la connexion a été "
                "refusée. Vérifiez l'adresse ou le fichier de certificats."
            ),
            "network",
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return SyncError(_("Le service n'a pas répondu à temps."), "network")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return SyncError(
            _("Le service est injoignable (pas de réseau, ou service arrêté)."), "network"
        )
    # Truncated or garbled transfer (ChunkedEncodingError, ContentDecodingError, ...).
    return SyncError(_("La réponse du service est arrivée incomplète."), "answer")


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
    deadline: float | None = None,
) -> Enrolment:
    """Spend an enrolment code; keep the device id, its token and the pinned publisher key.

    Records that were waiting, or stuck as conflicts, go out again under the new device: the
    service acknowledges those it already holds from a device of the same site."""
    base = check_service_url(url, allow_http=allow_http)
    if ca_bundle:
        ca_bundle = str(Path(ca_bundle).resolve())
    client = ServiceClient(base, ca_bundle=ca_bundle, timeout=timeout, deadline=deadline)
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
    withdrawals_ignored: int = 0  # signed withdrawals of a version older than the one held
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
        if self.withdrawals_ignored:
            parts.append(
                ngettext(
                    "{n} retrait ancien ignoré",
                    "{n} retraits anciens ignorés",
                    self.withdrawals_ignored,
                ).format(n=self.withdrawals_ignored)
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
    there. `stop` (an Event) ends the sync cleanly between two batches. `deadline` shortens the
    wall-clock limit of every request (`protocol.DEADLINE_SECONDS`).
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
        deadline: float | None = None,
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
        self.deadline = deadline

    def _client(self, enrolment: Enrolment) -> ServiceClient:
        base = check_service_url(enrolment.service_url, allow_http=enrolment.allow_http)
        client = ServiceClient(
            base,
            token=enrolment.token,
            ca_bundle=enrolment.ca_bundle,
            timeout=self.timeout,
            deadline=self.deadline,
        )
        if self.session is not None:
            client.use_session(self.session)
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
                    code = _code_text(result.get("code") or "")
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
            ignored: tuple[str, ...] = ()
            if procedures or withdrawn:
                imported = catalog.import_procedures(procedures, withdrawn=withdrawn)
                report.withdrawn += len(imported.withdrawn)
                ignored = imported.withdrawals_ignored
                report.withdrawals_ignored += len(ignored)
            self.checkpoint("content-imported")
            report.imported += len(procedures)
            # Saved after the import: a kill in between re-imports the same page, which changes
            # nothing (imports are idempotent), so the catalog is always consistent.
            cursor = page["cursor"]
            etag = new_etag if not page["more"] else ""
            values: dict[str, str | int | None] = {
                "content_cursor": cursor,
                "content_etag": etag or None,
                "content_problem": None,
            }
            if page["items"]:
                # Said to staff until a later page comes with nothing to ignore.
                values["content_notice"] = _ignored_notice(ignored) if ignored else None
            self.state.set(values)
            if ignored:
                self.state.log(_ignored_notice(ignored))
            if not page["more"]:
                return
            etag = ""

    def _verify(
        self, items: list[dict[str, Any]], key: PublicKey
    ) -> tuple[list[Any], dict[str, int]]:
        """Every signature checked and every document valid, or nothing at all. The withdrawals
        come with the version each one withdraws (its signature covers it)."""
        procedures: list[Any] = []
        withdrawn: dict[str, int] = {}
        problems: list[str] = []
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
                withdrawn[pid] = version
                continue
            data, found = decode_document(document, pid)  # names the place, never raises
            if found:
                problems += [str(problem) for problem in found]
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


def _ignored_notice(ids: tuple[str, ...]) -> str:
    return ngettext(
        "Un retrait ancien a été ignoré, une version plus récente est gardée : {ids}.",
        "Des retraits anciens ont été ignorés, des versions plus récentes sont gardées : {ids}.",
        len(ids),
    ).format(ids=", ".join(protocol.printable(i) for i in ids[:10]))
