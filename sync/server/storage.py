"""The central service's own storage, through SQLAlchemy Core: SQLite (default) or PostgreSQL.

Every method is one transaction. Nothing is kept in the process between calls, so any number of
service processes may share one PostgreSQL. Secrets are stored hashed (device tokens, enrolment
codes); records are stored once per id, with the device that sent them. An `erasure` record
blanks its subject as the author of the `accompaniment_report` records of the sending device's
site, in the transaction that stores it (`_apply_erasures`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import json
import math
import os
import secrets
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, make_url

from pasapas.app.records import record_types
from pasapas.sync import protocol
from pasapas.sync.protocol import (
    ACCEPTED,
    CONFLICT,
    DUPLICATE,
    R_CONFLICT,
    Record,
    canonical_json,
    enrolment_code_alphabet,
    normalise_enrolment_code,
    record_digest,
)

# An `erasure` record (app/records/erasure.py) names a staff account's id: the service blanks
# that author in the `accompaniment_report` records of the sending device's site. Of kind
# "trainee" (version 2), it names a workshop participant's random id: the service deletes that
# participant's `workshop_participation` records of the site.
ERASURE = "erasure"
ERASED_REPORT = "accompaniment_report"
ERASED_PARTICIPATION = "workshop_participation"

SCHEMA_VERSION = 1

metadata = MetaData()

meta = Table(
    "server_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
)
sites = Table(
    "sites",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
)
enrolment_codes = Table(
    "enrolment_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime, nullable=True),
    Column("device_id", String(36), nullable=True),
)
devices = Table(
    "devices",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    Column("last_seen_at", DateTime, nullable=True),
)
publisher_keys = Table(
    "publisher_keys",
    metadata,
    Column("key_id", String(16), primary_key=True),
    Column("public_key", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
)
content = Table(
    "content",
    metadata,
    Column("procedure_id", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("withdrawn", Boolean, nullable=False),
    Column("document", Text, nullable=True),
    Column("signature", String(128), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("published_at", DateTime, nullable=False),
)
records = Table(
    "records",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("device_id", String(36), ForeignKey("devices.id"), nullable=False),
    Column("type", String(64), nullable=False),
    Column("type_version", Integer, nullable=False),
    Column("payload", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("received_at", DateTime, nullable=False),
)
Index("records_by_device", records.c.device_id)
# Every enrolment attempt: when, from which address (an IPv6 address as its /64), the site when
# the code named one, and what came of it. The code tried is never stored, not even hashed.
enrolment_attempts = Table(
    "enrolment_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("address", String(64), nullable=False),
    Column("site_id", Integer, ForeignKey("sites.id"), nullable=True),
    Column("outcome", String(16), nullable=False),  # enrolled, refused, throttled
    Column("device_id", String(36), nullable=True),
)
Index("enrolment_attempts_by_time", enrolment_attempts.c.at)
Index("enrolment_attempts_by_address", enrolment_attempts.c.address, enrolment_attempts.c.at)
ENROLLED, REFUSED, THROTTLED = "enrolled", "refused", "throttled"


def utcnow() -> dt.datetime:
    """Naive UTC, the same on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def normalise_url(url: str) -> str:
    """`postgresql://` means psycopg 3; anything else is given to SQLAlchemy as is."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ServiceError(Exception):
    """An expected refusal; `code` is a `sync.protocol` error code. `ids`: the procedures a
    refused publication names; `retry_after`: seconds to wait, for a throttled enrolment."""

    def __init__(self, code: str, *, ids: Sequence[str] = (), retry_after: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.ids = tuple(ids)
        self.retry_after = retry_after


def client_address(address: str) -> str:
    """The address attempts are counted by: as given, an IPv6 address as its /64 (one home or
    office holds a whole /64), at most 64 characters."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _private_sqlite_file(url: str) -> None:
    """A SQLite database file (and its folder, when made now) private to the service's user:
    the file 0600, WAL and SHM too (SQLite gives them the database file's mode), a new folder
    0700. An existing file open to others is closed to them."""
    try:
        parsed = make_url(url)
    except Exception:  # SQLAlchemy says what is wrong when it connects
        return
    database = parsed.database or ""
    if (
        not parsed.drivername.startswith("sqlite")
        or database in ("", ":memory:")
        or database.startswith("file:")
        or parsed.query.get("mode") == "memory"
    ):
        return
    path = os.path.abspath(database)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # whatever the umask
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_mode & 0o077:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path + suffix
        if os.path.exists(companion) and os.stat(companion).st_mode & 0o077:
            os.chmod(companion, 0o600)


