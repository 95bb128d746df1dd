"""The encrypted store: one SQLCipher 4 database file, opened with a passphrase.

The key is derived from the passphrase by SQLCipher's own KDF (PBKDF2-HMAC-SHA512). Every
connection runs with WAL, `secure_delete` and foreign keys on and keeps temporary tables in memory,
so nothing readable reaches the disk. A `Store` is one connection: each thread opens its own with
`Store.open` (or `store.reopen()`).

What goes wrong around the file has its own error, never "wrong passphrase": a file that cannot
be opened or changed (read-only file system, no permission, an immutable file: the system is
asked why), a full disk, another process holding the lock for longer than the busy wait
(`PASAPAS_BUSY_TIMEOUT` seconds, 10 by default; the message names the holder where the system
says who it is). Every file of the store, and every backup, is created readable and writable by
its owner only (0600), whatever the umask: the store file is made empty with that mode before
SQLite opens it, and SQLite gives its WAL, its index (-shm) and a journal the mode of the
database file they belong to.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlcipher3

from pasapas.app.errors import (
    StoreBusyError,
    StoreDamagedError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
    WrongPassphraseError,
    os_reason,
)
from pasapas.app.i18n import _
from pasapas.app.migrations import LATEST_VERSION, MIGRATIONS

PAGE_SIZE = 4096
_SQLITE_PLAIN_HEADER = b"SQLite format 3\x00"
# A database file and the files SQLite keeps beside it (write-ahead log, its index, the rollback
# journal): they are removed, moved or kept together, never one without the others.
STORE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")
FILE_MODE = 0o600  # the store, its companions and its backups: the kiosk's account only
FOLDER_MODE = 0o700
# The copy taken automatically before a store is brought to a newer schema (`upgrade_backup`).
UPGRADE_BACKUP_PREFIX = "before-upgrade-schema"
UPGRADE_BACKUPS_KEPT = 3
# How long a connection waits for another one's lock before saying the store is busy.
BUSY_TIMEOUT_SECONDS = 10.0
BUSY_TIMEOUT_VARIABLE = "PASAPAS_BUSY_TIMEOUT"
_LOW_SPACE = 1 << 20  # after a failed write, less free space than this means the disk is full
_CANNOT = (
    sqlcipher3.SQLITE_READONLY,
    sqlcipher3.SQLITE_CANTOPEN,
    sqlcipher3.SQLITE_IOERR,
    sqlcipher3.SQLITE_PERM,
    sqlcipher3.SQLITE_NOLFS,
)


def busy_timeout_seconds() -> float:
    """The busy wait: `PASAPAS_BUSY_TIMEOUT` (seconds, 0 to 3600) or 10 s."""
    text = os.environ.get(BUSY_TIMEOUT_VARIABLE)
    if text is None:
        return BUSY_TIMEOUT_SECONDS
    try:
        value = float(text)
    except ValueError:
        return BUSY_TIMEOUT_SECONDS
    return value if 0 <= value <= 3600 else BUSY_TIMEOUT_SECONDS


def _code(error: BaseException) -> int:
    """SQLite's primary result code of `error` (0 when it is not SQLite's)."""
    return (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF


def make_private(path: Path | str) -> None:
    """Give the file at `path`, and the files SQLite keeps beside it, mode 0600 where a group
    or others may read them (a store or backup written by an older version); where the system
    refuses (an immutable file, another owner) they stay as they are."""
    for suffix in STORE_FILE_SUFFIXES:
        file = f"{path}{suffix}"
        with contextlib.suppress(OSError):
            found = os.stat(file)
            if found.st_mode & 0o077 and found.st_uid == os.geteuid():
                os.chmod(file, FILE_MODE)


def _create_private(path: Path) -> None:
    """An empty file at `path`, mode 0600 whatever the umask; FileExistsError if one is there."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def _os_cause(path: Path) -> int | None:
    """Why the system would refuse to change the file at `path` (or to create it and the files
    beside it), as an errno value; None when nothing is found. Changes nothing."""
    folder = Path(path).parent
    try:
        found = os.statvfs(folder)
    except OSError as exc:
        return exc.errno
    if found.f_flag & os.ST_RDONLY:
        return errno.EROFS
    if os.path.lexists(path):
        try:  # opening for writing, without creating or truncating, changes nothing
            os.close(os.open(path, os.O_RDWR | os.O_CLOEXEC))
        except OSError as exc:
            if exc.errno not in (errno.EISDIR, errno.ENXIO):
                return exc.errno
    if not os.access(folder, os.W_OK | os.X_OK):
        return errno.EACCES
    if found.f_bavail * found.f_frsize < _LOW_SPACE:
        return errno.ENOSPC
    return None


