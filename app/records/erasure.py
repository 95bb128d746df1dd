"""`erasure` v1: a person's data was erased on the kiosk, and must be on the service too.

Queued by `app.privacy.erase_subject` in the transaction that erases. `subject` is the random id
the service knew the person by (a staff account's id, as the author of accompaniment reports);
the name never leaves the kiosk. The service removes that author from the reports of the sending
device's site (`sync.server.storage.ServerDB.store_records`). Issue 12 adds the "trainee" kind.
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


def _rules(erasure: Erasure) -> str | None:
    if not _SUBJECT.fullmatch(erasure.subject):
        return "subject must be an account id (letters, digits, - and _, at most 64)"
    return None


ERASURE_TYPE = register(RecordType("erasure", 1, Erasure, rules=_rules))
