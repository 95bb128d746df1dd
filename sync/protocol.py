"""The wire protocol shared by the kiosk's client and the central service (`/api/v1`).

Plain data and pure functions only: limits, the shape of a record and its check against the
record types described in `app.records`, the per-record statuses, the machine-readable error
codes. The kiosk turns codes into translated sentences; the service never sends a sentence a
visitor would read. See `docs/sync-protocol.md`.
"""

from __future__ import annotations

import hashlib
import unicodedata
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
CONTENT_PAGE_BYTES = 4 * 1024 * 1024  # documents in one page, in bytes (a page holds one at least)
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024  # one published document (`server publish` refuses more)

# What the kiosk reads from each endpoint at most: the answer's body in bytes, and the whole
# request (connecting, sending, waiting, reading) in seconds of wall-clock time. An answer over
# its size, or a request over its time, is abandoned and nothing of it is used. `/content`
# allows a full page: CONTENT_PAGE_BYTES of documents, plus one document that alone passes it,
# each at most doubled by the escaping of a JSON string, plus the fields of 200 items.
MAX_ANSWER_BYTES = {
    "/health": 4 * 1024,
    "/enrol": 64 * 1024,
    "/device": 64 * 1024,
    "/content": 24 * 1024 * 1024,
    "/records": 1024 * 1024,
}
DEADLINE_SECONDS = {
    "/health": 10.0,
    "/enrol": 30.0,
    "/device": 30.0,
    "/content": 120.0,
    "/records": 120.0,
}

# Enrolment throttling (the service): refused attempts (unknown, spent or expired code) counted
# over a sliding window. Above a limit, every attempt is answered 429 with Retry-After, a good
# code included (it is not spent), until enough of the counted refusals have aged out.
ENROL_WINDOW_SECONDS = 600
ENROL_REFUSALS_PER_ADDRESS = 10  # from one client address (one /64 for IPv6)
ENROL_REFUSALS_PER_SITE = 10  # naming a spent or expired code of one site, from anywhere
ENROL_REFUSALS_IN_ALL = 1000  # from every address together (a guesser with many addresses)
ENROL_ATTEMPTS_KEPT_DAYS = 30  # attempts are recorded (never the code) and kept this long

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
E_THROTTLED = "too_many_attempts"
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


RECORD_FIELDS = ("id", "type", "type_version", "payload")


def parse_record(raw: object) -> tuple[Record | None, str | None]:
    """A record from its JSON form, or None and the rejection code."""
    record, code, _reason = check_record(raw)
    return record, code


def check_record(raw: object) -> tuple[Record | None, str | None, str]:
    """A record from its JSON form, or None, the rejection code and the reason (for a
    developer: it names the field)."""
    if not isinstance(raw, dict):
        return None, R_MALFORMED, "a record is a JSON object"
    unknown = sorted(str(key) for key in raw if key not in RECORD_FIELDS)
    if unknown:
        return None, R_MALFORMED, f"unknown field {unknown[0]!r}"
    missing = [name for name in RECORD_FIELDS if name not in raw]
    if missing:
        return None, R_MALFORMED, f"missing field {missing[0]!r}"
    if not is_uuid(raw["id"]):
        return None, R_BAD_ID, "field 'id' must be a UUID in its canonical form"
    record_type, version, payload = raw["type"], raw["type_version"], raw["payload"]
    if not isinstance(record_type, str):
        return None, R_MALFORMED, "field 'type' must be a string"
    if isinstance(version, bool) or not isinstance(version, int):
        return None, R_MALFORMED, "field 'type_version' must be an integer"
    if not isinstance(payload, dict):
        return None, R_MALFORMED, "field 'payload' must be an object"
    described = records.lookup(record_type, version)
    if described is None:
        return None, R_UNKNOWN_TYPE, "field 'type': no such record type and version"
    size = records.canonical_size(payload)
    if size is None:  # a lone surrogate: no text a database can store
        return None, R_MALFORMED, "field 'payload' is not valid Unicode text"
    if size > MAX_RECORD_BYTES:
        return None, R_TOO_LARGE, f"field 'payload' is over {MAX_RECORD_BYTES} bytes"
    problem = described.validate(payload)
    if problem is not None:
        return None, R_INVALID, f"field 'payload': {problem}"
    return Record(raw["id"], record_type, version, payload), None, ""


# -- text from elsewhere, shown on a terminal --------------------------------------------------

# Invisible characters that reorder what a terminal shows (bidirectional overrides and
# isolates): shown escaped like the control characters.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NAMED_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def printable(text: object) -> str:
    """`text` with every terminal control character shown escaped (``\\x1b``, ``\\r``,
    ``\\u202e``…) and the backslash doubled, so a device name or any text a client sent can
    neither move the cursor, nor recolour, clear or retitle the terminal, nor pass for another
    line. Letters of every script, accents and punctuation stay as they are."""
    out = []
    for char in str(text):
        if char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
