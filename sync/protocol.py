"""The wire protocol shared by the kiosk's client and the central service (`/api/v1`).

Plain data and pure functions only: limits, the shape of a record and its check against the
record types described in `app.records`, the per-record statuses, the machine-readable error
codes. The kiosk turns codes into translated sentences; the service never sends a sentence a
visitor would read. See `docs/sync-protocol.md`.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pasapas.app import records
from pasapas.app.records import canonical_json  # one definition of the canonical bytes

SYNC_INTERVAL = 15 * 60.0  # seconds between two syncs when all is well

API_PREFIX = "/api/v1"
MAX_BATCH = 500  # records in one POST /records
MAX_BODY_BYTES = 2 * 1024 * 1024  # any request body, in bytes (413 above)
MAX_RECORD_BYTES = records.MAX_PAYLOAD_BYTES  # one record's canonical JSON payload (8 KiB)
CONTENT_PAGE = 200  # procedures in one GET /content answer

# Per-record statuses in the answer to POST /records.
ACCEPTED = "accepted"  # stored now
DUPLICATE = "duplicate"  # already had: the same id with the same content
REJECTED = "rejected"  # never stored; `code` says why; sending it again will not help
CONFLICT = "conflict"  # the same id with different content (code "409"): needs a person
STATUSES = (ACCEPTED, DUPLICATE, REJECTED, CONFLICT)
DONE_STATUSES = (ACCEPTED, DUPLICATE)  # the kiosk may mark these sent

# Error codes (`{"error": code, "reason": "..."}` bodies, and record rejection codes).
E_UNAUTHORIZED = "unauthorized"
E_ENROLMENT_CODE = "enrolment_code_invalid"
E_NO_PUBLISHER_KEY = "no_publisher_key"
E_MALFORMED = "malformed_request"
E_TOO_LARGE = "too_large"
E_BAD_CURSOR = "bad_cursor"
R_MALFORMED = "malformed_record"
R_BAD_ID = "bad_id"
R_UNKNOWN_TYPE = "unknown_type"
R_INVALID = "invalid_payload"
R_TOO_LARGE = "record_too_large"
R_CONFLICT = "409"

_ENROLMENT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def record_digest(record_type: str, type_version: int, payload: Mapping[str, Any]) -> str:
    """What "the same content" means: the SHA-256 of type, version and canonical payload."""
    text = canonical_json({"type": record_type, "type_version": type_version, "payload": payload})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_uuid(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def normalise_enrolment_code(code: str) -> str:
    """Enrolment codes are typed by people: ignore case, spaces and dashes."""
    return "".join(c for c in code.upper() if c.isalnum())


def enrolment_code_alphabet() -> str:
    return _ENROLMENT_ALPHABET


# -- record types ---------------------------------------------------------------------------
# Each type and version is described once in `app/records/` (name, version, payload, rules);
# the service accepts exactly the types registered there.


@dataclass(frozen=True)
class Record:
    """One record as it travels: a client-made UUID, a type and its version, a JSON payload."""

    id: str
    type: str
    type_version: int
    payload: Mapping[str, Any]

    @property
    def digest(self) -> str:
        return record_digest(self.type, self.type_version, self.payload)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "type_version": self.type_version,
            "payload": dict(self.payload),
        }


def parse_record(raw: object) -> tuple[Record | None, str | None]:
    """A record from its JSON form, or None and the rejection code."""
    if not isinstance(raw, dict) or set(raw) != {"id", "type", "type_version", "payload"}:
        return None, R_MALFORMED
    if not is_uuid(raw["id"]):
        return None, R_BAD_ID
    record_type, version, payload = raw["type"], raw["type_version"], raw["payload"]
    if (
        not isinstance(record_type, str)
        or isinstance(version, bool)
        or not isinstance(version, int)
    ):
        return None, R_MALFORMED
    if not isinstance(payload, dict):
        return None, R_MALFORMED
    described = records.lookup(record_type, version)
    if described is None:
        return None, R_UNKNOWN_TYPE
    size = records.canonical_size(payload)
    if size is None:  # a lone surrogate: no text a database can store
        return None, R_MALFORMED
    if size > MAX_RECORD_BYTES:
        return None, R_TOO_LARGE
    if described.validate(payload) is not None:
        return None, R_INVALID
    return Record(raw["id"], record_type, version, payload), None
