"""`erasure` v1: a person's data was erased on the kiosk, and must be on the service too.

Queued by `app.privacy.erase_subject` in the transaction that erases. `subject` is the random id
the service knew the person by (a staff account's id, as the author of accompaniment reports);
the name never leaves the kiosk. The service removes that author from the reports of the sending
device's site (`sync.server.storage.ServerDB.store_records`).

Version 2 adds the kind "trainee": `subject` is then a workshop participant's random id (the
`participant` of `workshop_participation` records), and the service deletes that participant's
records of the sending device's site (`app.training.workshops.Workshops.erase_participant`).
Staff erasures are still written as version 1, which stays registered.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from pasapas.app.records import RecordType, register

_SUBJECT = re.compile(r"[A-Za-z0-9_-]{1,64}")  # as an accompaniment report's author


@dataclass(frozen=True)
class Erasure:
    subject: str  # the erased staff account's id
    kind: Literal["staff"]
    day: dt.date


def _rules(erasure: Erasure | ErasureV2) -> str | None:
    if not _SUBJECT.fullmatch(erasure.subject):
        return "subject must be an account id (letters, digits, - and _, at most 64)"
    return None


ERASURE_TYPE = register(RecordType("erasure", 1, Erasure, rules=_rules))


@dataclass(frozen=True)
class ErasureV2:
    subject: str  # a staff account's id, or a workshop participant's random id
    kind: Literal["staff", "trainee"]
    day: dt.date


ERASURE_V2_TYPE = register(RecordType("erasure", 2, ErasureV2, rules=_rules))