@dataclass(frozen=True)
class Device:
    id: str
    site_id: int
    site: str
    name: str


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    token: str
    site: str
    key_id: str
    public_key: str


@dataclass(frozen=True)
class ContentItem:
    id: str
    version: int
    seq: int
    withdrawn: bool
    document: str | None
    signature: str
    key_id: str


class ServerDB:
    """The service's database. Thread-safe: every call takes a pooled connection."""

    def __init__(self, url: str, *, now: Callable[[], dt.datetime] = utcnow) -> None:
        self.url = normalise_url(url)
        self.now = now
        self.engine = self._make_engine(self.url)
        self.dialect = self.engine.dialect.name

    @staticmethod
    def _make_engine(url: str) -> Engine:
        if url.startswith("sqlite"):
            _private_sqlite_file(url)
            engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=8
            )

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_connection: Any, _record: Any) -> None:
                # Let SQLAlchemy's BEGIN through (pysqlite would delay it), and make writers
                # take the lock up front, so two writers never deadlock on an upgrade.
                dbapi_connection.isolation_level = None
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = FULL")  # an acknowledged record is on disk
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute("PRAGMA busy_timeout = 30000")
                cursor.close()

            @event.listens_for(engine, "begin")
            def _on_begin(connection: Connection) -> None:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

            return engine
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)

    def create_schema(self) -> None:
        """Create the tables when missing. Safe when several processes start at once."""
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(5046751)"))
            metadata.create_all(conn, checkfirst=True)
            if conn.execute(select(meta.c.value).where(meta.c.key == "schema")).first() is None:
                conn.execute(meta.insert(), [{"key": "schema", "value": SCHEMA_VERSION}])
                conn.execute(meta.insert(), [{"key": "content_seq", "value": 0}])

    def dispose(self) -> None:
        self.engine.dispose()

    def _insert(self, table: Table) -> Any:
        """An INSERT that can say ON CONFLICT, in this database's dialect."""
        return (pg_insert if self.dialect == "postgresql" else sqlite_insert)(table)

    # -- sites and enrolment --------------------------------------------------------------

    def add_site(self, name: str) -> int:
        with self.engine.begin() as conn:
            exists = conn.execute(select(sites.c.id).where(sites.c.name == name)).first()
            if exists is not None:
                raise ServiceError("site_exists")
            result = conn.execute(sites.insert().values(name=name, created_at=self.now()))
            return int(result.inserted_primary_key[0])

    def enrolment_code(
        self,
        site: str,
        *,
        ttl: dt.timedelta = dt.timedelta(hours=24),
        now: dt.datetime | None = None,
    ) -> tuple[str, dt.datetime]:
        """A new one-time code for `site`, valid for `ttl`; the code itself is not stored."""
        alphabet = enrolment_code_alphabet()
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        created = now or self.now()
        expires = created + ttl
        with self.engine.begin() as conn:
            site_id = conn.execute(select(sites.c.id).where(sites.c.name == site)).scalar()
            if site_id is None:
                raise ServiceError("unknown_site")
            conn.execute(
                enrolment_codes.insert().values(
                    code_hash=sha256_hex(raw),
                    site_id=site_id,
                    created_at=created,
                    expires_at=expires,
                )
            )
        return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}", expires

    def enrol(self, code: str, name: str, *, address: str = "") -> Enrolment:
        """Spend a code (once, before it expires) on a new device with a new random token.

        Throttled (`protocol.ENROL_*`): after too many refused attempts in the window from
        this address, for the code's site or from everywhere, the attempt is refused with
        `too_many_attempts` and `retry_after`, without looking further (a good code is not
        spent). Every attempt is recorded, in the transaction that decides it; the code never.
        """
        now = self.now()
        token = secrets.token_urlsafe(32)
        device_id = str(uuid.uuid4())
        address = client_address(address)
        code_hash = sha256_hex(normalise_enrolment_code(code))
        refusal: ServiceError | None = None
        with self.engine.begin() as conn:
            key = _active_key(conn)
            if key is None:
                raise ServiceError("no_publisher_key")
            if self.dialect == "postgresql":
                # One enrolment decision at a time, so concurrent guesses cannot pass the limits.
                conn.execute(text("SELECT pg_advisory_xact_lock(5046752)"))
            conn.execute(
                delete(enrolment_attempts).where(
                    enrolment_attempts.c.at
                    < now - dt.timedelta(days=protocol.ENROL_ATTEMPTS_KEPT_DAYS)
                )
            )
            named = conn.execute(
                select(enrolment_codes.c.site_id).where(enrolment_codes.c.code_hash == code_hash)
            ).scalar()
            wait = _throttled(conn, now, address, named)
            if wait:
                _attempt(conn, now, address, named, THROTTLED)
                refusal = ServiceError(protocol.E_THROTTLED, retry_after=wait)
            else:
                spent = conn.execute(
                    update(enrolment_codes)
                    .where(
                        enrolment_codes.c.code_hash == code_hash,
                        enrolment_codes.c.used_at.is_(None),
                        enrolment_codes.c.expires_at > now,
                    )
                    .values(used_at=now, device_id=device_id)
                    .returning(enrolment_codes.c.site_id)
                ).first()
                if spent is None:
                    _attempt(conn, now, address, named, REFUSED)
                    refusal = ServiceError("enrolment_code_invalid")
                else:
                    site_id = spent[0]
                    conn.execute(
                        devices.insert().values(
                            id=device_id,
                            site_id=site_id,
                            name=name[:100],
                            token_hash=sha256_hex(token),
                            created_at=now,
                        )
                    )
                    _attempt(conn, now, address, site_id, ENROLLED, device_id)
                    site = conn.execute(
                        select(sites.c.name).where(sites.c.id == site_id)
                    ).scalar_one()
        if refusal is not None:  # raised after the commit: the attempt stays recorded
            raise refusal
        return Enrolment(device_id, token, site, key.key_id, key.public_key)

    def enrolment_attempts(self, since: dt.datetime) -> dict[str, int]:
        """How many enrolment attempts since `since`, by outcome."""
        with self.engine.begin() as conn:
            counts = dict(
                conn.execute(
                    select(enrolment_attempts.c.outcome, func.count())
                    .where(enrolment_attempts.c.at >= since)
                    .group_by(enrolment_attempts.c.outcome)
                ).all()
            )
        return {outcome: int(counts.get(outcome, 0)) for outcome in (ENROLLED, REFUSED, THROTTLED)}

    def device_for_token(self, token: str) -> Device | None:
        """The enrolled, not revoked device holding `token`, or None."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(
                    devices.c.id,
                    devices.c.site_id,
                    sites.c.name,
                    devices.c.name,
                    devices.c.last_seen_at,
                )
                .join(sites, sites.c.id == devices.c.site_id)
                .where(devices.c.token_hash == sha256_hex(token), devices.c.revoked_at.is_(None))
            ).first()
            if row is None:
                return None
            now = self.now()
            if row[4] is None or now - row[4] > dt.timedelta(minutes=5):
                conn.execute(update(devices).where(devices.c.id == row[0]).values(last_seen_at=now))
        return Device(row[0], row[1], row[2], row[3])

    def revoke_device(self, device_id: str) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(devices)
                .where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
                .values(revoked_at=self.now())
            )
            return result.rowcount == 1

    def list_devices(self) -> list[tuple[str, str, str, dt.datetime | None, dt.datetime | None]]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(
                    devices.c.id,
                    sites.c.name,
                    devices.c.name,
                    devices.c.last_seen_at,
                    devices.c.revoked_at,
                )
                .join(sites, sites.c.id == devices.c.site_id)
                .order_by(sites.c.name, devices.c.created_at)
            ).all()
        return [tuple(row) for row in rows]

    # -- publisher key and content -----------------------------------------------------------

    def add_publisher_key(self, key_id: str, public_key: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(select(publisher_keys.c.key_id)).first() is not None:
                raise ServiceError("key_exists")
            conn.execute(
                publisher_keys.insert().values(
                    key_id=key_id, public_key=public_key, created_at=self.now(), active=True
                )
            )

    def publisher_key(self) -> tuple[str, str] | None:
        with self.engine.begin() as conn:
            row = _active_key(conn)
        return (row[0], row[1]) if row else None

    def current_versions(self) -> dict[str, tuple[int, bool, str | None]]:
        with self.engine.begin() as conn:
            rows = conn.execute(
                select(
                    content.c.procedure_id,
                    content.c.version,
                    content.c.withdrawn,
                    content.c.document,
                )
            ).all()
        return {row[0]: (row[1], row[2], row[3]) for row in rows}

    def publish(self, items: Sequence[ContentItem]) -> list[str]:
        """Store signed items (documents or tombstones) in one transaction; each gets a new seq.

        Returns the ids actually changed (an identical item is not published again). Versions
        only move forward, checked inside the transaction (another publisher may have committed
        since the caller read them): a withdrawal names the version it withdraws, at least the
        one published; a document after a withdrawal must have a greater version than the
        withdrawn one, so that no old signed withdrawal can ever match it. Otherwise nothing is
        published: `ServiceError("stale_content", ids=...)`.
        """
        changed: list[str] = []
        stale: list[str] = []
        now = self.now()
        with self.engine.begin() as conn:
            _lock_content(conn, self.dialect)
            for item in items:
                row = conn.execute(
                    select(content.c.version, content.c.withdrawn, content.c.document).where(
                        content.c.procedure_id == item.id
                    )
                ).first()
                if row is not None and (row[0], row[1], row[2]) == (
                    item.version,
                    item.withdrawn,
                    item.document,
                ):
                    continue
                if row is not None and (
                    item.version < row[0]
                    or (row[1] and not item.withdrawn and item.version == row[0])
                ):
                    stale.append(item.id)
                    continue
                seq = self._next_seq(conn)
                values = {
                    "procedure_id": item.id,
                    "version": item.version,
                    "seq": seq,
                    "withdrawn": item.withdrawn,
                    "document": item.document,
                    "signature": item.signature,
                    "key_id": item.key_id,
                    "published_at": now,
                }
                stmt = self._insert(content).values(**values)
                stmt = stmt.on_conflict_do_update(
                    index_elements=[content.c.procedure_id],
                    set_={k: v for k, v in values.items() if k != "procedure_id"},
                )
                conn.execute(stmt)
                changed.append(item.id)
            if stale:
                raise ServiceError("stale_content", ids=stale)  # the transaction rolls back
        return changed

    @staticmethod
    def _next_seq(conn: Connection) -> int:
        # The row lock makes publishers take numbers in commit order (so a reader's cursor never
        # jumps over a number that commits later).
        return int(
            conn.execute(
                update(meta)
                .where(meta.c.key == "content_seq")
                .values(value=meta.c.value + 1)
                .returning(meta.c.value)
            ).scalar_one()
        )

    def content_since(
        self, since: int, limit: int, max_bytes: int = protocol.CONTENT_PAGE_BYTES
    ) -> tuple[list[ContentItem], int, bool, int]:
        """Items changed after `since` (oldest first): (items, next cursor, more, latest seq).

        At most `limit` items, and no more documents than `max_bytes` (but one item always)."""
        with self.engine.begin() as conn:
            latest = _content_seq(conn)
            rows = conn.execute(
                select(
                    content.c.procedure_id,
                    content.c.version,
                    content.c.seq,
                    content.c.withdrawn,
                    content.c.document,
                    content.c.signature,
                    content.c.key_id,
                )
                .where(content.c.seq > since, content.c.seq <= latest)
                .order_by(content.c.seq)
                .limit(limit + 1)
            ).all()
        items: list[ContentItem] = []
        size = 0
        for row in rows[:limit]:
            item = ContentItem(*row)
            size += len((item.document or "").encode("utf-8"))
            if items and size > max_bytes:
                break  # the page is full: what is left comes on the next one
            items.append(item)
        more = len(rows) > len(items)
        cursor = items[-1].seq if more else latest
        return items, cursor, more, latest

    def latest_seq(self) -> int:
        with self.engine.begin() as conn:
            return _content_seq(conn)

    # -- records ------------------------------------------------------------------------------

    def store_records(self, device_id: str, batch: Sequence[Record]) -> dict[str, tuple[str, str]]:
        """Store each new id once; say for every id: accepted, duplicate, or conflict ("409").

        A duplicate is an id already held with the same content from this device or from a
        device of its site enrolled before it (the same kiosk, enrolled again); the stored
        record keeps its device."""
        outcome: dict[str, tuple[str, str]] = {}
        first: dict[str, Record] = {}
        for record in batch:
            first.setdefault(record.id, record)
        if not first:
            return outcome
        now = self.now()
        rows = [
            {
                "id": record.id,
                "device_id": device_id,
                "type": record.type,
                "type_version": record.type_version,
                "payload": canonical_json(record.payload),
                "digest": record.digest,
                "received_at": now,
            }
            for record in first.values()
        ]
        with self.engine.begin() as conn:
            stmt = (
                self._insert(records)
                .values(rows)
                .on_conflict_do_nothing(index_elements=[records.c.id])
                .returning(records.c.id)
            )
            inserted = set(conn.execute(stmt).scalars())
            _apply_erasures(conn, device_id, [first[i] for i in first if i in inserted])
            others = [i for i in first if i not in inserted]
            existing: dict[str, tuple[str, bool, str]] = {}
            caller = conn.execute(
                select(devices.c.site_id, devices.c.created_at).where(devices.c.id == device_id)
            ).first()
            for chunk in _chunks(others, 500):
                for rid, owner, owner_site, owner_created, digest in conn.execute(
                    select(
                        records.c.id,
                        records.c.device_id,
                        devices.c.site_id,
                        devices.c.created_at,
                        records.c.digest,
                    )
                    .join(devices, devices.c.id == records.c.device_id)
                    .where(records.c.id.in_(chunk))
                ):
                    earlier_of_site = (
                        caller is not None and owner_site == caller[0] and owner_created < caller[1]
                    )
                    existing[rid] = (owner, earlier_of_site, digest)
        for record in batch:
            if record.id in outcome and record is not first[record.id]:
                # The same id twice in one batch: judge the second against the first.
                same = record.digest == first[record.id].digest
                outcome[record.id] = (DUPLICATE, "") if same else (CONFLICT, R_CONFLICT)
                continue
            if record.id in inserted:
                outcome[record.id] = (ACCEPTED, "")
                continue
            owner, earlier_of_site, digest = existing.get(record.id, ("", False, ""))
            # The same content under the same id, from this device or from a device of the same
            # site enrolled before it (the kiosk enrolled again after an acknowledgement was
            # lost): held. A random id and its exact content are the proof the kiosk sent it;
            # another site's device, or an older one, is never acknowledged for it.
            if (owner == device_id or earlier_of_site) and digest == record.digest:
                outcome[record.id] = (DUPLICATE, "")
            else:
                outcome[record.id] = (CONFLICT, R_CONFLICT)
        return outcome

    def device_record(self, device_id: str, record_id: str) -> dict[str, Any] | None:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(
                    records.c.id,
                    records.c.type,
                    records.c.type_version,
                    records.c.payload,
                    records.c.received_at,
                ).where(records.c.id == record_id, records.c.device_id == device_id)
            ).first()
        if row is None:
            return None
        return {
            "id": row[0],
            "type": row[1],
            "type_version": row[2],
            "payload": row[3],
            "received_at": row[4],
        }

    def count_records(self, device_id: str | None = None) -> int:
        query = _of_device(select(func.count()).select_from(records), device_id)
        with self.engine.begin() as conn:
            return int(conn.execute(query).scalar_one())

    def record_ids(self, device_id: str | None = None) -> list[str]:
        with self.engine.begin() as conn:
            return list(conn.execute(_of_device(select(records.c.id), device_id)).scalars())

    def stats(self) -> dict[str, Any]:
        with self.engine.begin() as conn:
            count = lambda table, *where: int(  # noqa: E731
                conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
            )
            # Every type the service accepts, received or not, and any it no longer accepts.
            by_type = dict.fromkeys(sorted({t.name for t in record_types()}), 0)
            by_type.update(
                conn.execute(select(records.c.type, func.count()).group_by(records.c.type)).all()
            )
            by_site = dict(
                conn.execute(
                    select(sites.c.name, func.count(records.c.id))
                    .select_from(sites)
                    .join(devices, devices.c.site_id == sites.c.id, isouter=True)
                    .join(records, records.c.device_id == devices.c.id, isouter=True)
                    .group_by(sites.c.name)
                ).all()
            )
            return {
                "sites": count(sites),
                "devices": count(devices, devices.c.revoked_at.is_(None)),
                "revoked": count(devices, devices.c.revoked_at.is_not(None)),
                "procedures": count(content, content.c.withdrawn.is_(False)),
                "withdrawn": count(content, content.c.withdrawn.is_(True)),
                "content_seq": _content_seq(conn),
                "records": count(records),
                "records_by_type": by_type,
                "records_by_site": by_site,
            }


def _like_json_value(value: str) -> str:
    """A LIKE pattern for a JSON string value `"<value>"` (canonical JSON has no spaces)."""
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f'%"{escaped}"%'


def _site_records(conn: Connection, device_id: str, record_type: str, value: str) -> Any:
    """(id, type_version, payload) of the records of `record_type` sent by any device of
    `device_id`'s site whose payload holds the JSON string `value`."""
    site_id = select(devices.c.site_id).where(devices.c.id == device_id).scalar_subquery()
    site_devices = select(devices.c.id).where(devices.c.site_id == site_id)
    return conn.execute(
        select(records.c.id, records.c.type_version, records.c.payload).where(
            records.c.type == record_type,
            records.c.device_id.in_(site_devices),
            records.c.payload.like(_like_json_value(value), escape="\\"),
        )
    ).all()


