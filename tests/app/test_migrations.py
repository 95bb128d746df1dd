"""Schema migrations: an older store reaches the latest schema with its data, or stays as it was.

Migrations are frozen SQL: they import nothing of the application. The search index is derived
data, rebuilt by `ensure_search_index` when its own version number changes. The stores in
`fixtures/` were written by older commits (see `fixtures/README.md`); each is upgraded here, in a
copy, and checked row by row.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from hypothesis import given, settings
from hypothesis import strategies as st

import pasapas.app.content.catalog as catalog_module
import pasapas.app.migrations as migrations_module
import pasapas.app.store as store_module
from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import (
    SEARCH_INDEX_VERSION,
    Catalog,
    ensure_search_index,
    search_index_is_current,
)
from pasapas.app.errors import StoreDamagedError, StoreError
from pasapas.app.guide import Outcome
from pasapas.app.migrations import LATEST_VERSION, MIGRATIONS
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths
from pasapas.app.store import Store
from pasapas.app.visits import VisitLog
from tests.app.helpers import PASSPHRASE, builtin_data, procedure_from

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_STORES: list[dict[str, Any]] = json.loads(
    (FIXTURES / "stores.json").read_text(encoding="utf-8")
)["stores"]


def _schema(store_or_conn) -> list[tuple[str, str, str]]:
    rows = store_or_conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [(kind, name, re.sub(r"\s+", " ", sql or "").strip()) for kind, name, sql in rows]


def _canonical(payload: dict[str, Any]) -> str:
    """The outbox's canonical JSON, as its writer has made it since version 4 (never changed)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@pytest.fixture(scope="module")
def fresh_schema(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, str]]:
    path = tmp_path_factory.mktemp("fresh") / "pasapas.db"
    with Store.create(path, PASSPHRASE) as store:
        assert store.schema_version() == LATEST_VERSION
        return _schema(store)


def _old_store(path: Path, version: int) -> None:
    """Write an encrypted store at schema `version`, as an older Pas à pas left it, with data."""
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    conn.execute("PRAGMA journal_mode = WAL")
    Store(conn, path, PASSPHRASE).migrate(version)  # the migrations exactly as released
    conn.execute("BEGIN")
    procedure = procedure_from(builtin_data("carte-vitale"))
    if version >= 1:
        conn.execute("INSERT INTO meta (key, value) VALUES ('site', 'Médiathèque de Lens')")
        conn.execute(
            "INSERT INTO procedures (id, version, document, imported_on) VALUES (?, ?, ?, ?)",
            (procedure.id, procedure.version, procedure.document, "2026-01-15"),
        )
        conn.executemany(
            "INSERT INTO procedure_themes (procedure_id, theme) VALUES (?, ?)",
            [(procedure.id, theme) for theme in procedure.themes],
        )
    if version >= 2:
        Catalog(Store(conn, path, None))._index(procedure)
    if version >= 3:
        conn.execute(
            "INSERT INTO visit_events (id, procedure_id, outcome, minutes, language, day) "
            "VALUES ('e1', 'carte-vitale', 'finished', 12, 'ar', '2026-02-03')"
        )
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("COMMIT")
    conn.close()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory):
    """`migrated(k)`: a store written at version k, then opened for use (so migrated) once."""
    opened: dict[int, Store] = {}

    def get(version: int) -> Store:
        if version not in opened:
            path = tmp_path_factory.mktemp(f"v{version}") / "pasapas.db"
            _old_store(path, version)
            store = Store.open(path, PASSPHRASE)
            ensure_search_index(store)  # as every opener for use does (Kiosk.open, the CLI)
            opened[version] = store
        return opened[version]

    yield get
    for store in opened.values():
        store.close()


def test_new_store_reaches_the_latest_schema_version(fresh_schema):
    names = {name for _, name, _ in fresh_schema}
    assert {"meta", "procedures", "procedure_themes", "procedure_search", "visit_events"} <= names


@pytest.mark.parametrize("version", range(LATEST_VERSION))
def test_older_store_migrates_to_latest_with_the_schema_of_a_new_store(
    migrated, fresh_schema, version: int
):
    store = migrated(version)
    assert store.schema_version() == LATEST_VERSION
    assert _schema(store) == fresh_schema
    assert store.check() == []


