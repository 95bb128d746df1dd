"""The one way a screen runs a core operation: off the GUI thread, a translated sentence when it
fails (unless the screen handles the failure itself), and what it changed broadcast to every
screen (`Screen.on_changes`), as Anki's `CollectionOp` and `OpChanges` do.

An operation returns a `Changes`, or a result carrying one in its `changes` attribute (an import
report, a sync report); anything else changed nothing the screens show.

Work on the store never uses the GUI thread's connection: `WorkerKiosk` keeps the kiosk's
services on a connection of their own, opened on first use and used by one task at a time.
A screen writes `run_operation(nav, nav.with_worker_kiosk(lambda kiosk: kiosk.write_record(…)))`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from pasapas.app.changes import NOTHING, Changes
from pasapas.app.errors import PasapasError, StoreError
from pasapas.app.i18n import _
from pasapas.app.services import Kiosk
from pasapas.ui.background import run_in_background

T = TypeVar("T")


class Broadcaster(Protocol):
    """The window, as an operation sees it."""

    def broadcast(self, changes: Changes, origin: object | None = None) -> None: ...

    def show_error(self, message: str) -> None: ...


def error_message(error: BaseException) -> str:
    """One translated sentence for a failure: the core's own, or a general one. An unexpected
    error's own text (a library's English) is not shown: only its kind goes to the log."""
    if isinstance(error, PasapasError):
        return error.message
    print(f"pasapas: unexpected {type(error).__name__}", file=sys.stderr)
    return _(
        "Une erreur inattendue est survenue. Réessayez, ou appelez une personne responsable."
    )


class WorkerKiosk:
    """The kiosk's services on their own store connection, for work off the GUI thread."""

    def __init__(self, source: Callable[[], Kiosk | None]) -> None:
        self._source = source
        self._kiosk: Kiosk | None = None
        self._lock = threading.Lock()

    def run(self, work: Callable[[Kiosk], T]) -> T:
        """Run `work` on the worker's kiosk (call from a worker thread): one task at a time."""
        with self._lock:
            if self._kiosk is None:
                main = self._source()
                if main is None:
                    raise StoreError(
                        _("La borne est verrouillée. Une personne responsable doit l'ouvrir.")
                    )
                self._kiosk = main.reopened()
            return work(self._kiosk)

    def close(self) -> None:
        """Close the worker's connection once no task holds it (the store closes, or changes)."""
        with self._lock:
            if self._kiosk is not None:
                self._kiosk.close()
                self._kiosk = None


def changes_of(result: object) -> Changes:
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", NOTHING)
    return found if isinstance(found, Changes) else NOTHING


def run_operation(
    window: Broadcaster,
    work: Callable[[], T],
    *,
    on_done: Callable[[T], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    origin: object | None = None,
) -> None:
    """Run `work()` on a worker thread. Back on the GUI thread: `on_done(result)`, then every
    screen hears what changed; or `on_error(error)`, by default a sentence shown by the window."""

    def done(result: Any) -> None:
        if on_done is not None:
            on_done(result)
        changes = changes_of(result)
        if changes:
            window.broadcast(changes, origin)

    def failed(error: Exception) -> None:
        if on_error is not None:
            on_error(error)
        else:
            window.show_error(error_message(error))

    run_in_background(work, done, failed)
