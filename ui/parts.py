"""What a kiosk window is built from. The GUI's composition root (`ui.main`) makes the real parts;
tests hand in their own at the edges (a recorded speech engine, a fixed clock).

The window never builds a store, a speech engine or a sync runner itself: it asks its parts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from pasapas.ui.sync_runner import SyncRunner
    from pasapas.ui.voice import SpeechEngine


def _sync_runner(kiosk: Kiosk, parent: QObject) -> SyncRunner:
    from pasapas.ui.sync_runner import SyncRunner

    return SyncRunner(kiosk, parent)


@dataclass
class Parts:
    # Open or create the store and its services: called on a worker thread (the KDF is slow).
    open_kiosk: Callable[[Paths, str], Kiosk] = Kiosk.open
    create_kiosk: Callable[[Paths, str], Kiosk] = Kiosk.create
    # Background sync with the central service, once the store is open.
    sync_runner: Callable[[Kiosk, QObject], SyncRunner] = field(default=_sync_runner)
    # The time a visit is measured with (whole minutes in its anonymous outcome).
    clock: Callable[[], float] = time.monotonic
    # The voice; None until the worker process is up (the window attaches it later).
    speech: SpeechEngine | None = None
