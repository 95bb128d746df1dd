"""The outbox and the sync state, inside the encrypted store.

Whatever must leave the kiosk (anonymous visit events now, other record types later) is written
to the outbox **in the same transaction** as the record itself, with the record's client-made
UUID, through its record type's descriptor (`app.records`), which refuses a payload the service
would refuse. The sync client reads queued entries in order, and marks them sent only once the
service has acknowledged them; an entry the service refuses or reports as a conflict stays here
as "needs attention", never overwritten. No entry carries a time of day.

`SyncState` keeps the enrolment (service URL, device id, device token, pinned publisher key: the
token lives only in this encrypted store), the content cursor, and what staff see: last attempt,
last success, the last error, backoff, and the last content problem.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pasapas.app.records import InvalidRecord, RecordType, canonical_json
from pasapas.app.store import Store

P = TypeVar("P")

QUEUED = "queued"
SENT = "sent"
ATTENTION = "attention"

# The table and its states are created by migration 4 (app/migrations.py).
MAX_LOG_LINES = 50


def enqueue(store: Store, record_id: str, record_type: RecordType[P], payload: P) -> None:
    """Queue a record for the service. Call inside the transaction that writes the record.

    `payload` is the record type's payload object; a payload its descriptor refuses raises
    `app.records.InvalidRecord` before anything is queued (the caller's transaction then rolls
    the record back too). The payload is stored as canonical JSON, as it will be sent.
    """
    _check_id(record_type, record_id)
    checked = record_type.to_payload(payload)
    _insert(store, record_id, record_type.name, record_type.version, checked)


def write_record(
    store: Store, record_type: RecordType[P], payload: P, record_id: str | None = None
) -> str:
    """Write a record to its type's table and queue it, in one transaction; the record's id.

    The row is the record's id and its payload's JSON form, one column per field (a list field
    as canonical JSON text). Nothing is written when the descriptor refuses the payload
    (`app.records.InvalidRecord`) or either insert fails. It opens its own transaction: a writer
    already inside one (a record spread over several tables) calls `enqueue` instead.
    """
    if record_type.table is None:
        raise ValueError(f"{record_type.name} v{record_type.version} names no table")
    record_id = record_id or str(uuid.uuid4())
    _check_id(record_type, record_id)
    values = record_type.to_payload(payload)
    columns = ", ".join(f'"{column}"' for column in ("id", *values))
    marks = ", ".join("?" * (len(values) + 1))
    row = [record_id, *(_column(value) for value in values.values())]
    with store.transaction():
        store.execute(f'INSERT INTO "{record_type.table}" ({columns}) VALUES ({marks})', row)
        _insert(store, record_id, record_type.name, record_type.version, values)
    return record_id


def _check_id(record_type: RecordType[Any], record_id: object) -> None:
    """A record's id is a UUID in its canonical form (what the service accepts, `bad_id`
    otherwise): refused before anything is written, like a payload its type refuses."""
    try:
        canonical = isinstance(record_id, str) and str(uuid.UUID(record_id)) == record_id
    except ValueError:
        canonical = False
    if not canonical:
        raise InvalidRecord(record_type, f"the record's id must be a UUID: {record_id!r}")


def _column(value: Any) -> Any:
    return canonical_json(value) if isinstance(value, list) else value


def _insert(
    store: Store, record_id: str, name: str, version: int, payload: Mapping[str, Any]
) -> None:
    store.execute(
        "INSERT INTO outbox (id, type, type_version, payload) VALUES (?, ?, ?, ?)",
        (record_id, name, version, canonical_json(payload)),
    )


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    id: str
    type: str
    type_version: int
    payload: str  # canonical JSON

    def payload_json(self) -> dict[str, Any]:
        return json.loads(self.payload)


@dataclass(frozen=True)
class AttentionEntry:
    id: str
    type: str
    problem: str


@dataclass(frozen=True)
class OutboxCounts:
    queued: int
    sent: int
    attention: int


class Outbox:
    """The queue of records to send. One per store connection."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def queued(self, limit: int, after_seq: int = 0) -> list[OutboxEntry]:
        rows = self.store.query(
            "SELECT seq, id, type, type_version, payload FROM outbox "
            "WHERE state = ? AND seq > ? ORDER BY seq LIMIT ?",
            (QUEUED, after_seq, limit),
        )
        return [OutboxEntry(*row) for row in rows]

    def settle(
        self, sent: Iterable[str], attention: Iterable[tuple[str, str]], tried: Iterable[str] = ()
    ) -> None:
        """Record one batch's acknowledgement in one transaction.

        `sent`: ids the service holds; `attention`: (id, problem) it refused or found in
        conflict; `tried`: ids sent without an acknowledgement (their attempt count grows).
        """
        sent, attention, tried = list(sent), list(attention), list(tried)
        with self.store.transaction():
            self.store.executemany(
                "UPDATE outbox SET state = ?, attempts = attempts + 1 WHERE id = ? AND state = ?",
                [(SENT, i, QUEUED) for i in sent],
            )
            self.store.executemany(
                "UPDATE outbox SET state = ?, problem = ?, attempts = attempts + 1 "
                "WHERE id = ? AND state = ?",
                [(ATTENTION, problem, i, QUEUED) for i, problem in attention],
            )
            self.store.executemany(
                "UPDATE outbox SET attempts = attempts + 1 WHERE id = ? AND state = ?",
                [(i, QUEUED) for i in tried],
            )

    def requeue_conflicts(self) -> int:
        """Give entries the service found in conflict another try (after a re-enrolment: those it
        already holds from this site's previous device are then acknowledged). Call inside a
        transaction."""
        cursor = self.store.execute(
            "UPDATE outbox SET state = ?, problem = '' WHERE state = ? AND problem LIKE ?",
            (QUEUED, ATTENTION, "conflict:%"),
        )
        return cursor.rowcount

    def requeue(self, record_id: str) -> bool:
        """Staff send a "needs attention" entry again (e.g. after the service was fixed)."""
        with self.store.transaction():
            cursor = self.store.execute(
                "UPDATE outbox SET state = ?, problem = '' WHERE id = ? AND state = ?",
                (QUEUED, record_id, ATTENTION),
            )
        return cursor.rowcount == 1

    def counts(self) -> OutboxCounts:
        found = dict(self.store.query("SELECT state, count(*) FROM outbox GROUP BY state"))
        return OutboxCounts(found.get(QUEUED, 0), found.get(SENT, 0), found.get(ATTENTION, 0))

    def attention(self, limit: int = 50) -> list[AttentionEntry]:
        rows = self.store.query(
            "SELECT id, type, problem FROM outbox WHERE state = ? ORDER BY seq LIMIT ?",
            (ATTENTION, limit),
        )
        return [AttentionEntry(*row) for row in rows]

    def state_of(self, record_id: str) -> str | None:
        row = self.store.query_one("SELECT state FROM outbox WHERE id = ?", (record_id,))
        return row[0] if row else None


