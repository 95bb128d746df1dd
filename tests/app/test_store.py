"""The encrypted store on disk: opening, refusing bad files untouched, rekey, backups."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlcipher3

import pasapas.app.store as store_module
from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import Catalog
from pasapas.app.errors import StoreDamagedError, StoreError, WrongPassphraseError
from pasapas.app.migrations import MIGRATIONS
from pasapas.app.store import PAGE_SIZE, Store, remove_store_files, restore_backup
from tests.app.helpers import BUILTIN_IDS, PASSPHRASE, builtin_data, folder_snapshot, procedure_from

PLAIN_HEADER = b"SQLite format 3\x00"
NEW_PASSPHRASE = "une autre phrase bien longue"
EXTRA_COPIES = 30  # renamed copies of a built-in procedure, so the store spans many pages


def _ids(store: Store) -> list[str]:
    return [row[0] for row in store.query("SELECT id FROM procedures ORDER BY id")]


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[str]]:
    """A closed store holding every built-in procedure plus many copies: its bytes and its ids."""
    path = tmp_path_factory.mktemp("base") / "pasapas.db"
    with Store.create(path, PASSPHRASE) as store:
        catalog = Catalog(store)
        catalog.import_files(builtin_files())
        copies = []
        for n in range(EXTRA_COPIES):
            data = builtin_data("medecin-traitant")
            data["id"] = f"copie-{n:02d}"
            data["title"] = {"fr": f"Copie numéro {n}"}
            copies.append(procedure_from(data))
        catalog.import_procedures(copies)
        store.execute("INSERT INTO meta (key, value) VALUES ('marque', 'base')")
        ids = _ids(store)
    assert sorted(os.listdir(path.parent)) == ["pasapas.db"]  # WAL checkpointed on close
    return path.read_bytes(), ids


@pytest.fixture(scope="module")
def open_store(tmp_path_factory: pytest.TempPathFactory, base_store) -> Store:
    """One opened copy of the base store, for tests that only read."""
    path = tmp_path_factory.mktemp("opened") / "pasapas.db"
    path.write_bytes(base_store[0])
    store = Store.open(path, PASSPHRASE)
    yield store
    store.close()


def _copy_base(folder: Path, base_store, name: str = "pasapas.db") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(base_store[0])
    return path


# -- opening ---------------------------------------------------------------------------------


def test_created_store_reopens_with_the_same_data(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    with Store.create(path, PASSPHRASE) as store:
        store.execute("INSERT INTO meta (key, value) VALUES ('site', 'France Services Lille')")
    with Store.open(path, PASSPHRASE) as store:
        assert store.query("SELECT key, value FROM meta") == [("site", "France Services Lille")]


def test_opened_store_runs_with_wal_secure_delete_and_foreign_keys(open_store: Store):
    assert open_store.query_one("PRAGMA journal_mode")[0] == "wal"
    assert open_store.query_one("PRAGMA secure_delete")[0] == 1
    assert open_store.query_one("PRAGMA foreign_keys")[0] == 1
    cipher_version = open_store.query_one("PRAGMA cipher_version")
    assert cipher_version is not None and cipher_version[0]


def test_store_file_is_encrypted_not_readable_sqlite(base_store):
    data = base_store[0]
    assert data[:16] != PLAIN_HEADER
    assert b"medecin-traitant" not in data
    assert "Déclarer votre médecin traitant".encode() not in data


def test_sound_store_passes_check_with_no_problem(open_store: Store):
    assert open_store.check() == []


def test_opened_store_holds_every_procedure_written(open_store: Store, base_store):
    assert _ids(open_store) == base_store[1]
    assert len(base_store[1]) == len(BUILTIN_IDS) + EXTRA_COPIES


def test_create_refuses_an_existing_file_and_leaves_it_untouched(tmp_path: Path, base_store):
    path = _copy_base(tmp_path, base_store)
    with pytest.raises(StoreError, match="existe déjà"):
        Store.create(path, PASSPHRASE)
    assert path.read_bytes() == base_store[0]


def test_create_refuses_an_empty_passphrase_and_writes_nothing(tmp_path: Path):
    with pytest.raises(StoreError, match="vide"):
        Store.create(tmp_path / "pasapas.db", "")
    assert list(tmp_path.iterdir()) == []


def test_create_that_fails_to_build_the_schema_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(store_module, "MIGRATIONS", (*MIGRATIONS[:1], ("THIS IS NOT SQL",)))
    with pytest.raises(sqlcipher3.OperationalError, match="syntax error"):
        Store.create(tmp_path / "pasapas.db", PASSPHRASE)
    assert list(tmp_path.iterdir()) == []


def test_removing_store_files_takes_the_store_and_its_companions_only(tmp_path: Path):
    for name in (
        "pasapas.db",
        "pasapas.db-wal",
        "pasapas.db-shm",
        "pasapas.db-journal",
        "pasapas.db.before-restore",
        "autre.db",
    ):
        (tmp_path / name).write_bytes(b"x")
    remove_store_files(tmp_path / "pasapas.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["autre.db", "pasapas.db.before-restore"]
    remove_store_files(tmp_path / "absent.db")  # nothing there: nothing to do, no error
    remove_store_files(str(tmp_path / "autre.db"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pasapas.db.before-restore"]


def test_opening_a_missing_store_says_so_and_creates_nothing(tmp_path: Path):
    with pytest.raises(StoreError, match="Aucune base") as caught:
        Store.open(tmp_path / "pasapas.db", PASSPHRASE)
    assert "pasapas db init" in caught.value.message
    assert list(tmp_path.iterdir()) == []


# -- refusing bad files without touching them --------------------------------------------------


def test_wrong_passphrase_is_refused_in_french_and_leaves_file_bytes_untouched(
    tmp_path: Path, base_store
):
    path = _copy_base(tmp_path, base_store)
    before = folder_snapshot(tmp_path)
    with pytest.raises(WrongPassphraseError) as caught:
        Store.open(path, "ce n'est pas la bonne phrase")
    message = caught.value.message
    assert "mot de passe" in message
    assert "Rien n'a été modifié" in message
    assert "database" not in message.lower()
    assert folder_snapshot(tmp_path) == before  # same bytes, and no -wal/-shm left behind


def _random_pages(_: bytes) -> bytes:
    return os.urandom(4 * PAGE_SIZE)


def _empty(_: bytes) -> bytes:
    return b""


def _plain_sqlite(_: bytes) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "plain.db"
        conn = sqlite3.connect(plain)
        conn.execute("CREATE TABLE procedures (id TEXT PRIMARY KEY, document TEXT)")
        conn.execute("INSERT INTO procedures VALUES ('x', '{}')")
        conn.commit()
        conn.close()
        return plain.read_bytes()


def _cut_mid_page(data: bytes) -> bytes:
    return data[: len(data) - 1000]


def _drop_last_page(data: bytes) -> bytes:
    return data[: len(data) - PAGE_SIZE]


def _drop_last_half(data: bytes) -> bytes:
    pages = len(data) // PAGE_SIZE
    return data[: (pages // 2) * PAGE_SIZE]


def _flip_middle_page(data: bytes) -> bytes:
    damaged = bytearray(data)
    middle = (len(data) // PAGE_SIZE) // 2
    for offset in (100, 2000, 3000):
        damaged[middle * PAGE_SIZE + offset] ^= 0xFF
    return bytes(damaged)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(_random_pages, StoreError, id="random-bytes"),
        pytest.param(_empty, StoreDamagedError, id="empty-file"),
        pytest.param(_plain_sqlite, StoreDamagedError, id="plain-sqlite"),
        pytest.param(_cut_mid_page, StoreDamagedError, id="truncated-mid-page"),
        pytest.param(_flip_middle_page, StoreDamagedError, id="bytes-flipped-in-middle-page"),
    ],
)
def test_unusable_file_is_refused_with_a_clear_message_and_left_untouched(
    tmp_path: Path, base_store, make, expected
):
    path = tmp_path / "pasapas.db"
    path.write_bytes(make(base_store[0]))
    before = folder_snapshot(tmp_path)
    with pytest.raises(expected) as caught:
        Store.open(path, PASSPHRASE)
    message = caught.value.message
    assert "Rien n'a été modifié" in message
    assert "malformed" not in message and "not a database" not in message
    assert folder_snapshot(tmp_path) == before


def test_plain_sqlite_file_is_named_as_not_encrypted(tmp_path: Path):
    path = tmp_path / "pasapas.db"
    path.write_bytes(_plain_sqlite(b""))
    with pytest.raises(StoreDamagedError, match="non chiffrée"):
        Store.open(path, PASSPHRASE)


@pytest.mark.parametrize(
    "cut", [_drop_last_page, _drop_last_half], ids=["last-page-lost", "half-the-pages-lost"]
)
def test_store_truncated_at_a_page_boundary_is_reported_damaged_not_wrong_passphrase(
    tmp_path: Path, base_store, cut
):
    # The passphrase is right: telling the admin to check it sends them the wrong way.
    path = tmp_path / "pasapas.db"
    path.write_bytes(cut(base_store[0]))
    before = folder_snapshot(tmp_path)
    with pytest.raises(StoreError) as caught:
        Store.open(path, PASSPHRASE)
    assert folder_snapshot(tmp_path) == before
    assert isinstance(caught.value, StoreDamagedError), caught.value.message
    assert "abîmé" in caught.value.message


# -- rekey -------------------------------------------------------------------------------------


def test_rekey_makes_the_old_passphrase_useless_and_keeps_the_data(tmp_path: Path, base_store):
    path = _copy_base(tmp_path, base_store)
    with Store.open(path, PASSPHRASE) as store:
        store.rekey(NEW_PASSPHRASE)
    with pytest.raises(WrongPassphraseError):
        Store.open(path, PASSPHRASE)
    with Store.open(path, NEW_PASSPHRASE) as store:
        assert _ids(store) == base_store[1]
        assert store.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("base",)
        assert store.check() == []


def test_rekey_refuses_an_empty_passphrase_and_the_store_stays_usable(open_store: Store):
    with pytest.raises(StoreError, match="vide"):
        open_store.rekey("")
    assert open_store.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("base",)


# -- backup and restore --------------------------------------------------------------------------


def test_backup_is_an_encrypted_copy_that_opens_with_the_same_passphrase(
    tmp_path: Path, base_store
):
    path = _copy_base(tmp_path / "data", base_store)
    backups = tmp_path / "backups"
    backups.mkdir()
    with Store.open(path, PASSPHRASE) as store:
        written = store.backup(backups / "sauvegarde.db")
    assert written == backups / "sauvegarde.db"
    assert os.listdir(backups) == ["sauvegarde.db"]  # no temporary file left behind
    data = written.read_bytes()
    assert data[:16] != PLAIN_HEADER
    assert b"medecin-traitant" not in data
    with Store.open(written, PASSPHRASE) as copy:
        assert _ids(copy) == base_store[1]
        assert copy.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("base",)
        assert copy.check() == []
    with pytest.raises(WrongPassphraseError):
        Store.open(written, "ce n'est pas la bonne phrase")


def test_backup_refuses_to_overwrite_an_existing_file_and_leaves_it_untouched(
    tmp_path: Path, open_store: Store
):
    existing = tmp_path / "sauvegarde.db"
    existing.write_bytes(b"une sauvegarde plus ancienne")
    with pytest.raises(StoreError, match="existe déjà"):
        open_store.backup(existing)
    assert existing.read_bytes() == b"une sauvegarde plus ancienne"
    assert os.listdir(tmp_path) == ["sauvegarde.db"]


def test_backup_into_a_missing_folder_is_refused(tmp_path: Path, open_store: Store):
    with pytest.raises(StoreError, match="n'existe pas"):
        open_store.backup(tmp_path / "absent" / "sauvegarde.db")
    assert not (tmp_path / "absent").exists()


@pytest.fixture(scope="module")
def store_and_backup_bytes(tmp_path_factory: pytest.TempPathFactory, base_store):
    """A store changed after its backup was taken ('après' in meta): both files' bytes."""
    folder = tmp_path_factory.mktemp("with-backup")
    path = _copy_base(folder, base_store)
    backup = folder / "sauvegarde.db"
    with Store.open(path, PASSPHRASE) as store:
        store.backup(backup)
        store.execute("INSERT INTO meta (key, value) VALUES ('après', 'changement récent')")
    return path.read_bytes(), backup.read_bytes()


