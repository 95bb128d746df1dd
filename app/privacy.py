"""A staff member's rights over their data: a copy of it (export) and its erasure.

What the kiosk holds about a staff member: their account (display name, role, how they log in
but never the hash, display settings, dates), the accompaniment reports they filed (by their
account's random id) and the audit entries of their actions and of changes to their account.

`erase_subject` removes the account row and the author of every report, in the store's rows and
in the outbox's payloads (queued or already sent), queues an `erasure` record so the central
service removes the author from its copies too, and writes an "erasure" audit entry (counts
only), all in one transaction. The store runs with `secure_delete`, so SQLite overwrites what it
deletes; the WAL is then checkpointed and truncated, so the old pages do not linger there
either. The audit entries stay (the log is append-only and hash-chained): they carry only the
random id, which nothing on the kiosk links to a person any more.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from pasapas.app.audit import AuditLog
from pasapas.app.errors import PasapasError
from pasapas.app.i18n import _
from pasapas.app.outbox import QUEUED, enqueue
from pasapas.app.records import canonical_json
from pasapas.app.records.erasure import ERASURE_TYPE, Erasure
from pasapas.app.staff import ADMIN, StaffAccounts
from pasapas.app.store import Store

REPORT_TYPE = "accompaniment_report"  # app/records/accompaniment_report.py
EXPORT_FORMAT = 1


@dataclass(frozen=True)
class ErasureResult:
    reports_anonymised: int
    audit_entries_kept: int


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _like_value(account_id: str) -> str:
    """A LIKE pattern for `"author":"<id>"`-style keys in canonical JSON (ids hold no quote)."""
    escaped = account_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f'%"{escaped}"%'


def _audit_rows(store: Store, account_id: str) -> list[tuple]:
    """Audit entries by this account, or about it (detail "account")."""
    rows = store.query(
        "SELECT seq, at, action, actor, detail FROM audit_log "
        "WHERE actor = ? OR detail LIKE ? ESCAPE '\\' ORDER BY seq",
        (account_id, _like_value(account_id)),
    )
    found = []
    for seq, at, action, actor, detail in rows:
        data = json.loads(detail)
        if actor == account_id or data.get("account") == account_id:
            found.append((seq, at, action, actor, data))
    return found


def export_subject(store: Store, account_id: str, *, actor: str = "") -> dict[str, Any]:
    """Everything the kiosk holds about one staff member, as JSON-able data (never the secret's
    hash). NotFoundError for an unknown account. Audited as "subject_export" (counts only)."""
    account = StaffAccounts(store).get(account_id)
    reports = []
    for report_id, payload, updated_at, state in store.query(
        "SELECT r.id, r.payload, r.updated_at, o.state FROM accompaniment_reports AS r "
        "LEFT JOIN outbox AS o ON o.id = r.id WHERE r.author = ? ORDER BY r.day, r.created_at",
        (account_id,),
    ):
        reports.append(
            {
                "id": report_id,
                "updated_at": updated_at,
                "sent": state != QUEUED,  # no outbox row: sent, then purged
                "report": json.loads(payload),
            }
        )
    audit = [
        {"seq": seq, "at": at, "action": action, "by_this_account": who == account_id,
         "detail": detail}
        for seq, at, action, who, detail in _audit_rows(store, account_id)
    ]  # fmt: skip
    data = {
        "format": EXPORT_FORMAT,
        "kind": "staff",
        "exported_at": _utc_now().replace(microsecond=0).isoformat(),
        "account": {
            "id": account.id,
            "display_name": account.display_name,
            "role": account.role,
            "secret_kind": account.secret_kind,
            "active": account.active,
            "failures": account.failures,
            "locked_until": account.locked_until.isoformat() if account.locked_until else None,
            "display": {
                "text_size": account.display.text_size,
                "theme": account.display.theme,
                "language": account.display.language,
            },
            "created_on": account.created_on.isoformat(),
            "last_login_on": account.last_login_on.isoformat() if account.last_login_on else None,
        },
        "reports": reports,
        "audit": audit,
    }
    AuditLog(store).append(
        "subject_export", actor, {"kind": "staff", "reports": len(reports), "audit": len(audit)}
    )
    return data


def _without_author(payload_text: str, account_id: str) -> str | None:
    """The payload with its author blanked, or None when this account is not its author."""
    payload = json.loads(payload_text)
    if not isinstance(payload, dict) or payload.get("author") != account_id:
        return None
    payload["author"] = ""
    return canonical_json(payload)


def erase_subject(
    store: Store,
    account_id: str,
    *,
    actor: str,
    today: dt.date | None = None,
) -> ErasureResult:
    """Erase a staff member: their account, and their name as the author of their reports, here
    and (through the outbox) on the service. One transaction; refused for the last active site
    admin. NotFoundError for an unknown account."""
    accounts = StaffAccounts(store)
    audit = AuditLog(store)
    day = today or dt.date.today()
    with store.transaction():
        account = accounts.get(account_id)
        if account.active and account.role == ADMIN and not _another_admin(store, account_id):
            raise PasapasError(
                _(
                    "C'est le dernier compte responsable du lieu : créez d'abord un autre "
                    "compte responsable, puis effacez celui-ci."
                )
            )
        store.execute("DELETE FROM staff_accounts WHERE id = ?", (account_id,))
        store.execute("UPDATE workshops SET trainer = '' WHERE trainer = ?", (account_id,))
        anonymised = 0
        for report_id, payload in store.query(
            "SELECT id, payload FROM accompaniment_reports WHERE author = ?", (account_id,)
        ):
            cleaned = _without_author(payload, account_id)
            store.execute(
                "UPDATE accompaniment_reports SET author = '', payload = ? WHERE id = ?",
                (cleaned if cleaned is not None else payload, report_id),
            )
            anonymised += 1
        # The outbox keeps every record's payload, queued or already sent: blank the author in
        # all of them (the service applies the erasure to what it already holds).
        for entry_id, payload in store.query(
            "SELECT id, payload FROM outbox WHERE type = ? AND payload LIKE ? ESCAPE '\\'",
            (REPORT_TYPE, _like_value(account_id)),
        ):
            cleaned = _without_author(payload, account_id)
            if cleaned is not None:
                store.execute("UPDATE outbox SET payload = ? WHERE id = ?", (cleaned, entry_id))
        enqueue(
            store,
            str(uuid.uuid4()),
            ERASURE_TYPE,
            Erasure(subject=account_id, kind="staff", day=day),
        )
        kept = len(_audit_rows(store, account_id))
        audit.append("erasure", actor, {"kind": "staff", "reports": anonymised})
    # Move the overwritten pages out of the WAL into the file and empty the WAL. Best effort: a
    # reader on another connection may hold the WAL; its next checkpoint finishes the job.
    store.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return ErasureResult(reports_anonymised=anonymised, audit_entries_kept=kept)


def _another_admin(store: Store, account_id: str) -> bool:
    row = store.query_one(
        "SELECT 1 FROM staff_accounts WHERE active = 1 AND role = ? AND id != ?",
        (ADMIN, account_id),
    )
    return row is not None
