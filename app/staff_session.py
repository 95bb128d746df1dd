"""A staff member's session at the kiosk, and the visit that just ended, free of Qt.

A volunteer or a site admin logs in with their PIN; the window then holds one `StaffSession`:
who is logged in, since when, and when they last touched a staff screen. The PIN is asked again
after `STAFF_REAUTH_MINUTES` without a touch, and the kiosk goes back to visitor mode after the
site's `staff_mode_minutes` without a touch (whichever comes first: a site may choose fewer
minutes than the re-authentication delay). Times come from an injectable monotonic clock
(seconds), so tests move time without waiting.

`LastVisit` is what staff may still see of the visit that just ended: its anonymous outcome and
the step ids of the path taken (never an answer), kept in memory only, for at most
`LAST_VISIT_MINUTES` or until the next visit starts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from pasapas.app.guide import Outcome
from pasapas.app.settings import STAFF_MODE_MINUTES, STAFF_REAUTH_MINUTES

if TYPE_CHECKING:
    from pasapas.app.staff import StaffAccount, StaffDisplay

LAST_VISIT_MINUTES = 30


class SessionState(StrEnum):
    ACTIVE = "active"  # staff screens may be shown
    NEEDS_PIN = "needs_pin"  # idle too long: the PIN again before the next staff screen
    EXPIRED = "expired"  # idle for the staff mode's whole time: back to visitor mode


@dataclass
class StaffSession:
    """One logged-in staff member. `touch()` on every input on a staff screen."""

    account: StaffAccount
    mode_minutes: int = 30
    clock: Callable[[], float] = time.monotonic
    reauth_minutes: int = STAFF_REAUTH_MINUTES
    started: float = field(init=False)
    last_activity: float = field(init=False)

    def __post_init__(self) -> None:
        low, high = STAFF_MODE_MINUTES
        self.mode_minutes = min(max(int(self.mode_minutes), low), high)
        self.started = self.last_activity = self.clock()

    @property
    def idle_seconds(self) -> float:
        return max(0.0, self.clock() - self.last_activity)

    @property
    def state(self) -> SessionState:
        idle = self.idle_seconds
        if idle >= self.mode_minutes * 60:
            return SessionState.EXPIRED
        if idle >= self.reauth_minutes * 60:
            return SessionState.NEEDS_PIN
        return SessionState.ACTIVE

    def touch(self) -> None:
        """Staff did something: the idle delays start again (not once the PIN is due: only the
        PIN itself, `confirmed()`, clears that)."""
        if self.state is SessionState.ACTIVE:
            self.last_activity = self.clock()

    def confirmed(self, account: StaffAccount) -> None:
        """The PIN was given again: active again, with the account as the store has it now."""
        self.account = account
        self.last_activity = self.clock()

    def set_display(self, display: StaffDisplay) -> None:
        self.account = replace(self.account, display=display)

    def seconds_left(self) -> float:
        """Seconds until visitor mode comes back, if nobody touches a staff screen."""
        return max(0.0, self.mode_minutes * 60 - self.idle_seconds)


@dataclass(frozen=True)
class LastVisit:
    """The visit that just ended, as staff may use it: for a report's pre-fill, for the sheet of
    the path taken. No answer, no text typed, no name."""

    outcome: Outcome
    path: tuple[str, ...]  # the step ids the visitor went through, in order
    ended: float  # on the session clock (monotonic seconds)

    def fresh(self, now: float) -> bool:
        return 0 <= now - self.ended < LAST_VISIT_MINUTES * 60
