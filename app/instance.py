"""The running kiosk's lock: one exclusive lock file in the data folder.

The kiosk takes the lock when it starts and keeps it until its process ends (the system drops an
`flock` with the process, even after a crash, so a lock is never left behind). Commands that
would break a running kiosk — `pasapas db rekey` (every later visit would fail until restart) and
`pasapas db restore` (later visits would go into the old file) — check it first and refuse with
one sentence; the staff settings screen does the same work safely from inside the kiosk.
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
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


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
