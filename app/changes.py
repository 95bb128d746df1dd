"""What a core operation changed, so that each screen can decide what to refresh (as Anki's
`OpChanges`). Qt-free: `ui.operations` carries a `Changes` to every screen's `on_changes`."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    procedures: bool = False  # procedures added, updated or withdrawn; themes and search with them
    visits: bool = False  # an anonymous visit outcome was recorded
    outbox: bool = False  # records queued, sent, or needing attention
    sync_state: bool = False  # enrolment, last attempt or success, errors, backoff
    settings: bool = False  # the kiosk's settings (languages offered, defaults for visitors)
    people: bool = False  # staff accounts and their roles
    reports: bool = False  # accompaniment reports filed, edited, purged or erased
    audit: bool = False  # the staff audit log gained an entry
    workshops: bool = False  # workshops planned, started, closed; participants and progress
    store: bool = False  # the store was opened, created or replaced: everything may differ

    def __or__(self, other: Changes) -> Changes:
        both = {f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)}
        return Changes(**both)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @classmethod
    def everything(cls) -> Changes:
        return cls(**{f.name: True for f in fields(cls)})

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self) if getattr(self, f.name))


NOTHING = Changes()
