"""Issue 9, sync and service: replayed withdrawals, unbounded answers, records stuck after a
re-enrolment, loose record validation, enrolment throttling, control characters in the admin
commands, the service database's file mode and the enrolment code kept off the command line.

Everything runs for real: the service on loopback (SQLite and PostgreSQL), hostile HTTP servers
on loopback that send endless or trickling answers, the command line in subprocesses, the
enrolment code typed on a pseudo-terminal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import select
import socket
import socketserver
import stat
import subprocess
import sys
import termios
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import select as sql_select
from sqlalchemy import update

from pasapas.app.outbox import ATTENTION, SENT, Outbox, SyncState, write_record
from pasapas.app.records import InvalidRecord
from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent
from pasapas.sync import protocol
from pasapas.sync.client import ServiceClient, SyncEngine, SyncError, enroll
from pasapas.sync.server import storage
from pasapas.sync.server.admin import sign_and_publish, sign_and_withdraw
from pasapas.sync.server.storage import ServerDB, ServiceError, content, meta
from tests.sync.faultproxy import FaultProxy
from tests.sync.support import (
    ROOT,
    ServiceProcess,
    add_visits,
    catalog_versions,
    variant,
    wait_for,
)

API = protocol.API_PREFIX
FAST = (2.0, 5.0)
PASSPHRASE = "un cheval correct agrafe"


def _enrolled(store, central, url, **kwargs):
    return enroll(store, url, central.code(), allow_http=True, timeout=FAST, **kwargs)


# -- 1. a replayed old withdrawal ------------------------------------------------------------------


def _replay(db: ServerDB, item: tuple) -> None:
    """Put an old signed item back on the service as if it were the newest publication (what a
    faulty or hostile service, or a restored old database, would send)."""
    procedure_id, version, withdrawn, document, signature, key_id = item
    with db.engine.begin() as conn:
        seq = conn.execute(
            update(meta)
            .where(meta.c.key == "content_seq")
            .values(value=meta.c.value + 1)
            .returning(meta.c.value)
        ).scalar_one()
        conn.execute(
            update(content)
            .where(content.c.procedure_id == procedure_id)
            .values(
                version=version, withdrawn=withdrawn, document=document,
                signature=signature, key_id=key_id, seq=seq,
            )
        )  # fmt: skip


def _row(db: ServerDB, procedure_id: str) -> tuple:
    with db.engine.begin() as conn:
        return tuple(
            conn.execute(
                sql_select(
                    content.c.procedure_id, content.c.version, content.c.withdrawn,
                    content.c.document, content.c.signature, content.c.key_id,
                ).where(content.c.procedure_id == procedure_id)
            ).one()
        )  # fmt: skip


def test_a_replayed_old_withdrawal_keeps_the_newer_version_and_staff_are_told(
    central, service, make_store
):
    store = make_store()
    _enrolled(store, central, service.url)
    central.publish([variant("carte-vitale", 1)])
    SyncEngine(store, timeout=FAST).sync_once()
    central.withdraw(["carte-vitale"])
    old_withdrawal = _row(central.db, "carte-vitale")
    assert old_withdrawal[1:3] == (1, True)
    assert SyncEngine(store, timeout=FAST).sync_once().withdrawn == 1
    assert "carte-vitale" not in catalog_versions(store)
    central.publish([variant("carte-vitale", 2)])
    SyncEngine(store, timeout=FAST).sync_once()
    assert catalog_versions(store)["carte-vitale"] == 2

    _replay(central.db, old_withdrawal)  # the signature is genuine: it is just old
    report = SyncEngine(store, timeout=FAST).sync_once()
    assert catalog_versions(store)["carte-vitale"] == 2  # the newer version stays
    assert report.withdrawn == 0 and report.withdrawals_ignored == 1
    assert "1 retrait ancien ignoré" in report.describe()
    status = SyncState(store).status()
    assert "carte-vitale" in status.content_notice and "ignoré" in status.content_notice
    assert status.log[0][1] == status.content_notice

    # A withdrawal of the version held (or of a later one) still withdraws it.
    sign_and_withdraw(central.db, central.key, {"carte-vitale": 2})
    assert SyncEngine(store, timeout=FAST).sync_once().withdrawn == 1
    assert "carte-vitale" not in catalog_versions(store)
    assert SyncState(store).status().content_notice == ""  # a clean page clears the notice


def test_the_service_never_puts_an_old_withdrawal_after_a_newer_publication(central):
    central.publish([variant("carte-vitale", 1)])
    # An admin who read version 1 withdraws it while another one publishes version 2.
    central.publish([variant("carte-vitale", 2)])
    with pytest.raises(ServiceError) as caught:
        sign_and_withdraw(central.db, central.key, {"carte-vitale": 1})
    assert caught.value.code == "stale_content" and caught.value.ids == ("carte-vitale",)
    assert central.db.current_versions()["carte-vitale"][:2] == (2, False)
    # After a withdrawal of version 2, only a greater version may come back: the old
    # withdrawal could otherwise still match it.
    sign_and_withdraw(central.db, central.key, {"carte-vitale": 2})
    with pytest.raises(ServiceError):
        sign_and_publish(central.db, central.key, [variant("carte-vitale", 2)])
    items, *_ = central.db.content_since(0, 10)
    assert [(i.id, i.version, i.withdrawn) for i in items] == [("carte-vitale", 2, True)]
    assert sign_and_publish(central.db, central.key, [variant("carte-vitale", 3)]) == [
        "carte-vitale"
    ]


def test_the_publish_command_refuses_to_reuse_a_withdrawn_version(tmp_path, sqlite_url):
    env = {**os.environ, "PASAPAS_SERVER_HOME": str(tmp_path / "service"),
           "PASAPAS_SERVER_DATABASE": sqlite_url}  # fmt: skip
    document = tmp_path / "carte-vitale.json"
    document.write_text(variant("carte-vitale", 4).document, encoding="utf-8")
    assert _pasapas("server", "keygen", env=env).returncode == 0
    assert _pasapas("server", "publish", str(document), env=env).returncode == 0
    assert _pasapas("server", "withdraw", "carte-vitale", env=env).returncode == 0
    again = _pasapas("server", "publish", str(document), env=env)
    assert again.returncode == 1, again.stdout
    assert "carte-vitale" in again.stderr and "Rien n'a été publié" in again.stderr
    assert "Traceback" not in again.stderr


# -- 2. unbounded answers --------------------------------------------------------------------


class Hostile:
    """A loopback HTTP server that answers every request badly, in one of these ways:

    - `endless`: 200, JSON, no length, then spaces as fast as the socket takes them (it stops at
      `cap` bytes, so that a kiosk without a limit fails the test instead of the machine);
    - `trickle-body`: 200 and a length, then one byte every `pause` seconds;
    - `trickle-head`: the status line and headers themselves, one byte every `pause` seconds;
    - `huge-length`: 200 with a Content-Length over any limit.
    """

    def __init__(self, mode: str, *, cap: int = 96 * 1024 * 1024, pause: float = 0.2) -> None:
        self.mode, self.cap, self.pause = mode, cap, pause
        self.sent = 0
        self.stop = threading.Event()
        hostile = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError):
                    hostile._answer(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _answer(self, sock: socket.socket) -> None:
        sock.settimeout(60)
        sock.recv(65536)  # the request (small: a GET or a short POST)
        json_head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        if self.mode == "endless":
            sock.sendall(json_head + b"Connection: close\r\n\r\n[")
            block = b" " * 65536
            while self.sent < self.cap and not self.stop.is_set():
                sock.sendall(block)
                self.sent += len(block)
        elif self.mode == "huge-length":
            sock.sendall(json_head + b"Content-Length: 9000000000\r\n\r\n[")
            self.stop.wait(5)
        elif self.mode in ("trickle-body", "trickle-head"):
            body = b'{"status": "ok", "api": 1}' + b" " * 2000
            head = json_head + b"Content-Length: %d\r\n\r\n" % len(body)
            if self.mode == "trickle-body":
                sock.sendall(head)
                data = body
            else:
                data = head + body
            for i in range(len(data)):
                if self.stop.wait(self.pause):
                    return
                sock.sendall(data[i : i + 1])
                self.sent += 1

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile_server():
    made: list[Hostile] = []

    def make(mode: str, **kwargs) -> Hostile:
        server = Hostile(mode, **kwargs)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


def _point_at(store, url: str) -> None:
    """The kiosk's service address now leads to `url` (a hostile server on loopback)."""
    SyncState(store).set({"service_url": url})


