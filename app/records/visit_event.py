"""`visit_event` v1: what may remain of a visit once the visitor has gone.

The procedure, finished or abandoned, whole minutes, the language, and the day. No person, no
answer, no time of day; nothing else is allowed in. The service adds the device (and so the
site) it came from. Written by `app.visits.VisitLog.record` to the `visit_events` table
(migration 3).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from pasapas.app.records import RecordType, register

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # a procedure id (docs/content-format.md)
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")  # fr, ar, pt_BR...
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class VisitEvent:
    procedure_id: str
    outcome: Literal["finished", "abandoned"]
    minutes: int
    language: str
    day: dt.date


def _rules(event: VisitEvent) -> str | None:
    if len(event.procedure_id) > 64 or not _SLUG.fullmatch(event.procedure_id):
        return "procedure_id must be a procedure slug of at most 64 characters"
    if not 0 <= event.minutes <= MAX_MINUTES:
        return f"minutes must be between 0 and {MAX_MINUTES}"
    if not _LANGUAGE.fullmatch(event.language):
        return "language must be a language code such as fr, ar or pt_BR"
    return None


VISIT_EVENT_TYPE = register(
    RecordType("visit_event", 1, VisitEvent, rules=_rules, table="visit_events")
)
