"""Domain errors. Each carries a message already translated for the person who will read it.

`os_reason` says why the system refused a file operation, in the interface language (the
system's own `strerror` is English).
"""

from __future__ import annotations

import errno

from pasapas.app.i18n import _


class PasapasError(Exception):
    """An expected failure: the CLI prints `message` and exits non-zero, the kiosk shows it."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreError(PasapasError):
    """The encrypted store cannot be opened, created or changed."""


class WrongPassphraseError(StoreError):
    """The passphrase does not open the store (or the file is not a Pas à pas store).

    Only told when SQLCipher could read the file and its first page did not decrypt: a file
    that cannot be opened, a full disk or a busy store each has its own error below."""


class StoreDamagedError(StoreError):
    """The store file is truncated, corrupted or not a database at all."""


class StoreFullError(StoreError):
    """The disk has no room left for a change to the store: the change was not made."""


class ContentError(PasapasError):
    """One or more procedure documents are invalid; `problems` lists every one."""

    def __init__(self, message: str, problems: tuple = ()) -> None:
        super().__init__(message)
        self.problems = problems


class GuideError(PasapasError):
    """A walk-through action that does not fit the current step."""


class NotFoundError(PasapasError):
    """Something asked for by id does not exist."""


class StoreUnavailableError(StoreError):
    """The store's file cannot be opened or changed (read-only file system, no permission,
    an immutable file, an I/O error): the passphrase is not in question."""


class StoreBusyError(StoreError):
    """Another process held the store's lock for longer than the busy wait."""


def os_reason(code: int | None) -> str:
    """Why the system refused, for an `errno` value, as a translated phrase (no full stop)."""
    if code == errno.EROFS:
        return _("le système de fichiers est en lecture seule")
    if code in (errno.EACCES, errno.EPERM):
        return _("accès refusé (droits du fichier ou de son dossier, ou fichier protégé)")
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return _("plus de place sur le disque")
    if code == errno.ENOENT:
        return _("fichier ou dossier introuvable")
    if code == errno.ENOTDIR:
        return _("un élément du chemin n'est pas un dossier")
    if code == errno.EISDIR:
        return _("c'est un dossier, pas un fichier")
    if code == errno.EIO:
        return _("erreur de lecture ou d'écriture du disque")
    name = errno.errorcode.get(code or 0, str(code))
    return _("erreur du système ({code})").format(code=name)