def _busy(path: Path) -> StoreBusyError:
    """The store is busy: who holds it, where the system says."""
    from pasapas.app.instance import kiosk_pid, lock_holders, process_name

    holders = lock_holders(*(Path(f"{path}{suffix}") for suffix in STORE_FILE_SUFFIXES))
    kiosk = kiosk_pid(Path(path).parent)
    if kiosk is not None and (not holders or kiosk in holders):
        message = _(
            "La base est occupée par la borne ouverte (processus {pid}) : fermez-la ou "
            "réessayez plus tard. Rien n'a été modifié."
        ).format(pid=kiosk)
    elif holders:
        message = _(
            "La base est occupée par un autre programme (processus {pid}, {name}) : réessayez "
            "quand il aura fini. Rien n'a été modifié."
        ).format(pid=holders[0], name=process_name(holders[0]) or "?")
    else:
        message = _(
            "La base est occupée par un autre programme : réessayez quand il aura fini. "
            "Rien n'a été modifié."
        )
    return StoreBusyError(message)


def _full(path: Path, *, opening: bool) -> StoreFullError:
    if opening:
        return StoreFullError(
            _(
                "Plus de place sur le disque pour ouvrir la base {path} : libérez de la place "
                "et réessayez. Rien n'a été modifié."
            ).format(path=path)
        )
    return StoreFullError(
        _("La base est pleine (plus de place sur le disque) : rien n'a été enregistré.")
    )


def _unavailable(path: Path, cause: int | None, *, opening: bool) -> StoreUnavailableError:
    reason = os_reason(cause if cause is not None else errno.EIO)
    if opening:
        text = _("La base {path} ne peut pas être ouverte : {reason}. Rien n'a été modifié.")
    else:
        text = _("La base {path} ne peut pas être modifiée : {reason}. Rien n'a été enregistré.")
    return StoreUnavailableError(text.format(path=path, reason=reason))