@pytest.fixture
def store_and_backup(tmp_path: Path, store_and_backup_bytes) -> tuple[Path, Path]:
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "pasapas.db"
    path.write_bytes(store_and_backup_bytes[0])
    backup = tmp_path / "sauvegarde.db"
    backup.write_bytes(store_and_backup_bytes[1])
    return path, backup


def test_restore_replaces_the_store_and_keeps_the_old_one_beside_it(store_and_backup):
    path, backup = store_and_backup
    kept = restore_backup(backup, path, PASSPHRASE)
    assert kept == Path(f"{path}.before-restore")
    with Store.open(path, PASSPHRASE) as store:
        assert store.query_one("SELECT value FROM meta WHERE key = 'après'") is None
        assert store.query_one("SELECT value FROM meta WHERE key = 'marque'") == ("base",)
        assert store.check() == []
    with Store.open(kept, PASSPHRASE) as old:
        assert old.query_one("SELECT value FROM meta WHERE key = 'après'") == ("changement récent",)


def test_restore_drops_the_write_ahead_log_of_a_store_kept_by_an_earlier_restore(
    store_and_backup,
):
    # The store kept now has no WAL of its own: an older one left beside it would be replayed
    # into it the next time it is opened.
    path, backup = store_and_backup
    stale_wal = Path(f"{path}.before-restore-wal")
    stale_wal.write_bytes(b"an older store's write-ahead log")
    Path(f"{path}.before-restore-shm").write_bytes(b"its index")
    kept = restore_backup(backup, path, PASSPHRASE)
    assert not stale_wal.exists()
    assert not Path(f"{path}.before-restore-shm").exists()
    with Store.open(kept, PASSPHRASE) as old:
        assert old.query_one("SELECT value FROM meta WHERE key = 'après'") == ("changement récent",)
        assert old.check() == []


def test_restore_leaves_the_backup_file_untouched(store_and_backup):
    # A backup may sit on a write-protected key or be checked against a checksum: restoring
    # from it must only read it.
    path, backup = store_and_backup
    before = backup.read_bytes()
    restore_backup(backup, path, PASSPHRASE)
    assert backup.read_bytes() == before


def test_restore_refuses_a_damaged_backup_and_leaves_the_store_unchanged(
    tmp_path: Path, store_and_backup
):
    path, backup = store_and_backup
    backup.write_bytes(_flip_middle_page(backup.read_bytes()))
    before = folder_snapshot(path.parent)
    with pytest.raises(StoreDamagedError):
        restore_backup(backup, path, PASSPHRASE)
    assert folder_snapshot(path.parent) == before
    assert not Path(f"{path}.before-restore").exists()


def test_restore_with_the_wrong_passphrase_leaves_the_store_unchanged(store_and_backup):
    path, backup = store_and_backup
    before = folder_snapshot(path.parent)
    with pytest.raises(WrongPassphraseError):
        restore_backup(backup, path, "ce n'est pas la bonne phrase")
    assert folder_snapshot(path.parent) == before
