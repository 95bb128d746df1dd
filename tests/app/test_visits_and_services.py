"""The kiosk services: built-in content on creation, anonymous visit events, the admin check."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest

from pasapas.app.changes import Changes
from pasapas.app.errors import StoreError
from pasapas.app.guide import Outcome, Walk
from pasapas.app.records import InvalidRecord
from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths
from pasapas.app.visit import Visit
from pasapas.app.visits import VisitLog
from tests.app.helpers import BUILTIN_IDS, PASSPHRASE

DAY = dt.date(2026, 11, 29)


class FakeClock:
    def __init__(self) -> None:
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Kiosk:
    paths = Paths.under(tmp_path_factory.mktemp("kiosk")).ensure()
    kiosk = Kiosk.create(paths, PASSPHRASE)
    kiosk.visits = VisitLog(kiosk.store, today=lambda: DAY)
    yield kiosk
    kiosk.close()


def _walk(kiosk: Kiosk, clock: FakeClock, *, to_end: bool) -> Walk:
    walk = Walk(kiosk.procedure("carte-vitale"), language="uk", clock=clock)
    while to_end and not walk.at_end:
        walk.choose(0) if walk.current.kind == "choice" else walk.next()
    return walk


def _events(kiosk: Kiosk) -> list[tuple]:
    return kiosk.store.query("SELECT * FROM visit_events ORDER BY rowid")


def test_creating_a_kiosk_brings_every_builtin_procedure(kiosk: Kiosk):
    assert sorted(item.id for item in kiosk.procedures("fr")) == BUILTIN_IDS
    assert kiosk.search("medecin traitant", "fr")[0].id == "medecin-traitant"
    assert sum(entry.count for entry in kiosk.themes()) >= 10
    assert kiosk.paths.store.exists()


def test_creating_a_kiosk_where_a_store_exists_is_refused_and_leaves_it(tmp_path: Path):
    paths = Paths.under(tmp_path).ensure()
    paths.store.write_bytes(b"\x00" * 4096)
    with pytest.raises(StoreError, match="existe déjà"):
        Kiosk.create(paths, PASSPHRASE)
    assert paths.store.read_bytes() == b"\x00" * 4096


def _end(kiosk: Kiosk, walk: Walk):
    """The visit ends as the window ends it: `Visit.end()`, then the outcome recorded."""
    visit = Visit(default_language=walk.language)
    visit.begin(walk)
    outcome = visit.end()
    assert kiosk.record_visit(outcome) == Changes(visits=True, outbox=True)
    return outcome


def test_finished_visit_leaves_one_anonymous_finished_event(kiosk: Kiosk):
    clock = FakeClock()
    walk = _walk(kiosk, clock, to_end=True)
    clock.now += 9 * 60
    before = len(_events(kiosk))
    outcome = _end(kiosk, walk)
    assert outcome.finished
    events = _events(kiosk)
    assert len(events) == before + 1
    columns = [d[0] for d in kiosk.store.execute("SELECT * FROM visit_events").description]
    assert columns == ["id", "procedure_id", "outcome", "minutes", "language", "day"]
    event_id, procedure_id, result, minutes, language, day = events[-1]
    uuid.UUID(event_id)
    assert (procedure_id, result, minutes, language) == ("carte-vitale", "finished", 9, "uk")
    assert day == "2026-11-29"
    assert dt.date.fromisoformat(day) == DAY


def test_visit_already_finished_on_screen_is_still_recorded_as_finished_once(kiosk: Kiosk):
    clock = FakeClock()
    walk = _walk(kiosk, clock, to_end=True)
    clock.now += 5 * 60
    walk.finish()
    before = len(_events(kiosk))
    assert _end(kiosk, walk).finished
    events = _events(kiosk)
    assert len(events) == before + 1
    assert events[-1][2:4] == ("finished", 5)


def test_abandoned_visit_leaves_one_abandoned_event(kiosk: Kiosk):
    clock = FakeClock()
    walk = _walk(kiosk, clock, to_end=False)
    walk.choose(0)
    clock.now += 2 * 60
    before = kiosk.visits.stats()
    outcome = _end(kiosk, walk)
    assert not outcome.finished
    assert _events(kiosk)[-1][1:5] == ("carte-vitale", "abandoned", 2, "uk")
    after = kiosk.visits.stats()
    assert (after.finished, after.abandoned) == (before.finished, before.abandoned + 1)


def test_a_visit_event_is_queued_as_its_descriptor_says_with_the_rows_values(kiosk: Kiosk):
    event_id = kiosk.visits.record(Outcome("attestation-droits", True, 12, "ar"))
    row = kiosk.store.query_one("SELECT * FROM visit_events WHERE id = ?", (event_id,))
    entry = kiosk.store.query_one(
        "SELECT type, type_version, payload, state FROM outbox WHERE id = ?", (event_id,)
    )
    assert row == (event_id, "attestation-droits", "finished", 12, "ar", "2026-11-29")
    # The same canonical text the hand-built payload had before descriptors existed.
    assert entry == (
        "visit_event",
        1,
        '{"day":"2026-11-29","language":"ar","minutes":12,"outcome":"finished",'
        '"procedure_id":"attestation-droits"}',
        "queued",
    )
    assert VISIT_EVENT_TYPE.from_payload(json.loads(entry[2])) == VisitEvent(
        "attestation-droits", "finished", 12, "ar", DAY
    )


@pytest.mark.parametrize(
    "outcome",
    [
        Outcome("carte-vitale", True, 24 * 60 + 1, "fr"),  # over a day
        Outcome("Carte Vitale", False, 3, "fr"),  # not a procedure id
        Outcome("carte-vitale", True, "3", "fr"),  # minutes as text
        Outcome("carte-vitale", True, 3, "français"),  # not a language code
    ],
)
def test_a_visit_event_its_descriptor_refuses_writes_neither_row_nor_outbox_entry(
    kiosk: Kiosk, outcome: Outcome
):
    def counts() -> tuple[int, int]:
        return (
            kiosk.store.query_one("SELECT count(*) FROM visit_events")[0],
            kiosk.store.query_one("SELECT count(*) FROM outbox")[0],
        )

    before = counts()
    with pytest.raises(InvalidRecord):
        kiosk.visits.record(outcome)
    assert counts() == before


def test_starting_a_walk_opens_the_procedure_on_its_first_step(kiosk: Kiosk):
    walk = kiosk.start_walk("attestation-droits", "ar")
    assert walk.current.id == kiosk.procedure("attestation-droits").start
    assert walk.language == "ar"
    assert walk.path == (walk.current.id,)


@pytest.mark.parametrize(
    ("attempt", "accepted"),
    [
        (PASSPHRASE, True),
        ("", False),
        (PASSPHRASE + " ", False),
        (PASSPHRASE.upper(), False),
        ("un cheval correct", False),
    ],
)
def test_admin_check_accepts_only_the_store_passphrase(kiosk: Kiosk, attempt: str, accepted: bool):
    assert kiosk.check_admin(attempt) is accepted


def test_kiosk_does_not_show_the_passphrase_in_its_description(kiosk: Kiosk):
    assert PASSPHRASE not in repr(kiosk)


def test_any_synced_record_is_written_through_the_kiosk_and_says_what_changed(kiosk: Kiosk):
    import datetime as dt

    from pasapas.app.outbox import Outbox
    from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent

    event = VisitEvent("carte-vitale", "finished", 3, "tr", dt.date(2026, 12, 2))
    assert kiosk.write_record(VISIT_EVENT_TYPE, event) == Changes(outbox=True)
    queued = [entry.payload_json() for entry in Outbox(kiosk.store).queued(1000)]
    assert [p["language"] for p in queued if p["minutes"] == 3 and p["language"] == "tr"] == ["tr"]
    assert kiosk.store.query_one("SELECT count(*) FROM visit_events WHERE language = 'tr'") == (1,)
