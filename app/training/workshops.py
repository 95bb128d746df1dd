"""Workshops: a trainer's session, its participants, their attendance and what each practised.

A workshop is planned (a day, a place, one or more training modules, the participants), runs
(the kiosk then suspends its idle wipe: the room is there), and is closed by the trainer. Closing
it writes, in one transaction, one pseudonymised `workshop_participation` record per participant
and the workshop's `collectif` accompaniment report (`app.reports`), both queued for the service.

Participants are a first name or a pseudonym, nothing else; a contact (a phone number or an
e-mail address, so the trainer can send the next date) is kept only when the person agreed, and
goes with the workshop at the end of the retention period (`purge_before`). What a participant
practised at the kiosk arrives as a `Turn` when their walk through a procedure ends: how far
they went, whether they finished, how long it took, and, per practice question or form, how many
tries and whether they got it right in the end. The answers themselves (what they chose, what
they typed) are never kept: they stay in the `Visit` and go with it.

`progress` gives the trainer's view (who is done, who is stuck and on which question, the
questions most missed), and `progress_table` the one table the screen, the CSV and the PDF
report all show, so they cannot disagree. Qt-free.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pasapas.app.audit import AuditLog
from pasapas.app.content.model import Procedure, StepKind
from pasapas.app.errors import NotFoundError, PasapasError
from pasapas.app.i18n import _, ngettext
from pasapas.app.outbox import enqueue
from pasapas.app.records.accompaniment_report import MAX_DURATION
from pasapas.app.records.erasure import ERASURE_V2_TYPE, ErasureV2
from pasapas.app.records.workshop_participation import (
    WORKSHOP_PARTICIPATION_TYPE,
    WorkshopParticipation,
)
from pasapas.app.reports import ReportDraft, Reports, written_whole
from pasapas.app.store import Store
from pasapas.app.training.modules import Module, module

PLANNED, RUNNING, CLOSED = "planned", "running", "closed"
MAX_PARTICIPANTS = 30
MAX_NAME = 40
MAX_PLACE = 120
MAX_CONTACT = 120
# A participant who gave this many wrong answers to one question, and not yet the right one,
# is shown as stuck on it.
STUCK_ATTEMPTS = 2
_DIGITS = re.compile(r"\d")
PRACTICE_KINDS = frozenset({StepKind.QUIZ, StepKind.PRACTICE_FORM})


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- values -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopDraft:
    """A workshop being planned. `title` defaults to the first module's French title."""

    day: dt.date
    place: str
    modules: tuple[str, ...]
    title: str = ""
    participants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Workshop:
    id: str
    day: dt.date
    place: str
    title: str
    modules: tuple[str, ...]
    trainer: str  # the staff account that planned it ('' once that account was erased)
    state: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    report_id: str | None

    @property
    def module_objects(self) -> tuple[Module, ...]:
        return tuple(module(m) for m in self.modules)

    @property
    def items(self) -> tuple[str, ...]:
        """The procedures and exercises of its modules, in order, each once."""
        return tuple(dict.fromkeys(i for m in self.module_objects for i in m.items))

    @property
    def planned_minutes(self) -> int:
        return sum(m.duration for m in self.module_objects)


@dataclass(frozen=True)
class Participant:
    id: str
    workshop_id: str
    position: int
    name: str
    language: str
    present: bool
    contact: str  # '' unless they agreed to leave one


@dataclass(frozen=True)
class PracticeAnswer:
    """One practice question or form of a turn: the tries, and whether it was right in the end."""

    step_id: str
    attempts: int
    right: bool


@dataclass(frozen=True)
class Turn:
    """What a participant did in one walk through one procedure of the workshop."""

    procedure_id: str
    steps_seen: int
    finished: bool
    seconds: int
    stopped_at: str  # the step they stood on when the walk ended
    answers: tuple[PracticeAnswer, ...] = ()


@dataclass(frozen=True)
class ParticipantProgress:
    participant: Participant
    items_done: int
    items_total: int
    answers_right: int
    answers_missed: int
    seconds: int
    state: str  # "absent", "waiting" (nothing yet), "working", "stuck", "done"
    stuck_on: tuple[str, str] | None  # (procedure id, step id) of the question they are stuck on
    working_on: str | None  # the first procedure of the module they have not finished
    finished_items: tuple[str, ...] = ()  # the procedures of the modules they finished

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


