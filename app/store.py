"""The encrypted store: one SQLCipher 4 database file, opened with a passphrase.

The key is derived from the passphrase by SQLCipher's own KDF (PBKDF2-HMAC-SHA512). Every
connection runs with WAL, `secure_delete` and foreign keys on and keeps temporary tables in memory,
so nothing readable reaches the disk. A `Store` is one connection: each thread opens its own with
`Store.open` (or `store.reopen()`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlcipher3

from pasapas.app.errors import (
    StoreDamagedError,
    StoreError,
    StoreFullError,
    WrongPassphraseError,
)
from pasapas.app.i18n import _
from pasapas.app.migrations import LATEST_VERSION, MIGRATIONS

PAGE_SIZE = 4096
_SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
# A database file and the files SQLite keeps beside it (write-ahead log, its index, the rollback
# journal): they are removed, moved or kept together, never one without the others.
STORE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _quote(passphrase: str) -> str:
    return "'" + passphrase.replace("'", "''") + "'"


def _key_literal(passphrase: str | None, raw_key: bytes | None, encrypted: bool) -> str | None:
    """The SQL literal for `PRAGMA key`: a passphrase (through SQLCipher's KDF) or a raw key.

    None for a plain database (`encrypted=False`, benchmarks only).
    """
    if not encrypted:
        return None
    if raw_key is not None:
        if len(raw_key) != 32:
            raise ValueError("a raw SQLCipher key is 32 bytes")
        return f"\"x'{raw_key.hex()}'\""
    return _quote(passphrase) if passphrase is not None else None


def remove_store_files(path: Path | str) -> None:
    """Remove the database file at `path` and the files SQLite keeps beside it, where they exist.

    For a store that must not remain (its creation failed) or a temporary copy; never for a store
    in use (close it first).
    """
    for suffix in STORE_FILE_SUFFIXES:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def upgrade_failed(reason: Exception) -> StoreError:
    """The error told when bringing a store up to date failed and was rolled back."""
    return StoreError(
        _(
            "La mise à jour de la base a échoué ({reason}). La base est restée telle qu'elle était."
        ).format(reason=reason)
    )


def _damaged(path: Path) -> StoreDamagedError:
    return StoreDamagedError(
        _(
            "Le fichier {path} est abîmé ou incomplet : il ne peut pas être ouvert. "
            "Rien n'a été modifié. Utilisez une sauvegarde."
        ).format(path=path)
    )


def _precheck_file(path: Path) -> None:
    """Refuse, before opening it, a file that cannot be an encrypted store."""
    if not path.exists():
        raise StoreError(
            _(
                "Aucune base n'existe à l'emplacement {path}. Créez-la avec « pasapas db init »."
            ).format(path=path)
        )
    if not path.is_file():
        raise StoreError(_("{path} n'est pas un fichier.").format(path=path))
    size = path.stat().st_size
    if size == 0 or size % PAGE_SIZE:
        raise _damaged(path)
    with path.open("rb") as handle:
        header = handle.read(len(_SQLITE_PLAIN_HEADER))
    if header == _SQLITE_PLAIN_HEADER:
        raise StoreDamagedError(
            _(
                "Le fichier {path} est une base non chiffrée : ce n'est pas une base Pas à pas. "
                "Rien n'a été modifié."
            ).format(path=path)
        )


def _is_full(error: BaseException) -> bool:
    """SQLITE_FULL: the disk (or the store's page limit) has no room for the change."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlcipher3.OperationalError) and code == sqlcipher3.SQLITE_FULL


class Store:
    """One open connection to the store. Not shared between threads."""

    def __init__(self, connection: Any, path: Path, key: str | None) -> None:
        self._conn = connection
        self.path = path
        self._key = key  # the SQL key literal; None for a plain (benchmark-only) database
        self._savepoints = 0

    @property
    def encrypted(self) -> bool:
        return self._key is not None

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str | None,
        *,
        encrypted: bool = True,
        raw_key: bytes | None = None,
    ) -> Store:
        """Create a new store at `path` (which must not exist) and bring it to the latest schema.

        `raw_key` (32 random bytes) replaces the passphrase and its KDF: only for a throwaway
        demo store. `encrypted=False` exists only so benchmarks can run the same code unencrypted.
        """
        path = Path(path)
        if path.exists():
            raise StoreError(_("Une base existe déjà à l'emplacement {path}.").format(path=path))
        if encrypted and not passphrase and raw_key is None:
            raise StoreError(_("Le mot de passe ne peut pas être vide."))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = _key_literal(passphrase, raw_key, encrypted)
        conn = cls._connect(path, key)
        store = cls(conn, path, key)
        try:
            store._configure()
            store.migrate()
        except Exception:
            store.close()
            remove_store_files(path)
            raise
        return store

    @classmethod
    def open(
        cls,
        path: Path,
        passphrase: str | None,
        *,
        encrypted: bool = True,
        raw_key: bytes | None = None,
    ) -> Store:
        """Open an existing store, checking the passphrase and the file before changing anything."""
        path = Path(path)
        if encrypted:
            _precheck_file(path)
        elif not path.exists():
            raise StoreError(_("Aucune base n'existe à l'emplacement {path}.").format(path=path))
        return cls._open_keyed(path, _key_literal(passphrase, raw_key, encrypted))

    @classmethod
    def _open_keyed(cls, path: Path, key: str | None) -> Store:
        conn = cls._connect(path, key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            # SQLITE_CORRUPT: the key is right but pages are missing or damaged.
            if getattr(exc, "sqlite_errorcode", None) == sqlcipher3.SQLITE_CORRUPT:
                raise _damaged(path) from exc
            raise WrongPassphraseError(
                _(
                    "Ce mot de passe n'ouvre pas la base. Vérifiez-le et réessayez. "
                    "Rien n'a été modifié."
                )
            ) from exc
        store = cls(conn, path, key)
        try:
            problems = store._quick_check()
            if problems:
                raise _damaged(path)
            store._configure()
            version = store.schema_version()
            if version > LATEST_VERSION:
                raise StoreError(
                    _(
                        "Cette base a été écrite par une version plus récente de Pas à pas. "
                        "Mettez le logiciel à jour."
                    )
                )
        except sqlcipher3.DatabaseError as exc:
            store.close()
            raise _damaged(path) from exc
        except Exception:
            store.close()
            raise
        try:
            store.migrate()
        except sqlcipher3.DatabaseError as exc:
            store.close()
            raise upgrade_failed(exc) from exc
        except Exception:
            store.close()
            raise
        return store

    def reopen(self) -> Store:
        """A new connection to the same store, for another thread."""
        if self._key is not None:
            _precheck_file(self.path)
        return Store._open_keyed(self.path, self._key)

    @staticmethod
    def _connect(path: Path, key: str | None) -> Any:
        # The same SQLite library with or without a key, so benchmarks compare encryption alone.
        # A connection may be opened by a worker and handed to the thread that uses it (the kiosk
        # unlocks off the GUI thread); it is never used by two threads at once.
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
        if key is not None:
            # SQLCipher logs a failed key to stderr; the caller says it in plain words instead.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = {key}")
        return conn

    def _configure(self) -> None:
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA secure_delete = ON")
        self._conn.execute("PRAGMA temp_store = MEMORY")
        self._conn.execute("PRAGMA busy_timeout = 10000")
        # 16 MiB of decrypted pages: search reads the same index pages query after query.
        self._conn.execute("PRAGMA cache_size = -16384")
        self._conn.execute("PRAGMA journal_mode = WAL").fetchone()

    def _quick_check(self) -> list[str]:
        rows = self._conn.execute("PRAGMA quick_check").fetchall()
        return [row[0] for row in rows if row[0] != "ok"]

    # -- schema ------------------------------------------------------------------------------

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int = LATEST_VERSION) -> int:
        """Apply each migration up to `target` in its own transaction; return the version."""
        version = self.schema_version()
        while version < target:
            with self.transaction():
                for statement in MIGRATIONS[version]:
                    self._conn.execute(statement)
                version += 1
                self._conn.execute(f"PRAGMA user_version = {version}")
        return version

    # -- queries -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements inside commit together or not at all. Inside another transaction it
        is a savepoint: its statements go with the outer transaction, or are undone alone."""
        if self._conn.in_transaction:
            yield from self._savepoint()
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException as error:
            # SQLite may have rolled back already (a full disk does): the real cause is raised.
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            if _is_full(error):
                raise StoreFullError(
                    _("La base est pleine (plus de place sur le disque) : rien n'a été enregistré.")
                ) from error
            raise
        else:
            self._conn.execute("COMMIT")

    def _savepoint(self) -> Iterator[Store]:
        self._savepoints += 1
        name = f"nested_{self._savepoints}"
        self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute(f"ROLLBACK TO {name}")
                self._conn.execute(f"RELEASE {name}")
            raise
        else:
            self._conn.execute(f"RELEASE {name}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        return self._conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self._conn.execute(sql, params).fetchone()

    # -- maintenance ---------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Run SQLite's integrity check and SQLCipher's page-by-page HMAC check.

        Returns the problems found, empty when the store is sound.
        """
        problems = [
            row[0]
            for row in self._conn.execute("PRAGMA integrity_check").fetchall()
            if row[0] != "ok"
        ]
        if self._key is not None:
            problems += [row[0] for row in self._conn.execute("PRAGMA cipher_integrity_check")]
        return problems

    def rekey(self, new_passphrase: str) -> None:
        if not new_passphrase:
            raise StoreError(_("Le mot de passe ne peut pas être vide."))
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.execute(f"PRAGMA rekey = {_quote(new_passphrase)}")
        self._key = _quote(new_passphrase)

    def backup(self, destination: Path) -> Path:
        """Write an encrypted copy (same passphrase) to `destination`, which must not exist."""
        destination = Path(destination)
        if destination.exists():
            raise StoreError(
                _("Le fichier {path} existe déjà : choisissez un autre nom.").format(
                    path=destination
                )
            )
        if not destination.parent.is_dir():
            raise StoreError(_("Le dossier {path} n'existe pas.").format(path=destination.parent))
        fd, tmp_name = tempfile.mkstemp(
            prefix=".pasapas-backup-", suffix=".tmp", dir=destination.parent
        )
        os.close(fd)
        os.remove(tmp_name)
        tmp = Path(tmp_name)
        try:
            key = self._key if self._key is not None else "''"
            self._conn.execute(f"ATTACH DATABASE ? AS backup KEY {key}", (str(tmp),))
            try:
                self._conn.execute("SELECT sqlcipher_export('backup')")
                version = self.schema_version()
                self._conn.execute(f"PRAGMA backup.user_version = {version}")
            finally:
                self._conn.execute("DETACH DATABASE backup")
            os.replace(tmp, destination)
        except BaseException:
            remove_store_files(tmp)
            raise
        return destination

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def restore_backup(backup: Path, store_path: Path, passphrase: str) -> Path | None:
    """Replace the store at `store_path` with `backup`, after proving the backup opens and is sound.

    The backup file itself is only read: a copy is checked (and brought to the current schema),
    then moved into place. The replaced store (with its WAL, if any) is kept beside it as
    `<name>.before-restore`; returns that path, or None when there was no store to replace.
    """
    backup = Path(backup)
    _precheck_file(backup)
    store_path = Path(store_path)
    store_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp_name = tempfile.mkstemp(prefix=".pasapas-restore-", dir=store_path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, backup.open("rb") as src:
            while chunk := src.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        with Store.open(tmp, passphrase) as candidate:
            problems = candidate.check()
            candidate.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if problems:
            raise _damaged(backup)
    except BaseException:
        remove_store_files(tmp)
        raise
    kept = Path(f"{store_path}.before-restore") if store_path.exists() else None
    if kept is not None:
        # A store kept by an earlier restore goes, with its WAL: SQLite must never replay an old
        # WAL into the store kept now.
        remove_store_files(kept)
    for suffix in STORE_FILE_SUFFIXES:
        current = Path(f"{store_path}{suffix}")
        if current.exists():
            os.replace(current, f"{store_path}.before-restore{suffix}")
    os.replace(tmp, store_path)
    remove_store_files(tmp)  # renamed: only a -wal or -shm of it could be left
    return kept
