"""Schema migrations: an older store reaches the latest schema with its data, or stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlcipher3

import pasapas.app.store as store_module
from pasapas.app.content.catalog import Catalog
from pasapas.app.errors import StoreDamagedError, StoreError
from pasapas.app.migrations import LATEST_VERSION, MIGRATIONS
from pasapas.app.store import Store
from tests.app.helpers import PASSPHRASE, builtin_data, procedure_from


def _schema(store_or_conn) -> list[tuple[str, str, str]]:
    rows = store_or_conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [(kind, name, re.sub(r"\s+", " ", sql or "").strip()) for kind, name, sql in rows]


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
    """`migrated(k)`: a store written at version k, then opened (and so migrated) once."""
    opened: dict[int, Store] = {}

    def get(version: int) -> Store:
        if version not in opened:
            path = tmp_path_factory.mktemp(f"v{version}") / "pasapas.db"
            _old_store(path, version)
            opened[version] = Store.open(path, PASSPHRASE)
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
    assert store.query("SELECT key, value FROM meta") == [("site", "Médiathèque de Lens")]
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