@dataclass(frozen=True)
class MissedQuestion:
    procedure_id: str
    step_id: str
    misses: int  # wrong answers given, in all
    people: int  # participants who gave at least one
    still: int  # of them, those who have not got it right yet


@dataclass(frozen=True)
class WorkshopProgress:
    workshop: Workshop
    rows: tuple[ParticipantProgress, ...]
    missed: tuple[MissedQuestion, ...]

    @property
    def present(self) -> int:
        return sum(r.participant.present for r in self.rows)

    def count(self, state: str) -> int:
        return sum(r.state == state for r in self.rows)


# -- checks ---------------------------------------------------------------------------------------


def name_problem(name: str) -> str | None:
    """What is wrong with a participant's name: a first name or a pseudonym, nothing more."""
    cleaned = " ".join(name.split())
    if not cleaned:
        return _("Tapez le prénom ou un pseudonyme de la personne.")
    if len(cleaned) > MAX_NAME:
        return _("Un prénom ou un pseudonyme suffit : {max} caractères au plus.").format(
            max=MAX_NAME
        )
    if "@" in cleaned or len(_DIGITS.findall(cleaned)) >= 3:
        return _("Un prénom ou un pseudonyme suffit : pas d'adresse ni de numéro dans le nom.")
    return None


def _clean(text: str) -> str:
    return " ".join(text.split())


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _workshop(row: tuple) -> Workshop:
    wid, day, place, title, modules, trainer, state, started, ended, report = row
    return Workshop(
        id=wid,
        day=dt.date.fromisoformat(day),
        place=place,
        title=title,
        modules=tuple(json.loads(modules)),
        trainer=trainer,
        state=state,
        started_at=_moment(started),
        ended_at=_moment(ended),
        report_id=report,
    )


def _participant(row: tuple) -> Participant:
    pid, wid, position, name, language, present, contact = row
    return Participant(pid, wid, position, name, language, bool(present), contact)


_WORKSHOP_COLUMNS = (
    "id, day, place, title, modules, trainer, state, started_at, ended_at, report_id"
)
_PARTICIPANT_COLUMNS = "id, workshop_id, position, name, language, present, contact"


# -- the service ----------------------------------------------------------------------------------


