"""A staff member erased on a kiosk is erased on the central service too: the `erasure` record
travels through the outbox, and the service blanks that author in its site's reports (only its
site's), on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from pasapas.app.outbox import ATTENTION, QUEUED, SENT, Outbox, SyncState
from pasapas.app.privacy import erase_subject
from pasapas.app.reports import ReportDraft, Reports
from pasapas.app.staff import StaffAccounts
from pasapas.sync.client import SyncEngine, enroll
from pasapas.sync.protocol import record_digest
from pasapas.sync.server.storage import records

FAST = (2.0, 3.0)
PIN = "482915"
OTHER_SITE = "Médiathèque de Liévin"


def draft(**changes) -> ReportDraft:
    values = {
        "day": dt.date(2026, 11, 30),
        "themes": ("aide_aux_demarches_administratives",),
        "admin_subthemes": ("logement",),
        "procedure_name": "Aide au logement",
        "language": "fr",
    }
    return ReportDraft(**{**values, **changes})


def server_payload(central, store, record_id: str) -> dict:
    device = SyncState(store).enrolment().device_id
    row = central.db.device_record(device, record_id)
    assert row is not None, record_id
    return json.loads(row["payload"])


def sync(store) -> None:
    SyncEngine(store, timeout=FAST).sync_once()


def test_an_erasure_reaches_the_service_and_blanks_the_author_of_its_sites_reports(
    central, service, make_store
):
    kiosk = make_store("kiosk")
    enroll(kiosk, service.url, central.code(), allow_http=True, timeout=FAST)
    staff = StaffAccounts(kiosk)
    admin = staff.create("Claire Martin", "site_admin", PIN)
    member = staff.create("Awa Diop", "volunteer", PIN)
    reports = Reports(kiosk)
    sent = [reports.file(draft(duration=m), actor=member.id).id for m in (15, 30)]
    by_admin = reports.file(draft(), actor=admin.id).id
    sync(kiosk)
    assert [server_payload(central, kiosk, i)["author"] for i in sent] == [member.id] * 2

    # Another site's kiosk whose report happens to carry the same author id: not ours to erase.
    central.db.add_site(OTHER_SITE)
    elsewhere = make_store("elsewhere")
    enroll(elsewhere, service.url, central.code(OTHER_SITE), allow_http=True, timeout=FAST)
    foreign = Reports(elsewhere).file(draft(author=member.id), actor=member.id).id
    sync(elsewhere)

    unsent = reports.file(draft(duration=45), actor=member.id).id  # still queued when erased
    result = erase_subject(kiosk, member.id, actor=admin.id)
    assert result.reports_anonymised == 3
    sync(kiosk)

    counts = Outbox(kiosk).counts()
    assert (counts.queued, counts.attention) == (0, 0)
    for record_id in [*sent, unsent]:
        assert server_payload(central, kiosk, record_id)["author"] == ""
    assert server_payload(central, kiosk, by_admin)["author"] == admin.id
    assert server_payload(central, elsewhere, foreign)["author"] == member.id
    assert central.db.stats()["records_by_type"]["erasure"] == 1

    # The service's digest follows the erased payload: a kiosk that sends a report again (an
    # acknowledgement lost) is told "duplicate", not "conflict".
    with kiosk.transaction():
        kiosk.execute("UPDATE outbox SET state = ? WHERE id = ?", (QUEUED, sent[0]))
    sync(kiosk)
    assert Outbox(kiosk).state_of(sent[0]) == SENT
    stored = server_payload(central, kiosk, sent[0])
    device = SyncState(kiosk).enrolment().device_id
    with central.db.engine.begin() as conn:
        digest = conn.execute(
            select(records.c.digest).where(records.c.id == sent[0], records.c.device_id == device)
        ).scalar_one()
    assert digest == record_digest("accompaniment_report", 1, stored)


def test_a_report_that_arrives_after_the_erasure_is_stored_without_its_author(
    central, service, make_store
):
    kiosk = make_store("kiosk")
    enroll(kiosk, service.url, central.code(), allow_http=True, timeout=FAST)
    staff = StaffAccounts(kiosk)
    admin = staff.create("Claire Martin", "site_admin", PIN)
    member = staff.create("Awa Diop", "volunteer", PIN)
    erase_subject(kiosk, member.id, actor=admin.id)
    sync(kiosk)

    # A second kiosk of the same site, offline until now, still holds a report by that id.
    second = make_store("second")
    enroll(second, service.url, central.code(), allow_http=True, timeout=FAST)
    late = Reports(second).file(draft(author=member.id), actor=member.id).id
    own = Reports(second).file(draft(author=admin.id), actor=admin.id).id
    sync(second)
    assert Outbox(second).state_of(late) == SENT
    assert Outbox(second).counts().attention == 0
    assert server_payload(central, second, late)["author"] == ""
    assert server_payload(central, second, own)["author"] == admin.id
    assert ATTENTION not in {s for (s,) in second.query("SELECT state FROM outbox")}


def test_an_erased_workshop_participant_is_deleted_from_the_service_and_stays_deleted(
    central, service, make_store
):
    from pasapas.app.training.workshops import WorkshopDraft, Workshops

    kiosk = make_store("kiosk")
    enroll(kiosk, service.url, central.code(), allow_http=True, timeout=FAST)
    workshops = Workshops(kiosk)
    workshop = workshops.create(
        WorkshopDraft(
            dt.date(2026, 12, 3), "Salle 2", ("atelier-arnaques",), participants=("Awa", "Bogdan")
        ),
        actor="trainer",
    )
    awa, bogdan = workshops.participants(workshop.id)
    for person in (awa, bogdan):
        workshops.set_present(person.id, True, actor="trainer")
    workshops.close(workshop.id, actor="trainer")
    sync(kiosk)
    device = SyncState(kiosk).enrolment().device_id

    def held() -> list[str]:
        with central.db.engine.begin() as conn:
            rows = conn.execute(
                select(records.c.payload).where(
                    records.c.device_id == device, records.c.type == "workshop_participation"
                )
            ).all()
        return sorted(json.loads(payload)["participant"] for (payload,) in rows)

    assert held() == sorted([awa.id, bogdan.id])
    (awa_record,) = [
        record_id
        for record_id, payload in kiosk.query(
            "SELECT id, payload FROM outbox WHERE type = 'workshop_participation'"
        )
        if json.loads(payload)["participant"] == awa.id
    ]
    workshops.erase_participant(awa.id, actor="trainer")
    sync(kiosk)
    assert held() == [bogdan.id]
    assert Outbox(kiosk).counts().attention == 0
    # Sent again (as after a lost acknowledgement), it does not come back.
    with kiosk.transaction():
        kiosk.execute("UPDATE outbox SET state = ? WHERE id = ?", (QUEUED, awa_record))
    sync(kiosk)
    assert held() == [bogdan.id]
