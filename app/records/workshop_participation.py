"""`workshop_participation` v1: one participant's part in one workshop, pseudonymised.

Queued by `app.training.workshops.Workshops.close` for each participant when the trainer ends the
workshop. `session` is the workshop's random id, `participant` the participant's random id: the
name (a first name or a pseudonym) and any contact never leave the kiosk. The rest is what the
trainer's progress view counts: present or not, how many of the module's procedures and
exercises they finished, how many practice questions they got right in the end, how many wrong
answers they gave on the way, and the minutes they practised. Erasing a participant queues an
`erasure` (v2, kind "trainee") naming `participant`; the service then deletes these records.
This module imports only the standard library: the central service validates with it too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pasapas.app.records import RecordType, register

_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_MODULES = 10
MAX_COUNT = 999
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class WorkshopParticipation:
    session: str  # the workshop's random id
    participant: str  # the participant's random id, never a name
    day: dt.date
    modules: tuple[str, ...]  # the training modules' ids
    present: bool
    items_done: int  # procedures and exercises of the modules finished
    items_total: int
    answers_right: int  # practice questions and forms got right in the end
    answers_missed: int  # wrong answers and refused forms on the way
    minutes: int  # time spent practising at the kiosk


def _rules(p: WorkshopParticipation) -> str | None:
    if not _ID.fullmatch(p.session) or not _ID.fullmatch(p.participant):
        return "session and participant must be random ids (UUIDs), never a name"
    if not 1 <= len(p.modules) <= MAX_MODULES or not all(_SLUG.fullmatch(m) for m in p.modules):
        return f"modules must be 1 to {MAX_MODULES} module ids"
    counts = (p.items_done, p.items_total, p.answers_right, p.answers_missed)
    if any(not 0 <= n <= MAX_COUNT for n in counts):
        return f"counts must be between 0 and {MAX_COUNT}"
    if p.items_done > p.items_total:
        return "items_done cannot exceed items_total"
    if not 0 <= p.minutes <= MAX_MINUTES:
        return "minutes must be under a day"
    if not p.present and (p.items_done or p.answers_right or p.answers_missed or p.minutes):
        return "an absent participant has no progress"
    return None


WORKSHOP_PARTICIPATION_TYPE = register(
    RecordType("workshop_participation", 1, WorkshopParticipation, rules=_rules)
)