def store_error(error: BaseException, path: Path, *, opening: bool = False) -> StoreError | None:
    """The clear error for a failure of SQLite around the file (busy, full, cannot open or
    write), or None when `error` is something else (a mistake in SQL, a constraint)."""
    if isinstance(error, StoreError):
        return error
    if not isinstance(error, sqlcipher3.DatabaseError):
        return None
    code = _code(error)
    if code == sqlcipher3.SQLITE_BUSY:
        return _busy(path)
    if code == sqlcipher3.SQLITE_FULL:
        return _full(path, opening=opening)
    if code in _CANNOT:
        cause = _os_cause(path)
        if cause in (errno.ENOSPC, errno.EDQUOT):
            return _full(path, opening=opening)
        return _unavailable(path, cause, opening=opening)
    return None


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
    try:
        found = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise StoreError(
            _(
                "Aucune base n'existe à l'emplacement {path}. Créez-la avec « pasapas db init »."
            ).format(path=path)
        ) from None
    except OSError as exc:
        raise _unavailable(path, exc.errno, opening=True) from exc
    if not stat.S_ISREG(found.st_mode):
        raise StoreError(_("{path} n'est pas un fichier.").format(path=path))
    size = found.st_size
    if size == 0 or size % PAGE_SIZE:
        raise _damaged(path)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_PLAIN_HEADER))
    except OSError as exc:
        raise _unavailable(path, exc.errno, opening=True) from exc
    if header == _SQLITE_PLAIN_HEADER:
        raise StoreDamagedError(
            _(
                "Le fichier {path} est une base non chiffrée : ce n'est pas une base Pas à pas. "
                "Rien n'a été modifié."
            ).format(path=path)
        )


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
        exists = StoreError(_("Une base existe déjà à l'emplacement {path}.").format(path=path))
        if os.path.lexists(path):
            raise exists
        if encrypted and not passphrase and raw_key is None:
            raise StoreError(_("Le mot de passe ne peut pas être vide."))
        key = _key_literal(passphrase, raw_key, encrypted)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
            _create_private(path)  # SQLite then gives its WAL and -shm the same mode
        except FileExistsError:
            raise exists from None
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise _full(path, opening=False) from exc
            raise StoreUnavailableError(
                _("La base {path} ne peut pas être créée : {reason}.").format(
                    path=path, reason=os_reason(exc.errno)
                )
            ) from exc
        store = None
        try:
            store = cls(cls._connect(path, key), path, key)
            store._configure()
            store.migrate()
        except BaseException as error:
            if store is not None:
                store.close()
            remove_store_files(path)
            clear = store_error(error, path)
            if clear is not None and clear is not error:
                raise clear from error
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
        backup_dir: Path | None = None,
    ) -> Store:
        """Open an existing store, checking the passphrase and the file before changing anything.

        With `backup_dir`, a store written by an older version is first copied there, encrypted
        (`upgrade_backup`), then brought to the current schema; when that copy cannot be written
        the store is left as it was and unopened."""
        path = Path(path)
        if encrypted and raw_key is None and not passphrase:
            raise StoreError(_("Le mot de passe ne peut pas être vide."))
        if encrypted:
            _precheck_file(path)
        elif not path.exists():
            raise StoreError(_("Aucune base n'existe à l'emplacement {path}.").format(path=path))
        return cls._open_keyed(
            path, _key_literal(passphrase, raw_key, encrypted), backup_dir=backup_dir
        )

    @classmethod
    def _open_keyed(cls, path: Path, key: str | None, backup_dir: Path | None = None) -> Store:
        try:
            conn = cls._connect(path, key)
        except sqlcipher3.DatabaseError as exc:
            raise _opening_error(exc, path) from exc
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            # Only a first page that does not decrypt is a wrong passphrase; a file that cannot
            # be opened, a full disk or a lock held by another process each say so.
            code = _code(exc)
            if code == sqlcipher3.SQLITE_CORRUPT:  # the key is right, pages are damaged
                raise _damaged(path) from exc
            if code == sqlcipher3.SQLITE_NOTADB:
                raise WrongPassphraseError(
                    _(
                        "Ce mot de passe n'ouvre pas la base. Vérifiez-le et réessayez. "
                        "Rien n'a été modifié."
                    )
                ) from exc
            raise _opening_error(exc, path) from exc
        make_private(path)  # a store left readable by others by an older version
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
            raise (store_error(exc, path, opening=True) or _damaged(path)) from exc
        except Exception:
            store.close()
            raise
        if backup_dir is not None and 0 < version < LATEST_VERSION:
            try:
                store.upgrade_backup(Path(backup_dir), version)
            except BaseException:
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
        conn = sqlcipher3.connect(
            str(path),
            isolation_level=None,
            check_same_thread=False,
            timeout=busy_timeout_seconds(),
        )
        if key is not None:
            # SQLCipher logs a failed key to stderr; the caller says it in plain words instead.
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = {key}")
        return conn

    def _configure(self) -> None:
        self._conn.execute("PRAGMA foreign_keys = ON")
        self._conn.execute("PRAGMA secure_delete = ON")
        self._conn.execute("PRAGMA temp_store = MEMORY")
        self._conn.execute(f"PRAGMA busy_timeout = {round(busy_timeout_seconds() * 1000)}")
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

    def _clear(self, error: BaseException) -> StoreError | None:
        """`store_error` for this store's file, for a failure while it is in use."""
        return store_error(error, self.path)

    def _rollback(self) -> None:
        # SQLite may have rolled back already (a full disk does); the real cause is raised.
        with contextlib.suppress(sqlcipher3.DatabaseError):
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements inside commit together or not at all. Inside another transaction it
        is a savepoint: its statements go with the outer transaction, or are undone alone.

        A store busy for longer than the busy wait, a full disk or a file that cannot be
        changed raise `StoreBusyError`, `StoreFullError`, `StoreUnavailableError`: nothing of
        the transaction is kept."""
        if self._conn.in_transaction:
            yield from self._savepoint()
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.DatabaseError as exc:
            clear = self._clear(exc)
            if clear is None:
                raise
            raise clear from exc
        try:
            yield self
        except BaseException as error:
            self._rollback()
            clear = self._clear(error)
            if clear is not None and clear is not error:
                raise clear from error
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlcipher3.DatabaseError as exc:
            self._rollback()
            clear = self._clear(exc)
            if clear is None:
                raise
            raise clear from exc

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

    def _run(self, method: Any, *args: Any) -> Any:
        try:
            return method(*args)
        except sqlcipher3.DatabaseError as exc:
            clear = self._clear(exc)
            if clear is None:
                raise
            raise clear from exc

    # A bare statement raises SQLite's own error; inside `transaction()` (where every change
    # belongs) and in the methods below, a failure around the file is told clearly. The command
    # line's root tells a stray one clearly too (`store_error`).

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

        def rows(sql: str) -> list[tuple]:
            return self._run(lambda: self._conn.execute(sql).fetchall())

        problems = [row[0] for row in rows("PRAGMA integrity_check") if row[0] != "ok"]
        if self._key is not None:
            problems += [row[0] for row in rows("PRAGMA cipher_integrity_check")]
        return problems

    def rekey(self, new_passphrase: str) -> None:
        """Change the passphrase. When another process holds the store (busy), the disk is full
        or the file cannot be changed, the clear error is raised and the old passphrase stays."""
        if not new_passphrase:
            raise StoreError(_("Le mot de passe ne peut pas être vide."))
        # SQLCipher's rekey only says "An error occurred with PRAGMA key or rekey" when it cannot
        # write: take the write lock first (within the busy wait) so a busy store says so.
        with self.transaction():
            pass
        self._run(lambda: self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
        try:
            self._conn.execute(f"PRAGMA rekey = {_quote(new_passphrase)}")
        except sqlcipher3.DatabaseError as exc:
            clear = self._clear(exc)
            if clear is None:  # another writer came in between, or the system refused
                cause = _os_cause(self.path)
                try:
                    with self.transaction():
                        pass
                except StoreError as again:
                    clear = again
                else:
                    if cause in (errno.ENOSPC, errno.EDQUOT):
                        clear = _full(self.path, opening=False)
                    elif cause is not None:
                        clear = _unavailable(self.path, cause, opening=False)
                    else:
                        clear = StoreError(
                            _("Le mot de passe n'a pas pu être changé : l'ancien reste valable.")
                        )
            raise clear from exc
        self._key = _quote(new_passphrase)

    def backup(self, destination: Path) -> Path:
        """Write an encrypted copy (same passphrase) to `destination`, which must not exist.

        The copy is written to a temporary file beside it (mode 0600) and renamed: it is whole
        or not there at all."""
        destination = Path(destination)
        if os.path.lexists(destination):
            raise StoreError(
                _("Le fichier {path} existe déjà : choisissez un autre nom.").format(
                    path=destination
                )
            )
        if not destination.parent.is_dir():
            raise StoreError(_("Le dossier {path} n'existe pas.").format(path=destination.parent))
        try:  # an empty file of mode 0600: SQLite writes the copy into it (and its journal alike)
            fd, tmp_name = tempfile.mkstemp(
                prefix=".pasapas-backup-", suffix=".tmp", dir=destination.parent
            )
            os.close(fd)
        except OSError as exc:
            raise _backup_failed(destination, exc.errno) from exc
        tmp = Path(tmp_name)
        try:
            key = self._key if self._key is not None else "''"
            self._conn.execute(f"ATTACH DATABASE ? AS backup KEY {key}", (str(tmp),))
            try:
                self._conn.execute("SELECT sqlcipher_export('backup')")
                version = self.schema_version()
                self._conn.execute(f"PRAGMA backup.user_version = {version}")
            finally:
                with contextlib.suppress(sqlcipher3.DatabaseError):
                    self._conn.execute("DETACH DATABASE backup")
            os.replace(tmp, destination)
        except sqlcipher3.DatabaseError as exc:
            remove_store_files(tmp)
            if _code(exc) == sqlcipher3.SQLITE_BUSY:
                raise _busy(self.path) from exc
            # sqlcipher_export passes on SQLite's failure as a plain error: ask the system.
            cause = errno.ENOSPC if _code(exc) == sqlcipher3.SQLITE_FULL else _os_cause(tmp)
            if cause is not None or _code(exc) in _CANNOT:
                raise _backup_failed(destination, cause) from exc
            raise
        except OSError as exc:
            remove_store_files(tmp)
            raise _backup_failed(destination, exc.errno) from exc
        except BaseException:
            remove_store_files(tmp)
            raise
        return destination

    def upgrade_backup(self, folder: Path, version: int) -> Path:
        """The encrypted copy taken before this store, at schema `version`, is upgraded: written
        into `folder` as `UPGRADE_BACKUP_PREFIX`<version>-<UTC time>.db; only the newest
        `UPGRADE_BACKUPS_KEPT` such copies stay. Raises a `StoreError` saying that nothing was
        changed when the copy cannot be written."""
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%d-%H%M%S")
        destination = folder / f"{UPGRADE_BACKUP_PREFIX}{version}-{stamp}.db"
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
            if os.path.lexists(destination):  # two upgrades in one second: the copy is there
                return destination
            self.backup(destination)
        except (StoreError, OSError) as exc:
            reason = exc.message if isinstance(exc, StoreError) else os_reason(exc.errno)
            raise StoreError(
                _(
                    "Cette base doit être mise à jour pour la nouvelle version, mais sa "
                    "sauvegarde automatique n'a pas pu être écrite ({reason}). Rien n'a été "
                    "modifié : libérez de la place ou vérifiez le dossier {path}, puis relancez."
                ).format(reason=reason.rstrip("."), path=folder)
            ) from exc
        earlier = sorted(
            folder.glob(f"{UPGRADE_BACKUP_PREFIX}*.db"), key=lambda copy: copy.stat().st_mtime
        )
        for old in earlier[:-UPGRADE_BACKUPS_KEPT]:
            with contextlib.suppress(OSError):
                old.unlink()
        return destination

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _opening_error(error: BaseException, path: Path) -> StoreError:
    """The clear error for a store that could not be read at all (not a wrong passphrase)."""
    clear = store_error(error, path, opening=True)
    if clear is not None:
        return clear
    return StoreUnavailableError(
        _("La base {path} ne peut pas être ouverte : {reason}. Rien n'a été modifié.").format(
            path=path,
            reason=_("erreur de la base ({code})").format(
                code=getattr(error, "sqlite_errorname", None) or type(error).__name__
            ),
        )
    )


def _backup_failed(destination: Path, cause: int | None) -> StoreError:
    if cause in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StoreFullError(
            _("Plus de place sur le disque pour écrire la sauvegarde {path} : rien n'a été écrit.")
            .format(path=destination)
        )  # fmt: skip
    return StoreUnavailableError(
        _("La sauvegarde {path} n'a pas pu être écrite : {reason}. Rien n'a été écrit.").format(
            path=destination, reason=os_reason(cause if cause is not None else errno.EIO)
        )
    )


def _restore_failed(cause: int | None) -> StoreError:
    if cause in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return StoreFullError(
            _(
                "Plus de place sur le disque pour restaurer la sauvegarde : la base est restée "
                "telle qu'elle était."
            )
        )
    return StoreUnavailableError(
        _(
            "La sauvegarde n'a pas pu être restaurée : {reason}. La base est restée telle "
            "qu'elle était."
        ).format(reason=os_reason(cause if cause is not None else errno.EIO))
    )


def restore_backup(backup: Path, store_path: Path, passphrase: str) -> Path | None:
    """Replace the store at `store_path` with `backup`, after proving the backup opens and is sound.

    The backup file itself is only read: a copy is checked (and brought to the current schema),
    then moved into place. The replaced store (with its WAL, if any) is kept beside it as
    `<name>.before-restore`; returns that path, or None when there was no store to replace.
    Every file written is 0600; a full disk or a folder that cannot be written is said in one
    sentence, and the store stays as it was.
    """
    backup = Path(backup)
    if not os.path.lexists(backup):
        raise StoreError(_("La sauvegarde {path} n'existe pas.").format(path=backup))
    _precheck_file(backup)
    store_path = Path(store_path)
    try:
        store_path.parent.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        fd, tmp_name = tempfile.mkstemp(prefix=".pasapas-restore-", dir=store_path.parent)
    except OSError as exc:
        raise _restore_failed(exc.errno) from exc
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
    except OSError as exc:
        remove_store_files(tmp)
        raise _restore_failed(exc.errno) from exc
    except StoreFullError as exc:
        remove_store_files(tmp)
        raise _restore_failed(errno.ENOSPC) from exc
    except StoreUnavailableError as exc:
        remove_store_files(tmp)
        raise _restore_failed(_os_cause(store_path)) from exc
    except BaseException:
        remove_store_files(tmp)
        raise
    kept = Path(f"{store_path}.before-restore") if store_path.exists() else None
    if kept is not None:
        # A store kept by an earlier restore goes, with its WAL: SQLite must never replay an old
        # WAL into the store kept now.
        remove_store_files(kept)
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in STORE_FILE_SUFFIXES:
            current = Path(f"{store_path}{suffix}")
            if current.exists():
                aside = Path(f"{store_path}.before-restore{suffix}")
                os.replace(current, aside)
                moved.append((aside, current))
        os.replace(tmp, store_path)
    except OSError as exc:  # put back what was moved: the store stays as it was
        for aside, current in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(aside, current)
        remove_store_files(tmp)
        raise _restore_failed(exc.errno) from exc
    remove_store_files(tmp)  # renamed: only a -wal or -shm of it could be left
    if kept is not None:
        make_private(kept)  # written by an older version, it may be readable by others
    return kept
