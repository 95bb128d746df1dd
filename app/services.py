"""The core services a screen may ask for, built around one open store.

The GUI's composition root (`ui.main`) builds one `Kiosk` and hands it to the window; tests build
one on a temporary folder. Everything a screen needs (themes, lists, search, a procedure, recording
the end of a visit, checking the admin passphrase) goes through here, never through SQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pasapas.app.audit import AuditLog
from pasapas.app.changes import Changes
from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import (
    Catalog,
    ImportReport,
    ProcedureSummary,
    SearchAnswer,
    ThemeEntry,
    ensure_search_index,
)
from pasapas.app.content.model import Procedure
from pasapas.app.errors import PasapasError
from pasapas.app.guide import Outcome, Walk
from pasapas.app.outbox import SyncState, SyncStatus, write_record
from pasapas.app.records import RecordType
from pasapas.app.reports import Reports
from pasapas.app.retention import purge_if_due
from pasapas.app.settings import Paths, Settings, load_settings
from pasapas.app.staff import StaffAccounts
from pasapas.app.store import Store, remove_store_files
from pasapas.app.training.workshops import Workshops
from pasapas.app.visits import VisitLog


def _hash(passphrase: str, salt: bytes) -> bytes:
    # Only so the passphrase itself is not kept in memory; the store's KDF protects the disk.
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=2**12, r=8, p=1)


def open_store(paths: Paths, passphrase: str) -> Store:
    """The kiosk's store, opened for use: its search index brought up to date (closed again
    when that fails). A store an older version wrote is backed up into the backups folder
    before its schema is upgraded."""
    store = Store.open(paths.store, passphrase, backup_dir=paths.backup_dir)
    try:
        ensure_search_index(store)
    except BaseException:
        store.close()
        raise
    return store


def create_store(
    paths: Paths, passphrase: str | None, *, raw_key: bytes | None = None
) -> tuple[Store, ImportReport]:
    """A new store with the built-in procedures in it: both, or neither (no file is left behind
    when the import fails)."""
    paths.ensure()
    store = Store.create(paths.store, passphrase, raw_key=raw_key)
    try:  # the import records the search index's version too
        report = Catalog(store).import_files(builtin_files(), trusted=True)
    except BaseException:
        store.close()
        remove_store_files(paths.store)
        raise
    return store, report


@dataclass
class Kiosk:
    """The services of one running kiosk. Use from the thread that opened it."""

    store: Store
    paths: Paths
    settings: Settings
    demo: bool = False
    _salt: bytes = field(default_factory=lambda: secrets.token_bytes(16), repr=False)
    _admin_hash: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        self.catalog = Catalog(self.store)
        self.visits = VisitLog(self.store)
        self.audit = AuditLog(self.store)
        self.staff = StaffAccounts(self.store, audit=self.audit)
        self.reports = Reports(self.store, audit=self.audit)
        self.workshops = Workshops(self.store, audit=self.audit)

    @classmethod
    def open(cls, paths: Paths, passphrase: str, *, demo: bool = False) -> Kiosk:
        return cls._with_admin(open_store(paths, passphrase), paths, passphrase, demo)

    @classmethod
    def create(cls, paths: Paths, passphrase: str, *, demo: bool = False) -> Kiosk:
        """Create the store and import the built-in procedures.

        A demo store is thrown away when the kiosk closes: it is keyed with 32 random bytes
        instead of a key derived from the (public) demo passphrase, which also spares the KDF.
        """
        raw_key = secrets.token_bytes(32) if demo else None
        store, _report = create_store(paths, None if demo else passphrase, raw_key=raw_key)
        return cls._with_admin(store, paths, passphrase, demo)

    @classmethod
    def _with_admin(cls, store: Store, paths: Paths, passphrase: str, demo: bool) -> Kiosk:
        kiosk = cls(store=store, paths=paths, settings=load_settings(paths), demo=demo)
        kiosk._admin_hash = _hash(passphrase, kiosk._salt)  # the passphrase itself is not kept
        return kiosk

    def reopened(self) -> Kiosk:
        """The same services on a new connection to the same store, for another thread (a
        connection is never used by two threads at once)."""
        return replace(self, store=self.store.reopen())

    def check_admin(self, passphrase: str) -> bool:
        """True when `passphrase` is the store's passphrase (to close the kiosk)."""
        return hmac.compare_digest(_hash(passphrase, self._salt), self._admin_hash)

    # -- content ---------------------------------------------------------------------------

    def themes(self) -> list[ThemeEntry]:
        return self.catalog.themes()

    def procedures(self, language: str, theme: str | None = None) -> list[ProcedureSummary]:
        return self.catalog.list(language, theme)

    def procedure_count(self) -> int:
        return self.catalog.count()

    def search(self, query: str, language: str) -> list[ProcedureSummary]:
        return self.catalog.search(query, language)

    def find(self, query: str, language: str) -> SearchAnswer:
        """The procedures for what a visitor typed, misspellings forgiven, and the words the
        search understood when it corrected some ("atestasion" -> "attestation")."""
        return self.catalog.find(query, language)

    def procedure(self, procedure_id: str) -> Procedure:
        return self.catalog.get(procedure_id)

    def procedures_by_id(self, procedure_ids: Sequence[str]) -> dict[str, Procedure]:
        """The procedures of these ids the catalog holds (a workshop's items, say)."""
        found = {}
        for procedure_id in procedure_ids:
            try:
                found[procedure_id] = self.catalog.get(procedure_id)
            except PasapasError:
                continue
        return found

    def import_files(self, files: Sequence[Path]) -> ImportReport:
        return self.catalog.import_files(files)

    # -- visits --------------------------------------------------------------------------------

    def start_walk(
        self, procedure_id: str, language: str, *, clock: Callable[[], float] = time.monotonic
    ) -> Walk:
        return Walk(self.procedure(procedure_id), language=language, clock=clock)

    def write_record(self, record_type: RecordType[Any], payload: Any) -> Changes:
        """Write a record of any synced type and queue it for the service, in one transaction
        (`app.records` describes the type; `app.records.InvalidRecord` when it is refused)."""
        write_record(self.store, record_type, payload)
        return Changes(outbox=True)

    def record_visit(self, outcome: Outcome) -> Changes:
        """Keep the anonymous outcome of a visit (`Visit.end()`), queued for the service."""
        self.visits.record(outcome)
        return Changes(visits=True, outbox=True)

    # -- sync ------------------------------------------------------------------------------------

    def sync_status(self) -> SyncStatus:
        """Enrolment, last sync, queued records, records that need attention, recent errors."""
        return SyncState(self.store).status()

    def sync_due(self, now: dt.datetime | None = None) -> bool:
        """Is an automatic sync due: enrolled, not waiting for staff, and past any backoff?"""
        return SyncState(self.store).due(now or dt.datetime.now(dt.UTC))

    # -- upkeep ----------------------------------------------------------------------------------

    def upkeep(self, today: dt.date | None = None) -> Changes:
        """The daily retention purge (`app.retention`), at most once a day: what it changed.

        The window runs it when the kiosk opens and then every hour, on its worker."""
        report = purge_if_due(self.store, today or dt.date.today(), self.settings.retention_months)
        if report is None or not (report.visit_events or report.reports or report.workshops):
            return Changes()
        return Changes(visits=True, reports=True, outbox=True, audit=True)

    def close(self) -> None:
        self.store.close()