class Workshops:
    """The kiosk's workshops. One per store connection."""

    def __init__(
        self,
        store: Store,
        *,
        audit: AuditLog | None = None,
        now: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.now = now
        self.audit = audit or AuditLog(store, now=now)

    # -- reading --

    def get(self, workshop_id: str) -> Workshop:
        row = self.store.query_one(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE id = ?", (workshop_id,)
        )
        if row is None:
            raise NotFoundError(_("Cet atelier n'existe plus."))
        return _workshop(row)

    def recent(self, limit: int = 30) -> list[Workshop]:
        """Running and planned workshops first, then the others, the latest day first."""
        rows = self.store.query(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshops ORDER BY state = 'closed', day DESC, "
            "created_at DESC LIMIT ?",
            (limit,),
        )
        return [_workshop(r) for r in rows]

    def running(self) -> Workshop | None:
        row = self.store.query_one(
            f"SELECT {_WORKSHOP_COLUMNS} FROM workshops WHERE state = ? "
            "ORDER BY started_at DESC LIMIT 1",
            (RUNNING,),
        )
        return _workshop(row) if row else None

    def participants(self, workshop_id: str) -> list[Participant]:
        rows = self.store.query(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM workshop_participants WHERE workshop_id = ? "
            "ORDER BY position",
            (workshop_id,),
        )
        return [_participant(r) for r in rows]

    def participant(self, participant_id: str) -> Participant:
        row = self.store.query_one(
            f"SELECT {_PARTICIPANT_COLUMNS} FROM workshop_participants WHERE id = ?",
            (participant_id,),
        )
        if row is None:
            raise NotFoundError(_("Cette personne n'est plus dans l'atelier."))
        return _participant(row)

    # -- planning --

    def create(self, draft: WorkshopDraft, *, actor: str, language: str = "fr") -> Workshop:
        """Plan a workshop (and its first participants, in the order given)."""
        place = _clean(draft.place)
        if not draft.modules:
            raise PasapasError(_("Choisissez au moins un module."))
        modules = tuple(dict.fromkeys(draft.modules))
        objects = [module(m) for m in modules]  # an unknown module is refused here
        if not place:
            raise PasapasError(_("Tapez le lieu de l'atelier."))
        if len(place) > MAX_PLACE:
            raise PasapasError(
                _("Le lieu de l'atelier tient en {max} caractères au plus.").format(max=MAX_PLACE)
            )
        title = _clean(draft.title) or objects[0].title("fr")
        if len(draft.participants) > MAX_PARTICIPANTS:
            raise PasapasError(self._too_many())
        names = [_clean(n) for n in draft.participants if _clean(n)]
        for name in names:
            problem = name_problem(name)
            if problem:
                raise PasapasError(problem)
        self._no_twins(names)
        workshop_id = str(uuid.uuid4())
        stamp = _stamp(self.now())
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO workshops (id, day, place, title, modules, trainer, state, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    workshop_id,
                    draft.day.isoformat(),
                    place,
                    title[:200],
                    json.dumps(list(modules)),
                    actor,
                    PLANNED,
                    stamp,
                ),
            )
            for position, name in enumerate(names):
                self._insert_participant(workshop_id, position, name, language, "")
            self.audit.append(
                "workshop_create", actor, {"participants": len(names), "modules": len(modules)}
            )
        return self.get(workshop_id)

    @staticmethod
    def _too_many() -> str:
        return _("Un atelier compte {max} personnes au plus.").format(max=MAX_PARTICIPANTS)

    @staticmethod
    def _no_twins(names: Sequence[str]) -> None:
        folded = [n.casefold() for n in names]
        for name in names:
            if folded.count(name.casefold()) > 1:
                raise PasapasError(
                    _(
                        "Deux personnes s'appellent « {name} » : ajoutez une initiale ou un "
                        "pseudonyme pour les distinguer."
                    ).format(name=name)
                )

    def _insert_participant(
        self, workshop_id: str, position: int, name: str, language: str, contact: str
    ) -> str:
        participant_id = str(uuid.uuid4())
        self.store.execute(
            "INSERT INTO workshop_participants (id, workshop_id, position, name, language, "
            "present, contact) VALUES (?, ?, ?, ?, ?, 0, ?)",
            (participant_id, workshop_id, position, name, language, contact),
        )
        return participant_id

    def _open(self, workshop_id: str) -> Workshop:
        workshop = self.get(workshop_id)
        if workshop.state == CLOSED:
            raise PasapasError(_("Cet atelier est terminé : il ne change plus."))
        return workshop

    def add_participant(
        self,
        workshop_id: str,
        name: str,
        *,
        actor: str,
        language: str = "fr",
        contact: str = "",
        consent: bool = False,
    ) -> Participant:
        """Register one more participant. A contact is kept only when they agreed to it."""
        name, contact = _clean(name), _clean(contact)
        problem = name_problem(name)
        if problem:
            raise PasapasError(problem)
        if contact and not consent:
            raise PasapasError(
                _(
                    "Gardez un contact seulement si la personne est d'accord : cochez son "
                    "accord, ou laissez le contact vide."
                )
            )
        if len(contact) > MAX_CONTACT:
            raise PasapasError(
                _("Le contact tient en {max} caractères au plus.").format(max=MAX_CONTACT)
            )
        with self.store.transaction():
            self._open(workshop_id)
            people = self.participants(workshop_id)
            if len(people) >= MAX_PARTICIPANTS:
                raise PasapasError(self._too_many())
            self._no_twins([p.name for p in people] + [name])
            position = max((p.position for p in people), default=-1) + 1
            participant_id = self._insert_participant(
                workshop_id, position, name, language, contact
            )
            self.audit.append("workshop_participant_add", actor, {"contact": bool(contact)})
        return self.participant(participant_id)

    def remove_participant(self, participant_id: str, *, actor: str) -> None:
        """Take someone off a workshop that is not over (registered by mistake): their row and
        their progress go; nothing of them was queued yet."""
        with self.store.transaction():
            person = self.participant(participant_id)
            self._open(person.workshop_id)
            self.store.execute("DELETE FROM workshop_participants WHERE id = ?", (participant_id,))
            self.audit.append("workshop_participant_remove", actor)

    def set_present(self, participant_id: str, present: bool, *, actor: str) -> Participant:
        with self.store.transaction():
            person = self.participant(participant_id)
            self._open(person.workshop_id)
            self.store.execute(
                "UPDATE workshop_participants SET present = ? WHERE id = ?",
                (int(present), participant_id),
            )
            self.audit.append("workshop_attendance", actor, {"present": present})
        return replace(person, present=present)

    def set_language(self, participant_id: str, language: str, *, actor: str) -> Participant:
        """The language a participant practises in at the kiosk, and their attestation's."""
        with self.store.transaction():
            person = self.participant(participant_id)
            self._open(person.workshop_id)
            self.store.execute(
                "UPDATE workshop_participants SET language = ? WHERE id = ?",
                (language, participant_id),
            )
        return replace(person, language=language)

    # -- running --

    def start(self, workshop_id: str, *, actor: str) -> Workshop:
        with self.store.transaction():
            workshop = self._open(workshop_id)
            if workshop.state == PLANNED:
                self.store.execute(
                    "UPDATE workshops SET state = ?, started_at = ? WHERE id = ?",
                    (RUNNING, _stamp(self.now()), workshop_id),
                )
                self.audit.append("workshop_start", actor)
        return self.get(workshop_id)

    def record_turn(self, participant_id: str, turn: Turn) -> None:
        """Add one walk of a participant to their progress. Practising marks them present."""
        stamp = _stamp(self.now())
        with self.store.transaction():
            person = self.participant(participant_id)
            workshop = self._open(person.workshop_id)
            if turn.procedure_id not in workshop.items:
                raise PasapasError(_("Cette démarche ne fait pas partie de l'atelier."))
            self.store.execute(
                "INSERT INTO workshop_items (participant_id, procedure_id, steps_seen, "
                "finished, seconds, turns, stopped_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 1, ?, ?) "
                "ON CONFLICT (participant_id, procedure_id) DO UPDATE SET "
                "steps_seen = max(steps_seen, excluded.steps_seen), "
                "finished = max(finished, excluded.finished), "
                "seconds = seconds + excluded.seconds, turns = turns + 1, "
                "stopped_at = excluded.stopped_at, updated_at = excluded.updated_at",
                (
                    participant_id,
                    turn.procedure_id,
                    max(0, turn.steps_seen),
                    int(turn.finished),
                    max(0, int(turn.seconds)),
                    turn.stopped_at,
                    stamp,
                ),
            )
            self.store.executemany(
                "INSERT INTO workshop_answers (participant_id, procedure_id, step_id, "
                "attempts, right) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (participant_id, procedure_id, step_id) DO UPDATE SET "
                "attempts = attempts + excluded.attempts, right = max(right, excluded.right)",
                [
                    (participant_id, turn.procedure_id, a.step_id, a.attempts, int(a.right))
                    for a in turn.answers
                    if a.attempts > 0
                ],
            )
            if not person.present:
                self.store.execute(
                    "UPDATE workshop_participants SET present = 1 WHERE id = ?", (participant_id,)
                )

    def progress(self, workshop_id: str) -> WorkshopProgress:
        workshop = self.get(workshop_id)
        items = workshop.items
        people = self.participants(workshop_id)
        done: dict[str, set[str]] = {}
        seconds: dict[str, int] = {}
        started: dict[str, set[str]] = {}
        for pid, procedure_id, finished, secs in self.store.query(
            "SELECT i.participant_id, i.procedure_id, i.finished, i.seconds "
            "FROM workshop_items i JOIN workshop_participants p ON p.id = i.participant_id "
            "WHERE p.workshop_id = ?",
            (workshop_id,),
        ):
            started.setdefault(pid, set()).add(procedure_id)
            if finished and procedure_id in items:
                done.setdefault(pid, set()).add(procedure_id)
            seconds[pid] = seconds.get(pid, 0) + secs
        answers: dict[str, list[tuple[str, str, int, bool]]] = {}
        for pid, procedure_id, step_id, attempts, right in self.store.query(
            "SELECT a.participant_id, a.procedure_id, a.step_id, a.attempts, a.right "
            "FROM workshop_answers a JOIN workshop_participants p ON p.id = a.participant_id "
            "WHERE p.workshop_id = ? ORDER BY a.procedure_id, a.step_id",
            (workshop_id,),
        ):
            answers.setdefault(pid, []).append((procedure_id, step_id, attempts, bool(right)))
        rows = []
        missed: dict[tuple[str, str], list[int]] = {}
        for person in people:
            mine = answers.get(person.id, [])
            right = sum(1 for a in mine if a[3])
            wrong = sum(a[2] - (1 if a[3] else 0) for a in mine)
            for procedure_id, step_id, attempts, ok in mine:
                misses = attempts - (1 if ok else 0)
                if misses > 0:
                    entry = missed.setdefault((procedure_id, step_id), [0, 0, 0])
                    entry[0] += misses
                    entry[1] += 1
                    entry[2] += 0 if ok else 1
            finished = done.get(person.id, set())
            stuck_on = next(
                (
                    (procedure_id, step_id)
                    for procedure_id, step_id, attempts, ok in mine
                    if not ok and attempts >= STUCK_ATTEMPTS and procedure_id not in finished
                ),
                None,
            )
            working_on = next((i for i in items if i not in finished), None)
            if len(finished) == len(items):
                state = "done"
            elif stuck_on is not None:
                state = "stuck"
            elif started.get(person.id):
                state = "working"
            elif person.present:
                state = "waiting"
            else:
                state = "absent"
            rows.append(
                ParticipantProgress(
                    participant=person,
                    items_done=len(finished),
                    items_total=len(items),
                    answers_right=right,
                    answers_missed=wrong,
                    seconds=seconds.get(person.id, 0),
                    state=state,
                    stuck_on=stuck_on,
                    working_on=working_on,
                    finished_items=tuple(i for i in items if i in finished),
                )
            )
        most = sorted(
            (MissedQuestion(p, s, *counts) for (p, s), counts in missed.items()),
            key=lambda m: (
                -m.people,
                -m.misses,
                items.index(m.procedure_id) if m.procedure_id in items else len(items),
                m.step_id,
            ),
        )
        return WorkshopProgress(workshop, tuple(rows), tuple(most))

    # -- the end --

    def close(self, workshop_id: str, *, actor: str, reports: Reports | None = None) -> Workshop:
        """End the workshop: one pseudonymised record per participant and the workshop's
        `collectif` report, written and queued in one transaction with the new state."""
        reports = reports or Reports(self.store, audit=self.audit)
        ended = self.now()
        with self.store.transaction():
            workshop = self._open(workshop_id)
            progress = self.progress(workshop_id)
            present = progress.present
            if present == 0:
                raise PasapasError(
                    _("Notez au moins une personne présente avant de terminer l'atelier.")
                )
            if workshop.started_at is not None:
                minutes = round((ended - workshop.started_at).total_seconds() / 60)
            else:
                minutes = workshop.planned_minutes
            minutes = min(max(minutes, 1), MAX_DURATION)
            objects = workshop.module_objects
            themes = tuple(dict.fromkeys(t for m in objects for t in m.themes))
            report = reports.file(
                ReportDraft(
                    kind="collectif",
                    day=workshop.day,
                    duration=minutes,
                    place_type="lieu_activite",
                    equipment=("ordinateur",),
                    themes=themes,
                    workshop_title=workshop.title,
                    workshop_level=objects[0].level,
                    participants=present,
                    language="",
                ),
                actor=actor,
            )
            for row in progress.rows:
                here = row.participant.present
                enqueue(
                    self.store,
                    str(uuid.uuid4()),
                    WORKSHOP_PARTICIPATION_TYPE,
                    WorkshopParticipation(
                        session=workshop.id,
                        participant=row.participant.id,
                        day=workshop.day,
                        modules=workshop.modules,
                        present=here,
                        items_done=row.items_done if here else 0,
                        items_total=row.items_total,
                        answers_right=row.answers_right if here else 0,
                        answers_missed=row.answers_missed if here else 0,
                        minutes=min(row.minutes, 24 * 60) if here else 0,
                    ),
                )
            self.store.execute(
                "UPDATE workshops SET state = ?, ended_at = ?, report_id = ? WHERE id = ?",
                (CLOSED, _stamp(ended), report.id, workshop_id),
            )
            self.audit.append(
                "workshop_close", actor, {"participants": len(progress.rows), "present": present}
            )
        return self.get(workshop_id)

    def erase_participant(
        self, participant_id: str, *, actor: str, today: dt.date | None = None
    ) -> None:
        """Erase a participant: their name, contact and progress here; their records still
        queued; and, through an `erasure` record, those the service already holds. One
        transaction. The workshop's anonymous counts (its report) stay."""
        with self.store.transaction():
            person = self.participant(participant_id)
            workshop = self.get(person.workshop_id)
            self.store.execute("DELETE FROM workshop_participants WHERE id = ?", (participant_id,))
            queued = self.store.query(
                "SELECT id, state FROM outbox WHERE type = ? AND "
                "json_extract(payload, '$.participant') = ?",
                (WORKSHOP_PARTICIPATION_TYPE.name, participant_id),
            )
            self.store.execute(
                "DELETE FROM outbox WHERE type = ? AND state != 'sent' AND "
                "json_extract(payload, '$.participant') = ?",
                (WORKSHOP_PARTICIPATION_TYPE.name, participant_id),
            )
            if workshop.state == CLOSED or queued:
                enqueue(
                    self.store,
                    str(uuid.uuid4()),
                    ERASURE_V2_TYPE,
                    ErasureV2(subject=participant_id, kind="trainee", day=today or dt.date.today()),
                )
            self.audit.append("erasure", actor, {"kind": "trainee"})
        self.store.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def purge_before(self, cutoff: dt.date) -> int:
        """Delete the closed workshops of the days before `cutoff` (participants, contacts and
        progress with them) once the service holds their records; how many went. Called inside
        the retention purge's transaction."""
        rows = self.store.query(
            "SELECT w.id FROM workshops w WHERE w.day < ? AND w.state = ? AND NOT EXISTS ("
            "SELECT 1 FROM outbox o WHERE o.type = ? AND o.state != 'sent' AND "
            "json_extract(o.payload, '$.session') = w.id)",
            (cutoff.isoformat(), CLOSED, WORKSHOP_PARTICIPATION_TYPE.name),
        )
        for (workshop_id,) in rows:
            self.store.execute("DELETE FROM workshops WHERE id = ?", (workshop_id,))
            self.store.execute(
                "DELETE FROM outbox WHERE type = ? AND state = 'sent' AND "
                "json_extract(payload, '$.session') = ?",
                (WORKSHOP_PARTICIPATION_TYPE.name, workshop_id),
            )
        return len(rows)