# -- sync state -----------------------------------------------------------------------------------

ENROLMENT_KEYS = (
    "service_url",
    "device_id",
    "token",
    "site",
    "key_id",
    "public_key",
    "ca_bundle",
    "allow_http",
)


@dataclass(frozen=True)
class Enrolment:
    service_url: str
    device_id: str
    token: str
    site: str
    key_id: str
    public_key: str
    ca_bundle: str = ""
    allow_http: bool = False

    def __repr__(self) -> str:  # never show the token, even in a traceback
        return f"Enrolment(service_url={self.service_url!r}, device_id={self.device_id!r})"


@dataclass(frozen=True)
class SyncStatus:
    """What the staff screen and `pasapas sync status` show."""

    enrolled: bool
    service_url: str
    site: str
    device_id: str
    last_attempt: str
    last_success: str
    last_error: str
    needs_staff: bool
    offline: bool
    next_attempt: str
    content_problem: str
    queued: int
    sent: int
    attention: int
    attention_items: tuple[AttentionEntry, ...]
    log: tuple[tuple[str, str], ...]
    content_notice: str = ""  # content the kiosk chose to ignore (an old withdrawal), said once


def now_text() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class SyncState:
    """Key/value facts about syncing, in the encrypted store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str, default: str = "") -> str:
        row = self.store.query_one("SELECT value FROM sync_state WHERE key = ?", (key,))
        return row[0] if row else default

    def get_int(self, key: str, default: int = 0) -> int:
        try:
            return int(self.get(key, str(default)))
        except ValueError:
            return default

    def set(self, values: Mapping[str, str | int | None]) -> None:
        """Write several facts in one transaction (None deletes)."""
        with self.store.transaction():
            self._write(values)

    def _write(self, values: Mapping[str, str | int | None]) -> None:
        for key, value in values.items():
            if value is None:
                self.store.execute("DELETE FROM sync_state WHERE key = ?", (key,))
            else:
                self.store.execute(
                    "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, str(value)),
                )

    def enrolment(self) -> Enrolment | None:
        values = dict(
            self.store.query(
                f"SELECT key, value FROM sync_state WHERE key IN "
                f"({','.join('?' * len(ENROLMENT_KEYS))})",
                ENROLMENT_KEYS,
            )
        )
        if not values.get("service_url") or not values.get("token"):
            return None
        return Enrolment(
            service_url=values["service_url"],
            device_id=values.get("device_id", ""),
            token=values["token"],
            site=values.get("site", ""),
            key_id=values.get("key_id", ""),
            public_key=values.get("public_key", ""),
            ca_bundle=values.get("ca_bundle", ""),
            allow_http=values.get("allow_http") == "1",
        )

    def save_enrolment(self, enrolment: Enrolment) -> None:
        """A new enrolment replaces the old one and starts content from the beginning; entries
        left in conflict go out again (`Outbox.requeue_conflicts`)."""
        with self.store.transaction():
            Outbox(self.store).requeue_conflicts()
            self._write(
                {
                    "service_url": enrolment.service_url,
                    "device_id": enrolment.device_id,
                    "token": enrolment.token,
                    "site": enrolment.site,
                    "key_id": enrolment.key_id,
                    "public_key": enrolment.public_key,
                    "ca_bundle": enrolment.ca_bundle,
                    "allow_http": "1" if enrolment.allow_http else "0",
                    "content_cursor": 0,
                    "content_etag": None,
                    "needs_staff": None,
                    "failures": None,
                    "next_attempt": None,
                    "last_error": None,
                    "content_problem": None,
                    "content_notice": None,
                }
            )

    def due(self, now: dt.datetime) -> bool:
        """Enrolled, not waiting for staff (401/403), and the backoff, if any, is over."""
        if self.enrolment() is None or self.get("needs_staff") == "1":
            return False
        next_attempt = self.get("next_attempt")
        if not next_attempt:
            return True
        try:
            return now >= dt.datetime.fromisoformat(next_attempt)
        except ValueError:
            return True

    def log(self, message: str) -> None:
        """Keep an error line for staff (the last `MAX_LOG_LINES` only)."""
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO sync_log (at, message) VALUES (?, ?)", (now_text(), message)
            )
            self.store.execute(
                "DELETE FROM sync_log WHERE id NOT IN "
                "(SELECT id FROM sync_log ORDER BY id DESC LIMIT ?)",
                (MAX_LOG_LINES,),
            )

    def recent_log(self, limit: int = 10) -> list[tuple[str, str]]:
        return [
            (at, message)
            for at, message in self.store.query(
                "SELECT at, message FROM sync_log ORDER BY id DESC LIMIT ?", (limit,)
            )
        ]

    def status(self) -> SyncStatus:
        outbox = Outbox(self.store)
        counts = outbox.counts()
        enrolment = self.enrolment()
        return SyncStatus(
            enrolled=enrolment is not None,
            service_url=enrolment.service_url if enrolment else "",
            site=enrolment.site if enrolment else "",
            device_id=enrolment.device_id if enrolment else "",
            last_attempt=self.get("last_attempt"),
            last_success=self.get("last_success"),
            last_error=self.get("last_error"),
            needs_staff=self.get("needs_staff") == "1",
            offline=self.get("offline") == "1",
            next_attempt=self.get("next_attempt"),
            content_problem=self.get("content_problem"),
            queued=counts.queued,
            sent=counts.sent,
            attention=counts.attention,
            attention_items=tuple(outbox.attention(20)),
            log=tuple(self.recent_log()),
            content_notice=self.get("content_notice"),
        )