@pytest.fixture
def enrolled_store(make_store, sqlite_url):
    from tests.sync.support import Central, ThreadedService

    central = Central(sqlite_url)
    running = ThreadedService(sqlite_url)
    store = make_store()
    _enrolled(store, central, running.url)
    yield store
    running.stop()
    central.close()


def test_an_endless_content_answer_is_cut_at_its_limit_with_a_status_for_staff(
    enrolled_store, hostile_server
):
    hostile = hostile_server("endless")
    _point_at(enrolled_store, hostile.url)
    began = time.monotonic()
    with pytest.raises(SyncError) as caught:
        SyncEngine(enrolled_store, timeout=FAST).sync_once()
    assert time.monotonic() - began < 30
    assert caught.value.kind == "answer"
    assert caught.value.message == (
        "La réponse du service était trop grosse : elle a été abandonnée sans rien changer, "
        "un nouvel essai aura lieu plus tard."
    )
    # It stopped reading near the limit, far from what the server would have sent.
    assert hostile.sent < protocol.MAX_ANSWER_BYTES["/content"] + 16 * 1024 * 1024
    status = SyncState(enrolled_store).status()
    assert status.last_error == caught.value.message  # what `sync status` and the screen show


def test_an_announced_oversized_answer_is_refused_before_reading_it(hostile_server):
    hostile = hostile_server("huge-length")
    client = ServiceClient(hostile.url, token="x" * 40, timeout=FAST)
    began = time.monotonic()
    with pytest.raises(SyncError) as caught:
        client.push([])
    assert time.monotonic() - began < 4
    assert "trop grosse" in caught.value.message


