"""Workshops in the core: planning, attendance, what each participant practised, the trainer's
progress view, the end of the workshop (pseudonymised records and the collectif report), the
erasure of a participant and the retention purge. Real SQLCipher stores throughout; the
plain-file test searches the bytes on disk."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from pasapas.app.content.model import Procedure, StepKind
from pasapas.app.errors import PasapasError
from pasapas.app.guide import Walk
from pasapas.app.outbox import Outbox
from pasapas.app.records import record_types
from pasapas.app.retention import purge
from pasapas.app.services import Kiosk
from pasapas.app.settings import Paths
from pasapas.app.store import STORE_FILE_SUFFIXES, Store
from pasapas.app.training.modules import builtin_modules, check_modules, module
from pasapas.app.training.practice import card_of, check_form
from pasapas.app.training.workshops import (
    CLOSED,
    RUNNING,
    PracticeAnswer,
    Turn,
    WorkshopDraft,
    Workshops,
    export_csv,
    name_problem,
    progress_table,
    table_headers,
)
from pasapas.app.visit import Visit
from tests.app.helpers import BUILTIN_IDS, PASSPHRASE

DAY = dt.date(2026, 12, 3)
PEOPLE = ("Awa", "Bogdan", "Chafia", "Dédé")
SCAMS = "atelier-arnaques"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def kiosk(tmp_path: Path):
    kiosk = Kiosk.create(Paths.under(tmp_path).ensure(), PASSPHRASE)
    yield kiosk
    kiosk.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workshops(kiosk: Kiosk, clock: Clock) -> Workshops:
    return Workshops(kiosk.store, audit=kiosk.audit, now=clock)


def planned(workshops: Workshops, *modules: str, people=PEOPLE):
    return workshops.create(
        WorkshopDraft(DAY, "Médiathèque Jean-Macé", modules or (SCAMS,), participants=people),
        actor="trainer-1",
    )


# -- walking a procedure as a participant would, with the real engine -----------------------------


def walk_through(procedure: Procedure, *, wrong_first: bool) -> tuple[Turn, Visit]:
    """Walk `procedure` from its start to an end as a participant at the kiosk: each practice
    question answered wrong first (when `wrong_first`) and then right, each practice form sent
    once empty (when `wrong_first`) and then filled in from its practice card, every other step
    left with Next or its first answer."""
    visit = Visit("fr")
    walk = Walk(procedure, language="fr")
    visit.begin(walk)
    while not walk.at_end:
        step = walk.current
        if step.kind is StepKind.QUIZ:
            right = next(i for i, a in enumerate(step.answers) if a.correct)
            wrong = next((i for i, a in enumerate(step.answers) if not a.correct), None)
            if wrong_first and wrong is not None:
                visit.answer_quiz(step.id, wrong, False)
                visit.retry_quiz(step.id)
            visit.answer_quiz(step.id, right, True)
        if step.kind is StepKind.PRACTICE_FORM:
            if wrong_first:
                assert not check_form(step, {}, "fr").ok  # an empty form is never well filled
                visit.check_form(step.id, False)
            values = dict(card_of(step).values)
            verdict = check_form(step, values, "fr")
            assert verdict.ok, (step.id, [f for f in verdict.fields if not f.ok])
            visit.check_form(step.id, True)
        if step.choices:
            walk.choose(0)
        else:
            walk.next()
    turn = Turn(
        procedure_id=procedure.id,
        steps_seen=len(walk.path),
        finished=True,
        seconds=240,
        stopped_at=walk.current.id,
        answers=tuple(PracticeAnswer(*r) for r in visit.practice_results()),
    )
    return turn, visit


def test_every_builtin_module_names_procedures_the_kiosk_has():
    assert check_modules(builtin_modules(), BUILTIN_IDS) == []
    ids = {m.id for m in builtin_modules()}
    assert {"atelier-compte-ameli", SCAMS, "atelier-teleconsultation", "atelier-donnees"} <= ids
    for m in builtin_modules():  # French, English and Arabic titles and goals
        assert {"fr", "en", "ar"} <= set(m.titles) and {"fr", "en", "ar"} <= set(m.goals)


def test_a_module_with_a_missing_procedure_or_a_bad_code_is_named():
    broken = list(builtin_modules())[:1]
    problems = check_modules(broken, ["exercice-compte-ameli"])
    assert problems == ["atelier-compte-ameli: ameli-creer-compte is not in the catalog"]


@pytest.mark.parametrize("module_id", [m.id for m in builtin_modules()])
def test_every_builtin_module_is_walked_end_to_end_answering_wrong_then_right(
    kiosk: Kiosk, workshops: Workshops, module_id: str
):
    workshop = planned(workshops, module_id)
    awa, bogdan, *_others = workshops.participants(workshop.id)
    workshops.start(workshop.id, actor="trainer-1")
    for item in workshop.items:
        procedure = kiosk.procedure(item)
        for person, wrong_first in ((awa, True), (bogdan, False)):
            turn, visit = walk_through(procedure, wrong_first=wrong_first)
            workshops.record_turn(person.id, turn)
            visit.end()
            assert visit.practice_results() == ()  # nothing of the turn stays in the visit
    progress = workshops.progress(workshop.id)
    rows = {r.participant.name: r for r in progress.rows}
    practised = sum(
        1
        for item in workshop.items
        for step in kiosk.procedure(item).steps
        if step.kind in (StepKind.QUIZ, StepKind.PRACTICE_FORM)
    )
    assert rows["Awa"].state == rows["Bogdan"].state == "done"
    assert rows["Awa"].items_done == len(workshop.items)
    assert rows["Bogdan"].answers_missed == 0
    if practised:  # the modules with exercises count what was got wrong on the way
        assert rows["Awa"].answers_missed >= 1
        assert rows["Awa"].answers_right == rows["Bogdan"].answers_right >= 1
        assert progress.missed and all(m.still == 0 for m in progress.missed)
    assert rows["Chafia"].state == "absent"


def test_a_workshop_is_planned_with_its_people_in_order(workshops: Workshops):
    workshop = planned(workshops)
    assert workshop.state == "planned"
    assert workshop.title == module(SCAMS).title("fr")
    assert workshop.items == ("message-frauduleux", "exercice-reperer-arnaques")
    assert [p.name for p in workshops.participants(workshop.id)] == list(PEOPLE)
    later = workshops.add_participant(workshop.id, "Émile", actor="trainer-1", language="ar")
    assert later.position == len(PEOPLE) and later.language == "ar" and later.contact == ""


@pytest.mark.parametrize(
    "name",
    ["", "   ", "awa@example.org", "06 12 34 56 78", "Awa 1975 0612", "x" * 41],
)
def test_a_name_that_is_more_than_a_first_name_is_refused(workshops: Workshops, name: str):
    assert name_problem(name)
    with pytest.raises(PasapasError):
        planned(workshops, people=(name,) if name.strip() else ("Awa", name, "Awa"))


def test_two_people_of_the_same_name_are_asked_to_be_told_apart(workshops: Workshops):
    workshop = planned(workshops)
    with pytest.raises(PasapasError, match="Deux personnes"):
        workshops.add_participant(workshop.id, "awa", actor="trainer-1")


def test_a_contact_is_kept_only_with_consent(workshops: Workshops):
    workshop = planned(workshops)
    with pytest.raises(PasapasError, match="accord"):
        workshops.add_participant(workshop.id, "Émile", actor="t", contact="06 00 00 00 00")
    assert len(workshops.participants(workshop.id)) == len(PEOPLE)  # nothing written
    kept = workshops.add_participant(
        workshop.id, "Émile", actor="t", contact="06 00 00 00 00", consent=True
    )
    assert kept.contact == "06 00 00 00 00"


def test_progress_shows_who_is_stuck_and_on_which_question(kiosk: Kiosk, workshops: Workshops):
    workshop = planned(workshops)
    awa, bogdan, chafia, _dede = workshops.participants(workshop.id)
    workshops.start(workshop.id, actor="trainer-1")
    for person in (awa, bogdan, chafia):
        workshops.set_present(person.id, True, actor="trainer-1")
    exercise = kiosk.procedure("exercice-reperer-arnaques")
    first_quiz = next(s for s in exercise.steps if s.kind is StepKind.QUIZ)
    workshops.record_turn(
        awa.id,
        Turn(exercise.id, 3, False, 200, first_quiz.id, (PracticeAnswer(first_quiz.id, 3, False),)),
    )
    workshops.record_turn(
        bogdan.id,
        Turn(exercise.id, 3, False, 100, first_quiz.id, (PracticeAnswer(first_quiz.id, 2, True),)),
    )
    progress = workshops.progress(workshop.id)
    rows = {r.participant.name: r for r in progress.rows}
    assert rows["Awa"].state == "stuck" and rows["Awa"].stuck_on == (exercise.id, first_quiz.id)
    assert rows["Bogdan"].state == "working" and rows["Bogdan"].answers_missed == 1
    assert rows["Chafia"].state == "waiting"
    assert rows["Dédé"].state == "absent"
    assert progress.missed[0].step_id == first_quiz.id
    assert (progress.missed[0].people, progress.missed[0].misses, progress.missed[0].still) == (
        2,
        4,
        1,
    )
    # The same table on screen, in the CSV and in the PDF.
    table = progress_table(progress, kiosk.procedures_by_id(workshop.items), "fr")
    assert table[0][0] == "Awa" and table[0][6] == "bloqué"
    assert table[0][7] == first_quiz.title.get("fr")
    assert table[3][:2] == ["Dédé", "non"]
    # A second turn adds up: the time, the tries, and the answer got right at last.
    workshops.record_turn(
        awa.id,
        Turn(exercise.id, 5, False, 60, first_quiz.id, (PracticeAnswer(first_quiz.id, 1, True),)),
    )
    awa_now = workshops.progress(workshop.id).rows[0]
    assert awa_now.state == "working" and awa_now.seconds == 260 and awa_now.answers_missed == 3


def test_the_csv_is_the_table_the_screen_shows(kiosk: Kiosk, workshops: Workshops, tmp_path):
    workshop = planned(workshops)
    progress = workshops.progress(workshop.id)
    procedures = kiosk.procedures_by_id(workshop.items)
    out = export_csv(progress, procedures, "fr", tmp_path / "atelier.csv")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows == [table_headers(), *progress_table(progress, procedures, "fr")]


def test_closing_writes_one_pseudonymous_record_each_and_the_collectif_report(
    kiosk: Kiosk, workshops: Workshops, clock: Clock
):
    workshop = planned(workshops)
    people = workshops.participants(workshop.id)
    with pytest.raises(PasapasError, match="présente"):
        workshops.close(workshop.id, actor="trainer-1")  # nobody marked present
    workshops.start(workshop.id, actor="trainer-1")
    for person in people[:3]:
        workshops.set_present(person.id, True, actor="trainer-1")
    clock.now += dt.timedelta(minutes=75)
    closed = workshops.close(workshop.id, actor="trainer-1")
    assert closed.state == CLOSED and closed.report_id
    report = kiosk.reports.get(closed.report_id).draft
    assert (report.kind, report.participants, report.duration) == ("collectif", 3, 75)
    assert report.workshop_title == workshop.title and report.themes == ("securite_numerique",)
    queued = [e for e in Outbox(kiosk.store).queued(100) if e.type == "workshop_participation"]
    assert len(queued) == len(PEOPLE)
    payloads = [json.loads(e.payload) for e in queued]
    assert {p["participant"] for p in payloads} == {p.id for p in people}
    assert sorted(p["present"] for p in payloads) == [False, True, True, True]
    for text in (e.payload for e in queued):
        assert not any(name in text for name in PEOPLE)  # pseudonymised: no name leaves
    # A closed workshop no longer changes.
    for change in (
        lambda: workshops.set_present(people[3].id, True, actor="t"),
        lambda: workshops.add_participant(workshop.id, "Émile", actor="t"),
        lambda: workshops.record_turn(people[0].id, Turn("message-frauduleux", 1, True, 5, "x")),
        lambda: workshops.close(workshop.id, actor="t"),
    ):
        with pytest.raises(PasapasError, match="terminé"):
            change()


def test_a_turn_outside_the_workshop_is_refused(workshops: Workshops):
    workshop = planned(workshops)
    person = workshops.participants(workshop.id)[0]
    with pytest.raises(PasapasError):
        workshops.record_turn(person.id, Turn("carte-vitale", 2, True, 30, "fin"))
    assert workshops.progress(workshop.id).rows[0].state == "absent"


def test_only_one_running_workshop_is_reported_running(workshops: Workshops):
    first = planned(workshops)
    assert workshops.running() is None
    workshops.start(first.id, actor="t")
    assert workshops.running().id == first.id and workshops.get(first.id).state == RUNNING


def _files(path: Path) -> dict[str, bytes]:
    return {
        suffix or "db": Path(f"{path}{suffix}").read_bytes()
        for suffix in STORE_FILE_SUFFIXES
        if Path(f"{path}{suffix}").exists()
    }


def test_an_erased_participant_is_gone_from_the_file_the_wal_and_the_queue(tmp_path: Path):
    path = tmp_path / "plain.db"
    store = Store.create(path, None, encrypted=False)
    try:
        workshops = Workshops(store)
        name = "Zéphyrine-Atelier"
        workshop = workshops.create(
            WorkshopDraft(DAY, "Salle 2", (SCAMS,), participants=(name, "Bogdan")), actor="t"
        )
        erased, kept = workshops.participants(workshop.id)
        workshops.add_participant(
            workshop.id, "Quentin", actor="t", contact="quentin.contact@exemple.fr", consent=True
        )
        workshops.set_present(erased.id, True, actor="t")
        workshops.set_present(kept.id, True, actor="t")
        workshops.close(workshop.id, actor="t")
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        assert name.encode() in _files(path)["db"]
        workshops.erase_participant(erased.id, actor="t")
        for file_name, data in _files(path).items():
            assert name.encode() not in data, file_name
        queued = Outbox(store).queued(100)
        kinds = [(e.type, e.type_version) for e in queued]
        assert ("erasure", 2) in kinds
        participations = [json.loads(e.payload) for e in queued if e.type.startswith("workshop")]
        assert [p["participant"] for p in participations if p["participant"] == erased.id] == []
        assert len(participations) == 2
        assert [p.name for p in workshops.participants(workshop.id)] == ["Bogdan", "Quentin"]
        assert store.check() == []
    finally:
        store.close()


def test_the_retention_purge_removes_old_workshops_once_the_service_has_them(
    kiosk: Kiosk, workshops: Workshops
):
    old = workshops.create(
        WorkshopDraft(dt.date(2025, 1, 10), "Salle 2", (SCAMS,), participants=("Awa",)),
        actor="t",
    )
    workshops.set_present(workshops.participants(old.id)[0].id, True, actor="t")
    workshops.close(old.id, actor="t")
    today = dt.date(2026, 12, 3)
    assert purge(kiosk.store, today, 12).workshops == 0  # its record is still queued
    queued = [e.id for e in Outbox(kiosk.store).queued(100)]
    Outbox(kiosk.store).settle(queued, [])
    assert purge(kiosk.store, today, 12).workshops == 1
    with pytest.raises(PasapasError):
        workshops.get(old.id)
    assert kiosk.store.query("SELECT count(*) FROM workshop_participants") == [(0,)]


def test_the_new_record_types_are_registered_for_the_service():
    names = {(t.name, t.version) for t in record_types()}
    assert {("workshop_participation", 1), ("erasure", 1), ("erasure", 2)} <= names
