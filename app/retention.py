"""The retention purge: anonymous visit events and accompaniment reports are kept `months` whole
months before the current one (Settings.retention_months, 12 by default), then only their monthly
aggregates (docs/privacy.md). Closed workshops go at the same age, with their participants'
names, contacts and progress (their report stays, as every report, until its own purge).

`purge` folds the rows of the days before the cut-off into `activity_aggregates` (per month,
source and dimension: what `app.stats.activity` counts) and deletes them, with their outbox
entries, in one transaction; the store runs with `secure_delete`, so the deleted rows are
overwritten in the file. A record the service has not acknowledged yet (queued, or needing
attention) is never purged: it stays, whole, until it is sent, and the first purge after that
removes it. The audit log records that a purge ran and how many rows it removed, never which.

`purge_if_due` runs it at most once a day (the kiosk calls it when it starts and each day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pasapas.app.audit import AuditLog
from pasapas.app.outbox import SENT
from pasapas.app.stats import DURATION_BANDS, month_start
from pasapas.app.store import Store
from pasapas.app.training.workshops import Workshops

LAST_PURGE_KEY = "retention_last_purge"  # in `meta`: the day the purge last ran


@dataclass(frozen=True)
class PurgeReport:
    visit_events: int
    reports: int
    cutoff: dt.date | None = None  # rows of the days before this one were purged
    workshops: int = 0  # closed workshops, with their participants, contacts and progress


def cutoff_day(today: dt.date, months: int) -> dt.date:
    """The first day kept: the first of the month `months` months before today's month."""
    return month_start(today, months)


_UPSERT = (
    " ON CONFLICT (month, source, dimension, value) DO UPDATE SET"
    " count = count + excluded.count, minutes = minutes + excluded.minutes"
)
_BAND = (
    "CASE "
    + " ".join(f"WHEN r.duration <= {longest} THEN '{code}'" for code, longest in DURATION_BANDS)
    + f" ELSE '{DURATION_BANDS[-1][0]}' END"
)

# (dimension, value expression, count expression) for reports (r) and visit events (v).
_REPORT_DIMENSIONS = (
    ("all", "''", "count(*)"),
    ("participants", "''", "sum(r.participants)"),
    ("procedure", "r.procedure_id", "count(*)"),
    ("language", "r.language", "count(*)"),
    ("autonomy", "r.autonomy", "count(*)"),
    ("place", "r.place_type", "count(*)"),
    ("kind", "r.kind", "count(*)"),
    ("duration_band", _BAND, "count(*)"),
)
_VISIT_DIMENSIONS = (
    ("all", "''"),
    ("procedure", "v.procedure_id"),
    ("language", "v.language"),
    ("outcome", "v.outcome"),
)


def _fold_reports(store: Store) -> None:
    for dimension, value, count in _REPORT_DIMENSIONS:
        store.execute(
            "INSERT INTO activity_aggregates (month, source, dimension, value, count, minutes) "
            f"SELECT substr(r.day, 1, 7), 'report', '{dimension}', {value}, {count}, "
            "sum(r.duration) FROM accompaniment_reports r JOIN temp.purged p ON p.id = r.id "
            f"WHERE true GROUP BY 1, 4{_UPSERT}"
        )
    for dimension, sub in (("theme", 0), ("admin_subtheme", 1)):
        store.execute(
            "INSERT INTO activity_aggregates (month, source, dimension, value, count, minutes) "
            f"SELECT substr(t.day, 1, 7), 'report', '{dimension}', t.theme, count(*), "
            "sum(r.duration) FROM accompaniment_report_themes t JOIN temp.purged p "
            "ON p.id = t.report_id JOIN accompaniment_reports r ON r.id = t.report_id "
            f"WHERE t.sub = {sub} GROUP BY 1, 4{_UPSERT}"
        )


def _fold_visits(store: Store) -> None:
    for dimension, value in _VISIT_DIMENSIONS:
        store.execute(
            "INSERT INTO activity_aggregates (month, source, dimension, value, count, minutes) "
            f"SELECT substr(v.day, 1, 7), 'visit', '{dimension}', {value}, count(*), "
            "sum(v.minutes) FROM visit_events v JOIN temp.purged p ON p.id = v.id "
            f"WHERE true GROUP BY 1, 4{_UPSERT}"
        )


def _mark(store: Store, table: str, cutoff: dt.date) -> int:
    """Fill temp.purged with the ids of `table`'s rows before `cutoff` the service holds (or
    that were never queued); their number."""
    store.execute("DELETE FROM temp.purged")
    store.execute(
        f"INSERT INTO temp.purged (id) SELECT x.id FROM {table} x WHERE x.day < ? AND NOT EXISTS "
        "(SELECT 1 FROM outbox o WHERE o.id = x.id AND o.state != ?)",
        (cutoff.isoformat(), SENT),
    )
    row = store.query_one("SELECT count(*) FROM temp.purged")
    return row[0] if row else 0


def _delete(store: Store, table: str) -> None:
    store.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM temp.purged)")
    store.execute(
        "DELETE FROM outbox WHERE id IN (SELECT id FROM temp.purged) AND state = ?", (SENT,)
    )


def purge(store: Store, today: dt.date, months: int, *, actor: str = "") -> PurgeReport:
    """Fold and delete what is past retention, in one transaction; how many rows went."""
    cutoff = cutoff_day(today, months)
    with store.transaction():
        store.execute("CREATE TEMP TABLE IF NOT EXISTS purged (id TEXT PRIMARY KEY)")
        reports = _mark(store, "accompaniment_reports", cutoff)
        if reports:
            _fold_reports(store)
            _delete(store, "accompaniment_reports")  # their themes go with them (cascade)
        visits = _mark(store, "visit_events", cutoff)
        if visits:
            _fold_visits(store)
            _delete(store, "visit_events")
        store.execute("DELETE FROM temp.purged")
        workshops = Workshops(store).purge_before(cutoff)
        AuditLog(store).append(
            "purge",
            actor,
            {"visit_events": visits, "reports": reports, "workshops": workshops, "months": months},
        )
    return PurgeReport(visit_events=visits, reports=reports, cutoff=cutoff, workshops=workshops)


def purge_if_due(store: Store, today: dt.date, months: int) -> PurgeReport | None:
    """Purge once a day at most: None when it already ran today."""
    row = store.query_one("SELECT value FROM meta WHERE key = ?", (LAST_PURGE_KEY,))
    if row is not None and row[0] == today.isoformat():
        return None
    with store.transaction():
        report = purge(store, today, months)
        store.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (LAST_PURGE_KEY, today.isoformat()),
        )
    return report