@pytest.mark.parametrize("mode", ["trickle-body", "trickle-head"])
def test_a_trickling_answer_is_abandoned_at_the_request_deadline(
    mode, enrolled_store, hostile_server
):
    hostile = hostile_server(mode, pause=0.2)  # each byte well within the read timeout
    _point_at(enrolled_store, hostile.url)
    began = time.monotonic()
    with pytest.raises(SyncError) as caught:
        SyncEngine(enrolled_store, timeout=FAST, deadline=2.0).sync_once()
    elapsed = time.monotonic() - began
    assert 1.5 < elapsed < 10, elapsed
    assert caught.value.kind == "answer"
    assert caught.value.message == (
        "Le service a mis plus de 2 s à répondre : la demande a été abandonnée sans rien "
        "changer, un nouvel essai aura lieu plus tard."
    )
    assert SyncState(enrolled_store).status().last_error == caught.value.message


def test_every_endpoint_has_a_documented_size_limit_and_deadline():
    text = (ROOT / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    for path in ("/health", "/enrol", "/device", "/content", "/records"):
        assert path in protocol.MAX_ANSWER_BYTES and path in protocol.DEADLINE_SECONDS
        size = protocol.MAX_ANSWER_BYTES[path]
        shown = f"{size // (1024 * 1024)} MiB" if size >= 1024 * 1024 else f"{size // 1024} KiB"
        assert f"| `{path}` | {shown} | {protocol.DEADLINE_SECONDS[path]:g} s |" in text


def test_a_content_page_fits_in_the_answer_limit(central):
    """The service cuts pages by size too, so a kiosk never refuses an honest page."""
    big = [variant("ameli-creer-compte", 1, new_id=f"grosse-{i:03d}") for i in range(200)]
    central.publish(big)
    items, _cursor, more, _latest = central.db.content_since(0, protocol.CONTENT_PAGE)
    assert more and len(items) < 200
    assert sum(len(i.document) for i in items) <= protocol.CONTENT_PAGE_BYTES


# -- 3. records stuck after a re-enrolment ---------------------------------------------------------


def test_records_whose_acknowledgement_was_lost_are_settled_after_re_enrolment(
    central, service, make_store
):
    proxy = FaultProxy.to(service.url)
    try:
        store = make_store()
        first = _enrolled(store, central, proxy.url)
        ids = add_visits(store, 6)
        proxy.inject(["drop-after"])  # the service stores them, the answer is lost
        with pytest.raises(SyncError):
            SyncEngine(store, timeout=FAST).sync_once()
        assert sorted(service.db.record_ids(first.device_id)) == sorted(ids)
        assert Outbox(store).counts().queued == 6
        second = _enrolled(store, central, proxy.url)  # staff enrol the kiosk again
        assert second.device_id != first.device_id
        report = SyncEngine(store, timeout=FAST).sync_once()
        assert (report.sent, report.attention) == (6, 0)
        assert all(Outbox(store).state_of(i) == SENT for i in ids)
        assert service.db.count_records() == 6  # held once, under the device that sent them
        assert service.db.count_records(second.device_id) == 0
    finally:
        proxy.close()


def test_records_already_stuck_in_attention_are_retried_at_re_enrolment(
    central, service, make_store
):
    store = make_store()
    first = _enrolled(store, central, service.url)
    ids = add_visits(store, 3)
    SyncEngine(store, timeout=FAST).sync_once()
    # What an older kiosk was left with: the service held them, the kiosk had them as conflicts.
    store.execute("UPDATE outbox SET state = 'attention', problem = 'conflict:409'")
    _enrolled(store, central, service.url)
    assert Outbox(store).counts().queued == 3  # the new enrolment gives them another chance
    assert SyncEngine(store, timeout=FAST).sync_once().sent == 3
    assert all(Outbox(store).state_of(i) == SENT for i in ids)
    assert service.db.count_records(first.device_id) == 3


def test_a_device_of_another_site_cannot_claim_a_sites_records(central, service, make_store):
    store = make_store()
    _enrolled(store, central, service.url)
    ids = add_visits(store, 2)
    SyncEngine(store, timeout=FAST).sync_once()
    central.db.add_site("Médiathèque de Roubaix")
    stranger = make_store("stranger")
    enroll(stranger, service.url, central.code("Médiathèque de Roubaix"), allow_http=True)
    rows = store.query("SELECT id, type, type_version, payload FROM outbox ORDER BY seq")
    stranger.executemany(
        "INSERT INTO outbox (id, type, type_version, payload) VALUES (?, ?, ?, ?)", rows
    )
    report = SyncEngine(stranger, timeout=FAST).sync_once()
    assert (report.sent, report.attention) == (0, 2)
    assert all(Outbox(stranger).state_of(i) == ATTENTION for i in ids)
    assert Outbox(stranger).attention()[0].problem == "conflict:409"


def test_the_same_id_with_other_content_from_the_same_site_is_still_a_conflict(
    central, service, make_store
):
    store = make_store()
    _enrolled(store, central, service.url)
    (record_id,) = add_visits(store, 1)
    SyncEngine(store, timeout=FAST).sync_once()
    _enrolled(store, central, service.url)
    payload = json.loads(store.query_one("SELECT payload FROM outbox")[0])
    store.execute(
        "UPDATE outbox SET state = 'queued', payload = ? WHERE id = ?",
        (json.dumps({**payload, "minutes": 39}, sort_keys=True), record_id),
    )
    assert SyncEngine(store, timeout=FAST).sync_once().attention == 1
    assert Outbox(store).state_of(record_id) == ATTENTION


# -- 4. loose record validation ------------------------------------------------------------------


def _device(service, central) -> dict:
    answer = requests.post(f"{service.url}{API}/enrol", json={"code": central.code()}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _visit(**changes) -> dict:
    payload = {"procedure_id": "carte-vitale", "outcome": "finished", "minutes": 3,
               "language": "fr", "day": "2026-11-28", **changes}  # fmt: skip
    return {"id": str(uuid.uuid4()), "type": "visit_event", "type_version": 1, "payload": payload}


@pytest.mark.parametrize("field", ["procedure_id", "language"])
def test_a_value_ending_with_a_newline_is_refused_by_the_writer_and_the_service(
    field, central, service, make_store
):
    store = make_store()
    good = {"procedure_id": "carte-vitale", "language": "fr"}
    event = VisitEvent(
        outcome="finished", minutes=3, day=dt.date(2026, 11, 28),
        **{**good, field: good[field] + "\n"},
    )  # fmt: skip
    with pytest.raises(InvalidRecord) as caught:
        write_record(store, VISIT_EVENT_TYPE, event)
    assert field in str(caught.value)
    assert store.query_one("SELECT count(*) FROM outbox")[0] == 0

    device = _device(service, central)
    record = _visit(**{field: good[field] + "\n"})
    answer = requests.post(
        f"{service.url}{API}/records", json={"records": [record]},
        headers={"Authorization": f"Bearer {device['token']}"}, timeout=10,
    )  # fmt: skip
    (result,) = answer.json()["results"]
    assert (result["status"], result["code"]) == ("rejected", "invalid_payload")
    assert field in result["reason"]
    assert service.db.count_records() == 0


def test_unknown_top_level_fields_are_refused_with_the_field_named(central, service):
    device = _device(service, central)
    headers = {"Authorization": f"Bearer {device['token']}"}
    extra = {**_visit(), "device_id": "someone-else"}
    answer = requests.post(
        f"{service.url}{API}/records", json={"records": [extra, _visit()]}, headers=headers,
        timeout=10,
    )  # fmt: skip
    first, second = answer.json()["results"]
    assert (first["status"], first["code"]) == ("rejected", "malformed_record")
    assert "device_id" in first["reason"]
    assert second["status"] == "accepted"
    assert service.db.count_records() == 1
    batch = requests.post(
        f"{service.url}{API}/records", json={"records": [_visit()], "site": "ailleurs"},
        headers=headers, timeout=10,
    )  # fmt: skip
    assert batch.status_code == 400
    assert batch.json()["error"] == "malformed_request" and "site" in batch.json()["reason"]
    assert service.db.count_records() == 1


def test_the_writer_refuses_a_record_id_that_is_not_a_uuid(make_store):
    store = make_store()
    event = VisitEvent("carte-vitale", "finished", 3, "fr", dt.date(2026, 11, 28))
    with pytest.raises(InvalidRecord) as caught:
        write_record(store, VISIT_EVENT_TYPE, event, record_id="pas-un-uuid\n")
    assert "id" in str(caught.value)
    assert store.query_one("SELECT count(*) FROM visit_events")[0] == 0


# -- 5. enrolment throttling -----------------------------------------------------------------------


def test_enrolment_guesses_from_one_address_are_throttled_and_recorded(central, service):
    url = f"{service.url}{API}/enrol"
    guesses = [f"AAAA-BBBB-{i:04d}" for i in range(protocol.ENROL_REFUSALS_PER_ADDRESS)]
    for guess in guesses:
        assert requests.post(url, json={"code": guess}, timeout=10).status_code == 403
    code = central.code()
    throttled = requests.post(url, json={"code": code}, timeout=10)
    assert throttled.status_code == 429
    assert throttled.json()["error"] == "too_many_attempts"
    assert 0 < int(throttled.headers["Retry-After"]) <= protocol.ENROL_WINDOW_SECONDS
    with central.db.engine.begin() as conn:
        rows = conn.execute(sql_select(storage.enrolment_attempts)).all()
    assert [r.outcome for r in rows].count("refused") == len(guesses)
    assert [r.outcome for r in rows].count("throttled") == 1
    assert {r.address for r in rows} == {"127.0.0.1"}
    stored = json.dumps([list(r) for r in rows], default=str)
    for secret in [*guesses, code]:
        assert protocol.normalise_enrolment_code(secret) not in stored
        assert secret not in stored
    # The code was not spent: once the window has passed, it enrols.
    later = ServerDB(central.db.url, now=lambda: central.db.now() + dt.timedelta(minutes=11))
    try:
        assert later.enrol(code, "borne", address="127.0.0.1").site == central.site
    finally:
        later.dispose()


def test_enrolment_is_throttled_per_site_when_its_spent_codes_are_tried(central):
    code = central.code()
    central.db.enrol(code, "borne", address="10.0.0.1")
    for i in range(protocol.ENROL_REFUSALS_PER_SITE):
        with pytest.raises(ServiceError) as refused:
            central.db.enrol(code, "", address=f"10.0.1.{i}")  # many addresses, one site
        assert refused.value.code == "enrolment_code_invalid"
    fresh = central.code()
    with pytest.raises(ServiceError) as caught:
        central.db.enrol(fresh, "", address="10.0.2.1")
    assert caught.value.code == "too_many_attempts" and caught.value.retry_after > 0
    # Another site is not held back by it.
    central.db.add_site("Médiathèque de Roubaix")
    assert central.db.enrol(central.code("Médiathèque de Roubaix"), "", address="10.0.3.1")


def test_the_kiosk_says_when_enrolment_is_throttled(central, service, make_store):
    for i in range(protocol.ENROL_REFUSALS_PER_ADDRESS):
        requests.post(f"{service.url}{API}/enrol", json={"code": f"ZZZZ-{i}"}, timeout=10)
    store = make_store()
    with pytest.raises(SyncError) as caught:
        _enrolled(store, central, service.url)
    assert caught.value.message.startswith("Trop d'essais d'inscription")
    assert "minute" in caught.value.message
    assert SyncState(store).enrolment() is None


# -- 6. control characters in the admin commands ------------------------------------------------


def _pasapas(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pasapas", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        stdin=kwargs.pop("stdin", subprocess.DEVNULL), **kwargs,
    )  # fmt: skip


def test_client_text_printed_by_the_admin_commands_has_its_control_characters_escaped(
    tmp_path, sqlite_url
):
    from tests.sync.support import Central, ThreadedService

    central = Central(sqlite_url, site="Lens\x1b]0;pwned\x07")
    running = ThreadedService(sqlite_url)
    try:
        name = "borne\x1b[2J\x1b[31m rouge\rEFFACÉ\x9b\u202eevil\\x1b"
        answer = requests.post(
            f"{running.url}{API}/enrol", json={"code": central.code(), "name": name}, timeout=10
        )
        assert answer.status_code == 200
    finally:
        running.stop()
        central.close()
    env = {**os.environ, "PASAPAS_SERVER_HOME": str(tmp_path / "service"),
           "PASAPAS_SERVER_DATABASE": sqlite_url}  # fmt: skip
    for command in (("device", "list"), ("stats",)):
        shown = _pasapas("server", *command, env=env)
        assert shown.returncode == 0, shown.stderr
        for char in ("\x1b", "\r", "\x07", "\x9b", "\u202e"):
            assert char not in shown.stdout, (command, shown.stdout)
        assert "Lens\\x1b]0;pwned\\x07" in shown.stdout
    listing = _pasapas("server", "device", "list", env=env).stdout
    assert "borne\\x1b[2J\\x1b[31m rouge\\rEFFACÉ\\x9b\\u202eevil\\\\x1b" in listing


def test_printable_escapes_controls_and_keeps_ordinary_text():
    assert protocol.printable("Médiathèque — 2ᵉ étage, شمال") == "Médiathèque — 2ᵉ étage, شمال"
    assert protocol.printable("a\tb\nc\x00d\x7f\u2028") == "a\\tb\\nc\\x00d\\x7f\\u2028"


# -- 7. the service's database file mode --------------------------------------------------------


def test_the_service_database_is_created_0600_in_a_0700_folder(tmp_path):
    home = tmp_path / "service-home"
    env = {**os.environ, "PASAPAS_SERVER_HOME": str(home)}
    env.pop("PASAPAS_SERVER_DATABASE", None)
    old = os.umask(0o022)
    try:
        added = _pasapas("server", "site", "add", "Lens", env=env)
    finally:
        os.umask(old)
    assert added.returncode == 0, added.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    files = sorted(home.glob("server.db*"))
    assert home / "server.db" in files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_an_existing_service_database_open_to_others_is_closed_to_them(tmp_path):
    folder = tmp_path / "elsewhere"
    folder.mkdir(mode=0o755)
    path = folder / "server.db"
    first = ServerDB(f"sqlite:///{path}")
    first.create_schema()
    first.dispose()
    path.chmod(0o644)
    again = ServerDB(f"sqlite:///{path}")
    again.create_schema()
    again.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A new database in a folder that does not exist yet: the folder is made 0700.
    made = ServerDB(f"sqlite:///{tmp_path / 'new' / 'deeper' / 'server.db'}")
    made.create_schema()
    made.dispose()
    assert stat.S_IMODE((tmp_path / "new" / "deeper").stat().st_mode) == 0o700


# -- 8. the enrolment code off the command line ------------------------------------------------


@pytest.fixture
def cli_service(tmp_path, sqlite_url) -> Iterator[tuple]:
    from tests.sync.support import Central

    central = Central(sqlite_url)
    running = ServiceProcess(sqlite_url, tmp_path / "service")
    env = {**os.environ, "PASAPAS_HOME": str(tmp_path / "kiosk"), "PASAPAS_PASSPHRASE": PASSPHRASE}
    env.pop("PASAPAS_ENROLMENT_CODE", None)
    assert _pasapas("db", "init", env=env).returncode == 0
    yield env, running, central
    running.stop()
    central.close()


def test_the_enrolment_code_is_read_from_the_environment(cli_service):
    env, running, central = cli_service
    env = {**env, "PASAPAS_ENROLMENT_CODE": central.code()}
    enrolled = _pasapas("sync", "enroll", running.url, "--allow-http", env=env)
    assert enrolled.returncode == 0, enrolled.stderr
    assert central.site in enrolled.stdout


def test_without_a_terminal_or_the_variable_the_code_is_asked_for_in_one_sentence(cli_service):
    env, running, _central = cli_service
    refused = _pasapas("sync", "enroll", running.url, "--allow-http", env=env)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "Pas de terminal pour demander le code d'inscription : donnez-le dans la variable "
        "PASAPAS_ENROLMENT_CODE."
    )


def test_the_enrolment_code_is_typed_on_the_terminal_without_echo(cli_service):
    env, running, central = cli_service
    code = central.code()
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "pasapas", "sync", "enroll", running.url, "--allow-http"],
        cwd=ROOT, env=env, stdin=terminal, stdout=terminal, stderr=terminal,
        start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"Code d'inscription" not in seen:
            assert time.monotonic() < deadline, seen
            if select.select([controller], [], [], 0.5)[0]:
                seen += os.read(controller, 4096)
        # getpass turns the echo off around the prompt: type only once it is off.
        wait_for(lambda: not termios.tcgetattr(controller)[3] & termios.ECHO, 30, "echo off")
        os.write(controller, code.encode() + b"\n")
        while process.poll() is None or select.select([controller], [], [], 0.2)[0]:
            assert time.monotonic() < deadline, seen
            if select.select([controller], [], [], 0.2)[0]:
                try:
                    chunk = os.read(controller, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
        assert process.wait(30) == 0, seen
    finally:
        os.close(controller)
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    text = seen.decode("utf-8", "replace")
    assert code not in text  # not echoed
    assert central.site in text


def test_the_help_warns_against_the_code_on_the_command_line(tmp_path):
    env = {**os.environ, "PASAPAS_HOME": str(tmp_path / "kiosk")}
    shown = _pasapas("sync", "enroll", "--help", env=env)
    assert shown.returncode == 0
    flat = " ".join(shown.stdout.split())
    assert "PASAPAS_ENROLMENT_CODE" in flat and "déconseillé" in flat
