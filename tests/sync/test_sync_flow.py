"""A kiosk enrolled with a running service: content down, records up, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest

from pasapas.app.content.catalog import Catalog
from pasapas.app.guide import Outcome
from pasapas.app.outbox import ATTENTION, QUEUED, SENT, Outbox, SyncState
from pasapas.app.visits import VisitLog
from pasapas.sync.client import SyncEngine, SyncError, enroll
from tests.sync.faultproxy import FaultProxy
from tests.sync.support import add_visits, catalog_versions, many_procedures, variant

FAST = (2.0, 3.0)


def enrolled(store, central, url):
    return enroll(store, url, central.code(), allow_http=True, timeout=FAST)


def test_enrolment_pins_the_publisher_key_and_keeps_the_token_only_in_the_store(
    central, service, make_store
):
    store = make_store()
    enrolment = enrolled(store, central, service.url)
    assert enrolment.key_id == central.key.public.key_id
    assert enrolment.site == central.site
    assert "token" not in repr(enrolment)
    assert SyncState(store).enrolment() == enrolment
    # The token is in the encrypted file, nowhere in plain text beside it.
    folder = store.path.parent
    for path in folder.iterdir():
        assert enrolment.token.encode() not in path.read_bytes(), path


def test_published_procedures_arrive_signed_and_a_second_sync_is_one_304(
    central, service, make_store
):
    store = make_store()
    enrolled(store, central, service.url)
    central.publish([variant("carte-vitale", 7), *many_procedures(3)])
    report = SyncEngine(store, timeout=FAST).sync_once()
    assert report.imported == 4
    versions = catalog_versions(store)
    assert versions["carte-vitale"] == 7
    assert {"demarche-0000", "demarche-0001", "demarche-0002"} <= set(versions)
    assert Catalog(store).search("demarche-0001")  # indexed for search as well

    again = SyncEngine(store, timeout=FAST).sync_once()
    assert again.not_modified and again.requests == 1 and again.imported == 0


def test_withdrawn_procedures_arrive_as_signed_tombstones(central, service, make_store):
    store = make_store()
    enrolled(store, central, service.url)
    central.publish(many_procedures(2))
    SyncEngine(store, timeout=FAST).sync_once()
    central.withdraw(["demarche-0001"])
    report = SyncEngine(store, timeout=FAST).sync_once()
    assert report.withdrawn == 1
    versions = catalog_versions(store)
    assert "demarche-0000" in versions and "demarche-0001" not in versions


def test_content_pages_are_pulled_until_the_end(central, service, make_store):
    store = make_store()
    enrolled(store, central, service.url)
    central.publish(many_procedures(450))  # three pages of at most 200
    report = SyncEngine(store, timeout=(2.0, 20.0)).sync_once()
    assert report.content_pages == 3
    assert len([p for p in catalog_versions(store) if p.startswith("demarche-")]) == 450


def test_a_visit_is_written_with_its_outbox_entry_and_arrives_exactly_once(
    central, service, make_store
):
    store = make_store()
    enrolled(store, central, service.url)
    event_id = VisitLog(store).record(Outcome("carte-vitale", True, 9, "ar"))
    assert Outbox(store).state_of(event_id) == QUEUED
    report = SyncEngine(store, timeout=FAST).sync_once()
    assert report.sent == 1
    assert Outbox(store).state_of(event_id) == SENT
    device = SyncState(store).enrolment().device_id
    stored = json.loads(service.db.device_record(device, event_id)["payload"])
    assert stored == {
        "procedure_id": "carte-vitale",
        "outcome": "finished",
        "minutes": 9,
        "language": "ar",
        "day": store.query("SELECT day FROM visit_events")[0][0],
    }
    assert SyncEngine(store, timeout=FAST).sync_once().sent == 0
    assert service.db.count_records(device) == 1


def test_a_visit_whose_outbox_entry_fails_is_not_written_either(make_store, monkeypatch):
    import uuid

    import sqlcipher3

    store = make_store()
    taken = uuid.UUID("7d1e8c52-3f7a-4a59-9a55-0c1b4f0f4d10")
    store.execute(
        "INSERT INTO outbox (id, type, type_version, payload) VALUES (?, 'visit_event', 1, '{}')",
        (str(taken),),
    )
    monkeypatch.setattr("pasapas.app.visits.uuid.uuid4", lambda: taken)
    with pytest.raises(sqlcipher3.IntegrityError):
        VisitLog(store).record(Outcome("carte-vitale", False, 2, "fr"))
    assert store.query("SELECT count(*) FROM visit_events")[0][0] == 0
    assert store.query("SELECT count(*) FROM outbox")[0][0] == 1


def test_a_backlog_goes_in_batches_of_at_most_500(central, service, make_store):
    store = make_store()
    enrolled(store, central, service.url)
    add_visits(store, 1201)
    report = SyncEngine(store, timeout=(2.0, 20.0)).sync_once()
    assert report.batches == 3 and report.sent == 1201
    assert Outbox(store).counts().queued == 0


def test_same_id_with_different_content_is_kept_as_needs_attention(central, service, make_store):
    store = make_store()
    enrolled(store, central, service.url)
    (record_id,) = add_visits(store, 1)
    SyncEngine(store, timeout=FAST).sync_once()
    device = SyncState(store).enrolment().device_id
    original = service.db.device_record(device, record_id)["payload"]
    # The kiosk later queues the same id with other content (a bug, a restored backup...).
    store.execute(
        "UPDATE outbox SET state = 'queued', payload = ? WHERE id = ?",
        (json.dumps({**json.loads(original), "minutes": 33}, sort_keys=True), record_id),
    )
    report = SyncEngine(store, timeout=FAST).sync_once()
    assert report.attention == 1
    assert Outbox(store).state_of(record_id) == ATTENTION
    assert Outbox(store).attention()[0].problem == "conflict:409"
    assert service.db.device_record(device, record_id)["payload"] == original  # not overwritten
    assert SyncState(store).status().attention == 1


def test_a_record_the_service_rejects_is_kept_with_its_code(central, service, make_store):
    store = make_store()
    enrolled(store, central, service.url)
    store.execute(
        "INSERT INTO outbox (id, type, type_version, payload) VALUES (?, ?, 1, ?)",
        ("7d1e8c52-3f7a-4a59-9a55-0c1b4f0f4d11", "visit_event", json.dumps({"name": "Mme X"})),
    )
    add_visits(store, 2)
    report = SyncEngine(store, timeout=FAST).sync_once()
    assert (report.sent, report.attention) == (2, 1)
    (entry,) = Outbox(store).attention()
    assert entry.problem == "rejected:invalid_payload"


@pytest.mark.parametrize("fault", ["html", "redirect", "delay", "truncate", "drop", "503"])
def test_an_answer_that_is_not_an_acknowledgement_leaves_records_queued(
    fault, central, service, make_store
):
    proxy = FaultProxy.to(service.url, delay_seconds=2.0)
    try:
        store = make_store()
        enroll(store, proxy.url, central.code(), allow_http=True, timeout=FAST)
        ids = add_visits(store, 5)
        proxy.inject([fault])
        with pytest.raises(SyncError) as caught:
            SyncEngine(store, timeout=(1.0, 1.0)).sync_once()
        assert caught.value.message
        assert all(Outbox(store).state_of(i) == QUEUED for i in ids)
        status = SyncState(store).status()
        assert status.last_error == caught.value.message and status.queued == 5
        # The next sync delivers them, once.
        assert SyncEngine(store, timeout=FAST).sync_once().sent == 5
        assert service.db.count_records() == 5
    finally:
        proxy.close()
