"""Numbered schema migrations of the encrypted store.

`MIGRATIONS[n]` brings a store from version n to n + 1: a list of SQL statements, or callables
given the store, applied in one transaction with the new number in `PRAGMA user_version`. Never
edit a released migration: append a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _index_existing_procedures(store: Any) -> None:
    """Fill the new search table for the procedures a version-1 store already holds."""
    from pasapas.app.content.catalog import Catalog  # the catalog imports the store: import late

    Catalog(store).rebuild_search_index()


def _queue_existing_visits(store: Any) -> None:
    """Put the visit events a version-3 store already holds into the new outbox."""
    from pasapas.app.outbox import (
        enqueue_existing_visits,  # the outbox imports the store: import late
    )

    enqueue_existing_visits(
        store,
        store.query(
            "SELECT id, procedure_id, outcome, minutes, language, day FROM visit_events "
            "ORDER BY rowid"
        ),
    )


MIGRATIONS: tuple[tuple[str | Callable[[Any], None], ...], ...] = (
    # 0 -> 1: procedures and their themes, and a small key/value table for store facts.
    (
        """CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE procedures (
            id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            document TEXT NOT NULL,
            imported_on TEXT NOT NULL
        )""",
        """CREATE TABLE procedure_themes (
            procedure_id TEXT NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
            theme TEXT NOT NULL,
            PRIMARY KEY (procedure_id, theme)
        )""",
        "CREATE INDEX procedure_themes_by_theme ON procedure_themes(theme)",
    ),
    # 1 -> 2: full-text search, insensitive to case and accents, one row per procedure and
    # language. The FTS5 table is contentless (it keeps only the index, so a query never reads a
    # procedure's whole text back); `search_rows` maps each of its rowids to procedure and language.
    (
        """CREATE TABLE search_rows (
            id INTEGER PRIMARY KEY,
            procedure_id TEXT NOT NULL REFERENCES procedures(id) ON DELETE CASCADE,
            lang TEXT NOT NULL
        )""",
        "CREATE INDEX search_rows_by_procedure ON search_rows(procedure_id)",
        """CREATE VIRTUAL TABLE procedure_search USING fts5(
            title,
            synonyms,
            summary,
            body,
            content = '',
            contentless_delete = 1,
            tokenize = 'unicode61 remove_diacritics 2',
            prefix = '2 3'
        )""",
        _index_existing_procedures,
    ),
    # 2 -> 3: anonymous visit events (no person, no time of day: only the day).
    (
        """CREATE TABLE visit_events (
            id TEXT PRIMARY KEY,
            procedure_id TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('finished', 'abandoned')),
            minutes INTEGER NOT NULL CHECK (minutes >= 0),
            language TEXT NOT NULL,
            day TEXT NOT NULL
        )""",
    ),
    # 3 -> 4: the outbox (records waiting for the central service), the sync state and a short
    # log of sync problems for staff. Visit events already written are queued too.
    (
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            type_version INTEGER NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'sent', 'attention')),
            attempts INTEGER NOT NULL DEFAULT 0,
            problem TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX outbox_by_state ON outbox(state, seq)",
        """CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE sync_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            message TEXT NOT NULL
        )""",
        _queue_existing_visits,
    ),
)

LATEST_VERSION = len(MIGRATIONS)
