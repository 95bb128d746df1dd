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
        # accompaniment_reports: one row per report (app/records/accompaniment_report.py); a
        # column for each dimension the statistics count, `payload` the record's canonical JSON
        # (the whole report), `author` the staff account's id ('' once it was erased),
        # `created_at` and `updated_at` UTC, ISO 8601 (local only: the record carries the day).
        """CREATE TABLE accompaniment_reports (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('individuel', 'collectif')),
            day TEXT NOT NULL,
            duration INTEGER NOT NULL CHECK (duration BETWEEN 1 AND 1439),
            place_type TEXT NOT NULL,
            procedure_id TEXT NOT NULL DEFAULT '',
            language TEXT NOT NULL DEFAULT '',
            autonomy TEXT NOT NULL DEFAULT '',
            participants INTEGER NOT NULL DEFAULT 1 CHECK (participants >= 1),
            author TEXT NOT NULL DEFAULT '',
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE INDEX accompaniment_reports_by_day ON accompaniment_reports(day)""",
        """CREATE INDEX accompaniment_reports_by_author
            ON accompaniment_reports(author, created_at)""",
        # The report's themes and administrative sub-themes (`sub` = 1), with its day, for the
        # counts by theme.
        """CREATE TABLE accompaniment_report_themes (
            report_id TEXT NOT NULL REFERENCES accompaniment_reports(id) ON DELETE CASCADE,
            theme TEXT NOT NULL,
            sub INTEGER NOT NULL DEFAULT 0 CHECK (sub IN (0, 1)),
            day TEXT NOT NULL,
            PRIMARY KEY (report_id, theme)
        )""",
        # What the retention purge keeps of the rows it removes: per month ('YYYY-MM'), source
        # ('report' or 'visit'), dimension (e.g. 'theme') and value (e.g. 'sante'), how many
        # and how many minutes. Dimension 'all' (value '') holds the totals.
        """CREATE TABLE activity_aggregates (
            month TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('report', 'visit')),
            dimension TEXT NOT NULL,
            value TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            minutes INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (month, source, dimension, value)
        )""",
        # activity_daily: the live rows counted per day, source, dimension and value (the
        # statistics read these few rows, not 100,000 reports), kept by the triggers below in
        # the transaction that changes a row; a count that falls to 0 is removed. 'duration'
        # values are the minutes as text; 'all' (value '') holds the totals, 'participants' the
        # people counted. Rows the purge removes leave it with them (their month stays in
        # activity_aggregates).
        """CREATE TABLE activity_daily (
            day TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('report', 'visit')),
            dimension TEXT NOT NULL,
            value TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0,
            minutes INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, source, dimension, value)
        ) WITHOUT ROWID""",
        # Adding up a period walks this index in the GROUP BY's order (no sorting).
        """CREATE INDEX activity_daily_by_value
            ON activity_daily(source, dimension, value, day, count)""",
        """CREATE TRIGGER accompaniment_reports_count_insert
        AFTER INSERT ON accompaniment_reports
        BEGIN
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (NEW.day, 'report', 'all', '', 1, NEW.duration),
                (NEW.day, 'report', 'participants', '', NEW.participants, NEW.duration),
                (NEW.day, 'report', 'duration', CAST(NEW.duration AS TEXT), 1, NEW.duration),
                (NEW.day, 'report', 'procedure', NEW.procedure_id, 1, NEW.duration),
                (NEW.day, 'report', 'language', NEW.language, 1, NEW.duration),
                (NEW.day, 'report', 'autonomy', NEW.autonomy, 1, NEW.duration),
                (NEW.day, 'report', 'place', NEW.place_type, 1, NEW.duration),
                (NEW.day, 'report', 'kind', NEW.kind, 1, NEW.duration)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
        END""",
        """CREATE TRIGGER accompaniment_reports_count_delete
        AFTER DELETE ON accompaniment_reports
        BEGIN
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (OLD.day, 'report', 'all', '', -1, -OLD.duration),
                (OLD.day, 'report', 'participants', '', -OLD.participants, -OLD.duration),
                (OLD.day, 'report', 'duration', CAST(OLD.duration AS TEXT), -1, -OLD.duration),
                (OLD.day, 'report', 'procedure', OLD.procedure_id, -1, -OLD.duration),
                (OLD.day, 'report', 'language', OLD.language, -1, -OLD.duration),
                (OLD.day, 'report', 'autonomy', OLD.autonomy, -1, -OLD.duration),
                (OLD.day, 'report', 'place', OLD.place_type, -1, -OLD.duration),
                (OLD.day, 'report', 'kind', OLD.kind, -1, -OLD.duration)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
            DELETE FROM activity_daily WHERE day = OLD.day AND source = 'report' AND count = 0;
        END""",
        """CREATE TRIGGER accompaniment_reports_count_update
        AFTER UPDATE OF kind, day, duration, place_type, procedure_id, language, autonomy,
            participants ON accompaniment_reports
        BEGIN
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (OLD.day, 'report', 'all', '', -1, -OLD.duration),
                (OLD.day, 'report', 'participants', '', -OLD.participants, -OLD.duration),
                (OLD.day, 'report', 'duration', CAST(OLD.duration AS TEXT), -1, -OLD.duration),
                (OLD.day, 'report', 'procedure', OLD.procedure_id, -1, -OLD.duration),
                (OLD.day, 'report', 'language', OLD.language, -1, -OLD.duration),
                (OLD.day, 'report', 'autonomy', OLD.autonomy, -1, -OLD.duration),
                (OLD.day, 'report', 'place', OLD.place_type, -1, -OLD.duration),
                (OLD.day, 'report', 'kind', OLD.kind, -1, -OLD.duration)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (NEW.day, 'report', 'all', '', 1, NEW.duration),
                (NEW.day, 'report', 'participants', '', NEW.participants, NEW.duration),
                (NEW.day, 'report', 'duration', CAST(NEW.duration AS TEXT), 1, NEW.duration),
                (NEW.day, 'report', 'procedure', NEW.procedure_id, 1, NEW.duration),
                (NEW.day, 'report', 'language', NEW.language, 1, NEW.duration),
                (NEW.day, 'report', 'autonomy', NEW.autonomy, 1, NEW.duration),
                (NEW.day, 'report', 'place', NEW.place_type, 1, NEW.duration),
                (NEW.day, 'report', 'kind', NEW.kind, 1, NEW.duration)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
            DELETE FROM activity_daily WHERE day = OLD.day AND source = 'report' AND count = 0;
        END""",
        """CREATE TRIGGER accompaniment_report_themes_count_insert
        AFTER INSERT ON accompaniment_report_themes
        BEGIN
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (NEW.day, 'report',
                    CASE NEW.sub WHEN 1 THEN 'admin_subtheme' ELSE 'theme' END,
                    NEW.theme, 1, 0)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
        END""",
        """CREATE TRIGGER accompaniment_report_themes_count_delete
        AFTER DELETE ON accompaniment_report_themes
        BEGIN
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (OLD.day, 'report',
                    CASE OLD.sub WHEN 1 THEN 'admin_subtheme' ELSE 'theme' END,
                    OLD.theme, -1, 0)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
            DELETE FROM activity_daily WHERE day = OLD.day AND source = 'report' AND count = 0;
        END""",
        """CREATE TRIGGER visit_events_count_insert AFTER INSERT ON visit_events
        BEGIN
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (NEW.day, 'visit', 'all', '', 1, NEW.minutes),
                (NEW.day, 'visit', 'procedure', NEW.procedure_id, 1, NEW.minutes),
                (NEW.day, 'visit', 'language', NEW.language, 1, NEW.minutes),
                (NEW.day, 'visit', 'outcome', NEW.outcome, 1, NEW.minutes)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
        END""",
        """CREATE TRIGGER visit_events_count_delete AFTER DELETE ON visit_events
        BEGIN
            INSERT INTO activity_daily (day, source, dimension, value, count, minutes) VALUES
                (OLD.day, 'visit', 'all', '', -1, -OLD.minutes),
                (OLD.day, 'visit', 'procedure', OLD.procedure_id, -1, -OLD.minutes),
                (OLD.day, 'visit', 'language', OLD.language, -1, -OLD.minutes),
                (OLD.day, 'visit', 'outcome', OLD.outcome, -1, -OLD.minutes)
            ON CONFLICT (day, source, dimension, value) DO UPDATE SET
                count = count + excluded.count, minutes = minutes + excluded.minutes;
            DELETE FROM activity_daily WHERE day = OLD.day AND source = 'visit' AND count = 0;
        END""",
        # The visit events written before this version, counted as the trigger counts them.
        """INSERT INTO activity_daily (day, source, dimension, value, count, minutes)
            SELECT day, 'visit', 'all', '', count(*), sum(minutes) FROM visit_events GROUP BY day
            UNION ALL
            SELECT day, 'visit', 'procedure', procedure_id, count(*), sum(minutes)
                FROM visit_events GROUP BY day, procedure_id
            UNION ALL
            SELECT day, 'visit', 'language', language, count(*), sum(minutes)
                FROM visit_events GROUP BY day, language
            UNION ALL
            SELECT day, 'visit', 'outcome', outcome, count(*), sum(minutes)
                FROM visit_events GROUP BY day, outcome""",
        # The purge looks for rows before a day.
        "CREATE INDEX visit_events_by_day ON visit_events(day)",
    ),
    # 5 -> 6: workshops (issue 12). A workshop, its participants (a first name or a pseudonym,
    # a contact only with their consent), and what each practised: per procedure of the
    # module, how far they went; per practice question or form, how many tries and whether
    # they got it right. Participants' rows go with their workshop, progress with its person.
    (
        """CREATE TABLE workshops (
            id TEXT PRIMARY KEY,
            day TEXT NOT NULL,
            place TEXT NOT NULL,
            title TEXT NOT NULL,
            modules TEXT NOT NULL,
            trainer TEXT NOT NULL,
            state TEXT NOT NULL,
            started_at TEXT,
            ended_at TEXT,
            report_id TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX workshops_by_day ON workshops(day)",
        """CREATE TABLE workshop_participants (
            id TEXT PRIMARY KEY,
            workshop_id TEXT NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            language TEXT NOT NULL,
            present INTEGER NOT NULL DEFAULT 0,
            contact TEXT NOT NULL DEFAULT '',
            UNIQUE (workshop_id, position)
        )""",
        """CREATE TABLE workshop_items (
            participant_id TEXT NOT NULL
                REFERENCES workshop_participants(id) ON DELETE CASCADE,
            procedure_id TEXT NOT NULL,
            steps_seen INTEGER NOT NULL,
            finished INTEGER NOT NULL,
            seconds INTEGER NOT NULL,
            turns INTEGER NOT NULL,
            stopped_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (participant_id, procedure_id)
        )""",
        """CREATE TABLE workshop_answers (
            participant_id TEXT NOT NULL
                REFERENCES workshop_participants(id) ON DELETE CASCADE,
            procedure_id TEXT NOT NULL,
            step_id TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            right INTEGER NOT NULL,
            PRIMARY KEY (participant_id, procedure_id, step_id)
        )""",
    ),
)

LATEST_VERSION = len(MIGRATIONS)