@pytest.mark.parametrize("version", range(1, LATEST_VERSION))
def test_older_store_keeps_its_procedures_and_facts_after_migration(migrated, version: int):
    store = migrated(version)
    catalog = Catalog(store)
    assert store.query("SELECT value FROM meta WHERE key = 'site'") == [("Médiathèque de Lens",)]
    assert catalog.get("carte-vitale").title.get("fr") == "Remplacer votre carte Vitale"
    assert [item.id for item in catalog.list(theme="health-insurance")] == ["carte-vitale"]


@pytest.mark.parametrize("version", range(1, LATEST_VERSION))
def test_procedures_of_an_older_store_can_still_be_found_by_search(migrated, version: int):
    # A procedure imported before the search index existed must not vanish from search.
    found = Catalog(migrated(version)).search("carte vitale")
    assert [item.id for item in found][:1] == ["carte-vitale"]


def test_failed_migration_leaves_the_previous_version_and_no_partial_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "pasapas.db"
    _old_store(path, 1)
    broken = (
        *MIGRATIONS[:2],
        (
            "CREATE TABLE visit_events (id TEXT PRIMARY KEY)",
            "CREATE TABLE half_done (x INTEGER)",
            "THIS IS NOT SQL",
        ),
    )
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", broken)
        with pytest.raises(StoreError) as failure:
            Store.open(path, PASSPHRASE)
    # Told as a failed upgrade that changed nothing, not as a damaged file.
    assert "mise à jour" in failure.value.message
    assert "telle qu'elle était" in failure.value.message
    assert not isinstance(failure.value, StoreDamagedError)

    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    try:
        # Migration 1 -> 2 went through; 2 -> 3 left nothing behind.
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "procedure_search" in tables
        assert "visit_events" not in tables
        assert "half_done" not in tables
        assert conn.execute("SELECT id FROM procedures").fetchall() == [("carte-vitale",)]
    finally:
        conn.close()
    # With the real migrations, the same file then opens and finishes its upgrade.
    with Store.open(path, PASSPHRASE) as store:
        assert store.schema_version() == LATEST_VERSION


def test_store_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    with Store.create(path, PASSPHRASE) as store:
        store.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="plus récente") as caught:
        Store.open(path, PASSPHRASE)
    assert "mettez le logiciel à jour" in caught.value.message.lower()
    assert path.read_bytes() == before


# -- migrations are frozen SQL ----------------------------------------------------------------

# What app/migrations.py may import: the language's own, nothing of the application.
_MIGRATIONS_MAY_IMPORT = {"__future__", "typing", "collections.abc"}


