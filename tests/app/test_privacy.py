"""A staff member's data: its export, and its erasure — gone from the file and its WAL, the author
blanked in the reports and in the outbox, an `erasure` record queued, the audit chain intact."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from pasapas.app.audit import AuditLog
from pasapas.app.errors import NotFoundError, PasapasError
from pasapas.app.outbox import QUEUED, SENT, Outbox
from pasapas.app.privacy import erase_subject, export_subject
from pasapas.app.reports import ReportDraft, Reports
from pasapas.app.services import create_store
from pasapas.app.staff import StaffAccounts
from pasapas.app.store import STORE_FILE_SUFFIXES, Store
from pasapas.cli import main
from tests.app.helpers import PASSPHRASE

PIN = "482915"
NAME = "Zéphyrine Quatremare"


def draft(**changes) -> ReportDraft:
    values = {
        "day": dt.date(2026, 11, 30),
        "themes": ("aide_aux_demarches_administratives",),
        "admin_subthemes": ("social_sante",),
        "procedure_name": "Carte Vitale",
        "procedure_id": "carte-vitale",
        "language": "fr",
    }
    return ReportDraft(**{**values, **changes})


def staffed(store: Store) -> tuple[str, str, list[str]]:
    """An admin, the staff member to erase (NAME) and three of her reports, one already sent."""
    staff = StaffAccounts(store)
    admin = staff.create("Claire Martin", "site_admin", PIN)
    member = staff.create(NAME, "volunteer", PIN, actor=admin.id)
    staff.login(member.id, PIN)
    reports = Reports(store)
    ids = [reports.file(draft(duration=minutes), actor=member.id).id for minutes in (15, 30, 45)]
    reports.file(draft(), actor=admin.id)
    Outbox(store).settle([ids[0]], [])
    return admin.id, member.id, ids


def raw_files(path: Path) -> dict[str, bytes]:
    found = {}
    for suffix in STORE_FILE_SUFFIXES:
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            found[suffix or "db"] = candidate.read_bytes()
    return found


@pytest.fixture
def store(tmp_path: Path):
    store = Store.create(tmp_path / "privacy.db", PASSPHRASE)
    yield store
    store.close()


def test_an_export_holds_the_account_its_reports_and_its_audit_entries_but_no_hash(store):
    admin_id, member_id, ids = staffed(store)
    data = export_subject(store, member_id, actor=admin_id)
    json.dumps(data)  # JSON-able as it is
    account = data["account"]
    assert account["display_name"] == NAME and account["role"] == "volunteer"
    assert account["last_login_on"] is not None
    assert "$argon2" not in json.dumps(data) and "secret_hash" not in json.dumps(data)
    assert sorted(r["id"] for r in data["reports"]) == sorted(ids)
    assert {r["id"]: r["sent"] for r in data["reports"]}[ids[0]] is True
    assert all(r["report"]["author"] == member_id for r in data["reports"])
    actions = [e["action"] for e in data["audit"]]
    assert actions == ["account_created", "login"]  # her creation (by the admin) and her login
    assert AuditLog(store).entries(1)[0].action == "subject_export"
    with pytest.raises(NotFoundError):
        export_subject(store, "no-such-account")


def test_erasure_blanks_the_author_here_and_queues_it_for_the_service(store):
    admin_id, member_id, ids = staffed(store)
    before = AuditLog(store).entries(1000)
    result = erase_subject(store, member_id, actor=admin_id, today=dt.date(2026, 12, 2))
    assert result.reports_anonymised == 3
    assert result.audit_entries_kept == 2
    with pytest.raises(NotFoundError):
        StaffAccounts(store).get(member_id)
    rows = dict(store.query("SELECT id, author FROM accompaniment_reports"))
    assert [rows[i] for i in ids] == ["", "", ""]
    assert list(rows.values()).count(admin_id) == 1  # someone else's report keeps its author
    for report_id in ids:
        (payload,) = store.query_one(
            "SELECT payload FROM accompaniment_reports WHERE id = ?", (report_id,)
        )
        assert json.loads(payload)["author"] == ""
    outbox = {
        i: (state, json.loads(p))
        for i, state, p in store.query("SELECT id, state, payload FROM outbox")
    }
    assert outbox[ids[0]][0] == SENT and outbox[ids[1]][0] == QUEUED
    assert all(outbox[i][1]["author"] == "" for i in ids)  # sent and queued alike
    assert member_id not in json.dumps([p for i, (_s, p) in outbox.items() if i in ids])
    erasures = [p for i, (s, p) in outbox.items() if s == QUEUED and "subject" in p]
    assert erasures == [{"subject": member_id, "kind": "staff", "day": "2026-12-02"}]
    # The report screens see it too: nothing is by her any more.
    assert Reports(store).recent(author=member_id) == []
    log = AuditLog(store)
    assert log.verify().ok
    last = log.entries(1)[0]
    assert (last.action, last.actor, last.detail) == (
        "erasure",
        admin_id,
        {"kind": "staff", "reports": 3},
    )
    assert len(log.entries(1000)) == len(before) + 1  # the log keeps its entries


def test_the_erased_name_is_gone_from_the_database_file_and_its_wal(tmp_path):
    # A plain (unencrypted) store of the same schema, so the bytes on disk can be searched: an
    # encrypted one would hide the name even if SQLite had left it behind.
    path = tmp_path / "plain.db"
    store = Store.create(path, None, encrypted=False)
    try:
        admin_id, member_id, _ids = staffed(store)
        needle = NAME.encode("utf-8")
        assert any(needle in data for data in raw_files(path).values())
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        assert needle in raw_files(path)["db"]  # the search would find it: it is there now
        erase_subject(store, member_id, actor=admin_id)
        for name, data in raw_files(path).items():
            assert needle not in data, name
            assert member_id.encode() not in data or name == "db"  # the queued erasure only
        # Written again and read back: the store is sound after the erasure.
        assert store.check() == []
        assert [a.display_name for a in StaffAccounts(store).accounts()] == ["Claire Martin"]
    finally:
        store.close()


def test_the_last_site_admin_cannot_be_erased(store):
    staff = StaffAccounts(store)
    admin = staff.create("Claire Martin", "site_admin", PIN)
    with pytest.raises(PasapasError, match="dernier compte responsable"):
        erase_subject(store, admin.id, actor=admin.id)
    assert staff.get(admin.id).display_name == "Claire Martin"
    assert Outbox(store).counts().queued == 0  # nothing queued either
    other = staff.create("Karim Benali", "site_admin", PIN)
    assert erase_subject(store, admin.id, actor=other.id).reports_anonymised == 0
    with pytest.raises(NotFoundError):
        erase_subject(store, admin.id, actor=other.id)


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def cli_home(paths, monkeypatch):
    store, _report = create_store(paths, PASSPHRASE)
    try:
        ids = staffed(store)
    finally:
        store.close()
    monkeypatch.setenv("PASAPAS_PASSPHRASE", PASSPHRASE)
    return paths, ids


def test_privacy_export_writes_a_private_json_file(cli_home, tmp_path, capsys):
    _paths, (_admin, member_id, ids) = cli_home
    out = tmp_path / "export.json"
    assert main(["privacy", "export", "--staff", NAME.upper(), str(out)]) == 0
    assert "exportées" in capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["account"]["id"] == member_id and len(data["reports"]) == len(ids)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert main(["privacy", "export", "--staff", "Personne", str(out)]) == 1
    assert "Aucun compte" in capsys.readouterr().err


def test_privacy_erase_asks_for_confirmation_then_erases(cli_home, capsys):
    paths, (_admin, member_id, _ids) = cli_home
    assert main(["privacy", "erase", "--staff", NAME]) == 1  # no terminal, no --yes
    err = capsys.readouterr().err
    assert "--yes" in err and "Traceback" not in err
    with Store.open(paths.store, PASSPHRASE) as store:
        assert StaffAccounts(store).get(member_id).display_name == NAME
    assert main(["privacy", "erase", "--staff", NAME, "--yes"]) == 0
    assert "3 comptes-rendus ne portent plus son nom" in capsys.readouterr().out
    with Store.open(paths.store, PASSPHRASE) as store:
        with pytest.raises(NotFoundError):
            StaffAccounts(store).get(member_id)
        assert AuditLog(store).verify().ok
    assert main(["audit", "verify"]) == 0
