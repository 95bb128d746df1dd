"""Numbered schema migrations of the encrypted store.

`MIGRATIONS[n]` brings a store from version n to n + 1: a list of SQL statements applied in one
transaction with the new number in `PRAGMA user_version`. Never edit a released migration: append
a new one.

A migration is frozen with the release that brought it: it is SQL, and uses nothing but SQL and
the values it was written with. It never imports the rest of the application (today's `Catalog`,
`Procedure` or outbox writer may change; a migration must keep doing what it did), and this
module imports nothing from `pasapas` (a test checks it). Derived data, such as the search index,
is not filled here: it has its own version number and is rebuilt when that changes
(`pasapas.app.content.catalog.ensure_search_index`).
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[str, ...], ...] = (
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
    # Only the tables: their rows are derived data, written by `ensure_search_index`.
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
    # log of sync problems for staff. Visit events already written are queued too, in the order
    # they were written, as the writer of that release queued them: type 'visit_event', version 1,
    # the payload in the outbox's canonical JSON (keys sorted, no spaces, non-ASCII as it is),
    # which is what json_object() writes when given the keys in sorted order.
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
        """INSERT INTO outbox (id, type, type_version, payload)
            SELECT id, 'visit_event', 1, json_object(
                'day', day,
                'language', language,
                'minutes', minutes,
                'outcome', outcome,
                'procedure_id', procedure_id
            )
            FROM visit_events ORDER BY rowid""",
    ),
    # 4 -> 5: staff accounts, the staff audit log, accompaniment reports and the aggregates that
    # outlive the retention purge.
    #   staff_accounts: `id` is random and is the only thing about a staff member that leaves the
    #   kiosk (as the author of a report); `secret_hash` is an Argon2id encoded hash; `failures`
    #   and `locked_until` (UTC, ISO 8601, '' when free) slow guessing down; `display` holds the
    #   member's own display settings as JSON.
    #   audit_log: append-only and hash-chained (app/audit.py); it never holds visitor data.
    (
        """CREATE TABLE staff_accounts (
            id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('volunteer', 'trainer', 'site_admin')),
            secret_kind TEXT NOT NULL CHECK (secret_kind IN ('pin', 'passphrase')),
            secret_hash TEXT NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
            locked_until TEXT NOT NULL DEFAULT '',
            display TEXT NOT NULL DEFAULT '{}',
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_on TEXT NOT NULL,
            last_login_on TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE UNIQUE INDEX staff_accounts_active_name
            ON staff_accounts(display_name COLLATE NOCASE) WHERE active = 1""",
        """CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}',
            previous TEXT NOT NULL,
            digest TEXT NOT NULL UNIQUE
        )""",
        # REPORT TABLES (appended by the reports work)
    ),
)

LATEST_VERSION = len(MIGRATIONS)