# -- what the trainer sees, the same on screen, in the CSV and in the PDF -------------------------


def state_label(state: str) -> str:
    return {
        "absent": _("absent"),
        "waiting": _("pas encore commencé"),
        "working": _("en cours"),
        "stuck": _("bloqué"),
        "done": _("terminé"),
    }.get(state, state)


def workshop_state_label(state: str) -> str:
    return {PLANNED: _("prévu"), RUNNING: _("en cours"), CLOSED: _("terminé")}.get(state, state)


def step_label(
    procedures: dict[str, Procedure], procedure_id: str, step_id: str, language: str
) -> str:
    """A practice question or form as the trainer names it: its step's title (the questions
    of an exercise often ask the same thing; their titles tell them apart)."""
    procedure = procedures.get(procedure_id)
    if procedure is None:
        return step_id
    for step in procedure.steps:
        if step.id == step_id:
            return step.title.get(language)
    return step_id


def table_headers() -> list[str]:
    return [
        _("Personne"),
        _("Présente"),
        _("Terminé"),
        _("Bonnes réponses"),
        _("Erreurs"),
        _("Minutes"),
        _("État"),
        _("Bloqué sur"),
    ]


def progress_table(
    progress: WorkshopProgress, procedures: dict[str, Procedure], language: str
) -> list[list[str]]:
    """One row per participant, as the progress view, the CSV and the PDF report show it."""
    rows = []
    for row in progress.rows:
        stuck = step_label(procedures, *row.stuck_on, language) if row.stuck_on is not None else ""
        rows.append(
            [
                row.participant.name,
                _("oui") if row.participant.present else _("non"),
                f"{row.items_done} / {row.items_total}",
                str(row.answers_right),
                str(row.answers_missed),
                str(row.minutes),
                state_label(row.state),
                stuck,
            ]
        )
    return rows


def missed_lines(
    progress: WorkshopProgress, procedures: dict[str, Procedure], language: str, limit: int = 5
) -> list[tuple[str, str]]:
    """The questions most missed: their words and how many people missed them."""
    return [
        (
            step_label(procedures, m.procedure_id, m.step_id, language),
            ngettext(
                "{n} personne s'est trompée", "{n} personnes se sont trompées", m.people
            ).format(n=m.people),
        )
        for m in progress.missed[:limit]
    ]


def export_csv(
    progress: WorkshopProgress, procedures: dict[str, Procedure], language: str, out: Path
) -> Path:
    """The progress table as CSV (UTF-8 with its mark, `;`, as French spreadsheets read it),
    written whole or not at all."""
    with (
        written_whole(Path(out)) as temporary,
        temporary.open("w", encoding="utf-8-sig", newline="") as handle,
    ):
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(table_headers())
        writer.writerows(progress_table(progress, procedures, language))
    return Path(out)
