"""The staff audit log: append-only, hash-chained, without visitor data.

Each entry records one staff action (a login, a failed login, an export, a settings change, an
erasure, a backup, a restore, a purge…): when, what, which staff account (its random id, never a
name) and a few short details (counts, file kinds, setting names — never a visitor's data, never a
path with a person's name in it). Each entry's digest covers the previous entry's digest, its own
number and its content, and the store's `meta` table keeps the head of the chain, so `verify`
finds an entry edited, deleted (in the middle or at the end), inserted or moved.

The log is never purged: it holds nothing about visitors, and the retention purge appends an
entry saying that it ran and how many rows it removed, not which. An erased staff member's
entries keep the random id, which nothing on the kiosk links to a person any more.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line's parser imports this module: no store, no SQLCipher
    from pasapas.app.store import Store

GENESIS = "0" * 64
HEAD_KEY = "audit_head"  # in `meta`: "<seq>:<digest>" of the last entry
ACTION_PATTERN = re.compile(r"[a-z][a-z_]{0,39}")
MAX_DETAIL_VALUE = 120  # characters of one detail value

DetailValue = str | int | bool


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(previous: str, seq: int, at: str, action: str, actor: str, detail: str) -> str:
    text = "\x1f".join((previous, str(seq), at, action, actor, detail))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _detail_json(detail: Mapping[str, DetailValue] | None) -> str:
    clean: dict[str, DetailValue] = {}
    for key, value in (detail or {}).items():
        if not isinstance(key, str) or not ACTION_PATTERN.fullmatch(key):
            raise ValueError(f"audit detail key {key!r} is not a short lowercase name")
        if isinstance(value, str):
            value = "".join(c for c in value if c.isprintable())[:MAX_DETAIL_VALUE]
        elif not isinstance(value, int | bool):
            raise ValueError(f"audit detail {key!r} must be text, a whole number or a yes/no")
        clean[key] = value
    return json.dumps(clean, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str  # UTC, ISO 8601 to the second
    action: str
    actor: str  # a staff account id, or "" (the system, or the command line)
    detail: dict[str, DetailValue]


@dataclass(frozen=True)
class AuditReport:
    entries: int
    problem_seq: int | None = None  # the first entry that does not fit the chain
    problem: str = ""  # for the admin, in English technical terms (the CLI translates the gist)

    @property
    def ok(self) -> bool:
        return self.problem_seq is None and not self.problem


class AuditLog:
    def __init__(self, store: Store, *, now: Callable[[], dt.datetime] = _utc_now) -> None:
        self.store = store
        self.now = now

    def append(
        self, action: str, actor: str = "", detail: Mapping[str, DetailValue] | None = None
    ) -> int:
        """Add one entry; its number. Inside the caller's transaction when there is one, so the
        action and its entry are written together, or neither."""
        if not ACTION_PATTERN.fullmatch(action):
            raise ValueError(f"audit action {action!r} is not a short lowercase name")
        detail_text = _detail_json(detail)
        at = self.now().astimezone(dt.UTC).replace(microsecond=0).isoformat()
        with self.store.transaction():
            seq, previous = self._head()
            seq += 1
            digest = _digest(previous, seq, at, action, actor, detail_text)
            self.store.execute(
                "INSERT INTO audit_log (seq, at, action, actor, detail, previous, digest)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (seq, at, action, actor, detail_text, previous, digest),
            )
            self.store.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (HEAD_KEY, f"{seq}:{digest}"),
            )
        return seq

    def _head(self) -> tuple[int, str]:
        row = self.store.query_one("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,))
        if row is None:
            return 0, GENESIS
        seq, _, digest = row[0].partition(":")
        return int(seq), digest

    def entries(self, limit: int = 100, *, actor: str | None = None) -> list[AuditEntry]:
        """The latest entries, newest first (those of one staff account when `actor` is set)."""
        sql = "SELECT seq, at, action, actor, detail FROM audit_log"
        params: tuple = ()
        if actor is not None:
            sql += " WHERE actor = ?"
            params = (actor,)
        rows = self.store.query(sql + " ORDER BY seq DESC LIMIT ?", (*params, limit))
        return [
            AuditEntry(seq, at, action, who, json.loads(detail))
            for seq, at, action, who, detail in rows
        ]

    def verify(self) -> AuditReport:
        """Walk the whole chain: the first entry that was edited, removed, added or moved."""
        previous = GENESIS
        expected_seq = 0
        count = 0
        rows = self.store.query(
            "SELECT seq, at, action, actor, detail, previous, digest FROM audit_log ORDER BY seq"
        )
        for seq, at, action, actor, detail, stored_previous, digest in rows:
            expected_seq += 1
            count += 1
            if seq != expected_seq:
                return AuditReport(count, seq, f"entry {expected_seq} is missing")
            if stored_previous != previous:
                return AuditReport(count, seq, f"entry {seq} does not follow entry {seq - 1}")
            if _digest(previous, seq, at, action, actor, detail) != digest:
                return AuditReport(count, seq, f"entry {seq} was changed")
            previous = digest
        head_seq, head_digest = self._head()
        if (head_seq, head_digest) != (expected_seq, previous if expected_seq else GENESIS):
            if head_seq > expected_seq:
                return AuditReport(count, expected_seq + 1, f"entry {expected_seq + 1} is missing")
            return AuditReport(count, None, "the chain's head does not match its last entry")
        return AuditReport(count)
