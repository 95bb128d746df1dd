"""Anonymous visit events: what may remain of a visit once the visitor has gone.

One row per walk that ended: the procedure, finished or abandoned, whole minutes, the language, and
the day. No name, no answer, no time of day. Each is queued in the outbox, in the same
transaction, for the central service.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from pasapas.app.guide import Outcome
from pasapas.app.outbox import write_record
from pasapas.app.records.visit_event import VISIT_EVENT_TYPE, VisitEvent
from pasapas.app.store import Store


@dataclass(frozen=True)
class VisitStats:
    finished: int
    abandoned: int


class VisitLog:
    def __init__(self, store: Store, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.store = store
        self._today = today

    def record(self, outcome: Outcome) -> str:
        """Write the event and its outbox entry together: both land, or neither does.

        The event is a `visit_event` record (`app.records.visit_event`), written to its table
        and queued by `app.outbox.write_record`; one its descriptor refuses raises
        `app.records.InvalidRecord` and nothing is written.
        """
        event_id = str(uuid.uuid4())
        event = VisitEvent(
            procedure_id=outcome.procedure_id,
            outcome="finished" if outcome.finished else "abandoned",
            minutes=outcome.minutes,
            language=outcome.language,
            day=self._today(),
        )
        write_record(self.store, VISIT_EVENT_TYPE, event, record_id=event_id)
        return event_id

    def stats(self) -> VisitStats:
        counts = dict(
            self.store.query("SELECT outcome, count(*) FROM visit_events GROUP BY outcome")
        )
        return VisitStats(counts.get("finished", 0), counts.get("abandoned", 0))
