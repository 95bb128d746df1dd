"""The service's refusals, over real HTTP: tokens, isolation, revocation, enrolment codes, sizes,
malformed bodies; and schemathesis against its own OpenAPI finds no 5xx. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from pasapas.app.outbox import SyncState
from pasapas.sync import protocol
from pasapas.sync.client import enroll
from tests.sync.support import Central, ThreadedService, add_visits

API = protocol.API_PREFIX


def _record(payload_minutes: int = 3, record_id: str | None = None) -> dict:
    return {
        "id": record_id or str(uuid.uuid4()),
        "type": "visit_event",
        "type_version": 1,
        "payload": {
            "procedure_id": "carte-vitale",
            "outcome": "finished",
            "minutes": payload_minutes,
            "language": "fr",
            "day": "2026-11-28",
        },
    }


def _enrol(service, central) -> dict:
    answer = requests.post(f"{service.url}{API}/enrol", json={"code": central.code()}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _auth(device: dict) -> dict:
    return {"Authorization": f"Bearer {device['token']}"}


def test_no_token_or_a_wrong_token_is_401(central, service):
    for path in ("/content", "/device", f"/records/{uuid.uuid4()}"):
        answer = requests.get(f"{service.url}{API}{path}", timeout=10)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert answer.json()["error"] == "unauthorized"
    answer = requests.post(
        f"{service.url}{API}/records",
        json={"records": [_record()]},
        headers={"Authorization": "Bearer not-a-token"},
        timeout=10,
    )
    assert answer.status_code == 401
    assert service.db.count_records() == 0


def test_the_service_keeps_only_the_tokens_hash(central, service):
    device = _enrol(service, central)
    from sqlalchemy import select

    from pasapas.sync.server.storage import devices

    with service.db.engine.begin() as conn:
        stored = conn.execute(select(devices.c.token_hash)).scalar_one()
    assert device["token"] not in stored and len(stored) == 64


def test_kiosk_a_can_neither_read_nor_change_kiosk_b_records(central, service):
    a, b = _enrol(service, central), _enrol(service, central)
    record = _record(5)
    pushed = requests.post(
        f"{service.url}{API}/records", json={"records": [record]}, headers=_auth(b), timeout=10
    )
    assert pushed.json()["results"][0]["status"] == "accepted"
    # A cannot read it...
    read = requests.get(f"{service.url}{API}/records/{record['id']}", headers=_auth(a), timeout=10)
    assert read.status_code == 404
    # ...nor overwrite it, even with the same id, nor pass for its owner.
    for payload in (_record(40, record["id"]), record):
        answer = requests.post(
            f"{service.url}{API}/records", json={"records": [payload]}, headers=_auth(a), timeout=10
        )
        assert answer.json()["results"][0] == {
            "id": record["id"],
            "status": "conflict",
            "code": "409",
        }
    mine = requests.get(f"{service.url}{API}/records/{record['id']}", headers=_auth(b), timeout=10)
    assert mine.status_code == 200 and mine.json()["payload"]["minutes"] == 5
    assert service.db.count_records(a["device_id"]) == 0


def test_a_revoked_device_gets_401_and_the_kiosk_asks_for_staff(central, service, make_store):
    store = make_store()
    enrolment = enroll(store, service.url, central.code(), allow_http=True)
    add_visits(store, 3)
    assert central.db.revoke_device(enrolment.device_id)
    from pasapas.sync.client import SyncEngine, SyncError

    with pytest.raises(SyncError) as caught:
        SyncEngine(store).sync_once()
    assert caught.value.kind == "auth"
    status = SyncState(store).status()
    assert status.needs_staff and status.queued == 3
    assert not SyncEngine(store).due()  # no automatic retry until staff act
    answer = requests.get(
        f"{service.url}{API}/device",
        headers={"Authorization": f"Bearer {enrolment.token}"},
        timeout=10,
    )
    assert answer.status_code == 401


def test_an_enrolment_code_works_once(central, service):
    code = central.code()
    first = requests.post(f"{service.url}{API}/enrol", json={"code": code}, timeout=10)
    assert first.status_code == 200
    again = requests.post(f"{service.url}{API}/enrol", json={"code": code}, timeout=10)
    assert again.status_code == 403 and again.json()["error"] == "enrolment_code_invalid"
    # Typed by a person: case and dashes do not matter, but a spent code stays spent.
    loose = requests.post(
        f"{service.url}{API}/enrol", json={"code": code.lower().replace("-", " ")}, timeout=10
    )
    assert loose.status_code == 403


def test_an_enrolment_code_expires(central, service):
    an_hour_ago = central.db.now() - dt.timedelta(hours=1)
    code, _ = central.db.enrolment_code(central.site, ttl=dt.timedelta(minutes=30), now=an_hour_ago)
    answer = requests.post(f"{service.url}{API}/enrol", json={"code": code}, timeout=10)
    assert answer.status_code == 403
    fresh, _ = central.db.enrolment_code(central.site, ttl=dt.timedelta(minutes=30))
    assert requests.post(f"{service.url}{API}/enrol", json={"code": fresh}, timeout=10).ok


def test_an_oversized_body_is_413_and_nothing_is_stored(central, service):
    device = _enrol(service, central)
    big = {
        "records": [_record() for _ in range(protocol.MAX_BATCH)],
        "padding": "x" * (protocol.MAX_BODY_BYTES),
    }
    answer = requests.post(
        f"{service.url}{API}/records", json=big, headers=_auth(device), timeout=30
    )
    assert answer.status_code == 413 and answer.json()["error"] == "too_large"
    too_many = {"records": [_record() for _ in range(protocol.MAX_BATCH + 1)]}
    answer = requests.post(
        f"{service.url}{API}/records", json=too_many, headers=_auth(device), timeout=30
    )
    assert answer.status_code == 413

    # A body that lies about its length, streamed in chunks, is cut off too.
    def chunks():
        for _ in range(protocol.MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    answer = requests.post(
        f"{service.url}{API}/records", data=chunks(), headers=_auth(device), timeout=30
    )
    assert answer.status_code == 413
    assert service.db.count_records() == 0


def test_malformed_json_is_400_with_the_reason(central, service):
    device = _enrol(service, central)
    headers = {**_auth(device), "Content-Type": "application/json"}
    answer = requests.post(
        f"{service.url}{API}/records", data=b'{"records": [', headers=headers, timeout=10
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["error"] == "malformed_request" and "JSON" in body["reason"]
    answer = requests.post(
        f"{service.url}{API}/records", json={"records": "nope"}, headers=_auth(device), timeout=10
    )
    assert answer.status_code == 400 and "records" in answer.json()["reason"]
    answer = requests.get(f"{service.url}{API}/content?since=-4", headers=_auth(device), timeout=10)
    assert answer.status_code == 400 and "since" in answer.json()["reason"]
    assert service.db.count_records() == 0


def test_the_openapi_document_is_served_and_lists_the_api(service):
    answer = requests.get(f"{service.url}{API}/openapi.json", timeout=10)
    paths = answer.json()["paths"]
    assert {f"{API}/enrol", f"{API}/content", f"{API}/records", f"{API}/health"} <= set(paths)


# -- schemathesis: no input makes the service fail ------------------------------------------------


@pytest.fixture
def api_under_test(database_url):
    central = Central(database_url)
    running = ThreadedService(database_url)
    device = _enrol(running, central)
    schema = schemathesis.openapi.from_url(f"{running.url}{API}/openapi.json")
    yield schema, device
    running.stop()
    central.close()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_schemathesis_finds_no_server_error(api_under_test, mode):
    schema, device = api_under_test
    headers = {"Authorization": f"Bearer {device['token']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    tried = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def never_5xx(case):
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            never_5xx()
        except Unsatisfiable:
            # An operation without any input (health, openapi) has no invalid request to make.
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        tried.append(operation.label)
    assert len(tried) >= 4, tried
