"""Domain errors. Each carries a message already translated for the person who will read it."""

from __future__ import annotations


class PasapasError(Exception):
    """An expected failure: the CLI prints `message` and exits non-zero, the kiosk shows it."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StoreError(PasapasError):
    """The encrypted store cannot be opened, created or changed."""


class WrongPassphraseError(StoreError):
    """The passphrase does not open the store (or the file is not a Pas à pas store)."""


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