def test_migrations_module_imports_nothing_of_the_application():
    tree = ast.parse(Path(migrations_module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):  # every import, at the top or inside a function
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert imported <= _MIGRATIONS_MAY_IMPORT, sorted(imported - _MIGRATIONS_MAY_IMPORT)


def test_every_migration_is_sql_text_not_code():
    for number, migration in enumerate(MIGRATIONS):
        for statement in migration:
            assert isinstance(statement, str), f"migration {number} -> {number + 1}: {statement!r}"


_IMPORT_PROBE = textwrap.dedent(
    """
    import sys
    import {module}
    print("\\n".join(sorted(m for m in sys.modules if m.startswith("pasapas"))))
    """
)


def _loaded_by_importing(module: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE.format(module=module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_importing_the_store_loads_neither_the_catalog_nor_the_outbox():
    # The circle store -> migrations -> catalog/outbox -> store is gone.
    loaded = _loaded_by_importing("pasapas.app.store")
    assert "pasapas.app.store" in loaded
    assert "pasapas.app.content.catalog" not in loaded
    assert "pasapas.app.outbox" not in loaded
    assert not {m for m in loaded if m.startswith("pasapas.app.content")}


def test_importing_the_migrations_loads_nothing_else_of_the_application():
    loaded = _loaded_by_importing("pasapas.app.migrations")
    assert loaded == {"pasapas", "pasapas.app", "pasapas.app.migrations"}


# Any text SQLite can hold (no lone surrogates), control characters, quotes and non-ASCII
# included: the migration's JSON must be the canonical JSON for all of it, not only for slugs.
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_EVENTS = st.lists(
    st.tuples(
        _TEXT, st.sampled_from(["finished", "abandoned"]), st.integers(0, 2**62), _TEXT, _TEXT
    ),
    max_size=6,
)


@settings(max_examples=200, deadline=None)
@given(events=_EVENTS)
def test_migration_4_queues_each_visit_event_as_canonical_json_byte_for_byte(events):
    conn = sqlcipher3.connect(":memory:", isolation_level=None)
    try:
        for statement in (*MIGRATIONS[0], *MIGRATIONS[1], *MIGRATIONS[2]):
            conn.execute(statement)
        rows = [(f"event-{n}", *event) for n, event in enumerate(events)]
        conn.executemany(
            "INSERT INTO visit_events (id, procedure_id, outcome, minutes, language, day) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        for statement in MIGRATIONS[3]:
            conn.execute(statement)
        queued = conn.execute(
            "SELECT seq, id, type, type_version, payload, state, attempts, problem FROM outbox "
            "ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()
    expected = [
        (
            seq,
            event_id,
            "visit_event",
            1,
            _canonical(
                {
                    "procedure_id": procedure_id,
                    "outcome": outcome,
                    "minutes": minutes,
                    "language": language,
                    "day": day,
                }
            ),
            "queued",
            0,
            "",
        )
        for seq, (event_id, procedure_id, outcome, minutes, language, day) in enumerate(
            rows, start=1
        )
    ]
    assert queued == expected
    for entry in queued:
        assert entry[4].encode("utf-8") == expected[entry[0] - 1][4].encode("utf-8")


def _payloads_of_todays_writer(tmp_path: Path, events: list[tuple]) -> dict[str, tuple]:
    """(type, type_version, payload) that today's `VisitLog.record` queues for each event."""
    written = {}
    with Store.create(tmp_path / "writer.db", None, raw_key=bytes(32)) as store:
        for event_id, procedure_id, outcome, minutes, language, day in events:
            log = VisitLog(store, today=lambda day=day: dt.date.fromisoformat(day))
            new_id = log.record(
                Outcome(
                    procedure_id=procedure_id,
                    finished=outcome == "finished",
                    minutes=minutes,
                    language=language,
                )
            )
            written[event_id] = store.query_one(
                "SELECT type, type_version, payload FROM outbox WHERE id = ?", (new_id,)
            )
    return written


def test_a_migrated_visit_event_is_queued_as_todays_writer_queues_it(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    _old_store(path, 3)
    with Store.open(path, PASSPHRASE) as store:
        events = store.query(
            "SELECT id, procedure_id, outcome, minutes, language, day FROM visit_events"
        )
        queued = store.query("SELECT id, type, type_version, payload FROM outbox")
    expected = _payloads_of_todays_writer(tmp_path, events)
    assert [(row[0], *expected[row[0]]) for row in events] == queued
    assert queued[0][3] == _canonical(
        {
            "day": "2026-02-03",
            "language": "ar",
            "minutes": 12,
            "outcome": "finished",
            "procedure_id": "carte-vitale",
        }
    )


# -- the search index is derived data, with its own version ---------------------------------------


def _search_index_version(store: Store) -> str | None:
    row = store.query_one("SELECT value FROM meta WHERE key = 'search_index_version'")
    return row[0] if row else None


def test_migration_to_version_2_only_creates_the_search_tables(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    _old_store(path, 1)
    with Store.open(path, PASSPHRASE) as store:
        assert store.query("SELECT count(*) FROM search_rows") == [(0,)]
        assert _search_index_version(store) is None
        assert not search_index_is_current(store)


def test_ensuring_the_index_of_an_upgraded_store_rebuilds_it_once(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    _old_store(path, 1)
    with Store.open(path, PASSPHRASE) as store:
        assert ensure_search_index(store) is True
        assert _search_index_version(store) == str(SEARCH_INDEX_VERSION)
        assert [item.id for item in Catalog(store).search("carte vitale")][:1] == ["carte-vitale"]
        assert ensure_search_index(store) is False
    with Store.open(path, PASSPHRASE) as store:  # recorded in the file, not in the connection
        assert ensure_search_index(store) is False


def test_an_import_leaves_the_index_version_recorded(tmp_path: Path):
    # `pasapas db init` creates the store and imports without asking for the index first.
    with Store.create(tmp_path / "pasapas.db", PASSPHRASE) as store:
        Catalog(store).import_files(builtin_files())
        assert _search_index_version(store) == str(SEARCH_INDEX_VERSION)
        assert ensure_search_index(store) is False


def test_an_import_into_a_store_indexed_by_an_older_recipe_brings_every_row_to_todays(
    tmp_path: Path,
):
    path = tmp_path / "pasapas.db"
    _old_store(path, 1)  # carte-vitale, not indexed yet
    with Store.open(path, PASSPHRASE) as store:
        catalog = Catalog(store)
        catalog.import_procedures([procedure_from(builtin_data("medecin-traitant"))])
        assert search_index_is_current(store)
        assert [item.id for item in catalog.search("carte vitale")][:1] == ["carte-vitale"]
        assert [item.id for item in catalog.search("medecin traitant")][:1] == ["medecin-traitant"]


def test_changing_the_index_version_rebuilds_the_index_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with Store.create(tmp_path / "pasapas.db", PASSPHRASE) as store:
        catalog = Catalog(store)
        catalog.import_files(builtin_files())
        before = store.query("SELECT procedure_id, lang FROM search_rows ORDER BY id")
        rebuilt = []
        original = Catalog.rebuild_search_index

        def counting(self: Catalog) -> None:
            rebuilt.append(True)
            original(self)

        monkeypatch.setattr(Catalog, "rebuild_search_index", counting)
        assert ensure_search_index(store) is False
        monkeypatch.setattr(catalog_module, "SEARCH_INDEX_VERSION", SEARCH_INDEX_VERSION + 1)
        assert ensure_search_index(store) is True
        assert ensure_search_index(store) is False
        assert rebuilt == [True]
        assert _search_index_version(store) == str(SEARCH_INDEX_VERSION + 1)
        after = store.query("SELECT procedure_id, lang FROM search_rows ORDER BY id")
        assert sorted(after) == sorted(before)
        assert catalog.search("medecin traitant")[0].id == "medecin-traitant"


def test_a_failed_index_rebuild_changes_nothing_and_is_tried_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "pasapas.db"
    _old_store(path, 1)
    with Store.open(path, PASSPHRASE) as store:
        original = Catalog._index

        def failing(self: Catalog, procedure) -> None:
            original(self, procedure)
            raise sqlcipher3.OperationalError("disk I/O error")

        with monkeypatch.context() as patch:
            patch.setattr(Catalog, "_index", failing)
            with pytest.raises(StoreError) as failure:
                ensure_search_index(store)
        assert "telle qu'elle était" in failure.value.message
        assert store.query("SELECT count(*) FROM search_rows") == [(0,)]
        assert _search_index_version(store) is None
        assert ensure_search_index(store) is True


def test_opening_a_kiosk_on_an_upgraded_store_rebuilds_its_index_and_not_the_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    paths = Paths.under(tmp_path / "home").ensure()
    _old_store(paths.store, 1)
    calls: list[bool] = []
    real = catalog_module.ensure_search_index

    def spy(store: Store) -> bool:
        calls.append(real(store))
        return calls[-1]

    monkeypatch.setattr("pasapas.app.services.ensure_search_index", spy)
    kiosk = Kiosk.open(paths, PASSPHRASE)
    try:
        assert [item.id for item in kiosk.search("carte vitale", "fr")][:1] == ["carte-vitale"]
    finally:
        kiosk.close()
    Kiosk.open(paths, PASSPHRASE).close()
    assert calls == [True, False]


def test_a_created_kiosk_has_its_index_version_recorded(tmp_path: Path):
    kiosk = Kiosk.create(Paths.under(tmp_path / "home"), PASSPHRASE)
    try:
        assert _search_index_version(kiosk.store) == str(SEARCH_INDEX_VERSION)
        assert ensure_search_index(kiosk.store) is False
    finally:
        kiosk.close()


# -- real stores written by older versions ---------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows_as_written(path: Path, passphrase: str) -> dict[str, Any]:
    """What an old store holds, read with plain SQL (no migration, no Pas à pas code)."""
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = '{passphrase}'")
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        rows: dict[str, Any] = {
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "procedures": conn.execute(
                "SELECT id, version, document, imported_on FROM procedures ORDER BY id"
            ).fetchall(),
            "themes": conn.execute(
                "SELECT procedure_id, theme FROM procedure_themes ORDER BY procedure_id, theme"
            ).fetchall(),
            "visit_events": [],
            "outbox": [],
        }
        if "visit_events" in tables:
            rows["visit_events"] = conn.execute(
                "SELECT id, procedure_id, outcome, minutes, language, day FROM visit_events "
                "ORDER BY rowid"
            ).fetchall()
        if "outbox" in tables:
            rows["outbox"] = conn.execute("SELECT * FROM outbox ORDER BY seq").fetchall()
    finally:
        conn.close()
    return rows


@pytest.fixture(
    scope="module", params=FIXTURE_STORES, ids=[f"v{s['schema_version']}" for s in FIXTURE_STORES]
)
def upgraded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """(fixture's manifest entry, its rows as written, a kiosk opened on an upgraded COPY)."""
    entry = request.param
    committed = FIXTURES / entry["file"]
    digest = _digest(committed)
    paths = Paths.under(tmp_path_factory.mktemp(f"fixture-v{entry['schema_version']}")).ensure()
    shutil.copyfile(committed, paths.store)
    before = _rows_as_written(paths.store, entry["passphrase"])
    kiosk = Kiosk.open(paths, entry["passphrase"])
    yield entry, before, kiosk
    kiosk.close()
    assert _digest(committed) == digest  # the committed file itself was never opened


def test_fixtures_cover_every_earlier_schema_version():
    versions = sorted(entry["schema_version"] for entry in FIXTURE_STORES)
    assert versions == list(range(1, LATEST_VERSION + 1))


def test_fixture_store_is_upgraded_to_the_latest_version_and_sound(upgraded, fresh_schema):
    entry, before, kiosk = upgraded
    assert before["user_version"] == entry["schema_version"]  # really an old store
    assert kiosk.store.schema_version() == LATEST_VERSION
    assert kiosk.store.query_one("PRAGMA user_version") == (LATEST_VERSION,)
    assert _schema(kiosk.store) == fresh_schema
    assert kiosk.store.check() == []
    assert search_index_is_current(kiosk.store)


def test_fixture_store_keeps_every_procedure_with_its_version_and_themes(upgraded):
    entry, before, kiosk = upgraded
    assert len(before["procedures"]) == entry["procedures"]
    store = kiosk.store
    assert (
        store.query("SELECT id, version, document, imported_on FROM procedures ORDER BY id")
        == before["procedures"]
    )
    assert (
        store.query("SELECT procedure_id, theme FROM procedure_themes ORDER BY procedure_id, theme")
        == before["themes"]
    )
    for procedure_id, version, document, _ in before["procedures"]:
        procedure = kiosk.procedure(procedure_id)  # read back and parsed by today's code
        assert procedure.version == version
        themes = json.loads(document)["themes"]
        assert sorted(procedure.themes) == sorted(themes)
        for theme in themes:
            assert procedure_id in {item.id for item in kiosk.procedures("fr", theme)}


def test_fixture_store_procedures_are_found_by_search_in_french_and_other_languages(upgraded):
    _, before, kiosk = upgraded
    for procedure_id, _, document, _ in before["procedures"]:
        titles = json.loads(document)["title"]
        # Each title, searched in its own language; the French one also from the Arabic
        # interface (a procedure not translated is still found, in French).
        for language, title in [*titles.items(), ("ar", titles["fr"])]:
            found = [item.id for item in kiosk.search(title, language)]
            assert found[:1] == [procedure_id], (language, title, found)


def test_fixture_store_keeps_its_visit_events_row_for_row(upgraded):
    entry, before, kiosk = upgraded
    assert len(before["visit_events"]) == entry["visit_events"]
    assert (
        kiosk.store.query(
            "SELECT id, procedure_id, outcome, minutes, language, day FROM visit_events "
            "ORDER BY rowid"
        )
        == before["visit_events"]
    )


def test_fixture_store_queues_each_earlier_visit_event_once_as_todays_writer_would(
    upgraded, tmp_path: Path
):
    _, before, kiosk = upgraded
    outbox = kiosk.store.query(
        "SELECT id, type, type_version, payload, state FROM outbox ORDER BY seq"
    )
    events = before["visit_events"]
    # Exactly one entry per event, in the order they were written, and nothing else.
    assert [row[0] for row in outbox] == [event[0] for event in events]
    expected = _payloads_of_todays_writer(tmp_path, events)
    for event_id, record_type, type_version, payload, state in outbox:
        assert (record_type, type_version, payload) == expected[event_id]
        assert state == "queued"
    if before["outbox"]:  # a store that had an outbox keeps its entries exactly
        assert kiosk.store.query("SELECT * FROM outbox ORDER BY seq") == before["outbox"]


def test_reopening_an_upgraded_fixture_store_does_not_rebuild_its_index(upgraded):
    _, _, kiosk = upgraded
    with kiosk.store.reopen() as again:
        assert ensure_search_index(again) is False


# -- the automatic backup before an upgrade (an updated package opening an older store) -----------


def test_fixture_store_is_copied_encrypted_with_its_old_rows_before_its_upgrade(upgraded):
    entry, before, kiosk = upgraded
    copies = sorted(kiosk.paths.backup_dir.glob(f"{store_module.UPGRADE_BACKUP_PREFIX}*.db"))
    if entry["schema_version"] == LATEST_VERSION:
        assert copies == []  # nothing to upgrade, nothing copied
        return
    assert [copy.name.split("-")[2] for copy in copies] == [f"schema{entry['schema_version']}"]
    copy = copies[0]
    assert copy.read_bytes()[:16] != b"SQLite format 3\x00"  # encrypted like the store
    assert copy.stat().st_mode & 0o777 == 0o600
    assert _rows_as_written(copy, entry["passphrase"]) == before  # the old store, as it was


def test_an_upgrade_whose_backup_cannot_be_written_changes_nothing_and_says_why(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    _old_store(path, LATEST_VERSION - 1)
    before = _rows_as_written(path, PASSPHRASE)
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backups folder should be", encoding="utf-8")
    with pytest.raises(StoreError) as caught:
        Store.open(path, PASSPHRASE, backup_dir=blocked)
    message = caught.value.message
    assert "sauvegarde automatique" in message and "Rien n'a été modifié" in message
    assert str(blocked) in message and "Traceback" not in message
    assert _rows_as_written(path, PASSPHRASE) == before  # still the old schema, same rows
    with Store.open(path, PASSPHRASE, backup_dir=tmp_path / "ok") as store:  # room again: it goes
        assert store.schema_version() == LATEST_VERSION


def test_only_the_newest_upgrade_backups_are_kept(tmp_path: Path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for n in range(5):
        old = folder / f"{store_module.UPGRADE_BACKUP_PREFIX}1-2020010{n}-000000.db"
        old.write_bytes(b"old")
        os.utime(old, (1_600_000_000 + n, 1_600_000_000 + n))
    other = folder / "kept-by-hand.db"
    other.write_bytes(b"a backup staff made")
    path = tmp_path / "pasapas.db"
    _old_store(path, LATEST_VERSION - 1)
    Store.open(path, PASSPHRASE, backup_dir=folder).close()
    left = sorted(p.name for p in folder.glob(f"{store_module.UPGRADE_BACKUP_PREFIX}*.db"))
    assert len(left) == store_module.UPGRADE_BACKUPS_KEPT
    assert f"{store_module.UPGRADE_BACKUP_PREFIX}{LATEST_VERSION - 1}-" in left[-1]
    assert other.exists()  # only its own copies are pruned


def test_a_current_store_is_opened_without_any_copy(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    Store.create(path, PASSPHRASE).close()
    Store.open(path, PASSPHRASE, backup_dir=tmp_path / "backups").close()
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())
