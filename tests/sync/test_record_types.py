"""A synced record type is described once: a type that exists only in this file (its payload
dataclass and descriptor, and the table its migration would create) goes from the kiosk's writer
through the outbox and the protocol to a real service on loopback, with no other file knowing it.
And what a descriptor refuses is refused on both sides: by the kiosk's outbox and by the service."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, replace
from typing import Literal

import pytest
import requests
import sqlcipher3

from pasapas.app import records
from pasapas.app.outbox import QUEUED, SENT, Outbox, SyncState, enqueue, write_record
from pasapas.app.records import InvalidRecord, RecordType
from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent
from pasapas.sync import protocol
from pasapas.sync.client import SyncEngine, enroll

FAST = (2.0, 3.0)
API = protocol.API_PREFIX


# -- the whole description of a record type this project does not ship ----------------------


@dataclass(frozen=True)
class Attendance:
    """A trainer's attendance sheet, as a later issue might describe it: no names."""

    session: str
    day: dt.date
    present: int
    languages: tuple[str, ...]
    format: Literal["group", "alone"]
    remark: str | None


def _attendance_rules(sheet: Attendance) -> str | None:
    return None if 1 <= sheet.present <= 12 else "present must be between 1 and 12"


ATTENDANCE = RecordType(
    "test_attendance", 1, Attendance, rules=_attendance_rules, table="attendance_sheets"
)

# What its migration would create: the table its records are written to.
ATTENDANCE_TABLE = """CREATE TABLE attendance_sheets (
    id TEXT PRIMARY KEY,
    session TEXT NOT NULL,
    day TEXT NOT NULL,
    present INTEGER NOT NULL CHECK (present > 0),
    languages TEXT NOT NULL,
    format TEXT NOT NULL,
    remark TEXT
)"""


SHEET = Attendance("atelier-ameli", dt.date(2026, 12, 3), 7, ("fr", "ar"), "group", None)

# ---------------------------------------------------------------------------------------------


@pytest.fixture
def attendance():
    records.register(ATTENDANCE)
    yield ATTENDANCE
    records.unregister(ATTENDANCE)


def _kiosk(make_store, central, service):
    store = make_store()
    store.execute(ATTENDANCE_TABLE)
    enroll(store, service.url, central.code(), allow_http=True, timeout=FAST)
    return store