def _apply_erasures(conn: Connection, device_id: str, new_records: Sequence[Record]) -> None:
    """Inside `store_records`' transaction: for each new erasure, blank its subject as the
    author of the site's reports; a new report whose author the site already erased (sent
    before the kiosk learnt of the erasure) is stored without it."""
    erasures = [r for r in new_records if r.type == ERASURE]
    _erase_trainees(conn, device_id, new_records, erasures)
    subjects = {
        str(r.payload.get("subject", ""))
        for r in erasures
        if r.payload.get("kind", "staff") == "staff"
    }
    subjects.discard("")
    authors = {str(r.payload.get("author", "")) for r in new_records if r.type == ERASED_REPORT}
    authors -= {"", *subjects}
    for author in authors:
        for _id, _version, payload in _site_records(conn, device_id, ERASURE, author):
            if json.loads(payload).get("subject") == author:
                subjects.add(author)
                break
    for subject in sorted(subjects):
        for record_id, version, payload in _site_records(conn, device_id, ERASED_REPORT, subject):
            data = json.loads(payload)
            if data.get("author") != subject:
                continue
            data["author"] = ""
            conn.execute(
                update(records)
                .where(records.c.id == record_id)
                .values(
                    payload=canonical_json(data),
                    digest=record_digest(ERASED_REPORT, version, data),
                )
            )


