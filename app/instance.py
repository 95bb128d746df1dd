"""The running kiosk's lock: one exclusive lock file in the data folder.

The kiosk takes the lock when it starts and keeps it until its process ends (the system drops an
`flock` with the process, even after a crash, so a lock is never left behind). Commands that
would break a running kiosk — `pasapas db rekey` (every later visit would fail until restart) and
`pasapas db restore` (later visits would go into the old file) — check it first and refuse with
one sentence; the staff settings screen does the same work safely from inside the kiosk.

The lock file holds the kiosk's process id, so a command refused because the store is busy can
say the kiosk holds it (`kiosk_pid`); `lock_holders` reads, from the system's table of locks
(`/proc/locks`, Linux), which processes hold a write lock on a file, without taking any lock.
"""

from __future__ import annotations

import os
from pathlib import Path

from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.app.settings import Paths

try:
    import fcntl
except ImportError:  # not on Linux: no lock (the kiosk runs on Linux)
    fcntl = None  # type: ignore[assignment]

LOCK_FILENAME = "kiosk.lock"


class KioskRunningError(PasapasError):
    """The kiosk is open on this data folder: the command would break it."""


def lock_path(paths: Paths) -> Path:
    return paths.data_dir / LOCK_FILENAME


class KioskLock:
    """Held by the running kiosk: `acquire()` once, `release()` (or the process's end)."""

    def __init__(self, paths: Paths) -> None:
        self.path = lock_path(paths)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> KioskLock:
        """Take the lock; `KioskRunningError` when another kiosk holds it."""
        if self._fd is not None or fcntl is None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise KioskRunningError(
                _("Une autre borne est déjà ouverte sur ce dossier : fermez-la d'abord.")
            ) from None
        # Who holds it, for the messages of commands the store is busy for (no personal data).
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> KioskLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def kiosk_running(paths: Paths) -> bool:
    """Is a kiosk holding the lock on this data folder right now?"""
    path = lock_path(paths)
    if fcntl is None or not path.exists():
        return False
    return _held(path)


def _held(path: Path) -> bool:
    try:  # flock needs no write access: this works on a read-only file system too
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def lock_holders(*files: Path) -> list[int]:
    """The ids of the other processes holding a write lock (POSIX or flock) on any of `files`,
    read from `/proc/locks`; empty where that table is not available or names nobody."""
    return _lock_table_holders(files) or []


def _lock_table_holders(files: tuple[Path, ...]) -> list[int] | None:
    """As `lock_holders`, or None when the table of locks cannot be read."""
    wanted = set()
    for file in files:
        try:
            found = os.stat(file)
        except OSError:
            continue
        wanted.add((os.major(found.st_dev), os.minor(found.st_dev), found.st_ino))
    try:
        table = Path("/proc/locks").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    holders: list[int] = []
    for line in table.splitlines():
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->":  # "->": a process waiting, not holding
            continue
        kind, access, pid, where = fields[1], fields[3], fields[4], fields[5]
        if kind not in ("POSIX", "FLOCK", "OFDLCK") or access != "WRITE":
            continue
        try:
            major, minor, inode = where.split(":")
            key = (int(major, 16), int(minor, 16), int(inode))
            holder = int(pid)
        except ValueError:
            continue
        if key in wanted and holder > 0 and holder != os.getpid() and holder not in holders:
            holders.append(holder)
    return holders


def kiosk_pid(data_dir: Path) -> int | None:
    """The id of the kiosk process open on this data folder, or None when none is (or when it
    cannot be known). Takes no lock where the system's table of locks can be read."""
    path = Path(data_dir) / LOCK_FILENAME
    if fcntl is None or not path.exists():
        return None
    holders = _lock_table_holders((path,))
    if holders is None and not _held(path):  # no table: ask the lock itself
        return None
    if holders == []:
        return None
    try:
        return int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return holders[0] if holders else None


def process_name(pid: int) -> str:
    """The short name the system gives a process ("python3", "sqlite3"), or "" when unknown.
    Never its command line, which may hold a secret."""
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def refuse_while_running(paths: Paths, *, action: str = "rekey") -> None:
    """For `db rekey` (`action="rekey"`) and `db restore` (`"restore"`): one sentence, and
    nothing done, while the kiosk is open."""
    if not kiosk_running(paths):
        return
    if action == "restore":
        message = _(
            "La borne est ouverte : restaurez la sauvegarde depuis l'écran Réglages de "
            "l'espace équipe, ou fermez-la d'abord."
        )
    else:
        message = _(
            "La borne est ouverte : changez le mot de passe depuis l'écran Réglages de "
            "l'espace équipe, ou fermez-la d'abord."
        )
    raise KioskRunningError(message)
