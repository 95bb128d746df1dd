"""Anonymous visit events: what may remain of a visit once the visitor has gone.

One row per walk that ended: the procedure, finished or abandoned, whole minutes, the language, and
the day. No name, no answer, no time of day. The sync issue sends these rows up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from app.guide import Outcome
from app.store import Store


@dataclass(frozen=True)
class VisitStats:
    finished: int
    abandoned: int


class VisitLog:
    def __init__(self, store: Store, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.store = store
        self._today = today

    def record(self, outcome: Outcome) -> str:
        event_id = str(uuid.uuid4())
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO visit_events (id, procedure_id, outcome, minutes, language, day) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    event_id,
                    outcome.procedure_id,
                    "finished" if outcome.finished else "abandoned",
                    outcome.minutes,
                    outcome.language,
                    self._today().isoformat(),
                ),
            )
        return event_id

    def stats(self) -> VisitStats:
        counts = dict(
            self.store.query("SELECT outcome, count(*) FROM visit_events GROUP BY outcome")
        )
        return VisitStats(counts.get("finished", 0), counts.get("abandoned", 0))