def _push(service, store, record_type: str, version: int, payload: object) -> dict:
    token = SyncState(store).enrolment().token
    answer = requests.post(
        f"{service.url}{API}/records",
        json={
            "records": [
                {"id": str(uuid.uuid4()), "type": record_type, "type_version": version,
                 "payload": payload}
            ]
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json()["results"][0]


def test_a_type_described_in_one_file_goes_from_its_writer_to_the_service_and_back(
    attendance, central, service, make_store
):
    store = _kiosk(make_store, central, service)
    record_id = write_record(store, ATTENDANCE, SHEET)  # what its screen has the core do
    assert store.query("SELECT * FROM attendance_sheets") == [
        (record_id, "atelier-ameli", "2026-12-03", 7, '["fr","ar"]', "group", None)
    ]
    assert Outbox(store).state_of(record_id) == QUEUED

    report = SyncEngine(store, timeout=FAST).sync_once()
    assert (report.sent, report.attention) == (1, 0)
    assert Outbox(store).state_of(record_id) == SENT
    assert SyncEngine(store, timeout=FAST).sync_once().sent == 0  # stored once

    enrolment = SyncState(store).enrolment()
    answer = requests.get(
        f"{service.url}{API}/records/{record_id}",
        headers={"Authorization": f"Bearer {enrolment.token}"},
        timeout=10,
    )
    assert answer.status_code == 200
    stored = answer.json()
    assert (stored["type"], stored["type_version"]) == ("test_attendance", 1)
    assert stored["payload"] == {
        "session": "atelier-ameli",
        "day": "2026-12-03",
        "present": 7,
        "languages": ["fr", "ar"],
        "format": "group",
        "remark": None,
    }
    assert ATTENDANCE.from_payload(stored["payload"]) == SHEET
    row = service.db.device_record(enrolment.device_id, record_id)
    assert row["payload"] == records.canonical_json(ATTENDANCE.to_payload(SHEET))
    by_type = service.db.stats()["records_by_type"]
    assert by_type["test_attendance"] == 1
    assert all(count == 0 for name, count in by_type.items() if name != "test_attendance")


def test_the_service_accepts_only_the_types_and_versions_described(
    attendance, central, service, make_store
):
    store = _kiosk(make_store, central, service)
    payload = ATTENDANCE.to_payload(SHEET)
    assert _push(service, store, "test_attendance", 1, payload)["status"] == protocol.ACCEPTED
    for name, version in (("test_attendance", 2), ("attendance", 1), ("visit_event", 2)):
        result = _push(service, store, name, version, payload)
        assert (result["status"], result["code"]) == (protocol.REJECTED, protocol.R_UNKNOWN_TYPE)
    records.unregister(ATTENDANCE)  # the service no longer knows the type
    result = _push(service, store, "test_attendance", 1, payload)
    assert (result["status"], result["code"]) == (protocol.REJECTED, protocol.R_UNKNOWN_TYPE)
    assert service.db.count_records() == 1
    by_type = service.db.stats()["records_by_type"]
    assert by_type["test_attendance"] == 1
    assert all(count == 0 for name, count in by_type.items() if name != "test_attendance")


VISIT = VisitEvent("carte-vitale", "finished", 9, "ar", dt.date(2026, 11, 28))

REFUSED = [
    # (descriptor, a valid payload object, a wrongly typed field, an unknown field)
    pytest.param(VISIT_EVENT_TYPE, VISIT, {"minutes": "9"}, {"name": "Mme X"}, id="visit_event"),
    pytest.param(ATTENDANCE, SHEET, {"languages": "fr"}, {"trainer": "M. Y"}, id="synthetic"),
]


@pytest.mark.parametrize(("described", "valid", "wrong_type", "unknown"), REFUSED)
def test_a_wrong_field_type_or_an_unknown_field_is_refused_by_the_kiosk_and_by_the_service(
    attendance, central, service, make_store, described, valid, wrong_type, unknown
):
    store = _kiosk(make_store, central, service)
    good = described.to_payload(valid)

    # The kiosk: the outbox refuses the payload object, nothing is queued; a JSON payload with
    # the same faults is refused by the same descriptor.
    with pytest.raises(InvalidRecord, match="must be"), store.transaction():
        enqueue(store, str(uuid.uuid4()), described, replace(valid, **wrong_type))
    for fault in (wrong_type, unknown):
        with pytest.raises(InvalidRecord):
            described.from_payload({**good, **fault})
    assert Outbox(store).counts().queued == 0

    # The service: the same faults over the wire are rejected as invalid and never stored.
    for fault in (wrong_type, unknown):
        result = _push(service, store, described.name, described.version, {**good, **fault})
        assert (result["status"], result["code"]) == (protocol.REJECTED, protocol.R_INVALID)
    assert service.db.count_records() == 0
    assert _push(service, store, described.name, described.version, good)["status"] == (
        protocol.ACCEPTED
    )


def test_a_refused_record_writes_neither_its_row_nor_its_outbox_entry(attendance, make_store):
    store = make_store()
    store.execute(ATTENDANCE_TABLE)
    with pytest.raises(InvalidRecord, match="present must be between 1 and 12"):
        write_record(store, ATTENDANCE, replace(SHEET, present=40))
    with pytest.raises(InvalidRecord, match="field 'day' must be a day"):
        write_record(store, ATTENDANCE, replace(SHEET, day="2026-12-03"))
    taken = write_record(store, ATTENDANCE, SHEET)
    store.execute("DELETE FROM attendance_sheets")
    with pytest.raises(sqlcipher3.IntegrityError):  # its outbox entry fails: the row goes too
        write_record(store, ATTENDANCE, SHEET, record_id=taken)
    assert store.query_one("SELECT count(*) FROM attendance_sheets")[0] == 0
    assert Outbox(store).counts().queued == 1


def test_entries_queued_before_descriptors_existed_are_sent_as_they_are(
    central, service, make_store
):
    # A store written by the previous version holds hand-built canonical payloads.
    store = make_store()
    enroll(store, service.url, central.code(), allow_http=True, timeout=FAST)
    legacy = (
        '{"day":"2026-11-28","language":"ar","minutes":9,"outcome":"finished",'
        '"procedure_id":"carte-vitale"}'
    )
    record_id = "0b5e3c1e-5b1a-4c8e-9a43-2f7c8d9e1a20"
    store.execute(
        "INSERT INTO outbox (id, type, type_version, payload) VALUES (?, 'visit_event', 1, ?)",
        (record_id, legacy),
    )
    assert SyncEngine(store, timeout=FAST).sync_once().sent == 1
    device = SyncState(store).enrolment().device_id
    assert service.db.device_record(device, record_id)["payload"] == legacy
    # The same visit written now has the same digest: it is a duplicate, not a conflict.
    same = protocol.Record(record_id, "visit_event", 1, VISIT_EVENT_TYPE.to_payload(VISIT))
    assert same.digest == protocol.Record(record_id, "visit_event", 1, json.loads(legacy)).digest


def test_text_no_database_can_store_is_refused_record_by_record_not_with_a_500(
    central, service, make_store
):
    store = make_store()
    enroll(store, service.url, central.code(), allow_http=True, timeout=FAST)
    token = SyncState(store).enrolment().token
    good = json.dumps(VISIT_EVENT_TYPE.to_payload(VISIT))
    lone = '"\\ud800"'  # JSON can spell a lone surrogate; UTF-8 cannot carry it
    batch = [
        (str(uuid.uuid4()), '"visit_event"', good.replace('"carte-vitale"', lone)),
        (str(uuid.uuid4()), lone, good),
        (None, '"visit_event"', good),
        (str(uuid.uuid4()), '"visit_event"', good),
    ]
    body = ",".join(
        f'{{"id":{json.dumps(rid) if rid else lone},"type":{kind},"type_version":1,'
        f'"payload":{payload}}}'
        for rid, kind, payload in batch
    )
    answer = requests.post(
        f"{service.url}{API}/records",
        data=f'{{"records":[{body}]}}'.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    results = [(r["status"], r["code"]) for r in answer.json()["results"]]
    assert results == [
        (protocol.REJECTED, protocol.R_MALFORMED),
        (protocol.REJECTED, protocol.R_UNKNOWN_TYPE),
        (protocol.REJECTED, protocol.R_BAD_ID),
        (protocol.ACCEPTED, ""),
    ]
    assert answer.json()["results"][2]["id"] == "?"
    assert service.db.count_records() == 1
