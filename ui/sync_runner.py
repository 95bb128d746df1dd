"""Background sync for the kiosk window: on a schedule, on demand, never on the GUI thread.

Every sync and every probe runs through `run_in_background` on the worker's own store
connection (opened once, used by one task at a time); the GUI thread only asks `Kiosk` whether
a sync is due. After a success the next sync comes `interval_s` later; after a failure the
backoff saved in the store decides. While the network is down, a small probe runs every
`probe_ms` and the sync starts at once when the service answers again. A 401/403 stops the
automatic syncs until staff enrol the kiosk again. Only one sync runs at a time.

What a sync, a probe or an enrolment changed is said by `changed` (a `Changes`), which the window
broadcasts to every screen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from pasapas.app.changes import Changes
from pasapas.app.services import Kiosk
from pasapas.app.store import Store

if TYPE_CHECKING:
    from pasapas.sync.client import SyncReport

# sync.client brings requests and urllib3 (over 100 ms to import): loaded with the first sync,
# after the home screen is up, not at start-up.
from pasapas.ui.background import run_in_background

_SYNC_STATE = Changes(sync_state=True)


class SyncRunner(QObject):
    changed = Signal(object)  # a Changes: a sync, a probe or an enrolment ended

    def __init__(
        self,
        kiosk: Kiosk,
        parent: QObject | None = None,
        *,
        first_delay_ms: int = 5_000,
        check_ms: int = 30_000,
        probe_ms: int = 15_000,
        interval_s: float | None = None,
    ) -> None:
        super().__init__(parent)
        self._kiosk = kiosk
        self._first_delay_ms = first_delay_ms
        self._check_ms = check_ms
        self._probe_ms = probe_ms
        if interval_s is None:
            from pasapas.sync.protocol import SYNC_INTERVAL as interval_s
        self._interval_ms = int(interval_s * 1000)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._tick)
        self._stop = threading.Event()
        self._busy = False
        self._worker_store: Store | None = None
        self._store_source = kiosk.store
        self.last_report: SyncReport | None = None
        self.last_error: str = ""

    # -- control ---------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def start(self) -> None:
        self._stop.clear()
        self._timer.start(self._first_delay_ms)

    def stop(self) -> None:
        """Stop scheduling; a sync under way ends after its current batch."""
        self._stop.set()
        self._timer.stop()
        if not self._busy:
            self._close_worker_store()

    def sync_now(self) -> bool:
        """Start a sync now (staff asked). False when one is already under way."""
        if self._busy:
            return False
        self._timer.stop()
        self._run(self._sync_work, self._synced)
        return True

    def enroll(
        self,
        url: str,
        code: str,
        *,
        allow_http: bool,
        ca_bundle: str,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> bool:
        if self._busy:
            return False

        def work() -> Any:
            from pasapas.sync.client import enroll

            return enroll(self._store(), url, code, allow_http=allow_http, ca_bundle=ca_bundle)

        def done(result: Any) -> None:
            self._idle()
            self.changed.emit(_SYNC_STATE)
            on_done(result)
            self.sync_now()

        def failed(error: Exception) -> None:
            self._idle()
            self.changed.emit(_SYNC_STATE)
            on_error(error)

        self._busy = True
        self._timer.stop()
        run_in_background(work, done, failed)
        return True

    # -- the schedule -----------------------------------------------------------------------------

    def _schedule(self, ms: int) -> None:
        if not self._stop.is_set():
            self._timer.start(ms)

    def _tick(self) -> None:
        if self._busy or self._stop.is_set():
            return
        try:
            status = self._kiosk.sync_status()
            due = status.enrolled and not status.needs_staff and self._kiosk.sync_due()
        except Exception:  # the store was closed under us (the kiosk is shutting down)
            self.stop()
            return
        if not status.enrolled or status.needs_staff:
            self._schedule(self._check_ms)
        elif due:
            self._run(self._sync_work, self._synced)
        elif status.offline:
            self._run(self._probe_work, self._probed)
        else:
            self._schedule(self._check_ms)

    # -- work on the worker ---------------------------------------------------------------------

    def _store(self) -> Store:
        if self._worker_store is None:
            self._worker_store = self._store_source.reopen()
        return self._worker_store

    def _probe_work(self) -> bool:
        from pasapas.sync.client import probe

        return probe(self._store())

    def _sync_work(self) -> SyncReport:
        from pasapas.sync.client import SyncEngine

        return SyncEngine(self._store(), stop=self._stop).sync_once()

    def _run(self, work: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        self._busy = True
        run_in_background(work, on_done, self._failed)

    def _idle(self) -> None:
        self._busy = False
        if self._stop.is_set():
            self._close_worker_store()

    def _synced(self, report: SyncReport) -> None:
        self._idle()
        self.last_report, self.last_error = report, ""
        self.changed.emit(report.changes)
        self._schedule(self._interval_ms)

    def _probed(self, reachable: bool) -> None:
        self._idle()
        if reachable and not self._stop.is_set():
            self._run(self._sync_work, self._synced)  # the network is back: try at once
        else:
            self._schedule(self._probe_ms)

    def _failed(self, error: Exception) -> None:
        self._idle()
        self.last_error = getattr(error, "message", str(error))
        self.changed.emit(_SYNC_STATE)
        self._schedule(
            self._probe_ms if getattr(error, "kind", "") == "network" else self._check_ms
        )

    def _close_worker_store(self) -> None:
        if self._worker_store is not None:
            self._worker_store.close()
            self._worker_store = None