def _erase_trainees(
    conn: Connection, device_id: str, new_records: Sequence[Record], erasures: Sequence[Record]
) -> None:
    """Delete the participation records of each workshop participant erased now, and a new
    participation record of one the site erased before (a kiosk sending it again after a lost
    acknowledgement)."""
    erased = {
        str(r.payload.get("subject", "")) for r in erasures if r.payload.get("kind") == "trainee"
    }
    erased.discard("")
    arriving = {
        str(r.payload.get("participant", "")) for r in new_records if r.type == ERASED_PARTICIPATION
    } - {"", *erased}
    for participant in arriving:
        for _id, _version, payload in _site_records(conn, device_id, ERASURE, participant):
            data = json.loads(payload)
            if data.get("subject") == participant and data.get("kind") == "trainee":
                erased.add(participant)
                break
    for participant in sorted(erased):
        for record_id, _version, payload in _site_records(
            conn, device_id, ERASED_PARTICIPATION, participant
        ):
            if json.loads(payload).get("participant") == participant:
                conn.execute(delete(records).where(records.c.id == record_id))


def _lock_content(conn: Connection, dialect: str) -> None:
    """Publishers one at a time, each reading what the previous one committed (SQLite's
    BEGIN IMMEDIATE already does it; on PostgreSQL, the counter row's lock)."""
    if dialect == "postgresql":
        conn.execute(
            select(meta.c.value).where(meta.c.key == "content_seq").with_for_update()
        ).scalar_one()


def _attempt(
    conn: Connection,
    now: dt.datetime,
    address: str,
    site_id: int | None,
    outcome: str,
    device_id: str | None = None,
) -> None:
    conn.execute(
        enrolment_attempts.insert().values(
            at=now, address=address, site_id=site_id, outcome=outcome, device_id=device_id
        )
    )


def _throttled(conn: Connection, now: dt.datetime, address: str, site_id: int | None) -> int:
    """Seconds until this attempt may be judged (0: now), by the sliding windows of refusals."""
    window = dt.timedelta(seconds=protocol.ENROL_WINDOW_SECONDS)
    refused = [enrolment_attempts.c.outcome == REFUSED, enrolment_attempts.c.at > now - window]
    scopes = [(protocol.ENROL_REFUSALS_PER_ADDRESS, enrolment_attempts.c.address == address)]
    if site_id is not None:
        scopes.append((protocol.ENROL_REFUSALS_PER_SITE, enrolment_attempts.c.site_id == site_id))
    scopes.append((protocol.ENROL_REFUSALS_IN_ALL, None))
    wait = 0.0
    for limit, scope in scopes:
        where = [*refused, scope] if scope is not None else refused
        count = int(
            conn.execute(
                select(func.count()).select_from(enrolment_attempts).where(*where)
            ).scalar_one()
        )
        if count < limit:
            continue
        # The refusal whose ageing out brings the count under the limit.
        oldest = conn.execute(
            select(enrolment_attempts.c.at)
            .where(*where)
            .order_by(enrolment_attempts.c.at)
            .offset(count - limit)
            .limit(1)
        ).scalar_one()
        wait = max(wait, (oldest + window - now).total_seconds())
    return max(1, math.ceil(wait)) if wait > 0 else 0


def _active_key(conn: Connection) -> Any:
    """The active publisher key's row (key_id, public_key), or None."""
    return conn.execute(
        select(publisher_keys.c.key_id, publisher_keys.c.public_key).where(
            publisher_keys.c.active.is_(True)
        )
    ).first()


def _content_seq(conn: Connection) -> int:
    """The last content sequence number handed out."""
    return int(conn.execute(select(meta.c.value).where(meta.c.key == "content_seq")).scalar_one())


def _of_device(query: Select, device_id: str | None) -> Select:
    """`query` limited to one device's records (all devices' when `device_id` is None)."""
    return query if device_id is None else query.where(records.c.device_id == device_id)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
